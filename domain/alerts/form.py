"""The one-message alert form ("kind: security / districts: Mastung / headline: …").

The drafting wizard in the bot gathers exactly these fields one step at a time, so both paths
build an alert through `build_content` and are checked by the same rules.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from domain.alerts.model import (
    AlertContent,
    AlertKind,
    AlertText,
    Certainty,
    Displacement,
    Severity,
    Status,
    Transport,
    TransportMode,
    Urgency,
    default_expiry,
)
from domain.gazetteer import Gazetteer, ResolutionKind, normalize_digits

# Field names in the order the wizard asks and the preview lists them.
FIELDS = (
    "kind",
    "status",
    "districts",
    "route",
    "mode",
    "segment",
    "severity",
    "urgency",
    "certainty",
    "headline",
    "description",
    "instruction",
    "families",
    "individuals",
    "from",
    "to",
    "source",
    "effective",
    "expires",
    "language",
)
# The words again in other languages: headline_ur, description_ur, instruction_ur, … The
# primary text is the author's; residents read theirs where it exists (else the primary one).
TRANSLATABLE = ("headline", "description", "instruction")
TEXT_LANGUAGES = ("en", "ur", "ps", "bal", "brh")
TRANSLATED_FIELDS = tuple(f"{field}_{lang}" for lang in TEXT_LANGUAGES for field in TRANSLATABLE)
REQUIRED = ("kind", "districts", "severity", "headline")
SKIP = "-"  # typed for an optional field: leave it empty
_KEY = re.compile(r"^\s*([A-Za-z_]+)\s*[:=]\s*(.*)$")
_DURATION = re.compile(r"^\s*(\d{1,4})\s*(m|min|h|hr|hours?|d|days?)\s*$", re.IGNORECASE)
MAX_FORM_CHARS = 3500
_E = TypeVar("_E", bound=enum.Enum)


class FormIssue(enum.StrEnum):
    """Why a form field cannot be read."""

    MISSING = "missing"
    UNKNOWN_KEY = "unknown_key"
    BAD_CHOICE = "bad_choice"
    UNKNOWN_PLACE = "unknown_place"
    AMBIGUOUS_PLACE = "ambiguous_place"
    BAD_NUMBER = "bad_number"
    BAD_TIME = "bad_time"
    TOO_LONG = "too_long"


@dataclass(frozen=True, slots=True)
class FormProblem:
    """One field that cannot be used, with what was typed (if anything)."""

    issue: FormIssue
    field: str
    value: str = ""


def read_form(text: str) -> tuple[dict[str, str], list[FormProblem]]:
    """Split 'key: value' lines into fields; lines without a key continue the previous field."""
    fields: dict[str, str] = {}
    problems: list[FormProblem] = []
    if len(text) > MAX_FORM_CHARS:
        return fields, [FormProblem(FormIssue.TOO_LONG, "form")]
    current: str | None = None
    for line in text.splitlines():
        match = _KEY.match(line)
        key = match[1].lower() if match else None
        if key is not None and (key in FIELDS or key in TRANSLATED_FIELDS):
            current = key
            fields[key] = match[2].strip() if match else ""
        elif key is not None and current is None:
            problems.append(FormProblem(FormIssue.UNKNOWN_KEY, key))
        elif current is not None:
            fields[current] = (fields[current] + "\n" + line.strip()).strip()
    return fields, problems


def looks_like_form(text: str) -> bool:
    """Whether a message is written as form lines rather than a plain answer."""
    match = _KEY.match(text.splitlines()[0] if text else "")
    return bool(match and match[1].lower() in (*FIELDS, *TRANSLATED_FIELDS))


@dataclass(frozen=True, slots=True)
class Built:
    """What the fields make: the content (when complete and readable) and any problems."""

    content: AlertContent | None
    problems: tuple[FormProblem, ...]


def build_content(
    fields: Mapping[str, str],
    *,
    gazetteer: Gazetteer,
    now: datetime,
    tz: ZoneInfo,
    language: str,
) -> Built:
    """Turn form fields into alert content, reporting every field that cannot be used."""
    reader = _Reader(fields, gazetteer, now, tz)
    kind = reader.choice("kind", AlertKind, required=True)
    severity = reader.choice("severity", Severity, required=True, by_name=True)
    districts, route = reader.places()
    effective = reader.moment("effective") or now
    expires = reader.moment("expires", relative_to=effective)
    transport = displacement = None
    if kind is AlertKind.TRANSPORT:
        transport = Transport(
            mode=reader.choice("mode", TransportMode), route=route, segment=reader.text("segment")
        )
    elif kind is AlertKind.SECURITY and route is not None:
        # An incident marked on a road or railway: its followers are told wherever they live.
        transport = Transport(mode=None, route=route, segment=reader.text("segment"))
    if kind is AlertKind.DISPLACEMENT:
        displacement = Displacement(
            families=reader.number("families"),
            individuals=reader.number("individuals"),
            from_place=reader.text("from"),
            to_place=reader.text("to"),
        )
    headline = reader.text("headline", required=True)
    if reader.problems or kind is None or severity is None:
        return Built(None, tuple(reader.problems))
    content = AlertContent(
        kind=kind,
        severity=severity,
        urgency=reader.choice("urgency", Urgency) or Urgency.EXPECTED,
        certainty=reader.choice("certainty", Certainty) or Certainty.OBSERVED,
        texts=_texts(reader, (fields.get("language") or language).strip().lower()[:8], headline),
        districts=tuple(districts),
        effective=effective,
        expires=expires or default_expiry(kind, effective),
        source=reader.text("source"),
        status=reader.choice("status", Status) or Status.ACTUAL,
        transport=transport,
        displacement=displacement,
    )
    return Built(content, tuple(reader.problems))


def _texts(reader: _Reader, primary: str, headline: str) -> tuple[AlertText, ...]:
    """The author's text first, then every other language given as headline_<lang> etc."""
    texts = [AlertText(primary, headline, reader.text("description"), reader.text("instruction"))]
    for lang in TEXT_LANGUAGES:
        translated = reader.text(f"headline_{lang}")
        if lang != primary and translated:
            texts.append(
                AlertText(
                    lang,
                    translated,
                    reader.text(f"description_{lang}"),
                    reader.text(f"instruction_{lang}"),
                )
            )
    return tuple(texts)


