"""Plain values of the gazetteer: places, routes, resolutions and errors."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Literal

_NO_NAMES: Mapping[str, str] = MappingProxyType({})


def _no_names() -> Mapping[str, str]:
    return _NO_NAMES


class CoordSource(enum.StrEnum):
    """Where a district's headquarters coordinates come from."""

    GEONAMES = "geonames"
    APPROX = "approx"  # placed by hand; deployers should check before going live


class RouteKind(enum.StrEnum):
    """Whether a route is a road or a railway."""

    ROAD = "road"
    RAIL = "rail"


class ResolutionKind(enum.StrEnum):
    """How a typed name was understood."""

    DISTRICT = "district"  # a district's name, slug or alias
    TOWN = "town"  # a town inside one district
    CORRECTED = "corrected"  # a confident guess at a misspelling: resolved, but say so
    AMBIGUOUS = "ambiguous"  # a real name of places in several districts: ask which
    SUGGEST = "suggest"  # unsure: offer the candidates ("did you mean")
    UNKNOWN = "unknown"  # nothing plausible


@dataclass(frozen=True, slots=True)
class Region:
    """Metadata of a gazetteer: its name and the languages names are given in."""

    name: str
    country: str
    languages: tuple[str, ...]  # the first is the language of the plain `name` columns
    bbox: tuple[float, float, float, float] | None = None  # min lat, min lon, max lat, max lon
    filler_words: tuple[str, ...] = ()
    pcode: str | None = None  # the OCHA admin-1 P-code, e.g. PK7
    country_code: str | None = None  # ISO 3166-1 alpha-3, e.g. PAK (DTM's admin0Pcode)

    @property
    def base_language(self) -> str:
        """The language of the plain `name` columns."""
        return self.languages[0]


@dataclass(frozen=True, slots=True)
class Division:
    """A group of districts, as listed in the pickers."""

    name: str
    aliases: tuple[str, ...] = ()
    names: Mapping[str, str] = field(default_factory=_no_names, hash=False)

    def display_name(self, lang: str) -> str:
        """The name in a language, falling back to the plain (English) name."""
        return self.names.get(lang) or self.name


@dataclass(frozen=True, slots=True)
class District:
    """An administrative district, the unit residents subscribe to."""

    slug: str
    name: str
    division: str
    hq: str
    lat: float
    lon: float
    coords: CoordSource
    # Mappings are not hashable; identity is the slug and the other fields anyway.
    names: Mapping[str, str] = field(default_factory=_no_names, hash=False)
    aliases: tuple[str, ...] = ()
    pcode: str | None = None
    # Emergency numbers from the data files; empty where nobody checked one (never guessed).
    emergency: tuple[str, ...] = ()

    def display_name(self, lang: str) -> str:
        """The name in a language, falling back to the plain (English) name."""
        return self.names.get(lang) or self.name


@dataclass(frozen=True, slots=True)
class Town:
    """A town or other place that residents name instead of its district."""

    name: str
    district: str  # slug
    aliases: tuple[str, ...] = ()
    names: Mapping[str, str] = field(default_factory=_no_names, hash=False)

    def display_name(self, lang: str) -> str:
        """The name in a language, falling back to the plain (English) name."""
        return self.names.get(lang) or self.name


@dataclass(frozen=True, slots=True)
class Route:
    """A road or railway and the districts it crosses, in order."""

    code: str
    name: str
    kind: RouteKind
    districts: tuple[str, ...]  # slugs
    aliases: tuple[str, ...] = ()
    names: Mapping[str, str] = field(default_factory=_no_names, hash=False)

    def display_name(self, lang: str) -> str:
        """The name in a language, falling back to the plain (English) name."""
        return self.names.get(lang) or self.name

    def label(self, lang: str) -> str:
        """Code and name, as every message naming a route shows it: "N-25 Karachi–…"."""
        return f"{self.code} {self.display_name(lang)}"


@dataclass(frozen=True, slots=True)
class Candidate:
    """One district a name might mean, with the place name that matched (best first)."""

    district: District
    label: str  # canonical name of what matched: the town, the district or the division
    score: float = 100.0  # 0-100; 100 for an exact name
    town: Town | None = None


@dataclass(frozen=True, slots=True)
class Resolution:
    """What one typed name means."""

    query: str  # the resident's words, trimmed (cut to 100 characters)
    kind: ResolutionKind
    district: District | None = None  # set for DISTRICT, TOWN and CORRECTED
    town: Town | None = None  # set for TOWN, and for DISTRICT/CORRECTED when a town matched
    candidates: tuple[Candidate, ...] = ()  # for AMBIGUOUS and SUGGEST, one per district
    score: float = 0.0  # 0-100: 100 when exact or equal after folding, else fuzzy similarity
    division: str | None = None  # set when the name was a division (AMBIGUOUS over its districts)
    duplicates: tuple[str, ...] = ()  # other queries of the same message that meant the same

    @property
    def resolved(self) -> bool:
        """Whether the name settled on one district."""
        return self.district is not None


class GazetteerError(ValueError):
    """A gazetteer data file is missing, malformed or inconsistent."""

    def __init__(self, path: Path, line: int | None, message: str) -> None:
        self.path = path
        self.line = line
        self.message = message
        where = f"{path.name} line {line}" if line is not None else path.name
        super().__init__(f"{where}: {message} ({path})")


class InputTooLong(ValueError):
    """A message given to resolve_many is over the character or name limit."""

    def __init__(self, *, limit: int, actual: int, unit: Literal["characters", "names"]) -> None:
        self.limit = limit
        self.actual = actual
        self.unit = unit
        super().__init__(f"{actual} {unit}, at most {limit} accepted")
