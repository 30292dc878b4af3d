"""SMS encoding, segments, fitting within two segments, and inbound keywords."""

import pytest

from domain.sms import Coding, Encoded, Keyword, coding_of, fit, parse_command, segment_count
from domain.sms.encoding import decode, encode, split, units
from domain.sms.fit import budget


def test_gsm_alphabet_and_extension() -> None:
    assert coding_of("Firing near Quetta, stay in!") is Coding.GSM7
    assert coding_of("Price €5 [approx]") is Coding.GSM7
    assert units("€[]") == 6
    assert coding_of("کوئٹہ") is Coding.UCS2
    assert coding_of("curly ’quote’") is Coding.UCS2
    # 0x5F is § (not a backtick) and form feed is in the extension table
    assert encode("§", Coding.GSM7) == b"\x5f"
    assert encode("\f", Coding.GSM7) == b"\x1b\x0a"
    assert decode(encode("a€§{x}", Coding.GSM7), 0) == "a€§{x}"
    assert decode("کوئٹہ".encode("utf-16-be"), 8) == "کوئٹہ"


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("a" * 306, 2),
        ("a" * 307, 3),
        ("€" * 80, 1),
        ("€" * 81, 2),  # 162 septets
        ("ک" * 70, 1),
        ("ک" * 71, 2),
        ("ک" * 134, 2),
        ("ک" * 135, 3),
        ("", 1),
    ],
)
def test_segment_counts(text: str, count: int) -> None:
    assert segment_count(text) == count


def test_extension_characters_count_as_two_septets_when_splitting() -> None:
    parts = split("a" + "€" * 100)
    assert all(units(p, Coding.GSM7) <= 153 for p in parts)
    assert "".join(parts) == "a" + "€" * 100


def test_emoji_is_never_split() -> None:
    parts = split("ک" * 66 + "🙂" + "ک" * 10)
    assert parts[0].endswith("ک") and parts[1].startswith("🙂")


def test_concatenated_payloads_fit_140_octets() -> None:
    urdu = Encoded.of("ک" * 100, reference=7)
    assert urdu.coding is Coding.UCS2 and urdu.concatenated
    assert [p[:6] for p in urdu.payloads] == [
        b"\x05\x00\x03\x07\x02\x01",
        b"\x05\x00\x03\x07\x02\x02",
    ]
    assert all(len(p) <= 140 for p in urdu.payloads)
    latin = Encoded.of("word " * 50, reference=300)
    assert latin.coding is Coding.GSM7 and latin.payloads[0][3] == 300 & 0xFF
    # 153 septets, packed, are 134 octets: with the header, 140 on the air
    assert all(len(p) - 6 <= 153 for p in latin.payloads)
    assert not Encoded.of("short", reference=1).concatenated


def test_fit_keeps_short_text_whole() -> None:
    assert fit("SEVERE:", ["Quetta.", "Firing."], "Ref KB-1") == "SEVERE: Quetta. Firing. Ref KB-1"


def test_fit_shortens_the_instruction_first_at_a_word() -> None:
    instruction = "Stay indoors and away from windows " * 20
    text = fit("SEVERE:", ["Quetta.", "Firing near the bypass.", instruction], "Ref KB-2026-0042")
    assert units(text) <= budget(Coding.GSM7) == 306
    assert text.startswith("SEVERE: Quetta. Firing near the bypass. Stay indoors")
    assert text.endswith("... Ref KB-2026-0042")
    body = text.removesuffix("... Ref KB-2026-0042")
    assert instruction.startswith(body.split("bypass. ", 1)[1])  # cut between words
    assert not body.endswith(" ")


def test_fit_urdu_within_134_characters() -> None:
    headline = "کوئٹہ بائی پاس کے قریب فائرنگ " * 4
    instruction = "گھر کے اندر رہیں اور کھڑکیوں سے دور رہیں " * 5
    text = fit("شدید:", ["کوئٹہ۔", headline, instruction], "حوالہ KB-2026-0042")
    assert coding_of(text) is Coding.UCS2
    assert units(text) <= 134
    assert segment_count(text) <= 2
    assert text.endswith("حوالہ KB-2026-0042")
    assert "…" in text


def test_fit_drops_a_piece_when_not_a_word_fits() -> None:
    text = fit("SEVERE:", ["Quetta.", "x" * 400], "Ref KB-1")
    assert text == "SEVERE: Quetta. Ref KB-1"


@pytest.mark.parametrize(
    ("text", "keyword", "place", "language"),
    [
        ("JOIN QUETTA", Keyword.JOIN, "QUETTA", "en"),
        ("  join   dalbandin. ", Keyword.JOIN, "dalbandin", "en"),
        ("Stop", Keyword.STOP, "", "en"),
        ("STOP Quetta", Keyword.STOP, "Quetta", "en"),
        ("status quetta", Keyword.STATUS, "quetta", "en"),
        ("HELP", Keyword.HELP, "", "en"),
        ("شامل کوئٹہ", Keyword.JOIN, "کوئٹہ", "ur"),
        ("بند", Keyword.STOP, "", "ur"),
        ("حالت کوئٹہ", Keyword.STATUS, "کوئٹہ", "ur"),
        ("مدد", Keyword.HELP, "", "ur"),
    ],
)
def test_keywords(text: str, keyword: Keyword, place: str, language: str) -> None:
    command = parse_command(text)
    assert (command.keyword, command.place, command.language) == (keyword, place, language)


@pytest.mark.parametrize(
    ("text", "language"), [("hello there", "en"), ("سلام", "ur"), ("", "en"), ("x" * 1000, "en")]
)
def test_unknown_keywords_answer_in_the_script_language(text: str, language: str) -> None:
    command = parse_command(text)
    assert command.keyword is None and command.language == language


def test_a_long_sms_is_read_only_so_far() -> None:
    command = parse_command("JOIN " + "quetta " * 200)
    assert command.keyword is Keyword.JOIN and len(command.place) <= 160
