"""Message catalogs: every string the code uses is translated, with the same placeholders."""

import re
import string
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from core.i18n import LOCALES_DIR, RLM, Catalogs
from core.i18n_missing import describe, missing_messages, stub_catalog

# Every language residents can choose must have every message (`python -m core.i18n_missing ps`
# lists what a catalog lacks).
TRANSLATED = ("ur", "ps")


def _fields(text: str) -> set[str]:
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name}


def _tags(text: str) -> list[str]:
    return sorted(re.findall(r"</?[a-z]+", text))


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_is_translated(language: str) -> None:
    with (LOCALES_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalog = read_po(po, locale=language)
    missing = missing_messages(language)
    assert missing == [], (
        f"{len(missing)} untranslated in {language} (python -m core.i18n_missing {language}):\n"
        + describe(missing)
    )
    for message in catalog:
        if not message.id:
            continue
        assert "fuzzy" not in message.flags, message.id
        source = str(message.id if isinstance(message.id, str) else message.id[-1])
        translated_forms = (
            [message.string] if isinstance(message.string, str) else list(message.string or ())
        )
        for translated in translated_forms:
            assert _fields(source) == _fields(str(translated)), message.id
            assert _tags(source) == _tags(str(translated)), message.id


def test_values_are_escaped_and_urdu_lines_are_marked_rtl() -> None:
    catalogs = Catalogs.load()
    english = catalogs.get("en")("Language: {language}", language="<b>x</b> & y")
    assert english == "Language: &lt;b&gt;x&lt;/b&gt; &amp; y"
    urdu = catalogs.get("ur")("You follow: {districts}", districts="Quetta")
    assert urdu.startswith(RLM)
    pashto = catalogs.get("ps")("You follow: {districts}", districts="Quetta")
    assert pashto.startswith(RLM) and "Quetta" in pashto
    assert catalogs.get("bal").language == "en"  # an unknown language falls back to the default
    assert catalogs.pick("ur-PK") == "ur" and catalogs.pick(None) == "en"


def test_times_show_the_year_only_when_it_is_not_this_year() -> None:
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from views.alerts import local_time

    tz, now = ZoneInfo("Asia/Karachi"), datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    english = Catalogs.load("en").get("en")
    assert local_time(english, datetime(2026, 11, 28, 9, 5, tzinfo=UTC), tz, now=now) == (
        "28 Nov, 14:05"
    )
    assert local_time(english, datetime(2027, 1, 2, 9, 5, tzinfo=UTC), tz, now=now) == (
        "2 Jan 2027, 14:05"
    )


def test_pashto_has_two_plural_forms_and_pashto_letters() -> None:
    with (LOCALES_DIR / "ps" / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalog = read_po(po, locale="ps")
    assert catalog.plural_forms == "nplurals=2; plural=(n != 1);"
    assert "native" in (catalog.last_translator or "")  # it still awaits a native speaker
    pashto = Catalogs.load().get("ps")
    assert pashto.plural("{count} person", "{count} people", 1) == RLM + "1 کس"
    assert pashto.plural("{count} person", "{count} people", 3) == RLM + "3 کسان"
    # Urdu letters a Pashto text never uses: a sign of a line copied from the Urdu catalog.
    urdu_only = set("ٹڈڑہھگے")
    for message in catalog:
        forms = [message.string] if isinstance(message.string, str) else list(message.string or ())
        assert not any(urdu_only & set(form) for form in forms), message.id


def test_the_missing_strings_tool_names_what_a_catalog_lacks(tmp_path: Path) -> None:
    folder = tmp_path / "ps" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    source = (LOCALES_DIR / "ps" / "LC_MESSAGES" / "messages.po").read_text(encoding="utf-8")
    entry = 'msgid "Choose your language:"\nmsgstr "خپله ژبه وټاکئ:"\n'
    assert entry in source
    (folder / "messages.po").write_text(source.replace(entry, ""), encoding="utf-8")
    missing = missing_messages("ps", directory=tmp_path)
    assert missing == ["Choose your language:"]
    stubs = stub_catalog("ps", missing, LOCALES_DIR)
    assert [m.user_comments for m in stubs if m.id] == [["ur: اپنی زبان منتخب کریں:"]]
    assert "{count} day ago | {count} days ago" in describe(missing_messages("bal"))


def _glossary_rows() -> list[tuple[str, str, str]]:
    text = (LOCALES_DIR / "GLOSSARY.md").read_text(encoding="utf-8")
    checked = text.split("## Catalog words", 1)[1].split("\n## ", 1)[0]
    rows = [
        tuple(cell.strip() for cell in line.strip("|").split("|"))
        for line in checked.splitlines()
        if line.startswith("|") and not line.startswith(("| English", "| ---"))
    ]
    return [(en, ur, ps) for en, ur, ps in rows]


def test_the_catalogs_use_the_glossary_words() -> None:
    catalogs = Catalogs.load()
    rows = _glossary_rows()
    assert len(rows) >= 30
    for english, urdu, pashto in rows:
        assert catalogs.get("ur").plain(english) == urdu, english
        assert catalogs.get("ps").plain(english) == pashto, english
