"""Turn what a resident typed into districts to follow, and what to ask or explain about it."""

from __future__ import annotations

from dataclasses import dataclass

from domain.gazetteer import (
    MAX_MESSAGE_CHARS,
    MAX_NAMES,
    District,
    Gazetteer,
    InputTooLong,
    Resolution,
    ResolutionKind,
    Route,
    RouteMatch,
)
from domain.gazetteer.text import split_names

# Longer than any honest list of places; anything beyond is refused before matching.
MAX_PLACES_TEXT = MAX_MESSAGE_CHARS
MAX_PLACES = MAX_NAMES


@dataclass(frozen=True)
class PlacesReading:
    """The outcome of reading a list of place names."""

    districts: tuple[District, ...] = ()
    explained: tuple[Resolution, ...] = ()  # towns mapped to districts, typos corrected
    ambiguous: tuple[Resolution, ...] = ()
    suggestions: tuple[Resolution, ...] = ()
    unknown: tuple[str, ...] = ()
    too_long: bool = False  # over MAX_PLACES_TEXT characters
    too_many: bool = False  # over MAX_PLACES names
    # Roads and railways (corridors) named in the same message.
    routes: tuple[Route, ...] = ()
    corrected_routes: tuple[RouteMatch, ...] = ()  # settled on a guess at a misspelling
    route_choices: tuple[RouteMatch, ...] = ()  # a name of several routes: ask which
    unknown_routes: tuple[str, ...] = ()  # looked like a road or railway, matched none

    @property
    def needs_answer(self) -> bool:
        """Whether the resident still has to choose or retype something."""
        return bool(
            self.ambiguous
            or self.suggestions
            or self.unknown
            or self.route_choices
            or self.unknown_routes
        )

    @property
    def understood(self) -> bool:
        """Whether anything in the text was a place or a route (or close to one)."""
        return bool(
            self.districts
            or self.ambiguous
            or self.suggestions
            or self.routes
            or self.route_choices
            or self.too_long
            or self.too_many
        )


def read_places(gazetteer: Gazetteer, text: str) -> PlacesReading:
    """Resolve a message such as 'Quetta, Pasni, N-25' into districts, routes, questions and
    unknowns. A part that names a route ("N-25", "Quetta–Taftan railway") is a corridor; the
    rest are places, and a place nobody knows is tried once more as a misspelt route."""
    if len(text) > MAX_PLACES_TEXT:
        return PlacesReading(too_long=True)
    routes = _Routes()
    chunks = split_names(text)
    rest = [chunk for chunk in chunks if not routes.take(gazetteer.match_route(chunk))]
    districts: dict[str, District] = {}
    explained: list[Resolution] = []
    ambiguous: list[Resolution] = []
    suggestions: list[Resolution] = []
    unknown: list[str] = []
    try:
        # Unchanged when no part was a route, so the places are read exactly as typed.
        named = text if len(rest) == len(chunks) else "\n".join(rest)
        resolutions = gazetteer.resolve_many(named) if named.strip() else []
    except InputTooLong as exc:
        return PlacesReading(too_many=exc.unit == "names", too_long=exc.unit != "names")
    if len(resolutions) + routes.count > MAX_PLACES:
        return PlacesReading(too_many=True)
    for resolution in resolutions:
        kind = resolution.kind
        if resolution.district is not None and kind in (
            ResolutionKind.DISTRICT,
            ResolutionKind.TOWN,
            ResolutionKind.CORRECTED,
        ):
            districts.setdefault(resolution.district.slug, resolution.district)
            if _worth_explaining(resolution, resolution.district):
                explained.append(resolution)
        elif kind is ResolutionKind.AMBIGUOUS:
            ambiguous.append(resolution)
        elif kind is ResolutionKind.SUGGEST and resolution.candidates:
            suggestions.append(resolution)
        elif resolution.query:
            match = gazetteer.match_route(resolution.query, fuzzy=True)
            if not routes.take(match):
                if match.looks_like_route:
                    routes.unknown.append(match.query)
                else:
                    unknown.append(resolution.query)
    return PlacesReading(
        districts=tuple(districts.values()),
        explained=tuple(explained),
        ambiguous=tuple(ambiguous),
        suggestions=tuple(suggestions),
        unknown=tuple(unknown),
        routes=tuple(routes.settled.values()),
        corrected_routes=tuple(routes.corrected),
        route_choices=tuple(routes.choices),
        unknown_routes=tuple(routes.unknown),
    )


class _Routes:
    """The routes found so far in one message."""

    def __init__(self) -> None:
        self.settled: dict[str, Route] = {}
        self.corrected: list[RouteMatch] = []
        self.choices: list[RouteMatch] = []
        self.unknown: list[str] = []

    @property
    def count(self) -> int:
        return len(self.settled) + len(self.choices) + len(self.unknown)

    def take(self, match: RouteMatch) -> bool:
        """Keep a match that found a route (or several); False if it found none."""
        route = match.route
        if route is not None:
            self.settled.setdefault(route.code, route)
            if match.corrected:
                self.corrected.append(match)
        elif match.routes:
            self.choices.append(match)
        return bool(match.routes)


def _worth_explaining(resolution: Resolution, district: District) -> bool:
    # "Quetta" needs no comment; "Turbat", "Bolan" or "Quetaa" each deserve one line.
    if resolution.kind is not ResolutionKind.DISTRICT or resolution.town is not None:
        return True
    typed = resolution.query.casefold().strip()
    return typed not in {district.slug, district.name.casefold(), *district.names.values()}
