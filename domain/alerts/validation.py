"""Checks on a draft alert, as codes the bot translates, never as prose."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from domain.alerts.model import (
    MAX_LIFETIME,
    AlertContent,
    AlertKind,
    AlertText,
    Displacement,
    Transport,
    TransportMode,
)
from domain.gazetteer import Gazetteer, RouteKind

MAX_HEADLINE_CHARS = 140  # CAP asks for a headline short enough for a text message
MAX_DESCRIPTION_CHARS = 2000
MAX_INSTRUCTION_CHARS = 500
MAX_SOURCE_CHARS = 200
MAX_PLACE_CHARS = 120  # transport segment, displacement from/to
MAX_REASON_CHARS = 500  # rejection and cancel reasons
MAX_LANGUAGE_CHARS = 8
# More people than live in Balochistan is a typo, not a figure.
MAX_DISPLACED = 20_000_000

# Telegram refuses messages longer than 4096 characters (counted after entity parsing, in
# UTF-16 code units). Until the renderer exists, a draft fits when its own words plus a
# budget for the template (labels, severity, district names, times, the reference and the
# exercise banner) stay under the limit; the renderer then checks its real output with
# `fits_in_message`.
MAX_RENDERED_CHARS = 4096
TEMPLATE_BUDGET_CHARS = 600


class ProblemCode(enum.StrEnum):
    """Why a draft, or a reason, cannot be accepted."""

    NO_TEXT = "no_text"
    DUPLICATE_LANGUAGE = "duplicate_language"
    BAD_LANGUAGE = "bad_language"
    HEADLINE_MISSING = "headline_missing"
    HEADLINE_TOO_LONG = "headline_too_long"
    DESCRIPTION_TOO_LONG = "description_too_long"
    INSTRUCTION_TOO_LONG = "instruction_too_long"
    SOURCE_TOO_LONG = "source_too_long"
    MESSAGE_TOO_LONG = "message_too_long"
    NO_DISTRICTS = "no_districts"
    UNKNOWN_DISTRICT = "unknown_district"
    DUPLICATE_DISTRICT = "duplicate_district"
    EXPIRES_NOT_AFTER_EFFECTIVE = "expires_not_after_effective"
    EXPIRES_IN_PAST = "expires_in_past"
    EXPIRES_TOO_FAR = "expires_too_far"
    TRANSPORT_MISSING = "transport_missing"
    TRANSPORT_MODE_MISSING = "transport_mode_missing"
    TRANSPORT_NOT_ALLOWED = "transport_not_allowed"
    UNKNOWN_ROUTE = "unknown_route"
    ROUTE_MODE_MISMATCH = "route_mode_mismatch"
    SEGMENT_TOO_LONG = "segment_too_long"
    DISPLACEMENT_MISSING = "displacement_missing"
    DISPLACEMENT_NO_FIGURES = "displacement_no_figures"
    DISPLACEMENT_NEGATIVE = "displacement_negative"
    DISPLACEMENT_IMPLAUSIBLE = "displacement_implausible"
    DISPLACEMENT_NOT_ALLOWED = "displacement_not_allowed"
    PLACE_TOO_LONG = "place_too_long"
    KIND_CHANGED = "kind_changed"  # an update keeps the kind and status of what it updates
    STATUS_CHANGED = "status_changed"
    REASON_MISSING = "reason_missing"
    REASON_TOO_LONG = "reason_too_long"


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem: its code, what it is about (a language, a district) and any limit."""

    code: ProblemCode
    subject: str | None = None
    limit: int | None = None


