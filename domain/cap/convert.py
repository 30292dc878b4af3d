"""An authority's CAP message as the content of a Khabardar alert, or the reason it cannot be."""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import datetime

from domain.alerts import (
    MAX_DESCRIPTION_CHARS,
    MAX_HEADLINE_CHARS,
    MAX_INSTRUCTION_CHARS,
    MAX_LIFETIME,
    MAX_PLACE_CHARS,
    MAX_SOURCE_CHARS,
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
    validate_draft,
)
from domain.cap import model as cap
from domain.gazetteer import District, Gazetteer, ResolutionKind, RouteKind
from domain.gazetteer.text import split_names

_STATUSES = {"actual": Status.ACTUAL, "exercise": Status.EXERCISE, "test": Status.TEST}
_CATEGORIES = {"security": AlertKind.SECURITY, "transport": AlertKind.TRANSPORT}
_CERTAINTIES = {c.value: c for c in Certainty} | {"very likely": Certainty.LIKELY}
_EARTH_RADIUS_KM = 6371.0


def to_content(
    message: cap.CapMessage, *, gazetteer: Gazetteer, now: datetime
) -> AlertContent | cap.Skip:
    """Map a CAP Alert or Update onto an alert's content; the first info block leads."""
    status = _STATUSES.get(message.status.lower())
    if status is None:
        return cap.Skip.NOT_ACTUAL
    if not message.infos:
        return cap.Skip.NO_INFO
    primary = message.infos[0]
    kind = _kind(primary)
    if kind is None:
        return cap.Skip.UNKNOWN_KIND
    try:
        severity = Severity.from_code(primary.severity)
    except ValueError:
        return cap.Skip.UNKNOWN_SEVERITY
    districts = districts_of(primary.areas, gazetteer)
    if not districts:
        return cap.Skip.NO_DISTRICT
    effective = primary.effective or message.sent
    expires = min(primary.expires or default_expiry(kind, effective), now + MAX_LIFETIME)
    if expires <= now:
        return cap.Skip.EXPIRED
    displacement = _displacement(primary) if kind is AlertKind.DISPLACEMENT else None
    if kind is AlertKind.DISPLACEMENT and displacement is None:
        return cap.Skip.NO_FIGURES
    content = AlertContent(
        kind=kind,
        severity=severity,
        urgency=_urgency(primary.urgency),
        certainty=_CERTAINTIES.get(primary.certainty.lower(), Certainty.UNKNOWN),
        texts=_texts(message.infos),
        districts=tuple(districts),
        effective=effective,
        expires=expires,
        source=_cut(primary.sender_name or message.sender, MAX_SOURCE_CHARS),
        status=status,
        transport=_transport(primary, gazetteer)
        if kind is AlertKind.TRANSPORT
        else _incident_route(primary, gazetteer)
        if kind is AlertKind.SECURITY
        else None,
        displacement=displacement,
    )
    if validate_draft(content, gazetteer=gazetteer, now=now):
        return cap.Skip.INVALID
    return content


def districts_of(areas: Iterable[cap.CapArea], gazetteer: Gazetteer) -> list[str]:
    """The districts CAP areas cover: by P-code, by headquarters inside a circle or polygon,
    or by a name the gazetteer knows exactly (an ambiguous or misspelt name is not guessed)."""
    found: list[str] = []
    by_pcode = {d.pcode.upper(): d.slug for d in gazetteer.districts if d.pcode}
    for area in areas:
        for name, value in area.geocodes:
            if name.lower() in cap.PCODE_NAMES and value.upper() in by_pcode:
                found.append(by_pcode[value.upper()])
        for district in gazetteer.districts:
            if any(_in_circle(district, c) for c in area.circles) or any(
                _in_polygon(district, p) for p in area.polygons
            ):
                found.append(district.slug)
        # Also the Arabic-script comma and semicolon (، ؛) of Urdu and Pashto area names.
        for name in split_names(area.description):
            resolution = gazetteer.resolve(name)
            if resolution.district and resolution.kind in (
                ResolutionKind.DISTRICT,
                ResolutionKind.TOWN,
            ):
                found.append(resolution.district.slug)
    return list(dict.fromkeys(found))


