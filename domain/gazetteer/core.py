"""The Gazetteer: a region's districts, towns and routes, and resolving what residents type."""

from __future__ import annotations

import dataclasses
from functools import cache
from pathlib import Path

from domain.gazetteer.loader import load_directory
from domain.gazetteer.matcher import NameIndex
from domain.gazetteer.model import (
    District,
    Division,
    InputTooLong,
    Region,
    Resolution,
    ResolutionKind,
    Route,
    Town,
)
from domain.gazetteer.outlines import Outline, Placement, locate
from domain.gazetteer.routes import RouteIndex, RouteMatch
from domain.gazetteer.text import CODE_CHARS, compact, fold, split_names, tokens, words

DEFAULT_DIRECTORY = Path(__file__).resolve().parent.parent / "data" / "gazetteer" / "balochistan"

MAX_QUERY_CHARS = 100  # one name; far longer than any real one, with "district" and typos
MAX_MESSAGE_CHARS = 500  # resolve_many refuses longer messages with InputTooLong
MAX_NAMES = 20  # resolve_many refuses more names with InputTooLong

_SETTLED = (ResolutionKind.DISTRICT, ResolutionKind.TOWN, ResolutionKind.AMBIGUOUS)


def _shown(query: str) -> str:
    """The query as echoed back: trimmed, and cut so a bot never quotes a wall of text."""
    query = query.strip()
    return query if len(query) <= MAX_QUERY_CHARS else query[: MAX_QUERY_CHARS - 1] + "…"


