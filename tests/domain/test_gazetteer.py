"""The bundled Balochistan gazetteer: data, lookups, and resolving what residents type."""

from __future__ import annotations

import itertools
import time

import pytest

from domain.gazetteer import (
    District,
    Gazetteer,
    InputTooLong,
    ResolutionKind,
    RouteKind,
    normalize_digits,
)
from domain.gazetteer.text import compact, fold, words

G = Gazetteer.default()
K = ResolutionKind


def key(label: str) -> str:
    return compact(words(label))


def district_labels(district: District) -> list[str]:
    return [district.slug, *district.names.values(), *district.aliases]


# --- the data ------------------------------------------------------------------------------


def test_default_is_loaded_once_and_has_the_whole_province() -> None:
    assert Gazetteer.default() is G
    assert len(G.districts) == 36
    assert G.region.name == "Balochistan"
    assert G.region.languages == ("en", "ur", "ps")
    assert G.divisions == (
        "Quetta",
        "Kalat",
        "Makran",
        "Rakhshan",
        "Sibi",
        "Naseerabad",
        "Zhob",
        "Loralai",
    )
    assert sum(len(G.districts_in(division)) for division in G.divisions) == 36


def test_districts_keep_file_order_and_fields() -> None:
    assert G.districts[0].slug == "quetta"
    quetta = G.district("quetta")
    assert (quetta.division, quetta.hq, quetta.pcode) == ("Quetta", "Quetta", "PK726")
    assert (quetta.lat, quetta.lon, quetta.coords) == (30.18, 67.0, "geonames")
    assert "Shalkot" in quetta.aliases
    assert G.district("hub").pcode is None
    assert G.district("hub").coords == "approx"
    assert [d.slug for d in G.districts_in("Makran")] == ["kech", "gwadar", "panjgur"]


def test_lookups_by_slug() -> None:
    assert G.get("gwadar") is G.district("gwadar")
    assert G.get("atlantis") is None
    with pytest.raises(KeyError):
        G.district("atlantis")
    with pytest.raises(KeyError):
        G.districts_in("Atlantis")
    with pytest.raises(KeyError):
        G.towns_in("atlantis")
    with pytest.raises(KeyError):
        G.routes_through("atlantis")


def test_display_names_fall_back_to_english() -> None:
    assert G.district("quetta").display_name("ur") == "کوئٹہ"
    assert G.district("quetta").display_name("ps") == "کوټه"
    assert G.district("lasbela").display_name("ps") == "Lasbela"  # no sure Pashto spelling yet
    assert G.district("quetta").display_name("bal") == "Quetta"
    assert G.district("quetta").display_name("en") == "Quetta"
    pasni = next(t for t in G.towns_in("gwadar") if t.name == "Pasni")
    assert pasni.display_name("ur") == "پسنی"
    suntsar = next(t for t in G.towns_in("gwadar") if t.name == "Suntsar")
    assert suntsar.display_name("ur") == "Suntsar"  # no confident Urdu spelling: left blank
    assert G.division_name("Makran", "ur") == "مکران"
    assert G.division_name("Makran", "en") == "Makran"


def test_values_are_hashable_and_frozen() -> None:
    quetta = G.district("quetta")
    assert {quetta, G.district("quetta")} == {quetta}
    with pytest.raises(AttributeError):
        quetta.name = "Shal"  # type: ignore[misc]


def test_towns_belong_to_their_districts() -> None:
    assert {t.name for t in G.towns_in("chagai")} >= {"Dalbandin", "Taftan", "Nokkundi"}
    assert [t.district for t in G.towns if t.name == "Dasht"] == ["kech", "mastung"]
    assert "Musakhel Bazar" in {t.name for t in G.towns_in("musakhel")}


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("N25", "N-25"),
        ("n-25", "N-25"),
        ("N 25", "N-25"),
        ("N-25 highway", "N-25"),
        ("RCD Highway", "N-25"),
        ("m8", "M-8"),
        ("Quetta-Taftan railway", "RAIL-QUETTA-TAFTAN"),
        ("quetta taftan rail", "RAIL-QUETTA-TAFTAN"),
        ("rail-quetta-rohri", "RAIL-QUETTA-ROHRI"),
        ("Jaffar Express", "RAIL-QUETTA-ROHRI"),
        ("Makran Coastal Highway", "N-10"),
        ("N-۲۵", "N-25"),
    ],
)
def test_routes_are_found_forgivingly(text: str, code: str) -> None:
    route = G.route(text)
    assert route is not None
    assert route.code == code


