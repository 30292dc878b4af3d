"""The one-message alert form, which the wizard also fills in."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from domain.alerts import AlertKind, Severity, Status, TransportMode, Urgency
from domain.alerts.changes import changes_from, fields_of
from domain.alerts.form import (
    FormIssue,
    build_content,
    looks_like_form,
    read_form,
)
from domain.gazetteer import Gazetteer

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
TZ = ZoneInfo("Asia/Karachi")
GAZETTEER = Gazetteer.default()


def build(text: str):  # type: ignore[no-untyped-def]
    fields, problems = read_form(text)
    assert problems == []
    return build_content(fields, gazetteer=GAZETTEER, now=NOW, tz=TZ, language="en")


def test_a_complete_transport_form() -> None:
    built = build(
        "kind: transport\nroute: N-40\nmode: road\nsegment: Nushki–Dalbandin\n"
        "severity: severe\nurgency: immediate\nheadline: N-40 closed\nexpires: 12h"
    )
    assert built.problems == () and built.content is not None
    content = built.content
    assert content.kind is AlertKind.TRANSPORT and content.severity is Severity.SEVERE
    assert content.districts == ("mastung", "nushki", "chagai")  # along the route
    assert content.transport is not None and content.transport.mode is TransportMode.ROAD
    assert content.transport.route == "N-40"
    assert content.urgency is Urgency.IMMEDIATE and content.status is Status.ACTUAL
    assert content.expires - content.effective == timedelta(hours=12)


def test_multi_line_description_and_defaults() -> None:
    built = build(
        "kind: security\ndistricts: Dalbandin, Pasni\nseverity: extreme\nheadline: Attack\n"
        "description: First line\nsecond line\nstatus: exercise"
    )
    assert built.content is not None
    assert built.content.districts == ("chagai", "gwadar")  # towns map to districts
    assert built.content.texts[0].description == "First line\nsecond line"
    assert built.content.status is Status.EXERCISE and built.content.team_only
    assert built.content.expires - built.content.effective == timedelta(hours=24)  # default


def test_every_problem_is_reported_at_once() -> None:
    fields, unread = read_form("foo: bar\nkind: flood\ndistricts: Atlantis, Dasht\nexpires: soon")
    assert [(p.issue, p.field) for p in unread] == [(FormIssue.UNKNOWN_KEY, "foo")]
    built = build_content(fields, gazetteer=GAZETTEER, now=NOW, tz=TZ, language="en")
    issues = {(p.issue, p.field) for p in built.problems}
    assert (FormIssue.BAD_CHOICE, "kind") in issues
    assert (FormIssue.UNKNOWN_PLACE, "districts") in issues
    assert (FormIssue.AMBIGUOUS_PLACE, "districts") in issues
    assert (FormIssue.BAD_TIME, "expires") in issues
    assert (FormIssue.MISSING, "headline") in issues and (FormIssue.MISSING, "severity") in issues
    assert built.content is None


def test_form_detection_and_round_trip() -> None:
    assert looks_like_form("headline: x") and not looks_like_form("Mastung, Kalat")
    built = build(
        "kind: displacement\ndistricts: Quetta\nseverity: moderate\n"
        "headline: Families arrive\nfamilies: 120\nindividuals: ۸۰۰\nfrom: Nushki"
    )
    assert built.content is not None and built.content.displacement is not None
    assert built.content.displacement.individuals == 800  # Urdu digits
    fields = fields_of(built.content, TZ)
    again = build_content(fields, gazetteer=GAZETTEER, now=NOW, tz=TZ, language="en")
    assert again.content is not None and again.content.displacement == built.content.displacement


def test_changes_keep_what_is_not_named() -> None:
    base = build(
        "kind: security\ndistricts: Quetta\nseverity: minor\nheadline: Old\ninstruction: Stay in"
    ).content
    assert base is not None
    changes, problems = changes_from(
        {"severity": "extreme"}, gazetteer=GAZETTEER, now=NOW, tz=TZ, base=base
    )
    assert problems == []
    assert changes.severity is Severity.EXTREME
    assert changes.texts is not None and changes.texts[0].instruction == "Stay in"
    assert changes.expires is None  # keeps the original's expiry


def test_texts_in_several_languages() -> None:
    built = build(
        "kind: security\ndistricts: Quetta\nseverity: severe\nheadline: Firing in Sariab\n"
        "instruction: Stay in.\nheadline_ur: سریاب میں فائرنگ\ninstruction_ur: گھر میں رہیں۔"
    )
    assert built.content is not None
    english, urdu = built.content.texts
    assert (english.language, urdu.language) == ("en", "ur")
    assert urdu.headline == "سریاب میں فائرنگ" and urdu.instruction == "گھر میں رہیں۔"
    assert built.content.text("ur") is urdu and built.content.text("ps") is english
    assert fields_of(built.content, TZ)["headline_ur"] == "سریاب میں فائرنگ"


URDU_ORIGINAL = (
    "kind: security\ndistricts: Quetta\nseverity: severe\nheadline: Firing near Sariab Road\n"
    "instruction: Avoid the area; stay indoors.\n"
    "headline_ur: سریاب روڈ کے قریب فائرنگ\ninstruction_ur: علاقے سے دور رہیں؛ گھر میں رہیں۔"
)


def test_an_update_never_carries_a_superseded_translation() -> None:
    base = build(URDU_ORIGINAL).content
    assert base is not None
    changes, problems = changes_from(
        {"headline": "Road reopened, police on site", "instruction": "Travel with care."},
        gazetteer=GAZETTEER,
        now=NOW,
        tz=TZ,
        base=base,
    )
    assert problems == []
    assert changes.texts is not None
    # Urdu readers get the new English text (with the not-in-your-language note), not the old Urdu.
    assert [text.language for text in changes.texts] == ["en"]
    assert changes.texts[0].headline == "Road reopened, police on site"


def test_an_update_keeps_translations_it_gives_anew_or_did_not_touch() -> None:
    base = build(URDU_ORIGINAL).content
    assert base is not None
    renewed, _problems = changes_from(
        {"headline": "Road reopened", "headline_ur": "سڑک کھل گئی"},
        gazetteer=GAZETTEER,
        now=NOW,
        tz=TZ,
        base=base,
    )
    assert renewed.texts is not None
    urdu = renewed.texts[1]
    # The instruction did not change, so its Urdu translation still holds.
    assert (urdu.headline, urdu.instruction) == ("سڑک کھل گئی", "علاقے سے دور رہیں؛ گھر میں رہیں۔")
    untouched, _problems = changes_from(
        {"severity": "extreme"}, gazetteer=GAZETTEER, now=NOW, tz=TZ, base=base
    )
    assert untouched.texts is not None and untouched.texts[1].headline == "سریاب روڈ کے قریب فائرنگ"
