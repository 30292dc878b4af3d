"""Pashto in the gazetteer: Pashto names, and Pashto typed with Arabic, Persian or Urdu letters."""

from __future__ import annotations

import pytest

from domain.gazetteer import Gazetteer, ResolutionKind
from domain.gazetteer.text import normalize_word

G = Gazetteer.default()
K = ResolutionKind
URDU_ONLY_LETTERS = set("ٹڈڑہھگے")  # a Pashto spelling never has them


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("کوټه", "quetta"),
        ("پښين", "pishin"),
        ("ژوب", "zhob"),
        ("لورالايي", "loralai"),
        ("چمن", "chaman"),
        ("قلعه عبدالله", "killa-abdullah"),
        ("قلعه سيف الله", "killa-saifullah"),
        ("ډېره بګټي", "dera-bugti"),
        ("موسی خېل", "musakhel"),
    ],
)
def test_pashto_district_names_resolve_and_are_shown(name: str, slug: str) -> None:
    resolution = G.resolve(name)
    assert (resolution.kind, resolution.district and resolution.district.slug) == (K.DISTRICT, slug)
    assert G.district(slug).display_name("ps") == name


@pytest.mark.parametrize(
    ("typed", "slug"),
    [
        ("كوټه", "quetta"),  # Arabic kaf
        ("کوټۀ", "quetta"),  # heh with hamza, as Afghan keyboards write a final -a
        ("کوٹہ", "quetta"),  # Urdu tteh and heh goal
        ("کوټة", "quetta"),  # teh marbuta
        ("پشين", "pishin"),  # ښ typed as sheen on an Urdu or Persian keyboard
        ("پښین", "pishin"),  # Persian yeh
        ("پښېن", "pishin"),  # Pashto ې for ی
        ("ږوب", "zhob"),  # ږ for ژ
        ("لورالائي", "loralai"),  # ئ for ي
        ("لورالايۍ", "loralai"),  # Pashto ۍ
        ("لورالایى", "loralai"),  # alef maksura
        ("ډيره بگټي", "dera-bugti"),  # Urdu gaf for ګ
        ("ڈېرہ بګٹی", "dera-bugti"),  # Urdu ddal, heh goal and tteh
        ("قلعة عبد الله", "killa-abdullah"),  # spacing inside the name does not matter
        ("\u200fکوټه\u200f", "quetta"),  # right-to-left marks copied along with the name
        ("کوټـــه", "quetta"),  # tatweel
    ],
)
def test_pashto_typed_with_letter_variants_is_an_exact_match(typed: str, slug: str) -> None:
    resolution = G.resolve(typed)
    assert resolution.kind is K.DISTRICT, resolution
    assert resolution.district is not None and resolution.district.slug == slug


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("ي", "ی"),
        ("ې", "ی"),
        ("ۍ", "ی"),
        ("ئ", "ی"),
        ("ك", "ک"),
        ("ه", "ہ"),
        ("ۀ", "ہ"),
        ("ټ", "ٹ"),
        ("ډ", "ڈ"),
        ("ړ", "ڑ"),
        ("ګ", "گ"),
        ("ڼ", "ن"),
        ("ښ", "ش"),
        ("ږ", "ژ"),
        ("ځ", "ز"),
        ("څ", "س"),
    ],
)
def test_pashto_letters_fold_to_the_letter_typed_without_a_pashto_keyboard(a: str, b: str) -> None:
    assert normalize_word("ا" + a + "ا") == normalize_word("ا" + b + "ا")


def test_pashto_towns_name_their_district() -> None:
    kakar = G.resolve("کاکړ خراسان")
    assert kakar.kind is K.TOWN and kakar.district is not None
    assert kakar.district.slug == "zhob" and kakar.town is not None
    assert kakar.town.display_name("ps") == "کاکړ خراسان"
    typo = G.resolve("کاکر خراسان")  # ړ typed as ر is a different letter: corrected, and said so
    assert typo.kind is K.CORRECTED and typo.town == kakar.town
    muslim_bagh = G.resolve("مسلم باغ")
    assert muslim_bagh.district is not None and muslim_bagh.district.slug == "killa-saifullah"


@pytest.mark.parametrize(
    ("typed", "slug"),
    [
        ("په کوټه کې", "quetta"),  # "in Quetta"
        ("د ژوب ضلع", "zhob"),  # "Zhob district"
        ("پښين ضلعه", "pishin"),
        ("کوټه ښار", "quetta"),  # "Quetta city"
        ("چمن کښې", "chaman"),
    ],
)
def test_pashto_filler_words_are_ignored(typed: str, slug: str) -> None:
    resolution = G.resolve(typed)
    assert resolution.district is not None and resolution.district.slug == slug


def test_a_pashto_list_splits_on_and_and_the_arabic_comma() -> None:
    found = G.resolve_many("کوټه او پښين، ژوب")
    assert [r.district and r.district.slug for r in found] == ["quetta", "pishin", "zhob"]


def test_pashto_division_names_ask_which_district() -> None:
    makran = G.resolve("مکران")
    assert makran.kind is K.AMBIGUOUS and makran.division == "Makran"
    assert G.division_name("Zhob", "ps") == "ژوب"


def test_unknown_names_stay_blank_and_fall_back_to_english() -> None:
    assert G.district("lasbela").display_name("ps") == "Lasbela"
    assert G.district("jhal-magsi").display_name("ps") == "Jhal Magsi"
    assert G.resolve("کابل").kind is K.UNKNOWN  # Kabul is not in Balochistan


def test_pashto_spellings_use_pashto_letters() -> None:
    names = [d.names["ps"] for d in G.districts if "ps" in d.names]
    names += [t.names["ps"] for t in G.towns if "ps" in t.names]
    assert len(names) >= 50
    assert [n for n in names if URDU_ONLY_LETTERS & set(n)] == []