@pytest.mark.parametrize("text", ["", "N-99", "N", "highway", "Quetta", "x" * 1000])
def test_unknown_routes_are_none(text: str) -> None:
    assert G.route(text) is None


def test_routes_through_a_district() -> None:
    codes = {r.code for r in G.routes_through("quetta")}
    assert codes == {"N-25", "N-50", "N-65", "RAIL-QUETTA-ROHRI", "RAIL-QUETTA-TAFTAN"}
    taftan = G.route("RAIL-QUETTA-TAFTAN")
    assert taftan is not None
    assert taftan.kind is RouteKind.RAIL
    assert taftan.districts == ("quetta", "mastung", "nushki", "chagai")


# --- every name resolves -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "slug"),
    [(label, d.slug) for d in G.districts for label in dict.fromkeys(district_labels(d))],
)
def test_every_district_name_slug_alias_and_urdu_name(label: str, slug: str) -> None:
    result = G.resolve(label)
    assert result.kind is K.DISTRICT, result
    assert result.district is not None
    assert result.district.slug == slug


def _town_cases() -> list[tuple[str, str, str]]:
    cases = []
    for town in G.towns:
        if town.name == "Dasht":
            continue
        for label in dict.fromkeys((*town.names.values(), *town.aliases)):
            cases.append((label, town.name, town.district))
    return cases


@pytest.mark.parametrize(("label", "town", "slug"), _town_cases())
def test_every_town_resolves_to_its_district(label: str, town: str, slug: str) -> None:
    result = G.resolve(label)
    assert result.district is not None, result
    assert result.district.slug == slug
    if key(label) in {key(x) for x in district_labels(G.district(slug))}:
        # "Turbat" is also an alias of Kech: the district itself, with the town noted.
        assert result.kind is K.DISTRICT
    else:
        assert result.kind is K.TOWN
        assert result.town is not None
        assert result.town.name == town


@pytest.mark.parametrize(
    ("query", "town", "slug"),
    [
        ("Dalbandin", "Dalbandin", "chagai"),
        ("Pasni", "Pasni", "gwadar"),
        ("pasni", "Pasni", "gwadar"),
        ("دالبندین", "Dalbandin", "chagai"),
        ("Hazara Town", "Hazara Town", "quetta"),
        ("Muslim Bagh town", "Muslim Bagh", "killa-saifullah"),
        ("Dera Murad Jamali", "Dera Murad Jamali", "naseerabad"),
        ("Karezat", "Khanozai", "pishin"),
    ],
)
def test_towns_name_their_district(query: str, town: str, slug: str) -> None:
    result = G.resolve(query)
    assert result.kind is K.TOWN
    assert result.district is not None and result.district.slug == slug
    assert result.town is not None and result.town.name == town


def test_turbat_is_kech() -> None:
    result = G.resolve("Turbat")
    assert result.district is not None and result.district.slug == "kech"
    assert result.town is not None and result.town.name == "Turbat"


@pytest.mark.parametrize("query", ["Dasht", "dasht", "DASHT", "دشت", "Dashtt"])
def test_dasht_is_ambiguous_between_kech_and_mastung(query: str) -> None:
    result = G.resolve(query)
    assert result.kind is K.AMBIGUOUS
    assert result.district is None
    assert {c.district.slug for c in result.candidates} == {"kech", "mastung"}
    assert all(c.label == "Dasht" for c in result.candidates)
    assert all(c.town is not None and c.town.name == "Dasht" for c in result.candidates)


@pytest.mark.parametrize("query", ["Makran", "makran division", "مکران", "Mekran"])
def test_a_division_asks_which_of_its_districts(query: str) -> None:
    result = G.resolve(query)
    assert result.kind is K.AMBIGUOUS
    assert result.division == "Makran"
    assert [c.district.slug for c in result.candidates] == ["kech", "gwadar", "panjgur"]


def test_a_division_named_like_its_district_is_the_district() -> None:
    assert G.resolve("Quetta").kind is K.DISTRICT
    division = G.resolve("Quetta division")
    assert division.kind is K.AMBIGUOUS
    assert division.division == "Quetta"


