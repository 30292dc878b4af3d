"""Districts, towns and routes of a region, and what residents mean when they type a place."""

from domain.gazetteer.core import (
    DEFAULT_DIRECTORY,
    MAX_MESSAGE_CHARS,
    MAX_NAMES,
    MAX_QUERY_CHARS,
    Gazetteer,
)
from domain.gazetteer.model import (
    Candidate,
    CoordSource,
    District,
    Division,
    GazetteerError,
    InputTooLong,
    Region,
    Resolution,
    ResolutionKind,
    Route,
    RouteKind,
    Town,
)
from domain.gazetteer.outlines import Outline, Placement, PlacementKind, distance_km
from domain.gazetteer.routes import RouteMatch
from domain.gazetteer.text import normalize_digits

__all__ = [
    "DEFAULT_DIRECTORY",
    "MAX_MESSAGE_CHARS",
    "MAX_NAMES",
    "MAX_QUERY_CHARS",
    "Candidate",
    "CoordSource",
    "District",
    "Division",
    "Gazetteer",
    "GazetteerError",
    "InputTooLong",
    "Outline",
    "Placement",
    "PlacementKind",
    "Region",
    "Resolution",
    "ResolutionKind",
    "Route",
    "RouteKind",
    "RouteMatch",
    "Town",
    "distance_km",
    "normalize_digits",
]
