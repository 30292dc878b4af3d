"""The CSV layer of the gazetteer loader: rows with their file and line, checked headers, and
the cell formats several files share (names, coordinates, bounding boxes)."""

from __future__ import annotations

import csv
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from domain.gazetteer.model import GazetteerError
from domain.gazetteer.text import CODE_CHARS, split_names, words

NOTES = "notes"  # a free-text column any file may have; the loader ignores it


@dataclass(slots=True)
class Row:
    """One data row of a CSV file, with where it came from for error messages."""

    path: Path
    line: int
    cells: dict[str, str]

    def error(self, message: str) -> GazetteerError:
        """An error pointing at this row."""
        return GazetteerError(self.path, self.line, message)

    def get(self, column: str) -> str:
        """A cell, stripped; blank when the column is absent."""
        return self.cells.get(column, "").strip()

    def required(self, column: str) -> str:
        """A cell that must not be blank."""
        value = self.get(column)
        if not value:
            raise self.error(f"column '{column}' is empty")
        return value

    def names(self, languages: tuple[str, ...]) -> Mapping[str, str]:
        """The name in the base language and every other language that has one."""
        found = {languages[0]: self.required("name")}
        for lang in languages[1:]:
            value = self.get(f"name_{lang}")
            if value:
                check_name(self, value)
                found[lang] = value
        return MappingProxyType(found)

    def aliases(self) -> tuple[str, ...]:
        """The |-separated aliases, blanks and repeats dropped."""
        found = dict.fromkeys(a.strip() for a in self.get("aliases").split("|"))
        found.pop("", None)
        for alias in found:
            check_name(self, alias)
        return tuple(found)


def check_name(row: Row, name: str) -> None:
    """Reject names the resolver could never match, or would split into several."""
    if CODE_CHARS.intersection(name):
        raise row.error(f"name {name!r} contains one of {''.join(sorted(CODE_CHARS))}")
    if len([part for part in split_names(name) if part.strip()]) != 1:
        raise row.error(f"name {name!r} contains a list separator (, ; / & 'and')")
    if not words(name):
        raise row.error(f"name {name!r} has no letters or digits")


def read_rows(
    path: Path,
    required: tuple[str, ...],
    optional: tuple[str, ...],
    languages: tuple[str, ...] | None = None,
    need_languages: bool = False,
) -> Iterator[Row]:
    """Rows of a CSV file with its header checked; `name_<lang>` columns for other languages."""
    if not path.is_file():
        raise GazetteerError(path, None, "file is missing")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise GazetteerError(path, None, f"not UTF-8 ({exc.reason})") from None
    reader = csv.reader(text.splitlines(keepends=True), strict=True)
    try:
        header = [column.strip() for column in next(reader)]
    except StopIteration:
        raise GazetteerError(path, 1, "file is empty; expected a header row") from None
    except csv.Error as exc:
        raise GazetteerError(path, 1, f"bad CSV: {exc}") from None
    _check_header(path, header, required, optional, languages, need_languages)
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise GazetteerError(path, reader.line_num, f"bad CSV: {exc}") from None
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            raise GazetteerError(
                path, reader.line_num, f"{len(cells)} fields, the header has {len(header)}"
            )
        yield Row(path, reader.line_num, dict(zip(header, cells, strict=True)))


def _check_header(
    path: Path,
    header: list[str],
    required: tuple[str, ...],
    optional: tuple[str, ...],
    languages: tuple[str, ...] | None,
    need_languages: bool,
) -> None:
    duplicated = sorted({column for column in header if header.count(column) > 1})
    if duplicated:
        raise GazetteerError(path, 1, f"repeated column(s): {', '.join(duplicated)}")
    missing = [column for column in required if column not in header]
    if languages is not None and need_languages:
        missing += [f"name_{lang}" for lang in languages[1:] if f"name_{lang}" not in header]
    if missing:
        raise GazetteerError(path, 1, f"missing column(s): {', '.join(missing)}")
    known = {*required, *optional, NOTES}
    if languages is not None:
        known |= {f"name_{lang}" for lang in languages[1:]}
    unknown = [column for column in header if column not in known]
    if unknown:
        hint = ""
        if any(column.startswith("name_") for column in unknown):
            hint = "; list a new language in region.csv 'languages' first"
        raise GazetteerError(path, 1, f"unknown column(s): {', '.join(unknown)}{hint}")


def parse_bbox(row: Row, text: str) -> tuple[float, float, float, float]:
    try:
        south, west, north, east = (float(part) for part in text.split("|"))
    except ValueError:
        raise row.error("'bbox' must be min_lat|min_lon|max_lat|max_lon") from None
    if not (south < north and west < east):
        raise row.error("'bbox' must be min_lat|min_lon|max_lat|max_lon, min below max")
    return south, west, north, east


def coordinate(row: Row, column: str, limit: float) -> float:
    text = row.required(column)
    try:
        value = float(text)
    except ValueError:
        raise row.error(f"'{column}' is not a number: {text!r}") from None
    if not math.isfinite(value) or abs(value) > limit:
        raise row.error(f"'{column}' {text} is out of range ±{limit:g}")
    return value