# --- forgiving matching --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "slug"),
    [
        ("killa-abdullah", "killa-abdullah"),
        ("Killa  Abdullah", "killa-abdullah"),
        ("KILLA ABDULLAH", "killa-abdullah"),
        ("Qila Abdullah", "killa-abdullah"),
        ("Killa_Abdullah!", "killa-abdullah"),
        ("  Quetta.  ", "quetta"),
        ("“Quetta”", "quetta"),
        ("#Quetta", "quetta"),
        ("Kéch", "kech"),
        ("Nuśhki", "nushki"),
        ("Quetta district", "quetta"),
        ("district Quetta", "quetta"),
        ("Quetta city", "quetta"),
        ("in Quetta city", "quetta"),
        ("Zhob Distt.", "zhob"),
        ("Zila Pishin", "pishin"),
        ("Quetta, Balochistan", "quetta"),
        ("ضلع کوئٹہ", "quetta"),
        ("کوئٹہ شہر", "quetta"),
        ("شہر کوئٹہ", "quetta"),
        ("ضلع ڈیرہ بگٹی", "dera-bugti"),
        ("D. Bugti", "dera-bugti"),
        ("Dera Bugti 🙂", "dera-bugti"),
        ("Ｑｕｅｔｔａ", "quetta"),  # fullwidth letters
    ],
)
def test_case_spacing_punctuation_accents_and_filler_words(query: str, slug: str) -> None:
    result = G.resolve(query)
    assert result.kind is K.DISTRICT, result
    assert result.district is not None and result.district.slug == slug


@pytest.mark.parametrize(
    ("query", "slug"),
    [
        ("كوئٹه", "quetta"),  # Arabic kaf and heh
        ("کویٹہ", "quetta"),  # yeh instead of hamza-yeh
        ("کو\u200cئٹہ", "quetta"),  # zero-width non-joiner
        ("کو\u200dئٹہ\u200f", "quetta"),  # zero-width joiner, right-to-left mark
        ("کوـــئٹہ", "quetta"),  # tatweel
        ("ڈيره بگٹي", "dera-bugti"),  # Arabic yeh and heh
        ("ڈیرہ بُگٹی", "dera-bugti"),  # harakat
        ("موسی خیل", "musakhel"),  # without the superscript alef
        ("موسىٰ خيل", "musakhel"),  # alef maksura
        ("کچهی", "kachhi"),  # Persian heh for do-chashmi heh
        ("اواران", "awaran"),  # alef without madda
        ("نصیر آباد", "naseerabad"),  # space inside a compound
        ("صحبتپور", "sohbatpur"),  # space left out
        ("قلعہ عبدالله", "killa-abdullah"),
        ("ﻛﻮﺋﭩﮧ", "quetta"),  # presentation forms
    ],
)
def test_urdu_letter_variants(query: str, slug: str) -> None:
    result = G.resolve(query)
    assert result.district is not None, result
    assert result.district.slug == slug
    assert result.kind is K.DISTRICT


@pytest.mark.parametrize(
    ("query", "slug"),
    [
        ("Quetaa", "quetta"),
        ("Mastng", "mastung"),
        ("Khuzdaar", "khuzdar"),
        ("Gwadr", "gwadar"),
        ("Kalta", "kalat"),
        ("Qetta", "quetta"),
        ("Kila Saifullah", "killa-saifullah"),
        ("Loralie", "loralai"),
        ("Nushky", "nushki"),
        ("Panjgor", "panjgur"),
        ("Pishn", "pishin"),
        ("Dera Bugtti", "dera-bugti"),
        ("Jhal Magsy", "jhal-magsi"),
        ("Zhobb", "zhob"),
        ("Sibii district", "sibi"),
        ("کوئٹا", "quetta"),
    ],
)
def test_typos_are_corrected(query: str, slug: str) -> None:
    result = G.resolve(query)
    assert result.kind is K.CORRECTED, result
    assert result.district is not None and result.district.slug == slug
    assert result.query == query
    assert not result.candidates


@pytest.mark.parametrize(("query", "slug"), [("Gwader", "gwadar"), ("Panjgoor", "panjgur")])
def test_common_misspellings_listed_as_aliases_are_exact(query: str, slug: str) -> None:
    result = G.resolve(query)
    assert result.kind is K.DISTRICT
    assert result.district is not None and result.district.slug == slug


