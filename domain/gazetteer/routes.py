"""The route index: roads and railways by code, name or alias, forgiving typos."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import OSA

from domain.gazetteer.model import Route, RouteKind
from domain.gazetteer.text import compact, fold, words

# Words that only say what kind of route follows or precedes its name; some say which kind.
_ROAD_WORDS = "highway motorway road شاہراہ سڑک روڈ موٹروے ہائی وے"
_RAIL_WORDS = "railway rail train ریلوے ریل ٹرین"
_KIND_WORDS = {
    **{fold(word): RouteKind.ROAD for word in words(_ROAD_WORDS)},
    **{fold(word): RouteKind.RAIL for word in words(_RAIL_WORDS)},
}
ROUTE_WORDS = frozenset(
    {*_KIND_WORDS, *(fold(word) for word in words("national line route track لائن"))}
)
# "n25", "m8": a code typed without its hyphen.
_CODE_SHAPE = re.compile(r"[a-z]{1,4}\d{1,3}")
# Fuzzy route names: about one typo in eight letters; shorter keys (codes) must be exact.
ROUTE_SIMILARITY = 0.8
MIN_FUZZY_ROUTE = 6
ROUTE_WINDOW = 0.05  # candidates this close to the best are all offered
MAX_ROUTE_CHOICES = 4


@dataclass(frozen=True, slots=True)
class RouteMatch:
    """What a typed text means as a road or railway."""

    query: str
    routes: tuple[Route, ...] = ()  # one: settled; several: ask which; none: not a route
    corrected: bool = False  # settled on a guess at a misspelling: say so
    looks_like_route: bool = False  # a route word or a code shape: "unknown road", not place

    @property
    def route(self) -> Route | None:
        """The one route meant, if settled."""
        return self.routes[0] if len(self.routes) == 1 else None


def _add(table: dict[str, tuple[Route, ...]], key: str, route: Route) -> None:
    if key and route not in table.get(key, ()):
        table[key] = (*table.get(key, ()), route)


class RouteIndex:
    """Every spelling of every route: whole labels, and labels without their route words."""

    def __init__(self, routes: Sequence[Route]) -> None:
        self.whole: dict[str, tuple[Route, ...]] = {}
        self.trimmed: dict[str, tuple[Route, ...]] = {}
        for route in routes:
            for label in {route.code, *route.names.values(), *route.aliases}:
                parts = words(label)
                _add(self.whole, fold(compact(parts)), route)
                _add(self.trimmed, fold(compact(_trim(parts))), route)
        self.keys = list({**self.whole, **self.trimmed})

    def exact(self, parts: Sequence[str]) -> Route | None:
        """The one route a spelling names (whole or trimmed), or None; no typos."""
        for key in (fold(compact(parts)), fold(compact(_trim(parts)))):
            found = self.whole.get(key) or self.trimmed.get(key) or ()
            if len(found) == 1:
                return found[0]
        return None

    def match(self, query: str, parts: Sequence[str], *, fuzzy: bool) -> RouteMatch:
        """What the words mean as a route. Names without their route words ("Quetta Sibi")
        count only when the text has one ("Quetta Sibi railway"): otherwise they are places.
        Typos are forgiven when `fuzzy`, or when the text says it is a route."""
        trimmed = _trim(parts)
        has_route_word = len(trimmed) < len(parts)
        whole_key, trimmed_key = fold(compact(parts)), fold(compact(trimmed))
        # "road" alone is a word, not a route nobody knows.
        looks = (has_route_word and bool(trimmed)) or bool(_CODE_SHAPE.fullmatch(compact(parts)))
        found = self.whole.get(whole_key) or (
            self.trimmed.get(trimmed_key) if has_route_word else None
        )
        if found:
            return RouteMatch(query, _by_kind(found, parts), looks_like_route=True)
        if (fuzzy or looks) and len(trimmed_key) >= MIN_FUZZY_ROUTE:
            match = self._fuzzy(query, trimmed_key, looks)
            routes = _by_kind(match.routes, parts)
            return RouteMatch(query, routes, len(routes) == 1, match.looks_like_route)
        return RouteMatch(query, looks_like_route=looks)

    def _fuzzy(self, query: str, key: str, looks: bool) -> RouteMatch:
        best: dict[str, tuple[float, Route]] = {}
        for _choice, similarity, index in process.extract(
            key, self.keys, scorer=OSA.normalized_similarity, score_cutoff=ROUTE_SIMILARITY
        ):
            choice = self.keys[index]
            for route in (*self.whole.get(choice, ()), *self.trimmed.get(choice, ())):
                if similarity > best.get(route.code, (0.0, route))[0]:
                    best[route.code] = (similarity, route)
        if not best:
            return RouteMatch(query, looks_like_route=looks)
        top = max(score for score, _ in best.values())
        ranked = sorted(
            (item for item in best.values() if item[0] >= top - ROUTE_WINDOW),
            key=lambda item: -item[0],
        )
        routes = tuple(route for _, route in ranked[:MAX_ROUTE_CHOICES])
        return RouteMatch(query, routes, corrected=len(routes) == 1, looks_like_route=True)


def _trim(parts: Sequence[str]) -> list[str]:
    return [part for part in parts if fold(part) not in ROUTE_WORDS]


def _by_kind(routes: tuple[Route, ...], parts: Sequence[str]) -> tuple[Route, ...]:
    """Of several routes, the one of the kind the text names ("Quetta–Taftan road")."""
    kinds = {_KIND_WORDS[fold(part)] for part in parts if fold(part) in _KIND_WORDS}
    if len(routes) < 2 or len(kinds) != 1:
        return routes
    (kind,) = kinds
    same = tuple(route for route in routes if route.kind is kind)
    return same if len(same) == 1 else routes
