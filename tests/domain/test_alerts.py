"""Alert values and drafting checks: codes, limits, default expiries, identifiers."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta, timezone

import pytest

from domain.alerts import (
    DEFAULT_LIFETIME,
    MAX_RENDERED_CHARS,
    TEMPLATE_BUDGET_CHARS,
    Alert,
    AlertContent,
    AlertKind,
    AlertText,
    Certainty,
    Displacement,
    ProblemCode,
    Severity,
    Status,
    Transport,
    TransportMode,
    Urgency,
    default_expiry,
    estimated_length,
    fits_in_message,
    format_identifier,
    is_exercise,
    parse_identifier,
    telegram_length,
    validate_draft,
    validate_reason,
)
from domain.gazetteer import Gazetteer

NOW = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
GAZETTEER = Gazetteer.default()


def content(**overrides: object) -> AlertContent:
    values: dict[str, object] = {
        "kind": AlertKind.SECURITY,
        "severity": Severity.SEVERE,
        "urgency": Urgency.IMMEDIATE,
        "certainty": Certainty.OBSERVED,
        "texts": (AlertText("en", "Firing reported near Mastung bypass", "Details.", "Stay in."),),
        "districts": ("mastung",),
        "effective": NOW,
        "expires": NOW + timedelta(hours=24),
    }
    values.update(overrides)
    return AlertContent(**values)  # type: ignore[arg-type]


def codes(draft: AlertContent) -> list[ProblemCode]:
    return [p.code for p in validate_draft(draft, gazetteer=GAZETTEER, now=NOW)]


def test_a_complete_draft_has_no_problems() -> None:
    assert codes(content()) == []


def test_default_expiry_per_kind() -> None:
    assert set(DEFAULT_LIFETIME) == set(AlertKind)
    assert default_expiry(AlertKind.SECURITY, NOW) == NOW + timedelta(hours=24)
    assert default_expiry(AlertKind.TRANSPORT, NOW) == NOW + timedelta(hours=48)
    assert default_expiry(AlertKind.DISPLACEMENT, NOW) == NOW + timedelta(days=7)
    # Every default passes validation on its own.
    for kind in AlertKind:
        extra: dict[str, object] = {}
        if kind is AlertKind.TRANSPORT:
            extra["transport"] = Transport(TransportMode.ROAD, "N-25")
        if kind is AlertKind.DISPLACEMENT:
            extra["displacement"] = Displacement(families=10)
        assert codes(content(kind=kind, expires=default_expiry(kind, NOW), **extra)) == []


@pytest.mark.parametrize(
    ("text", "code"),
    [
        (AlertText("en", "  "), ProblemCode.HEADLINE_MISSING),
        (AlertText("en", "x" * 141), ProblemCode.HEADLINE_TOO_LONG),
        (AlertText("en", "ok", description="x" * 2001), ProblemCode.DESCRIPTION_TOO_LONG),
        (AlertText("en", "ok", instruction="x" * 501), ProblemCode.INSTRUCTION_TOO_LONG),
        (AlertText("", "ok"), ProblemCode.BAD_LANGUAGE),
    ],
)
def test_text_problems(text: AlertText, code: ProblemCode) -> None:
    assert codes(content(texts=(text,))) == [code]


def test_text_limits_are_inclusive_and_name_the_language() -> None:
    full = AlertText("ur", "ا" * 140, "ب" * 2000, "پ" * 500)
    assert codes(content(texts=(full,))) == []
    problems = validate_draft(
        content(texts=(AlertText("en", "ok"), AlertText("ur", "ا" * 141))),
        gazetteer=GAZETTEER,
        now=NOW,
    )
    assert [(p.code, p.subject, p.limit) for p in problems] == [
        (ProblemCode.HEADLINE_TOO_LONG, "ur", 140)
    ]


def test_texts_need_one_language_each() -> None:
    assert codes(content(texts=())) == [ProblemCode.NO_TEXT]
    twice = (AlertText("en", "a"), AlertText("en", "b"))
    assert codes(content(texts=twice)) == [ProblemCode.DUPLICATE_LANGUAGE]


def test_district_problems() -> None:
    assert codes(content(districts=())) == [ProblemCode.NO_DISTRICTS]
    assert codes(content(districts=("mastung", "atlantis"))) == [ProblemCode.UNKNOWN_DISTRICT]
    assert codes(content(districts=("quetta", "quetta"))) == [ProblemCode.DUPLICATE_DISTRICT]


@pytest.mark.parametrize(
    ("effective", "expires", "code"),
    [
        (NOW, NOW, ProblemCode.EXPIRES_NOT_AFTER_EFFECTIVE),
        (NOW - timedelta(days=2), NOW - timedelta(days=1), ProblemCode.EXPIRES_IN_PAST),
        # Effective now (the default) and an expiry typed in the past: say "in the past".
        (NOW, NOW - timedelta(hours=1), ProblemCode.EXPIRES_IN_PAST),
        (NOW, NOW + timedelta(days=30, seconds=1), ProblemCode.EXPIRES_TOO_FAR),
    ],
)
def test_time_problems(effective: datetime, expires: datetime, code: ProblemCode) -> None:
    assert codes(content(effective=effective, expires=expires)) == [code]


def test_thirty_days_is_allowed() -> None:
    assert codes(content(expires=NOW + timedelta(days=30))) == []


def test_times_must_be_aware() -> None:
    with pytest.raises(ValueError):
        content(effective=datetime(2026, 3, 1, 8, 0))


def transport(value: Transport | None) -> list[ProblemCode]:
    return codes(content(kind=AlertKind.TRANSPORT, transport=value))


def test_transport_problems() -> None:
    assert transport(Transport(TransportMode.ROAD, "N-25", "Mastung–Kalat")) == []
    assert transport(Transport(TransportMode.AIR)) == []
    assert transport(None) == [ProblemCode.TRANSPORT_MISSING]
    assert transport(Transport(None)) == [ProblemCode.TRANSPORT_MODE_MISSING]
    assert transport(Transport(TransportMode.ROAD, "N-99")) == [ProblemCode.UNKNOWN_ROUTE]
    # Routes are stored by their canonical code only.
    assert transport(Transport(TransportMode.ROAD, "n25")) == [ProblemCode.UNKNOWN_ROUTE]
    assert transport(Transport(TransportMode.RAIL, "N-25")) == [ProblemCode.ROUTE_MODE_MISMATCH]
    assert transport(Transport(TransportMode.ROAD, segment="x" * 121)) == [
        ProblemCode.SEGMENT_TOO_LONG
    ]
    assert codes(content(transport=Transport(TransportMode.ROAD))) == [
        ProblemCode.TRANSPORT_NOT_ALLOWED
    ]


def displacement(value: Displacement | None) -> list[ProblemCode]:
    return codes(content(kind=AlertKind.DISPLACEMENT, displacement=value))


def test_displacement_problems() -> None:
    assert displacement(Displacement(families=0)) == []
    assert displacement(Displacement(120, 700, "Awaran", "Turbat")) == []
    assert displacement(None) == [ProblemCode.DISPLACEMENT_MISSING]
    assert displacement(Displacement()) == [ProblemCode.DISPLACEMENT_NO_FIGURES]
    assert displacement(Displacement(individuals=-1)) == [ProblemCode.DISPLACEMENT_NEGATIVE]
    assert displacement(Displacement(700, 120)) == [ProblemCode.DISPLACEMENT_IMPLAUSIBLE]
    assert displacement(Displacement(individuals=10**9)) == [ProblemCode.DISPLACEMENT_IMPLAUSIBLE]
    assert displacement(Displacement(1, to_place="x" * 121)) == [ProblemCode.PLACE_TOO_LONG]
    assert codes(content(displacement=Displacement(1))) == [ProblemCode.DISPLACEMENT_NOT_ALLOWED]


def test_rendered_budget() -> None:
    assert MAX_RENDERED_CHARS == 4096
    draft = content(source="s" * 200)
    text = AlertText("en", "h" * 140, "d" * 2000, "i" * 500)
    assert estimated_length(draft, text) == 140 + 2000 + 500 + 200 + len("mastung") + 600
    # The field limits alone keep a draft inside the budget...
    assert codes(dataclasses.replace(draft, texts=(text,))) == []
    # ...but emoji count twice, as Telegram counts UTF-16 units.
    heavy = AlertText("en", "h", "😀" * 1800)
    assert telegram_length("😀") == 2
    assert estimated_length(draft, heavy) > MAX_RENDERED_CHARS - TEMPLATE_BUDGET_CHARS
    assert codes(dataclasses.replace(draft, texts=(heavy,))) == [ProblemCode.MESSAGE_TOO_LONG]
    assert fits_in_message("x" * 4096)
    assert not fits_in_message("x" * 4097)
    assert not fits_in_message("😀" * 2049)


def test_reasons() -> None:
    assert validate_reason("duplicate of KB-2026-0001") == []
    assert [p.code for p in validate_reason(" \n")] == [ProblemCode.REASON_MISSING]
    assert [p.code for p in validate_reason("x" * 501)] == [ProblemCode.REASON_TOO_LONG]


def test_identifiers() -> None:
    assert format_identifier(2026, 42) == "KB-2026-0042"
    assert format_identifier(2026, 12345) == "KB-2026-12345"
    assert parse_identifier("kb 2026 42") == "KB-2026-0042"
    assert parse_identifier(" KB-2026-0042 ") == "KB-2026-0042"
    assert parse_identifier("KB2026-7") == "KB-2026-0007"
    for junk in ("", "KB-26-1", "XX-2026-0001", "KB-2026-", "KB-2026-0001x"):
        assert parse_identifier(junk) is None


def test_exercises_are_team_only_by_default() -> None:
    assert not content().team_only
    assert not is_exercise(content())
    for status in (Status.EXERCISE, Status.TEST):
        drill = content(status=status)
        assert drill.team_only and is_exercise(drill)
        assert is_exercise(Alert("KB-2026-0001", drill, author_id=1, created_at=NOW))
    assert not content(status=Status.EXERCISE, restricted_to_team=False).team_only
    assert content(restricted_to_team=True).team_only


def test_text_falls_back_to_the_primary_language() -> None:
    draft = content(texts=(AlertText("ur", "سرخی"), AlertText("en", "Headline")))
    assert draft.language == "ur"
    assert draft.text("en").headline == "Headline"
    assert draft.text("ps").headline == "سرخی"


def test_times_keep_their_instant() -> None:
    karachi = timezone(timedelta(hours=5))
    draft = content(effective=NOW.astimezone(karachi))
    assert draft.effective == NOW