@pytest.mark.parametrize(
    ("query", "town", "slug"),
    [
        ("Dalbandn", "Dalbandin", "chagai"),
        ("Turbet", "Turbat", "kech"),
        ("Passni", "Pasni", "gwadar"),
    ],
)
def test_town_typos_are_corrected_with_the_town(query: str, town: str, slug: str) -> None:
    result = G.resolve(query)
    assert result.kind is K.CORRECTED
    assert result.district is not None and result.district.slug == slug
    assert result.town is not None and result.town.name == town


@pytest.mark.parametrize(
    ("query", "slug"),
    [
        ("Kalat", "kalat"),
        ("Kharan", "kharan"),
        ("Kech", "kech"),
        ("Kalatt", "kalat"),
        ("Kharaan", "kharan"),
        ("Kechh", "kech"),
        ("Qalat", "kalat"),
        ("Khalat", "kalat"),
        ("Karan", "kharan"),
        ("Kharn", "kharan"),
    ],
)
def test_kalat_kharan_and_kech_stay_distinct(query: str, slug: str) -> None:
    result = G.resolve(query)
    assert result.district is not None, result
    assert result.district.slug == slug


def _typos(name: str) -> set[str]:
    """Every deletion, swap of neighbours and vowel substitution after the first letter."""
    found = set()
    for i in range(1, len(name)):
        found.add(name[:i] + name[i + 1 :])
        if i < len(name) - 1:
            found.add(name[:i] + name[i + 1] + name[i] + name[i + 2 :])
        found.update(name[:i] + vowel + name[i + 1 :] for vowel in "aeiou")
    return {typo for typo in found if typo.lower() != name.lower()}


def test_typos_never_resolve_to_another_district() -> None:
    places = [(d.name, d.slug) for d in G.districts] + [(t.name, t.district) for t in G.towns]
    total = corrected = offered = 0
    for name, slug in places:
        for typo in _typos(name):
            total += 1
            result = G.resolve(typo)
            if result.district is not None:
                assert result.district.slug == slug, (typo, name, result)
                corrected += 1
            elif slug in {c.district.slug for c in result.candidates}:
                offered += 1
    # Most typos are corrected outright; most of the rest are offered as a suggestion. What
    # is left is mainly three-letter names (Hub, Nag, Sui) and doubled vowels ("Chaaan").
    assert corrected / total > 0.75
    assert (corrected + offered) / total > 0.9


def test_a_fragment_of_a_name_is_suggested_not_corrected() -> None:
    # "Bugti" is one letter from the alias "D. Bugti", but a fragment, not a typo.
    for query, slug, label in [
        ("Bugti", "dera-bugti", "Dera Bugti"),
        ("Jamali", "naseerabad", "Dera Murad Jamali"),
    ]:
        result = G.resolve(query)
        assert result.kind is K.SUGGEST
        assert [(c.district.slug, c.label) for c in result.candidates] == [(slug, label)]


@pytest.mark.parametrize(("query", "slug"), [("Mastun", "mastung"), ("Dalbandi", "chagai")])
def test_a_name_cut_short_by_a_letter_is_corrected(query: str, slug: str) -> None:
    result = G.resolve(query)
    assert result.kind is K.CORRECTED
    assert result.district is not None and result.district.slug == slug


