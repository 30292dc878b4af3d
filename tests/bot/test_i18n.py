"""Message catalogs: every string the code uses is translated, with the same placeholders."""

import re
import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from core.i18n import LOCALES_DIR, RLM, Catalogs

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {"_": None, "N_": None, "plain": None, "plural": (1, 2)}
TRANSLATED = ("ur",)


def _source_messages() -> set[str]:
    found: set[str] = set()
    for folder in ("core", "views", "bot", "handlers", "domain", "delivery", "api", "ingest"):
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / folder, keywords=KEYWORDS, method_map=[("**.py", "python")]
        ):
            found.update([message] if isinstance(message, str) else [m for m in message if m])
    return found


def _fields(text: str) -> set[str]:
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name}


def _tags(text: str) -> list[str]:
    return sorted(re.findall(r"</?[a-z]+", text))


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_is_translated(language: str) -> None:
    with (LOCALES_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalog = read_po(po, locale=language)
    translations: dict[str, bool] = {}
    for m in catalog:
        ids = [m.id] if isinstance(m.id, str) else list(m.id)
        strings = [m.string] if isinstance(m.string, str) else list(m.string or ())
        for msgid in ids:
            translations[msgid] = bool(strings) and all(strings)
    missing = sorted(m for m in _source_messages() if not translations.get(m))
    assert missing == [], f"untranslated in {language}: {missing}"
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
    assert catalogs.get("ps").language == "en"  # an unknown language falls back to the default
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
