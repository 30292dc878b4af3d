"""Read and check a gazetteer directory (region.csv, districts.csv, towns.csv, ...)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from domain.gazetteer.csvfile import Row, check_name, coordinate, parse_bbox, read_rows
from domain.gazetteer.model import (
    CoordSource,
    District,
    Division,
    GazetteerError,
    Region,
    Route,
    RouteKind,
    Town,
)
from domain.gazetteer.outlines import Outline, load_outlines
from domain.gazetteer.text import compact, words

REGION_FILE = "region.csv"
DIVISIONS_FILE = "divisions.csv"  # optional: without it divisions have only their plain name
DISTRICTS_FILE = "districts.csv"
TOWNS_FILE = "towns.csv"
ROUTES_FILE = "routes.csv"

_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_PHONE = re.compile(r"\+?[0-9][0-9 -]{1,18}[0-9]")
_LANG = re.compile(r"[a-z]{2,3}(?:[_-][A-Za-z0-9]{2,8})*")
_REGION_KEYS = frozenset(
    {"name", "country", "languages", "bbox", "filler_words", "pcode", "country_code"}
)


@dataclass(frozen=True, slots=True)
class GazetteerData:
    """Everything read from a gazetteer directory, checked and cross-referenced."""

    region: Region
    divisions: tuple[Division, ...]
    districts: tuple[District, ...]
    towns: tuple[Town, ...]
    routes: tuple[Route, ...]
    outlines: tuple[Outline, ...] = ()  # district outlines, when the directory has them


def _read_region(directory: Path) -> Region:
    path = directory / REGION_FILE
    values: dict[str, str] = {}
    bbox: tuple[float, float, float, float] | None = None
    for row in read_rows(path, ("key", "value"), ()):
        key = row.required("key")
        if key not in _REGION_KEYS:
            raise row.error(f"unknown key '{key}'; known: {', '.join(sorted(_REGION_KEYS))}")
        if key in values:
            raise row.error(f"key '{key}' is given twice")
        values[key] = row.get("value")
        if key == "languages":
            languages = tuple(lang.strip() for lang in values[key].split("|"))
            bad = [lang for lang in languages if not _LANG.fullmatch(lang)]
            if bad or len(set(languages)) != len(languages):
                raise row.error("'languages' must be distinct codes like en|ur|ps")
        if key == "bbox" and values[key]:
            bbox = parse_bbox(row, values[key])
    for key in ("name", "languages"):
        if not values.get(key):
            raise GazetteerError(path, None, f"key '{key}' is missing or empty")
    fillers = tuple(w.strip() for w in values.get("filler_words", "").split("|") if w.strip())
    return Region(
        name=values["name"],
        country=values.get("country", ""),
        languages=tuple(lang.strip() for lang in values["languages"].split("|")),
        bbox=bbox,
        filler_words=fillers,
        pcode=values.get("pcode") or None,
        country_code=values.get("country_code") or None,
    )


def _read_divisions(directory: Path, languages: tuple[str, ...]) -> list[tuple[Division, Row]]:
    path = directory / DIVISIONS_FILE
    if not path.exists():
        return []
    found: list[tuple[Division, Row]] = []
    seen: dict[str, int] = {}
    for row in read_rows(path, ("name",), ("aliases",), languages):
        name = row.required("name")
        check_name(row, name)
        if name in seen:
            raise row.error(f"division '{name}' is listed twice (first on line {seen[name]})")
        seen[name] = row.line
        found.append((Division(name, row.aliases(), row.names(languages)), row))
    return found


def _emergency_numbers(row: Row) -> tuple[str, ...]:
    """The |-separated emergency numbers: digits, spaces, '+' and '-' only (blank: unknown)."""
    found = tuple(n.strip() for n in row.get("emergency").split("|") if n.strip())
    for number in found:
        if not _PHONE.fullmatch(number):
            raise row.error(f"emergency number {number!r} must be digits, spaces, '+' or '-'")
    return found


def _read_districts(
    directory: Path, region: Region, divisions: list[tuple[Division, Row]]
) -> list[District]:
    path = directory / DISTRICTS_FILE
    listed = {division.name for division, _ in divisions}
    found: list[District] = []
    slugs: dict[str, int] = {}
    keys: dict[str, tuple[str, int]] = {}  # compact name key -> (slug, line)
    columns = ("slug", "name", "division", "hq", "lat", "lon", "coords")
    optional = ("aliases", "pcode", "emergency")
    for row in read_rows(path, columns, optional, region.languages, True):
        slug = row.required("slug")
        if not _SLUG.fullmatch(slug):
            raise row.error(f"slug {slug!r} must be lower-case letters, digits and hyphens")
        if slug in slugs:
            raise row.error(f"duplicate slug '{slug}' (first on line {slugs[slug]})")
        slugs[slug] = row.line
        division = row.required("division")
        if listed and division not in listed:
            raise row.error(f"division '{division}' is not in {DIVISIONS_FILE}")
        lat = coordinate(row, "lat", 90)
        lon = coordinate(row, "lon", 180)
        box = region.bbox
        if box is not None and not (box[0] <= lat <= box[2] and box[1] <= lon <= box[3]):
            raise row.error(f"{lat}, {lon} is outside the region's bbox (lat/lon swapped?)")
        try:
            coords = CoordSource(row.required("coords"))
        except ValueError:
            choices = "|".join(source.value for source in CoordSource)
            raise row.error(f"'coords' must be one of {choices}") from None
        names = row.names(region.languages)
        check_name(row, names[region.base_language])
        aliases = row.aliases()
        district = District(
            slug=slug,
            name=names[region.base_language],
            division=division,
            hq=row.required("hq"),
            lat=lat,
            lon=lon,
            coords=coords,
            names=names,
            aliases=aliases,
            pcode=row.get("pcode") or None,
            emergency=_emergency_numbers(row),
        )
        # Two districts sharing a spelling could never be told apart: refuse the file.
        for label in (slug, *names.values(), *aliases):
            key = compact(words(label))
            owner = keys.setdefault(key, (slug, row.line))
            if owner[0] != slug:
                raise row.error(
                    f"{label!r} is also a name of district '{owner[0]}' (line {owner[1]})"
                )
        found.append(district)
    if not found:
        raise GazetteerError(path, None, "no districts")
    used = {district.division for district in found}
    for listed_division, row in divisions:
        if listed_division.name not in used:
            raise row.error(
                f"division '{listed_division.name}' has no district in {DISTRICTS_FILE}"
            )
    return found


def _district_slugs(row: Row, text: str, known: Mapping[str, District]) -> tuple[str, ...]:
    slugs = tuple(part.strip() for part in text.split("|"))
    for slug in slugs:
        if slug not in known:
            raise row.error(f"unknown district '{slug}'")
    if len(set(slugs)) != len(slugs):
        raise row.error("a district is listed twice")
    return slugs


def _read_towns(directory: Path, region: Region, known: Mapping[str, District]) -> list[Town]:
    path = directory / TOWNS_FILE
    found: list[Town] = []
    seen: dict[tuple[str, str], int] = {}
    for row in read_rows(path, ("name", "district"), ("aliases",), region.languages):
        names = row.names(region.languages)
        name = names[region.base_language]
        check_name(row, name)
        district = row.required("district")
        if district not in known:
            raise row.error(f"unknown district '{district}'")
        if (name, district) in seen:
            raise row.error(
                f"town '{name}' in '{district}' is listed twice (first on line "
                f"{seen[name, district]})"
            )
        seen[name, district] = row.line
        found.append(Town(name, district, row.aliases(), names))
    return found


def _read_routes(directory: Path, region: Region, known: Mapping[str, District]) -> list[Route]:
    path = directory / ROUTES_FILE
    found: list[Route] = []
    codes: dict[str, int] = {}
    for row in read_rows(
        path, ("code", "name", "kind", "districts"), ("aliases",), region.languages
    ):
        code = row.required("code")
        key = compact(words(code))
        if not key:
            raise row.error(f"code {code!r} has no letters or digits")
        if key in codes:
            raise row.error(f"duplicate route code '{code}' (first on line {codes[key]})")
        codes[key] = row.line
        try:
            kind = RouteKind(row.required("kind"))
        except ValueError:
            raise row.error("'kind' must be one of road|rail") from None
        names = row.names(region.languages)
        districts = _district_slugs(row, row.required("districts"), known)
        found.append(
            Route(code, names[region.base_language], kind, districts, row.aliases(), names)
        )
    return found


def load_directory(directory: Path) -> GazetteerData:
    """Read a gazetteer directory; GazetteerError names the file and line of any problem."""
    if not directory.is_dir():
        raise GazetteerError(directory, None, "not a directory")
    region = _read_region(directory)
    division_rows = _read_divisions(directory, region.languages)
    districts = _read_districts(directory, region, division_rows)
    known = {district.slug: district for district in districts}
    towns = _read_towns(directory, region, known)
    routes = _read_routes(directory, region, known)
    if division_rows:
        divisions = tuple(division for division, _ in division_rows)
    else:
        order = dict.fromkeys(district.division for district in districts)
        divisions = tuple(Division(name) for name in order)
    outlines = load_outlines(directory, known)
    return GazetteerData(region, divisions, tuple(districts), tuple(towns), tuple(routes), outlines)