def test_a_typo_equally_close_to_two_places_is_only_suggested() -> None:
    # Zehri (Khuzdar) and Lehri (Sibi) are one letter apart.
    result = G.resolve("Sehri")
    assert result.kind is K.SUGGEST
    assert {c.district.slug for c in result.candidates} == {"khuzdar", "sibi"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Dera", {"dera-bugti", "naseerabad", "jaffarabad"}),
        ("Killa", {"killa-abdullah", "killa-saifullah"}),
        ("Qila", {"killa-abdullah", "killa-saifullah"}),
        ("Bugti", {"dera-bugti"}),
        ("Abdullah", {"killa-abdullah"}),
        ("Sibo", {"sibi"}),
        ("Zob", {"zhob"}),
        ("Panj", {"panjgur"}),
    ],
)
def test_vague_input_suggests(query: str, expected: set[str]) -> None:
    result = G.resolve(query)
    assert result.kind is K.SUGGEST, result
    assert result.district is None
    slugs = [c.district.slug for c in result.candidates]
    assert expected <= set(slugs)
    assert 1 <= len(slugs) <= 4
    assert len(slugs) == len(set(slugs))  # one candidate per district
    scores = [c.score for c in result.candidates]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "\u200c",
        "🙂",
        "🙂🙂🙂",
        "!!!",
        "x" * 10_000,
        "Quetta" * 50,
        "<b>Quetta</b>",
        "<script>alert(1)</script>",
        "'; DROP TABLE districts; --",
        "' OR 1=1 --",
        "SELECT * FROM residents",
        "${jndi:ldap://x}",
        "hello world",
        "asdfgh",
        "district",
        "ضلع",
        "ب",
        "12345",
        "Paris",
        "Lahore",
        "Multan",
        "Hyderabad",
        "Islamabad",
    ],
)
def test_garbage_is_unknown(query: str) -> None:
    started = time.perf_counter()
    result = G.resolve(query)
    assert time.perf_counter() - started < 0.05
    assert result.kind is K.UNKNOWN, result
    assert result.district is None
    assert not result.candidates
    assert len(result.query) <= 100


def test_query_is_trimmed_but_otherwise_as_typed() -> None:
    assert G.resolve("  Quetaa \n").query == "Quetaa"


# --- folding does not merge real places ----------------------------------------------------


def test_no_two_districts_share_a_spelling_after_folding() -> None:
    folded = {d.slug: {fold(key(label)) for label in district_labels(d)} for d in G.districts}
    for (a, keys_a), (b, keys_b) in itertools.combinations(folded.items(), 2):
        assert not keys_a & keys_b, (a, b, keys_a & keys_b)


def test_only_dasht_is_shared_between_districts_after_folding() -> None:
    owners: dict[str, set[str]] = {}
    for d in G.districts:
        for label in (*district_labels(d), d.hq):
            owners.setdefault(fold(key(label)), set()).add(d.slug)
    for town in G.towns:
        for label in (*town.names.values(), *town.aliases):
            owners.setdefault(fold(key(label)), set()).add(town.district)
    shared = {k for k, slugs in owners.items() if len(slugs) > 1}
    assert shared == {"dasht", "دشت"}


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Quetta", "Queta"),
        ("Quetta", "Quettaa"),
        ("Killa Abdullah", "Qila Abdullah"),
        ("Kachhi", "Kachi"),
        ("Khuzdar", "Kuzdar"),
        ("Dera Bughti", "Dera Bugti"),
        ("Panjgoor", "Panjgur"),
        ("Naseerabad", "Nasirabad"),
        ("Avaran", "Awaran"),
    ],
)
def test_folding_merges_spelling_variants(a: str, b: str) -> None:
    assert fold(key(a)) == fold(key(b))


# --- many names in one message -------------------------------------------------------------


def slugs_of(text: str) -> list[str | None]:
    return [r.district.slug if r.district else None for r in G.resolve_many(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Quetta, Pasni", ["quetta", "gwadar"]),
        ("کوئٹہ، پسنی", ["quetta", "gwadar"]),
        ("Quetta and Dalbandin", ["quetta", "chagai"]),
        ("Quetta AND Dalbandin", ["quetta", "chagai"]),
        ("Quetta Pasni", ["quetta", "gwadar"]),
        ("کوئٹہ پسنی", ["quetta", "gwadar"]),
        ("Quetta Dera Bugti", ["quetta", "dera-bugti"]),
        ("Dera-Bugti Kohlu", ["dera-bugti", "kohlu"]),
        ("Quetta & Pishin / Ziarat; Sibi\nZhob", ["quetta", "pishin", "ziarat", "sibi", "zhob"]),
        ("کوئٹہ اور پشین", ["quetta", "pishin"]),
        ("کوئٹہ و پشین؛ زیارت", ["quetta", "pishin", "ziarat"]),
        ("Quetta aur Pishin", ["quetta", "pishin"]),
        ("Quetta Mastng", ["quetta", "mastung"]),
        ("Quetaa Mastng", ["quetta", "mastung"]),
        ("Quetta district, Pishin district", ["quetta", "pishin"]),
        ("Killa Abdullah Killa Saifullah", ["killa-abdullah", "killa-saifullah"]),
        ("Fort Sandeman", ["zhob"]),
        ("Hazara Town", ["quetta"]),
        ("Hub Chowkee", ["hub"]),
        ("Quetta,, ,Pishin,", ["quetta", "pishin"]),
    ],
)
def test_resolve_many_splits_names(text: str, expected: list[str]) -> None:
    assert slugs_of(text) == expected


