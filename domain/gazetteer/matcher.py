"""The name index: exact, transliteration-folded and fuzzy lookups of what residents type."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import OSA

from domain.gazetteer.model import (
    Candidate,
    District,
    Division,
    Resolution,
    ResolutionKind,
    Town,
)
from domain.gazetteer.text import FILLER_WORDS, compact, fold, normalize_word, words

# Fuzzy thresholds, on the folded spellings, tuned with tests/domain/test_gazetteer.py.
# Edit distance is OSA (Levenshtein plus swapping two neighbouring letters, the commonest
# typo on a phone keyboard), so "Kalta" is one edit from "Kalat".
# A correction is taken without asking when it is within this many edits of a name of at
# least this length. Names under 5 letters (Hub, Kech, Sibi, Duki, Zhob, Nag, Sui) are too
# close to each other and to ordinary words for a single edit to be safe: only suggested.
CORRECTION_EDITS = ((8, 2), (5, 1))
MIN_CORRECTION_QUERY = 4  # folded letters; shorter queries are only ever suggested
# A correction must also keep the first letter: people rarely mistype it, while a fragment
# of a name does not start like it ("Bugti" is one letter from the alias "D. Bugti").
# ...and only when no other district comes within this many similarity points.
CORRECTION_MARGIN = 10.0
# Below this similarity (0-100) a name is not worth suggesting: about one edit in three
# letters. 67 keeps "Sibo" -> Sibi and "Zob" -> Zhob, while "Lahore" (Barshore), "Multan"
# (Gulistan) and "Hyderabad" (Qadirabad) at 62-66 stay unknown.
SUGGEST_MIN = 67.0
SUGGEST_WINDOW = 15.0  # suggest only candidates within this many points of the best
MAX_SUGGESTIONS = 4
MIN_FUZZY_QUERY = 3  # folded letters
# A query that starts a longer name ("Dera", "Killa", "Panj") or is one word of it ("Bugti",
# "Saifullah") is a partial match: scored 60-90 by how much of the name it covers, so it can
# be suggested but never taken as a correction.
PARTIAL_BASE = 60.0
PARTIAL_SPAN = 30.0
MIN_PARTIAL_WORD = 4
WORD_SIMILARITY = 0.85


@dataclass(frozen=True, slots=True)
class Entry:
    """One spelling in the index and the place it names."""

    district: District
    town: Town | None  # None when the spelling names the district itself
    by_alias: bool

    @property
    def label(self) -> str:
        """The canonical name of what this spelling names."""
        return self.town.name if self.town is not None else self.district.name


@dataclass(slots=True)
class _Scored:
    """The best match found so far for one district."""

    score: float  # the best of its whole-name and partial matches
    entry: Entry
    distance: int | None = None  # edits to its closest whole name; None if only partial
    key: str = ""  # that whole name, folded


def _key(label: str) -> str:
    return compact(words(label))


def _add(table: dict[str, list[Entry]], key: str, entry: Entry) -> None:
    entries = table.setdefault(key, [])
    same = (entry.district.slug, entry.town)
    if all((e.district.slug, e.town) != same for e in entries):
        entries.append(entry)


def _allowed_edits(length: int) -> int:
    for minimum, edits in CORRECTION_EDITS:
        if length >= minimum:
            return edits
    return 0


class NameIndex:
    """Every spelling of every district, town and division, built once per gazetteer."""

    def __init__(
        self,
        districts: Sequence[District],
        towns: Sequence[Town],
        divisions: Sequence[Division],
        extra_fillers: Iterable[str] = (),
    ) -> None:
        exact: dict[str, list[Entry]] = {}
        labels: list[tuple[str, Entry]] = []
        by_slug = {district.slug: district for district in districts}
        for town in towns:
            district = by_slug[town.district]
            for label in dict.fromkeys(town.names.values()):
                labels.append((label, Entry(district, town, by_alias=False)))
            labels += [(alias, Entry(district, town, by_alias=True)) for alias in town.aliases]
        for district in districts:
            names = dict.fromkeys((district.slug, *district.names.values()))
            labels += [(name, Entry(district, None, by_alias=False)) for name in names]
            labels += [(alias, Entry(district, None, by_alias=True)) for alias in district.aliases]
        for label, entry in labels:
            _add(exact, _key(label), entry)
        # A headquarters names its district, unless a town row already says so.
        for district in districts:
            hq_entries = exact.get(_key(district.hq), [])
            if all(e.district.slug != district.slug for e in hq_entries):
                _add(exact, _key(district.hq), Entry(district, None, by_alias=True))
                labels.append((district.hq, Entry(district, None, by_alias=True)))
        folded: dict[str, list[Entry]] = {}
        for key, entries in exact.items():
            for entry in entries:
                _add(folded, fold(key), entry)
        self.exact = {key: tuple(entries) for key, entries in exact.items()}
        self.folded = {key: tuple(entries) for key, entries in folded.items()}
        self.fuzzy_keys = list(self.folded)
        self.max_key = max(len(key) for key in self.fuzzy_keys)
        # Single words of multi-word names, for partial matches such as "Bugti".
        self.word_keys: list[str] = []
        self.word_entries: list[tuple[Entry, int]] = []  # entry, length of the whole name
        for label, entry in labels:
            parts = [fold(part) for part in words(label)]
            if len(parts) < 2:
                continue
            whole = len(fold(compact(parts)))
            for part in parts:
                if len(part) >= MIN_PARTIAL_WORD:
                    self.word_keys.append(part)
                    self.word_entries.append((entry, whole))
        self.max_words = max(len(words(label)) for label, _ in labels)
        self.divisions_exact: dict[str, Division] = {}
        self.divisions_folded: dict[str, Division] = {}
        for division in divisions:
            for label in dict.fromkeys(
                (*division.names.values(), division.name, *division.aliases)
            ):
                for suffix in ("", " division", " ڈویژن"):
                    key = _key(label + suffix)
                    self.divisions_exact.setdefault(key, division)
                    self.divisions_folded.setdefault(fold(key), division)
        self.district_order = {district.slug: i for i, district in enumerate(districts)}
        self.districts_by_division: dict[str, tuple[District, ...]] = {}
        for division in divisions:
            self.districts_by_division[division.name] = tuple(
                d for d in districts if d.division == division.name
            )
        self.fillers = frozenset(
            fold(normalize_word(word)) for word in (*FILLER_WORDS, *extra_fillers)
        )
        self.fillers |= {fold(compact(words(word))) for word in extra_fillers}

    def is_filler(self, word: str) -> bool:
        """Whether a normalised word only says what kind of place follows or precedes."""
        return fold(word) in self.fillers

    def strip_fillers(self, parts: Sequence[str]) -> Sequence[str]:
        """The words without filler words at either end."""
        start, end = 0, len(parts)
        while start < end and self.is_filler(parts[start]):
            start += 1
        while end > start and self.is_filler(parts[end - 1]):
            end -= 1
        return parts[start:end]

    def exact_key(self, key: str) -> bool:
        """Whether a compact key is exactly a known name (for splitting messages)."""
        return key in self.exact or key in self.divisions_exact

    def resolve_words(self, parts: Sequence[str], query: str) -> Resolution:
        """Resolve the normalised words of one name; `query` is echoed back."""
        stripped = self.strip_fillers(parts)
        if not stripped:
            return Resolution(query, ResolutionKind.UNKNOWN)
        variants = [compact(parts)]
        if len(stripped) != len(parts):
            variants.append(compact(stripped))
        for key in variants:
            if key in self.exact:
                return self._from_entries(query, self.exact[key], corrected=False)
            if key in self.divisions_exact:
                return self._from_division(query, self.divisions_exact[key])
        for key in variants:
            # Same letters once spelling variants are folded: resolved, but say what we took.
            if fold(key) in self.folded:
                return self._from_entries(query, self.folded[fold(key)], corrected=True)
            if fold(key) in self.divisions_folded:
                return self._from_division(query, self.divisions_folded[fold(key)])
        return self._fuzzy(query, fold(variants[-1]))

    def _from_entries(self, query: str, entries: Sequence[Entry], corrected: bool) -> Resolution:
        by_district: dict[str, list[Entry]] = {}
        for entry in entries:
            by_district.setdefault(entry.district.slug, []).append(entry)
        if len(by_district) > 1:
            candidates = tuple(
                Candidate(group[0].district, group[0].label, 100.0, group[0].town)
                for group in by_district.values()
            )
            return Resolution(query, ResolutionKind.AMBIGUOUS, candidates=candidates, score=100.0)
        (group,) = by_district.values()
        district = group[0].district
        towns = [e for e in group if e.town is not None]
        if any(e.town is None for e in group):
            # A district's own name; mention a town only if it is also that town's name.
            town = next((e.town for e in towns if not e.by_alias), None)
            kind = ResolutionKind.DISTRICT
        else:
            town = towns[0].town
            kind = ResolutionKind.TOWN
        if corrected:
            kind = ResolutionKind.CORRECTED
        return Resolution(query, kind, district=district, town=town, score=100.0)

    def _from_division(self, query: str, division: Division) -> Resolution:
        candidates = tuple(
            Candidate(d, d.name, 100.0) for d in self.districts_by_division[division.name]
        )
        return Resolution(
            query,
            ResolutionKind.AMBIGUOUS,
            candidates=candidates,
            score=100.0,
            division=division.name,
        )

    def _fuzzy(self, query: str, key: str) -> Resolution:
        # Nothing within reach of a real name: skip the scan for very long input.
        if len(key) < MIN_FUZZY_QUERY or len(key) > 2 * self.max_key:
            return Resolution(query, ResolutionKind.UNKNOWN)
        best: dict[str, _Scored] = {}

        def offer(entry: Entry, score: float, distance: int | None, choice: str) -> None:
            found = best.setdefault(entry.district.slug, _Scored(score, entry))
            if score > found.score:
                found.score, found.entry = score, entry
            # The distance for a correction comes from whole names only, even when a partial
            # match ("Mastun" starts "Mastung") scores as high.
            if distance is not None and (found.distance is None or distance < found.distance):
                found.distance, found.key = distance, choice

        for choice, similarity, index in process.extract(
            key,
            self.fuzzy_keys,
            scorer=OSA.normalized_similarity,
            score_cutoff=SUGGEST_MIN / 100,
            limit=None,
        ):
            distance = OSA.distance(key, choice)
            for entry in self.folded[self.fuzzy_keys[index]]:
                offer(entry, similarity * 100, distance, choice)
        for choice in self.fuzzy_keys:
            if len(choice) > len(key) and choice.startswith(key):
                score = PARTIAL_BASE + PARTIAL_SPAN * len(key) / len(choice)
                for entry in self.folded[choice]:
                    offer(entry, score, None, choice)
        if len(key) >= MIN_PARTIAL_WORD:
            for choice, similarity, index in process.extract(
                key,
                self.word_keys,
                scorer=OSA.normalized_similarity,
                score_cutoff=WORD_SIMILARITY,
                limit=None,
            ):
                entry, whole = self.word_entries[index]
                score = (PARTIAL_BASE + PARTIAL_SPAN * len(choice) / whole) * similarity
                offer(entry, score, None, choice)
        ranked = sorted(
            best.values(),
            key=lambda s: (-s.score, self.district_order[s.entry.district.slug]),
        )
        if not ranked or ranked[0].score < SUGGEST_MIN:
            return Resolution(query, ResolutionKind.UNKNOWN)
        top = ranked[0]
        runner_up = ranked[1].score if len(ranked) > 1 else 0.0
        if (
            top.distance is not None
            and len(key) >= MIN_CORRECTION_QUERY
            and top.distance <= _allowed_edits(len(top.key))
            and top.key[0] == key[0]
            and runner_up <= top.score - CORRECTION_MARGIN
        ):
            return Resolution(
                query,
                ResolutionKind.CORRECTED,
                district=top.entry.district,
                town=top.entry.town,
                score=round(top.score, 1),
            )
        floor = max(SUGGEST_MIN, top.score - SUGGEST_WINDOW)
        candidates = tuple(
            Candidate(s.entry.district, s.entry.label, round(s.score, 1), s.entry.town)
            for s in ranked[:MAX_SUGGESTIONS]
            if s.score >= floor
        )
        return Resolution(
            query, ResolutionKind.SUGGEST, candidates=candidates, score=round(top.score, 1)
        )