def _kind(info: cap.CapInfo) -> AlertKind | None:
    code = info.parameter(cap.KIND_CODE)
    if code in {k.value for k in AlertKind}:
        return AlertKind(code)
    if "displace" in f"{info.event} {info.headline}".lower():
        return AlertKind.DISPLACEMENT
    for category in info.categories:
        if category.lower() in _CATEGORIES:
            return _CATEGORIES[category.lower()]
    return None


def _texts(infos: Iterable[cap.CapInfo]) -> tuple[AlertText, ...]:
    texts: dict[str, AlertText] = {}
    for info in infos:
        language = _language(info.language)
        headline = info.headline or info.event
        if language in texts or not headline:
            continue
        texts[language] = AlertText(
            language,
            _cut(headline, MAX_HEADLINE_CHARS),
            _cut(info.description, MAX_DESCRIPTION_CHARS),
            _cut(info.instruction, MAX_INSTRUCTION_CHARS),
        )
    return tuple(texts.values())


# CAP asks for RFC 3066 tags (ps-PK, ur-PK, en-US): the first part is the language. Some feeds
# write ISO 639-2/3 codes instead, Pashto's among them (pus; pbt, pbu, pst for its varieties).
_ISO_639_3 = {"eng": "en", "urd": "ur", "pus": "ps", "pbt": "ps", "pbu": "ps", "pst": "ps"}


def _language(tag: str) -> str:
    primary = tag.replace("_", "-").split("-")[0].strip().lower()[:8] or "en"
    return _ISO_639_3.get(primary, primary)


def _transport(info: cap.CapInfo, gazetteer: Gazetteer) -> Transport:
    named = info.parameter(cap.ROUTE)
    route = gazetteer.route(named) if named else None
    mode = _mode(info.parameter(cap.MODE) or "")
    if mode is None:
        # Most suspensions here are of roads; operators see the mapped alert before it goes out.
        mode = TransportMode.RAIL if route and route.kind is RouteKind.RAIL else TransportMode.ROAD
    segment = _cut(info.parameter(cap.SEGMENT) or "", MAX_PLACE_CHARS)
    return Transport(mode, route.code if route else None, segment)


def _incident_route(info: cap.CapInfo, gazetteer: Gazetteer) -> Transport | None:
    """A security incident's road or railway, when the feed names one we know."""
    named = info.parameter(cap.ROUTE)
    route = gazetteer.route(named) if named else None
    if route is None:
        return None
    return Transport(None, route.code, _cut(info.parameter(cap.SEGMENT) or "", MAX_PLACE_CHARS))


def _displacement(info: cap.CapInfo) -> Displacement | None:
    families, individuals = _count(info, cap.FAMILIES), _count(info, cap.INDIVIDUALS)
    if families is None and individuals is None:
        return None
    return Displacement(
        families,
        individuals,
        _cut(info.parameter(cap.FROM_PLACE) or "", MAX_PLACE_CHARS),
        _cut(info.parameter(cap.TO_PLACE) or "", MAX_PLACE_CHARS),
    )


def _count(info: cap.CapInfo, name: str) -> int | None:
    value = (info.parameter(name) or "").replace(",", "").strip()
    return int(value) if value.isdigit() else None


def _urgency(text: str) -> Urgency:
    try:
        return Urgency(text.strip().lower())
    except ValueError:
        return Urgency.UNKNOWN


def _mode(text: str) -> TransportMode | None:
    try:
        return TransportMode(text.strip().lower())
    except ValueError:
        return None


def _cut(text: str, limit: int) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _points(text: str) -> list[tuple[float, float]]:
    points = []
    for pair in text.split():
        lat, _, lon = pair.partition(",")
        points.append((float(lat), float(lon)))
    return points


def _in_circle(district: District, circle: str) -> bool:
    try:
        centre, radius = circle.split()
        (lat, lon), km = _points(centre)[0], float(radius)
    except ValueError:
        return False
    phi1, phi2 = math.radians(lat), math.radians(district.lat)
    dphi, dlon = phi2 - phi1, math.radians(district.lon - lon)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlon / 2) ** 2
    return 2 * _EARTH_RADIUS_KM * math.asin(math.sqrt(a)) <= km


def _in_polygon(district: District, polygon: str) -> bool:
    """Ray casting on latitude/longitude; fine at district scale, away from the poles."""
    try:
        points = _points(polygon)
    except ValueError:
        return False
    inside = False
    y, x = district.lat, district.lon
    for (y1, x1), (y2, x2) in zip(points, points[1:] + points[:1], strict=True):
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            inside = not inside
    return inside
