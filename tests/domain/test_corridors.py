"""Roads and railways as residents type them: codes, names, Urdu names, typos, two routes."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from domain.alerts import AlertKind, validate_draft
from domain.alerts.form import build_content
from domain.alerts.model import Transport, TransportMode
from domain.alerts.validation import ProblemCode
from domain.gazetteer import Gazetteer
from domain.places import read_places

G = Gazetteer.default()


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("N-25", "N-25"),
        ("n 25", "N-25"),
        ("Quetta–Taftan railway", "RAIL-QUETTA-TAFTAN"),
        ("Queta Taftan railway", "RAIL-QUETTA-TAFTAN"),
        ("کوئٹہ–تفتان ریلوے", "RAIL-QUETTA-TAFTAN"),
        ("کراچی کوئٹہ شاہراہ", "N-25"),
        ("جعفر ایکسپریس", "RAIL-QUETTA-ROHRI"),
        ("Bolan Mail", "RAIL-QUETTA-ROHRI"),
        ("Quetta Taftan road", "N-40"),  # "road" picks the road of the two
        ("Quetta Taftan train", "RAIL-QUETTA-TAFTAN"),
        ("Zhob-DI Khan Highway", "N-50"),
    ],
)
def test_routes_by_code_name_and_urdu_name(text: str, code: str) -> None:
    match = G.match_route(text)
    assert match.route is not None and match.route.code == code
    assert not match.corrected


@pytest.mark.parametrize(
    ("text", "code"),
    [("Makran Costal Highway", "N-10"), ("Kuchlak Zhob Dera Ismail Khn Highway", "N-50")],
)
def test_misspelt_route_names_are_corrected(text: str, code: str) -> None:
    match = G.match_route(text)
    assert match.route is not None and match.route.code == code
    assert match.corrected


def test_a_name_of_two_routes_offers_both() -> None:
    match = G.match_route("Quetta–Chaman route")
    assert [r.code for r in match.routes] == ["N-25", "RAIL-QUETTA-ROHRI"]
    assert match.route is None


@pytest.mark.parametrize("text", ["Quetta Chaman", "Quetta Sibi", "Quetta", "Coastal", "Kalat"])
def test_place_names_without_a_route_word_are_not_routes(text: str) -> None:
    assert G.match_route(text).routes == ()


@pytest.mark.parametrize("text", ["N-99", "N-99 highway", "the road", "<b>N-25</b>", "x" * 10_000])
def test_garbage_is_no_route(text: str) -> None:
    assert G.match_route(text).route is None


def test_a_route_word_alone_is_not_an_unknown_route() -> None:
    assert not G.match_route("road").looks_like_route
    assert G.match_route("N-99").looks_like_route


def test_a_message_mixes_places_and_routes() -> None:
    reading = read_places(G, "Quetta, N-25; Quetta–Taftan railway and Pasni, N-99")
    assert [d.slug for d in reading.districts] == ["quetta", "gwadar"]
    assert [r.code for r in reading.routes] == ["N-25", "RAIL-QUETTA-TAFTAN"]
    assert reading.unknown_routes == ("N-99",)
    assert reading.unknown == ()
    assert reading.needs_answer


def test_labels_show_the_code() -> None:
    route = G.route("N-25")
    assert route is not None
    assert route.label("en") == "N-25 Karachi–Quetta–Chaman (RCD) Highway"
    assert route.label("ur") == "N-25 کراچی–کوئٹہ–چمن (آر سی ڈی) شاہراہ"
    assert route.label("ps") == "N-25 Karachi–Quetta–Chaman (RCD) Highway"  # falls back
    assert all(r.names.get("ur") for r in G.routes)


def test_a_security_incident_may_be_marked_on_a_route_without_suspending_it() -> None:
    now = datetime.now(UTC)
    fields = {
        "kind": "security",
        "severity": "severe",
        "urgency": "immediate",
        "certainty": "observed",
        "headline": "Firing on the highway near Lak Pass",
        "route": "N-25",
        "segment": "near Lak Pass",
        "districts": "Mastung",
        "expires": "6h",
    }
    built = build_content(fields, gazetteer=G, now=now, tz=ZoneInfo("Asia/Karachi"), language="en")
    assert built.problems == () and built.content is not None
    assert built.content.kind is AlertKind.SECURITY
    assert built.content.transport == Transport(None, "N-25", "near Lak Pass")
    assert validate_draft(built.content, gazetteer=G, now=now) == []
    # A mode would say something is suspended: that is a transport alert's to say.
    moded = replace(built.content, transport=Transport(TransportMode.ROAD, "N-25", ""))
    assert [p.code for p in validate_draft(moded, gazetteer=G, now=now)] == [
        ProblemCode.TRANSPORT_NOT_ALLOWED
    ]