def test_resolve_many_keeps_each_query_as_typed() -> None:
    results = G.resolve_many("Quetta Dera-Bugti, Mastng")
    assert [r.query for r in results] == ["Quetta", "Dera-Bugti", "Mastng"]
    assert [r.kind for r in results] == [K.DISTRICT, K.DISTRICT, K.CORRECTED]


def test_resolve_many_collapses_duplicates_but_keeps_their_queries() -> None:
    (quetta, pasni) = G.resolve_many("Quetta, Shalkot, Pasni, کوئٹہ")
    assert quetta.district is not None and quetta.district.slug == "quetta"
    assert quetta.query == "Quetta"
    assert quetta.duplicates == ("Shalkot", "کوئٹہ")
    assert pasni.town is not None and pasni.town.name == "Pasni"


def test_resolve_many_mixes_kinds() -> None:
    results = G.resolve_many("Dasht, Quetta, Dera, blorp")
    assert [r.kind for r in results] == [K.AMBIGUOUS, K.DISTRICT, K.SUGGEST, K.UNKNOWN]
    assert results[3].query == "blorp"


@pytest.mark.parametrize(
    "text", ["thank you very much", "I live in Quetta", "please add Quetta", "ok", "salam"]
)
def test_resolve_many_does_not_pick_places_out_of_sentences(text: str) -> None:
    (result,) = G.resolve_many(text)
    assert result.kind is K.UNKNOWN


def test_resolve_many_leaves_unknown_words_next_to_known_names() -> None:
    results = G.resolve_many("Quetta pls")
    assert [(r.query, r.kind) for r in results] == [("Quetta", K.DISTRICT), ("pls", K.UNKNOWN)]


@pytest.mark.parametrize("text", ["", "   ", "\n\n"])
def test_resolve_many_of_nothing_is_empty(text: str) -> None:
    assert G.resolve_many(text) == []


@pytest.mark.parametrize("text", ["🙂", "<b>Quetta</b>", "' OR 1=1 --", "!!! ???"])
def test_resolve_many_of_garbage_is_one_unknown(text: str) -> None:
    (result,) = G.resolve_many(text)
    assert result.kind is K.UNKNOWN


def test_resolve_many_refuses_long_messages() -> None:
    with pytest.raises(InputTooLong) as caught:
        G.resolve_many("Quetta " * 100)
    assert (caught.value.unit, caught.value.limit, caught.value.actual) == ("characters", 500, 700)
    with pytest.raises(InputTooLong):
        G.resolve_many("x" * 10_000)


def test_resolve_many_accepts_twenty_names_and_refuses_more() -> None:
    twenty = [d.name for d in G.districts[:20]]
    assert len(G.resolve_many(", ".join(twenty))) == 20
    with pytest.raises(InputTooLong) as caught:
        G.resolve_many(", ".join([*twenty, "Zhob"]))
    assert caught.value.unit == "names"
    # Names found by splitting a chunk count too.
    with pytest.raises(InputTooLong):
        G.resolve_many(" ".join(d.slug for d in G.districts[:21]))


# --- digits and speed ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("۲۲-۰۶", "22-06"),
        ("٢٢:٣٠", "22:30"),
        ("１２", "12"),
        ("22-6", "22-6"),
        ("کوئٹہ ۵", "کوئٹہ 5"),
        ("", ""),
    ],
)
def test_normalize_digits(text: str, expected: str) -> None:
    assert normalize_digits(text) == expected


def test_resolution_is_fast() -> None:
    queries = [
        "Quetta",
        "Dalbandin",
        "Quetaa",
        "Mastng",
        "Dera",
        "کوئٹہ",
        "nonsense words",
        "Sehri",
    ]
    rounds = 200
    started = time.perf_counter()
    for _ in range(rounds):
        for query in queries:
            G.resolve(query)
    per_call = (time.perf_counter() - started) / (rounds * len(queries))
    # Typically 10-60 µs; the bound leaves room for slow CI machines.
    assert per_call < 0.001
