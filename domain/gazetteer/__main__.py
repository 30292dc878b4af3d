"""Check a gazetteer directory: python -m domain.gazetteer [DIR] prints a summary or the error."""

from __future__ import annotations

import sys
from pathlib import Path

from domain.gazetteer.core import DEFAULT_DIRECTORY, Gazetteer
from domain.gazetteer.model import CoordSource, GazetteerError


def main(argv: list[str]) -> int:
    """Load the directory given (or the bundled one) and report; exit status 1 on errors."""
    directory = Path(argv[0]) if argv else DEFAULT_DIRECTORY
    try:
        gazetteer = Gazetteer.load(directory)
    except GazetteerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    region = gazetteer.region
    approx = sum(1 for d in gazetteer.districts if d.coords is CoordSource.APPROX)
    no_pcode = sum(1 for d in gazetteer.districts if d.pcode is None)
    print(
        f"{region.name} ({region.country or 'no country'}), languages {'|'.join(region.languages)}"
    )
    print(
        f"{len(gazetteer.divisions)} divisions, {len(gazetteer.districts)} districts "
        f"({approx} with approx coordinates, {no_pcode} without P-code), "
        f"{len(gazetteer.towns)} towns, {len(gazetteer.routes)} routes"
    )
    shared = [o for o in gazetteer.outlines if len(o.slugs) > 1]
    covered = {slug for o in gazetteer.outlines for slug in o.slugs}
    print(
        f"{len(gazetteer.outlines)} district outlines ({len(shared)} shared by several "
        f"districts; {len(gazetteer.districts) - len(covered)} districts without one)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
