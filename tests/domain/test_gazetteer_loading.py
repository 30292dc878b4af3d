"""Loading gazetteer directories: another region without code changes, and bad files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from domain.gazetteer import (
    DEFAULT_DIRECTORY,
    CoordSource,
    Gazetteer,
    GazetteerError,
    ResolutionKind,
)
from domain.gazetteer.__main__ import main

K = ResolutionKind

# A made-up region with Pashto as its second language, no divisions.csv, and a town whose
# name is shared by two districts.
TINY = {
    "region.csv": "key,value\nname,Testland\ncountry,Nowhere\nlanguages,en|ps\nbbox,30|60|40|75\n",
    "districts.csv": (
        "slug,name,name_ps,division,hq,lat,lon,coords,aliases,pcode\n"
        "alpha,Alpha,الفا,North,Alpha,34.5,69.2,geonames,Alfa,X1\n"
        "bravo-khel,Bravo Khel,,North,Bravo Bazar,35.0,70.0,approx,Bravokhel|BK,\n"
        "charlie,Charlie,چارلي,South,Charlie,31.6,65.7,approx,Charly,X3\n"
    ),
    "towns.csv": (
        "name,district,aliases\n"
        "Delta,alpha,\n"
        "Echo Town,bravo-khel,Echo\n"
        "Delta,charlie,\n"
        "Foxtrot,charlie,Foxtrott|Fox Trot\n"
    ),
    "routes.csv": (
        "code,name,kind,districts,name_ps\n"
        "R-1,Alpha–Charlie Road,road,alpha|bravo-khel|charlie,د الفا لار\n"
        "TRAM-9,Charlie Tramway,rail,charlie,\n"
    ),
}


def write(directory: Path, files: dict[str, str]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (directory / name).write_text(text, encoding="utf-8")
    return directory


@pytest.fixture
def tiny(tmp_path: Path) -> Gazetteer:
    return Gazetteer.load(write(tmp_path / "testland", TINY))


def test_another_region_loads_from_its_own_files(tiny: Gazetteer) -> None:
    assert tiny.region.name == "Testland"
    assert tiny.region.languages == ("en", "ps")
    assert tiny.region.bbox == (30.0, 60.0, 40.0, 75.0)
    assert [d.slug for d in tiny.districts] == ["alpha", "bravo-khel", "charlie"]
    assert tiny.divisions == ("North", "South")  # first appearance, no divisions.csv
    assert [d.slug for d in tiny.districts_in("North")] == ["alpha", "bravo-khel"]
    assert tiny.division_name("North", "ps") == "North"
    assert tiny.district("charlie").pcode == "X3"
    assert tiny.district("bravo-khel").pcode is None
    assert tiny.district("bravo-khel").coords is CoordSource.APPROX


def test_another_language_is_just_a_column(tiny: Gazetteer) -> None:
    assert tiny.district("alpha").display_name("ps") == "الفا"
    assert tiny.district("bravo-khel").display_name("ps") == "Bravo Khel"  # blank: fallback
    assert tiny.district("alpha").display_name("ur") == "Alpha"  # no such language
    route = tiny.route("r1")
    assert route is not None
    assert route.display_name("ps") == "د الفا لار"
    result = tiny.resolve("چارلی")  # Persian yeh typed for the Arabic one in the file
    assert result.kind is K.DISTRICT
    assert result.district is not None and result.district.slug == "charlie"


@pytest.mark.parametrize(
    ("query", "kind", "slug"),
    [
        ("Alpha", K.DISTRICT, "alpha"),
        ("alfa", K.DISTRICT, "alpha"),
        ("bravo-khel", K.DISTRICT, "bravo-khel"),
        ("BK", K.DISTRICT, "bravo-khel"),
        ("Bravo Bazar", K.DISTRICT, "bravo-khel"),  # headquarters
        ("Echo", K.TOWN, "bravo-khel"),
        ("Echo Town", K.TOWN, "bravo-khel"),
        ("Fox-trot", K.TOWN, "charlie"),
        ("Charlei", K.CORRECTED, "charlie"),
        ("Bravo Kel", K.CORRECTED, "bravo-khel"),
    ],
)
def test_another_region_resolves(
    tiny: Gazetteer, query: str, kind: ResolutionKind, slug: str
) -> None:
    result = tiny.resolve(query)
    assert result.kind is kind, result
    assert result.district is not None and result.district.slug == slug


def test_another_region_has_its_own_ambiguities_and_lists(tiny: Gazetteer) -> None:
    delta = tiny.resolve("Delta")
    assert delta.kind is K.AMBIGUOUS
    assert [c.district.slug for c in delta.candidates] == ["alpha", "charlie"]
    results = tiny.resolve_many("Alpha Foxtrot, Delta")
    assert [r.kind for r in results] == [K.DISTRICT, K.TOWN, K.AMBIGUOUS]
    assert tiny.resolve("Quetta").kind is K.UNKNOWN
    assert [r.code for r in tiny.routes_through("charlie")] == ["R-1", "TRAM-9"]
    assert [t.name for t in tiny.towns_in("charlie")] == ["Delta", "Foxtrot"]


def test_divisions_file_orders_and_names_divisions(tmp_path: Path) -> None:
    files = {**TINY, "divisions.csv": "name,name_ps,aliases\nSouth,سهيل,Down\nNorth,,\n"}
    gazetteer = Gazetteer.load(write(tmp_path / "d", files))
    assert gazetteer.divisions == ("South", "North")
    assert gazetteer.division_name("South", "ps") == "سهيل"
    result = gazetteer.resolve("Down")
    assert result.kind is K.AMBIGUOUS
    assert result.division == "South"


def _replace(file: str, old: str, new: str) -> dict[str, str]:
    assert old in TINY[file]
    return {**TINY, file: TINY[file].replace(old, new)}


BAD = [
    # (files, file named in the error, line, words in the message)
    (_replace("towns.csv", "Delta,charlie", "Delta,zulu"), "towns.csv", 4, "unknown district"),
    (_replace("routes.csv", "alpha|bravo-khel", "alpha|zulu"), "routes.csv", 2, "zulu"),
    (
        _replace("districts.csv", "charlie,Charlie,", "alpha,Charlie,"),
        "districts.csv",
        4,
        "duplicate slug",
    ),
    (_replace("districts.csv", "34.5,69.2", "north,69.2"), "districts.csv", 2, "not a number"),
    (_replace("districts.csv", "34.5,69.2", "134.5,69.2"), "districts.csv", 2, "out of range"),
    (_replace("districts.csv", "31.6,65.7", "65.7,31.6"), "districts.csv", 4, "bbox"),
    (_replace("districts.csv", "34.5,69.2", "nan,69.2"), "districts.csv", 2, "out of range"),
    (_replace("districts.csv", ",geonames,", ",gps,"), "districts.csv", 2, "coords"),
    (_replace("districts.csv", ",lon,", ",longitude,"), "districts.csv", 1, "missing column"),
    (_replace("districts.csv", "name_ps,", ""), "districts.csv", 1, "name_ps"),
    (
        _replace("districts.csv", ",pcode\n", ",pcode,name_ur\n"),
        "districts.csv",
        1,
        "unknown column",
    ),
    (_replace("districts.csv", "Alfa,X1", "Alfa,X1,extra"), "districts.csv", 2, "fields"),
    (_replace("districts.csv", "alpha,Alpha,", "Alpha!,Alpha,"), "districts.csv", 2, "slug"),
    (_replace("districts.csv", ",North,Alpha,", ",,Alpha,"), "districts.csv", 2, "division"),
    (_replace("districts.csv", "Charly", "Alfa"), "districts.csv", 4, "also a name of"),
    (_replace("districts.csv", "Charly", "Char/ly"), "districts.csv", 4, "separator"),
    (_replace("districts.csv", "Charly", "<b>"), "districts.csv", 4, "contains one of"),
    (_replace("towns.csv", "Foxtrot,charlie", "Delta,charlie"), "towns.csv", 5, "twice"),
    (_replace("routes.csv", ",road,", ",bus,"), "routes.csv", 2, "kind"),
    (_replace("routes.csv", "TRAM-9", "r 1"), "routes.csv", 3, "duplicate route"),
    (_replace("region.csv", "languages,en|ps", "languages,en|ps|en"), "region.csv", 4, "languages"),
    (_replace("region.csv", "name,Testland\n", ""), "region.csv", None, "name"),
    (_replace("region.csv", "bbox,30|60|40|75", "bbox,40|60|30|75"), "region.csv", 5, "bbox"),
    (_replace("region.csv", "country,Nowhere", "colour,blue"), "region.csv", 3, "unknown key"),
    ({**TINY, "divisions.csv": "name\nNorth\n"}, "districts.csv", 4, "not in divisions.csv"),
    ({**TINY, "divisions.csv": "name\nNorth\nSouth\nEast\n"}, "divisions.csv", 4, "no district"),
    ({**TINY, "towns.csv": ""}, "towns.csv", 1, "empty"),
    ({**TINY, "towns.csv": 'name,district,aliases\n"Delta,alpha,\n'}, "towns.csv", None, ""),
]


@pytest.mark.parametrize(("files", "file", "line", "words"), BAD)
def test_bad_files_are_reported_with_file_and_line(
    tmp_path: Path, files: dict[str, str], file: str, line: int | None, words: str
) -> None:
    with pytest.raises(GazetteerError) as caught:
        Gazetteer.load(write(tmp_path / "bad", files))
    error = caught.value
    assert error.path.name == file
    assert file in str(error)
    if line is not None:
        assert error.line == line
        assert f"line {line}" in str(error)
    assert words in error.message


def test_missing_files_and_directories_are_reported(tmp_path: Path) -> None:
    files = {name: text for name, text in TINY.items() if name != "routes.csv"}
    with pytest.raises(GazetteerError, match=r"routes\.csv: file is missing"):
        Gazetteer.load(write(tmp_path / "no-routes", files))
    with pytest.raises(GazetteerError, match="not a directory"):
        Gazetteer.load(tmp_path / "nowhere")


def test_non_utf8_is_reported(tmp_path: Path) -> None:
    directory = write(tmp_path / "latin1", TINY)
    (directory / "towns.csv").write_bytes("name,district\nKöln,alpha\n".encode("latin-1"))
    with pytest.raises(GazetteerError, match=r"towns\.csv: not UTF-8"):
        Gazetteer.load(directory)


def test_a_broken_copy_of_the_real_data_names_the_line(tmp_path: Path) -> None:
    copy = Path(shutil.copytree(DEFAULT_DIRECTORY, tmp_path / "balochistan"))
    lines = (copy / "towns.csv").read_text(encoding="utf-8").splitlines()
    lines.append("Kolpur,,,bolan,")  # Bolan is an old name of Kachhi, not a slug
    (copy / "towns.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(GazetteerError) as caught:
        Gazetteer.load(copy)
    assert caught.value.line == len(lines)
    assert str(caught.value).startswith(f"towns.csv line {len(lines)}: unknown district 'bolan'")


def test_a_copy_of_the_real_data_loads_like_the_default(tmp_path: Path) -> None:
    copy = Path(shutil.copytree(DEFAULT_DIRECTORY, tmp_path / "balochistan"))
    loaded = Gazetteer.load(copy)
    default = Gazetteer.default()
    assert loaded.districts == default.districts
    assert loaded.towns == default.towns
    assert loaded.routes == default.routes


def test_the_check_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 0
    assert "36 districts" in capsys.readouterr().out
    assert main([str(write(tmp_path / "t", TINY))]) == 0
    assert "Testland" in capsys.readouterr().out
    broken = _replace("towns.csv", "Delta,charlie", "Delta,zulu")
    assert main([str(write(tmp_path / "b", broken))]) == 1
    assert "towns.csv line 4" in capsys.readouterr().err


def test_emergency_numbers_are_read_as_given_and_never_guessed(tmp_path: Path) -> None:
    files = dict(TINY)
    files["region.csv"] += "pcode,X\ncountry_code,NOW\n"
    files["districts.csv"] = (
        "slug,name,name_ps,division,hq,lat,lon,coords,pcode,emergency\n"
        "alpha,Alpha,,North,Alpha,34.5,69.2,geonames,X1,1122|+92 81 920-1234\n"
        "bravo-khel,Bravo Khel,,North,Bravo Bazar,35.0,70.0,approx,,\n"
        "charlie,Charlie,,South,Charlie,31.6,65.7,approx,X3,\n"
    )
    loaded = Gazetteer.load(write(tmp_path / "numbers", files))
    alpha, bravo = loaded.get("alpha"), loaded.get("bravo-khel")
    assert alpha is not None and bravo is not None
    assert alpha.emergency == ("1122", "+92 81 920-1234")
    assert bravo.emergency == ()
    assert (loaded.region.pcode, loaded.region.country_code) == ("X", "NOW")
    assert all(d.emergency == () for d in Gazetteer.default().districts)  # none checked yet

    files["districts.csv"] = files["districts.csv"].replace("1122|", "call Ali|")
    with pytest.raises(GazetteerError, match="emergency number 'call Ali'"):
        Gazetteer.load(write(tmp_path / "bad", files))