def telegram_length(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units (an emoji counts twice)."""
    return len(text.encode("utf-16-le")) // 2


def fits_in_message(rendered: str) -> bool:
    """Whether a rendered message (after HTML entities are parsed) fits in one Telegram message."""
    return telegram_length(rendered) <= MAX_RENDERED_CHARS


def estimated_length(content: AlertContent, text: AlertText) -> int:
    """The rendered length of one language's message, before the renderer exists."""
    words = [text.headline, text.description, text.instruction, content.source, *content.districts]
    if content.transport is not None:
        words += [content.transport.route or "", content.transport.segment]
    if content.displacement is not None:
        words += [content.displacement.from_place, content.displacement.to_place]
    return sum(telegram_length(w) for w in words) + TEMPLATE_BUDGET_CHARS


def validate_draft(content: AlertContent, *, gazetteer: Gazetteer, now: datetime) -> list[Problem]:
    """Everything wrong with a draft, in field order; an empty list means it can be submitted."""
    problems = _texts(content)
    if len(content.source) > MAX_SOURCE_CHARS:
        problems.append(Problem(ProblemCode.SOURCE_TOO_LONG, limit=MAX_SOURCE_CHARS))
    problems += _districts(content.districts, gazetteer)
    problems += _times(content, now)
    problems += _transport(content.kind, content.transport, gazetteer)
    problems += _displacement(content.kind, content.displacement)
    return problems


def validate_reason(reason: str) -> list[Problem]:
    """Problems with a rejection or cancel reason: it is required and short."""
    if not reason.strip():
        return [Problem(ProblemCode.REASON_MISSING)]
    if len(reason) > MAX_REASON_CHARS:
        return [Problem(ProblemCode.REASON_TOO_LONG, limit=MAX_REASON_CHARS)]
    return []


def _texts(content: AlertContent) -> list[Problem]:
    if not content.texts:
        return [Problem(ProblemCode.NO_TEXT)]
    problems: list[Problem] = []
    seen: set[str] = set()
    limits = (
        ("description", MAX_DESCRIPTION_CHARS, ProblemCode.DESCRIPTION_TOO_LONG),
        ("instruction", MAX_INSTRUCTION_CHARS, ProblemCode.INSTRUCTION_TOO_LONG),
    )
    for text in content.texts:
        lang = text.language
        if not lang or len(lang) > MAX_LANGUAGE_CHARS or not lang.isascii():
            problems.append(Problem(ProblemCode.BAD_LANGUAGE, lang))
        if lang in seen:
            problems.append(Problem(ProblemCode.DUPLICATE_LANGUAGE, lang))
        seen.add(lang)
        if not text.headline.strip():
            problems.append(Problem(ProblemCode.HEADLINE_MISSING, lang))
        elif len(text.headline) > MAX_HEADLINE_CHARS:
            problems.append(Problem(ProblemCode.HEADLINE_TOO_LONG, lang, MAX_HEADLINE_CHARS))
        for field, limit, code in limits:
            if len(getattr(text, field)) > limit:
                problems.append(Problem(code, lang, limit))
        if estimated_length(content, text) > MAX_RENDERED_CHARS:
            problems.append(Problem(ProblemCode.MESSAGE_TOO_LONG, lang, MAX_RENDERED_CHARS))
    return problems


def _districts(districts: tuple[str, ...], gazetteer: Gazetteer) -> list[Problem]:
    if not districts:
        return [Problem(ProblemCode.NO_DISTRICTS)]
    problems: list[Problem] = []
    seen: set[str] = set()
    for slug in districts:
        if slug in seen:
            problems.append(Problem(ProblemCode.DUPLICATE_DISTRICT, slug))
        elif gazetteer.get(slug) is None:
            problems.append(Problem(ProblemCode.UNKNOWN_DISTRICT, slug))
        seen.add(slug)
    return problems


def _times(content: AlertContent, now: datetime) -> list[Problem]:
    # The past first: an effective time defaults to now, so an expiry in the past is also
    # "not after effective", and "in the past" is what the author needs to read.
    if content.expires < now:
        return [Problem(ProblemCode.EXPIRES_IN_PAST)]
    if content.expires <= content.effective:
        return [Problem(ProblemCode.EXPIRES_NOT_AFTER_EFFECTIVE)]
    if content.expires <= now:
        return [Problem(ProblemCode.EXPIRES_IN_PAST)]
    if content.expires > now + MAX_LIFETIME:
        return [Problem(ProblemCode.EXPIRES_TOO_FAR, limit=MAX_LIFETIME.days)]
    return []


_ROUTE_MODES = {RouteKind.ROAD: TransportMode.ROAD, RouteKind.RAIL: TransportMode.RAIL}


def _transport(kind: AlertKind, transport: Transport | None, gazetteer: Gazetteer) -> list[Problem]:
    if transport is None:
        return [Problem(ProblemCode.TRANSPORT_MISSING)] if kind is AlertKind.TRANSPORT else []
    problems: list[Problem] = []
    if kind is AlertKind.SECURITY:
        # A security incident may be marked on a route (no mode: nothing is suspended).
        if transport.route is None or transport.mode is not None:
            return [Problem(ProblemCode.TRANSPORT_NOT_ALLOWED)]
    elif kind is not AlertKind.TRANSPORT:
        return [Problem(ProblemCode.TRANSPORT_NOT_ALLOWED)]
    elif transport.mode is None:
        problems.append(Problem(ProblemCode.TRANSPORT_MODE_MISSING))
    if transport.route is not None:
        # Stored codes are canonical ("N-25"), so delivery and statistics can group on them.
        route = gazetteer.route(transport.route)
        if route is None or route.code != transport.route:
            problems.append(Problem(ProblemCode.UNKNOWN_ROUTE, transport.route))
        elif transport.mode is not None and _ROUTE_MODES.get(route.kind) is not transport.mode:
            problems.append(Problem(ProblemCode.ROUTE_MODE_MISMATCH, transport.route))
    if len(transport.segment) > MAX_PLACE_CHARS:
        problems.append(Problem(ProblemCode.SEGMENT_TOO_LONG, limit=MAX_PLACE_CHARS))
    return problems


def _displacement(kind: AlertKind, displacement: Displacement | None) -> list[Problem]:
    if kind is not AlertKind.DISPLACEMENT:
        return [] if displacement is None else [Problem(ProblemCode.DISPLACEMENT_NOT_ALLOWED)]
    if displacement is None:
        return [Problem(ProblemCode.DISPLACEMENT_MISSING)]
    problems: list[Problem] = []
    figures = [f for f in (displacement.families, displacement.individuals) if f is not None]
    if not figures:
        problems.append(Problem(ProblemCode.DISPLACEMENT_NO_FIGURES))
    elif any(f < 0 for f in figures):
        problems.append(Problem(ProblemCode.DISPLACEMENT_NEGATIVE))
    elif any(f > MAX_DISPLACED for f in figures) or (
        # Every family is at least one person.
        displacement.families is not None
        and displacement.individuals is not None
        and displacement.families > displacement.individuals
    ):
        problems.append(Problem(ProblemCode.DISPLACEMENT_IMPLAUSIBLE))
    for place in (displacement.from_place, displacement.to_place):
        if len(place) > MAX_PLACE_CHARS:
            problems.append(Problem(ProblemCode.PLACE_TOO_LONG, limit=MAX_PLACE_CHARS))
            break
    return problems
