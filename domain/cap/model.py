"""CAP 1.2 messages as plain values, and how Khabardar's alert fields map onto CAP's."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType

from domain.alerts import AlertKind, Certainty, MsgType, Severity, Status, Urgency

CAP_NS = "urn:oasis:names:tc:emergency:cap:1.2"
CAP_NAMESPACES = (CAP_NS, "urn:oasis:names:tc:emergency:cap:1.1")
ATOM_NS = "http://www.w3.org/2005/Atom"
CAP_MEDIA_TYPE = "application/cap+xml"
ATOM_MEDIA_TYPE = "application/atom+xml"
MAX_DOCUMENT_BYTES = 1024 * 1024  # a real CAP alert is a few kB; a feed of 50 a few hundred
# Parameters and event codes Khabardar writes, so its own CAP round-trips on import.
KIND_CODE = "khabardar_kind"
ROUTE, SEGMENT, MODE = "route", "segment", "transport_mode"
FAMILIES, INDIVIDUALS = "displaced_families", "displaced_individuals"
FROM_PLACE, TO_PLACE = "displaced_from", "displaced_to"
PCODE_NAMES = frozenset({"pcode", "p-code", "adm2_pcode", "ocha_pcode"})

CATEGORIES: Mapping[AlertKind, str] = MappingProxyType(
    {
        AlertKind.SECURITY: "Security",
        AlertKind.TRANSPORT: "Transport",
        # CAP has no humanitarian category; "Safety" is "general emergency and public safety".
        AlertKind.DISPLACEMENT: "Safety",
    }
)
EVENTS: Mapping[AlertKind, str] = MappingProxyType(
    {
        AlertKind.SECURITY: "Security incident",
        AlertKind.TRANSPORT: "Transport suspension",
        AlertKind.DISPLACEMENT: "Displacement",
    }
)
SEVERITIES: Mapping[Severity, str] = MappingProxyType({s: s.name.title() for s in Severity})
URGENCIES: Mapping[Urgency, str] = MappingProxyType({u: u.value.title() for u in Urgency})
CERTAINTIES: Mapping[Certainty, str] = MappingProxyType({c: c.value.title() for c in Certainty})
STATUSES: Mapping[Status, str] = MappingProxyType({s: s.value.title() for s in Status})
MSG_TYPES: Mapping[MsgType, str] = MappingProxyType({m: m.value.title() for m in MsgType})


@dataclass(frozen=True, slots=True)
class CapArea:
    """A CAP area: its description and any geocodes, circles and polygons."""

    description: str
    geocodes: tuple[tuple[str, str], ...] = ()
    circles: tuple[str, ...] = ()
    polygons: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CapInfo:
    """One CAP info block: the alert in one language."""

    language: str
    categories: tuple[str, ...]
    event: str
    urgency: str
    severity: str
    certainty: str
    event_codes: tuple[tuple[str, str], ...] = ()
    effective: datetime | None = None
    expires: datetime | None = None
    sender_name: str = ""
    headline: str = ""
    description: str = ""
    instruction: str = ""
    parameters: tuple[tuple[str, str], ...] = ()
    areas: tuple[CapArea, ...] = ()

    def parameter(self, name: str) -> str | None:
        """The first value of a parameter or event code with this name, case-insensitively."""
        for key, value in (*self.parameters, *self.event_codes):
            if key.lower() == name:
                return value
        return None


@dataclass(frozen=True, slots=True)
class CapMessage:
    """A CAP alert message as an authority sent it."""

    identifier: str
    sender: str
    sent: datetime
    status: str
    msg_type: str
    scope: str
    infos: tuple[CapInfo, ...] = ()
    note: str = ""
    references: tuple[tuple[str, str], ...] = ()  # (sender, identifier) of each referenced alert


class Skip(enum.StrEnum):
    """Why a CAP message was not turned into an alert for verification."""

    NOT_ACTUAL = "not_actual"  # System or Draft status: not meant for the public
    NO_INFO = "no_info"
    UNKNOWN_KIND = "unknown_kind"  # a category Khabardar has no kind for (weather, health…)
    UNKNOWN_SEVERITY = "unknown_severity"  # residents filter on severity: it must be known
    NO_DISTRICT = "no_district"  # no area in this region's gazetteer
    EXPIRED = "expired"
    NO_FIGURES = "no_figures"  # a displacement without families or individuals
    INVALID = "invalid"  # the mapped alert breaks a drafting rule
    ALREADY_IMPORTED = "already_imported"
    NOTHING_TO_CANCEL = "nothing_to_cancel"  # a cancel of an alert not imported or not live
    OWN_ALERT = "own_alert"  # this deployment's own alert, republished by a hub: never a loop