class Gazetteer:
    """A region's districts, divisions, towns and routes; immutable and safe to share."""

    def __init__(
        self,
        region: Region,
        divisions: tuple[Division, ...],
        districts: tuple[District, ...],
        towns: tuple[Town, ...],
        routes: tuple[Route, ...],
        outlines: tuple[Outline, ...] = (),
    ) -> None:
        """Build the indexes; the values must be consistent (use `load`, which checks)."""
        self.region = region
        self._divisions = {division.name: division for division in divisions}
        self.divisions: tuple[str, ...] = tuple(self._divisions)
        self.districts = districts
        self.towns = towns
        self.routes = routes
        self.outlines = outlines
        self._by_slug = {district.slug: district for district in districts}
        self._index = NameIndex(districts, towns, divisions, region.filler_words)
        self._routes = RouteIndex(routes)

    @classmethod
    def load(cls, directory: Path) -> Gazetteer:
        """Load a gazetteer directory; GazetteerError names the file and line of a problem."""
        data = load_directory(Path(directory))
        return cls(
            data.region, data.divisions, data.districts, data.towns, data.routes, data.outlines
        )

    @classmethod
    def default(cls) -> Gazetteer:
        """The bundled Balochistan gazetteer (loaded once, then shared)."""
        return _default()

    # --- districts and divisions -------------------------------------------------------

    def district(self, slug: str) -> District:
        """The district with this slug; KeyError if there is none."""
        return self._by_slug[slug]

    def get(self, slug: str) -> District | None:
        """The district with this slug, or None."""
        return self._by_slug.get(slug)

    def division(self, name: str) -> Division:
        """The division with this (English) name; KeyError if there is none."""
        return self._divisions[name]

    def division_name(self, name: str, lang: str) -> str:
        """A division's name in a language, falling back to the plain name."""
        return self._divisions[name].display_name(lang)

    def districts_in(self, division: str) -> tuple[District, ...]:
        """The districts of a division in file order; KeyError for an unknown division."""
        return self._index.districts_by_division[division]

    def towns_in(self, slug: str) -> tuple[Town, ...]:
        """The towns listed for a district; KeyError for an unknown slug."""
        self.district(slug)
        return tuple(town for town in self.towns if town.district == slug)

    def locate(self, lat: float, lon: float) -> Placement:
        """The district(s) a point lies in, by the outlines (OUTSIDE when there are none)."""
        return locate(self.outlines, self._by_slug, lat, lon)

    # --- routes ------------------------------------------------------------------------

    def route(self, code_or_name: str) -> Route | None:
        """A route by code or name, forgiving case, spacing and hyphens ("n 25", "N25")."""
        if len(code_or_name) > MAX_QUERY_CHARS:
            return None
        return self._routes.exact(words(code_or_name))

    def match_route(self, query: str, *, fuzzy: bool = False) -> RouteMatch:
        """What a resident's text means as a road or railway: one, several to choose from,
        or none. Typos are forgiven when `fuzzy` or when the text says it names a route."""
        text = query.strip()
        if not text or len(text) > MAX_QUERY_CHARS or CODE_CHARS.intersection(text):
            return RouteMatch(_shown(text))
        return self._routes.match(_shown(text), words(text), fuzzy=fuzzy)

    def routes_through(self, slug: str) -> tuple[Route, ...]:
        """The routes crossing a district; KeyError for an unknown slug."""
        self.district(slug)
        return tuple(route for route in self.routes if slug in route.districts)

    # --- resolving names ---------------------------------------------------------------

    def resolve(self, query: str) -> Resolution:
        """What one typed name means; never raises, garbage is UNKNOWN."""
        text = query.strip()
        if not text or len(text) > MAX_QUERY_CHARS or CODE_CHARS.intersection(text):
            return Resolution(_shown(text), ResolutionKind.UNKNOWN)
        return self._index.resolve_words(words(text), text)

    def resolve_many(self, text: str) -> list[Resolution]:
        """Resolve every name in a message, in order, one result per district.

        Names are split on commas, semicolons, slashes, newlines, "&", "and", "aur", "اور"
        and "و"; a chunk that is not one name but whose words are ("Quetta Pasni") is split
        greedily on the longest known names. Names meaning the same district are collapsed
        into the first, whose `duplicates` lists the others. Raises InputTooLong for more
        than 500 characters or 20 names; returns [] when there is no name at all.
        """
        if len(text) > MAX_MESSAGE_CHARS:
            raise InputTooLong(limit=MAX_MESSAGE_CHARS, actual=len(text), unit="characters")
        if not text.strip():
            return []
        if CODE_CHARS.intersection(text):
            return [Resolution(_shown(text), ResolutionKind.UNKNOWN)]
        chunks = [chunk.strip() for chunk in split_names(text) if words(chunk)]
        if not chunks:
            return [Resolution(_shown(text), ResolutionKind.UNKNOWN)]
        if len(chunks) > MAX_NAMES:
            raise InputTooLong(limit=MAX_NAMES, actual=len(chunks), unit="names")
        results = [result for chunk in chunks for result in self._resolve_chunk(chunk)]
        if len(results) > MAX_NAMES:
            raise InputTooLong(limit=MAX_NAMES, actual=len(results), unit="names")
        return self._collapse(results)

    def _resolve_chunk(self, chunk: str) -> list[Resolution]:
        found = tokens(chunk)
        parts = [word for _, _, word in found]
        whole = self._index.resolve_words(parts, _shown(chunk))
        if len(parts) == 1 or whole.kind in _SETTLED:
            return [whole]
        segments = self._segment(parts)
        if not any(exact for _, _, exact in segments):
            if whole.kind is ResolutionKind.CORRECTED:
                return [whole]
            return self._resolve_run(parts, found, chunk, whole)
        leftovers = [
            (start, end)
            for start, end, exact in segments
            if not exact and not all(self._index.is_filler(p) for p in parts[start:end])
        ]
        # A confident correction of the whole chunk beats a split that leaves words over.
        if whole.kind is ResolutionKind.CORRECTED and leftovers:
            return [whole]
        # Mostly unknown words are a sentence, not a list: "thanks, very much" must not
        # subscribe anyone to a town that happens to be called like one of its words.
        known = sum(end - start for start, end, exact in segments if exact)
        if known < sum(end - start for start, end in leftovers):
            return [whole]
        results: list[Resolution] = []
        for start, end, exact in segments:
            query = chunk[found[start][0] : found[end - 1][1]]
            if exact:
                results.append(self._index.resolve_words(parts[start:end], query))
            elif (start, end) in leftovers:
                run = found[start:end]
                results += self._resolve_run(
                    parts[start:end], run, chunk, self._index.resolve_words(parts[start:end], query)
                )
        return results

    def _segment(self, parts: list[str]) -> list[tuple[int, int, bool]]:
        """Greedy split into (start, end, is_exact_name), longest known name first."""
        segments: list[tuple[int, int, bool]] = []
        position, run_start = 0, None
        while position < len(parts):
            for size in range(min(self._index.max_words, len(parts) - position), 0, -1):
                if self._index.exact_key(compact(parts[position : position + size])):
                    if run_start is not None:
                        segments.append((run_start, position, False))
                        run_start = None
                    segments.append((position, position + size, True))
                    position += size
                    break
            else:
                if run_start is None:
                    run_start = position
                position += 1
        if run_start is not None:
            segments.append((run_start, len(parts), False))
        return segments

    def _resolve_run(
        self, parts: list[str], found: list[tuple[int, int, str]], chunk: str, whole: Resolution
    ) -> list[Resolution]:
        """Words that are no known name as a whole: word by word if that finds any place."""
        if whole.resolved or whole.kind is ResolutionKind.AMBIGUOUS or len(parts) == 1:
            return [whole]
        singles = [
            self._index.resolve_words([word], chunk[start:end])
            for start, end, word in found
            if not self._index.is_filler(word)
        ]
        found_places = sum(1 for r in singles if r.resolved or r.kind is ResolutionKind.AMBIGUOUS)
        if found_places and found_places >= len(singles) - found_places:
            return singles
        return [whole]

    @staticmethod
    def _collapse(results: list[Resolution]) -> list[Resolution]:
        merged: dict[str, int] = {}
        out: list[Resolution] = []
        for result in results:
            if result.district is not None:
                key = "district:" + result.district.slug
            else:
                key = "query:" + fold(compact(words(result.query)))
            if key in merged:
                first = out[merged[key]]
                out[merged[key]] = dataclasses.replace(
                    first, duplicates=(*first.duplicates, result.query)
                )
            else:
                merged[key] = len(out)
                out.append(result)
        return out


@cache
def _default() -> Gazetteer:
    return Gazetteer.load(DEFAULT_DIRECTORY)
