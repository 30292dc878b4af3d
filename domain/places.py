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
)

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

    @property
    def needs_answer(self) -> bool:
        """Whether the resident still has to choose or retype something."""
        return bool(self.ambiguous or self.suggestions or self.unknown)


def read_places(gazetteer: Gazetteer, text: str) -> PlacesReading:
    """Resolve a message such as 'Quetta, Pasni' into districts, questions and unknowns."""
    if len(text) > MAX_PLACES_TEXT:
        return PlacesReading(too_long=True)
    districts: dict[str, District] = {}
    explained: list[Resolution] = []
    ambiguous: list[Resolution] = []
    suggestions: list[Resolution] = []
    unknown: list[str] = []
    try:
        resolutions = gazetteer.resolve_many(text)
    except InputTooLong as exc:
        return PlacesReading(too_many=exc.unit == "names", too_long=exc.unit != "names")
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
            unknown.append(resolution.query)
    return PlacesReading(
        districts=tuple(districts.values()),
        explained=tuple(explained),
        ambiguous=tuple(ambiguous),
        suggestions=tuple(suggestions),
        unknown=tuple(unknown),
    )


def _worth_explaining(resolution: Resolution, district: District) -> bool:
    # "Quetta" needs no comment; "Turbat", "Bolan" or "Quetaa" each deserve one line.
    if resolution.kind is not ResolutionKind.DISTRICT or resolution.town is not None:
        return True
    typed = resolution.query.casefold().strip()
    return typed not in {district.slug, district.name.casefold(), *district.names.values()}
