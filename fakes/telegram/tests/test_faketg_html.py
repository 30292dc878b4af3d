"""The HTML parser against tdlib's own test vectors (td/test/message_entities.cpp)."""

from __future__ import annotations

import pytest

from faketg.entities import trim, utf16_len
from faketg.html import HtmlError, parse_html

STADIUM = "🏟 🏟&lt;"  # 13 bytes of UTF-8 before the interesting part, as in tdlib's tests


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("&#57311;", "Text contains invalid Unicode characters after decoding HTML entities"),
        (STADIUM + "<abacaba", "Unclosed start tag at byte offset 13"),
        (STADIUM + "<abac aba>", 'Unsupported start tag "abac" at byte offset 13'),
        (STADIUM + "<i   =aba>", 'Empty attribute name in the tag "i" at byte offset 13'),
        (
            STADIUM + "<i    aba>",
            'Can\'t find end tag corresponding to start tag "i"',
        ),
        (STADIUM + "<i    aba  =  ", 'Unclosed start tag "i" at byte offset 13'),
        (STADIUM + "<i    aba  =  190azAz-.,", "Unexpected end of name token at byte offset 27"),
        (STADIUM + '<i    aba  =  "&lt;&gt;&quot;>', "Unclosed start tag at byte offset 13"),
        (STADIUM + "</", "Unexpected end tag at byte offset 13"),
        (STADIUM + "<b></b></", "Unexpected end tag at byte offset 20"),
        (STADIUM + "<i>a</i   ", "Unclosed end tag at byte offset 17"),
        (
            STADIUM + "<i>a</em   >",
            'Unmatched end tag at byte offset 17, expected "</i>", found "</em>"',
        ),
        ("<tg-emoji>x</tg-emoji>", "Invalid custom emoji identifier specified"),
        ('<tg-time unix="12345" format="rt">x</tg-time>', "Invalid date format used"),
        ('<a href="x" />y</a>', 'Empty attribute name in the tag "a" at byte offset 0'),
    ],
)
def test_errors(text: str, error: str) -> None:
    with pytest.raises(HtmlError) as err:
        parse_html(text)
    assert str(err.value).startswith(error)


def kinds(text: str) -> tuple[str, list[tuple[str, int, int]]]:
    parsed = parse_html(text)
    return parsed.text, [(e["type"], e["offset"], e["length"]) for e in parsed.entities]


def test_entities_use_utf16_offsets() -> None:
    assert kinds("➡️ ➡️<i>➡️ ➡️</i><b>➡️ ➡️</b>") == (
        "➡️ ➡️➡️ ➡️➡️ ➡️",
        [("italic", 5, 5), ("bold", 10, 5)],
    )
    assert kinds("🏟 🏟<i>🏟 &gt;<b aba   =   caba>&lt🏟</b></i>") == (
        "🏟 🏟🏟 ><🏟",
        [("italic", 5, 7), ("bold", 9, 3)],
    )
    assert kinds(STADIUM + "<i>🏟 🏟&lt;</>") == ("🏟 🏟<🏟 🏟<", [("italic", 6, 6)])
    assert utf16_len("🏟") == 2


def test_entities_and_unknown_references_stay_literal() -> None:
    text = "&ge;&lt;&gt;&amp;&quot;&laquo;&raquo;&#12345678;"
    assert parse_html(text).text == '&ge;<>&"&laquo;&raquo;&#12345678;'
    assert parse_html("Tom & Jerry > 1").text == "Tom & Jerry > 1"  # tdlib accepts these
    with pytest.raises(HtmlError):
        parse_html("Tom & Jerry", strict_ampersand=True)


def test_links_pre_code_spoiler_blockquote() -> None:
    def only(text: str) -> list[dict[str, object]]:
        return parse_html(text).entities

    assert only("<a href=telegram.org> </a>")[0]["url"] == "http://telegram.org/"
    assert only("<a   href=  'telegram.org?&lt;'   > </a>")[0]["url"] == "http://telegram.org/?<"
    assert only("<a>telegram.org </a>") == []
    assert only('<a href="javascript:alert(1)">x</a>') == []
    assert only('<a href="tg://user?id=123">me</a>')[0]["type"] == "text_mention"
    assert only('<pre><code class="language-fift">x</code></pre>') == [
        {"type": "pre", "offset": 0, "length": 1, "language": "fift"}
    ]
    assert [e["type"] for e in only("<pre><code>x</code></pre>")] == ["pre", "code"]
    assert only('<code class="language-py">x</code>') == [
        {"type": "code", "offset": 0, "length": 1}
    ]
    assert only('<span class="tg-spoiler">s</span><tg-spoiler>t</tg-spoiler>') == [
        {"type": "spoiler", "offset": 0, "length": 1},
        {"type": "spoiler", "offset": 1, "length": 1},
    ]
    assert only("<blockquote expandable>q</blockquote>")[0]["type"] == "expandable_blockquote"
    assert only("<blockquote expandable=false>q</blockquote>")[0]["type"] == "expandable_blockquote"
    assert only('<blockquote   cite="" askdlbas nasjdbaj nj12b3>q</>')[0]["type"] == "blockquote"
    assert only('<tg-time unix = "12345", format = "wDT">t</tg-time>') == [
        {
            "type": "date_time",
            "offset": 0,
            "length": 1,
            "unix_time": 12345,
            "date_time_format": "wDT",
        }
    ]
    assert (
        only('<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>')[0]["type"] == "custom_emoji"
    )
    assert only("<B>upper</B>")[0]["type"] == "bold"
    assert only("<b></b>x") == []  # empty entities vanish


def test_trim_moves_entities() -> None:
    parsed = trim(parse_html("\n  <b>hi</b> there  \n"))
    assert parsed.text == "hi there"
    assert parsed.entities == [{"type": "bold", "offset": 0, "length": 2}]