class _Reader:
    """Reads one field at a time, collecting problems instead of stopping at the first."""

    def __init__(
        self, fields: Mapping[str, str], gazetteer: Gazetteer, now: datetime, tz: ZoneInfo
    ) -> None:
        self.fields = {k: v.strip() for k, v in fields.items()}
        self.gazetteer = gazetteer
        self.now = now
        self.tz = tz
        self.problems: list[FormProblem] = []

    def raw(self, name: str, *, required: bool = False) -> str:
        value = self.fields.get(name, "")
        value = "" if value == SKIP else value
        if not value and required:
            self.problems.append(FormProblem(FormIssue.MISSING, name))
        return value

    def text(self, name: str, *, required: bool = False) -> str:
        return self.raw(name, required=required)

    def choice(
        self, name: str, enum_type: type[_E], *, required: bool = False, by_name: bool = False
    ) -> _E | None:
        value = self.raw(name, required=required).lower()
        if not value:
            return None
        for member in enum_type:
            if value in (str(member.value).lower(), member.name.lower()):
                return member
        if by_name is False:
            for member in enum_type:  # "security incident" → security
                if str(member.value).lower().startswith(value[:4]):
                    return member
        self.problems.append(FormProblem(FormIssue.BAD_CHOICE, name, value))
        return None

    def number(self, name: str) -> int | None:
        value = normalize_digits(self.raw(name)).replace(",", "").replace(" ", "")
        if not value:
            return None
        if not value.isdigit():
            self.problems.append(FormProblem(FormIssue.BAD_NUMBER, name, value))
            return None
        return int(value)

    def places(self) -> tuple[list[str], str | None]:
        route_text = self.raw("route")
        route = self.gazetteer.route(route_text) if route_text else None
        if route_text and route is None:
            self.problems.append(FormProblem(FormIssue.UNKNOWN_PLACE, "route", route_text))
        text = self.raw("districts", required=route is None)
        slugs: list[str] = list(route.districts) if route and not text else []
        if text:
            for resolution in self.gazetteer.resolve_many(text[:500]):
                if (
                    resolution.district is not None
                    and resolution.kind is not ResolutionKind.SUGGEST
                ):
                    slugs.append(resolution.district.slug)
                elif resolution.kind is ResolutionKind.AMBIGUOUS:
                    self.problems.append(
                        FormProblem(FormIssue.AMBIGUOUS_PLACE, "districts", resolution.query)
                    )
                else:
                    self.problems.append(
                        FormProblem(FormIssue.UNKNOWN_PLACE, "districts", resolution.query)
                    )
        return list(dict.fromkeys(slugs)), route.code if route else None

    def moment(self, name: str, *, relative_to: datetime | None = None) -> datetime | None:
        value = normalize_digits(self.raw(name)).lower()
        if not value or value == "now":
            return None
        duration = _DURATION.match(value)
        if duration:
            amount, unit = int(duration[1]), duration[2][0]
            delta = {
                "m": timedelta(minutes=amount),
                "h": timedelta(hours=amount),
                "d": timedelta(days=amount),
            }[unit]
            return (relative_to or self.now) + delta
        for pattern in ("%Y-%m-%d %H:%M", "%Y-%m-%d", "%d.%m.%Y %H:%M", "%H:%M"):
            try:
                parsed = datetime.strptime(value, pattern)  # local; zone added below
            except ValueError:
                continue
            if pattern == "%H:%M":
                local_now = self.now.astimezone(self.tz)
                parsed = local_now.replace(
                    hour=parsed.hour, minute=parsed.minute, second=0, microsecond=0
                )
                if parsed <= local_now:
                    parsed += timedelta(days=1)
                return parsed
            return parsed.replace(tzinfo=self.tz)
        self.problems.append(FormProblem(FormIssue.BAD_TIME, name, value))
        return None
