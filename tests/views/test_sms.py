"""Every alert kind rendered as SMS: within two segments, in English and Urdu."""

from datetime import UTC, datetime

import pytest

from core.i18n import Catalogs
from domain.alerts import Alert, AlertKind, AlertState, AlertText, MsgType, Severity, Status
from domain.sms import segment_count
from domain.sms.encoding import Coding, coding_of, units
from tests.delivery.helpers import G, content
from views.sms import render_sms

NOW = datetime(2026, 12, 2, 6, 0, tzinfo=UTC)
CATALOGS = Catalogs.load()


def alert(**overrides: object) -> Alert:
    msg_type = overrides.pop("msg_type", MsgType.ALERT)
    note = str(overrides.pop("note", ""))
    return Alert(
        identifier="KB-2026-0042",
        content=content(NOW, **overrides),
        author_id=1,
        created_at=NOW,
        state=AlertState.VERIFIED,
        msg_type=msg_type,  # type: ignore[arg-type]
        references="KB-2026-0041" if msg_type is not MsgType.ALERT else None,
        note=note,
    )


def test_english_alert() -> None:
    text = render_sms(CATALOGS.get("en"), alert(), gazetteer=G)
    assert text == "SEVERE: Quetta. Firing near Quetta bypass. Stay in. Ref KB-2026-0042"
    assert coding_of(text) is Coding.GSM7


def test_urdu_alert_is_ucs2_within_two_segments() -> None:
    text = render_sms(CATALOGS.get("ur"), alert(), gazetteer=G)
    assert text.startswith("شدید:")
    assert "کوئٹہ بائی پاس کے قریب فائرنگ" in text and text.endswith("KB-2026-0042")
    assert coding_of(text) is Coding.UCS2 and segment_count(text) <= 2


@pytest.mark.parametrize("language", ["en", "ur"])
@pytest.mark.parametrize("kind", list(AlertKind))
@pytest.mark.parametrize("msg_type", list(MsgType))
def test_every_kind_fits_two_segments(language: str, kind: AlertKind, msg_type: MsgType) -> None:
    long = AlertText(
        "en", "Long headline " * 10, "", "Avoid the N-25 and stay indoors until told otherwise " * 9
    )
    urdu = AlertText("ur", "طویل سرخی " * 14, "", "گھر کے اندر رہیں " * 30)
    found = alert(
        kind=kind,
        texts=(long, urdu),
        districts=("quetta", "mastung", "kalat", "nushki"),
        msg_type=msg_type,
        note="False report",
    )
    text = render_sms(CATALOGS.get(language), found, gazetteer=G)
    assert segment_count(text) <= 2
    assert units(text) <= (134 if coding_of(text) is Coding.UCS2 else 306)
    assert text.endswith("KB-2026-0042")
    assert "  " not in text


@pytest.mark.parametrize("language", ["en", "ur"])
def test_exercises_begin_with_exercise_in_every_language(language: str) -> None:
    found = alert(status=Status.EXERCISE, severity=Severity.EXTREME)
    text = render_sms(CATALOGS.get(language), found, gazetteer=G)
    assert text.startswith("EXERCISE")


def test_typographic_dashes_do_not_force_ucs2() -> None:
    texts = (AlertText("en", "Quetta–Taftan trains suspended", "", "Don’t travel — use the N-40"),)
    text = render_sms(CATALOGS.get("en"), alert(texts=texts), gazetteer=G)
    assert "Quetta-Taftan trains suspended. Don't travel - use the N-40" in text
    assert coding_of(text) is Coding.GSM7
