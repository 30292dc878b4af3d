"""The staff API: tokens, districts, status, overview, alert filters, CSV, audit and OpenAPI."""

from __future__ import annotations

import csv
import io
import logging
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from domain.alerts import AlertText, Status
from storage import residents
from storage.db import Database
from tests.api.conftest import ADMIN_TOKEN, STAFF_TOKEN, bearer
from tests.staff.publishing import content, displacement, draft, publish, transport

# Chat ids unlike any other number in a response, so finding one means a subscriber leaked.
CHAT_IDS = (987_650_001, 987_650_002, 987_650_003)


async def _subscribers(db: Database) -> None:
    async with db.transaction() as session:
        for chat_id in CHAT_IDS:
            await residents.ensure_resident(session, chat_id=chat_id, language="ur")
            await residents.subscribe(session, chat_id=chat_id, districts=["quetta", "kech"])


@pytest.mark.parametrize("headers", [{}, bearer("wrong"), {"Authorization": STAFF_TOKEN}])
async def test_refused_without_a_valid_token(
    client: httpx.AsyncClient, headers: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    for path in ("/api/v1/districts", "/api/v1/alerts", "/api/v1/audit", "/api/v1/overview"):
        response = await client.get(path, headers=headers)
        assert response.status_code == 401, path
        assert response.headers["www-authenticate"] == "Bearer"
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "API request refused" in logged
    assert STAFF_TOKEN not in logged and "wrong" not in logged


async def test_tokens_never_logged_when_accepted(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    assert (await client.get("/api/v1/alerts", headers=bearer(STAFF_TOKEN))).status_code == 200
    assert (await client.get("/api/v1/audit", headers=bearer(ADMIN_TOKEN))).status_code == 200
    logged = "\n".join(f"{r.getMessage()} {r.args}" for r in caplog.records)
    assert STAFF_TOKEN not in logged and ADMIN_TOKEN not in logged


async def test_audit_log_needs_an_admin_token(
    client: httpx.AsyncClient, database: Database
) -> None:
    await publish(database, content())
    refused = await client.get("/api/v1/audit", headers=bearer(STAFF_TOKEN))
    assert refused.status_code == 403
    entries = (await client.get("/api/v1/audit", headers=bearer(ADMIN_TOKEN))).json()
    assert [e["action"] for e in entries] == ["drafted", "submitted", "approved"]
    later = await client.get(
        "/api/v1/audit", params={"after_id": entries[1]["id"]}, headers=bearer(ADMIN_TOKEN)
    )
    assert [e["action"] for e in later.json()] == ["approved"]


async def test_districts_with_counts_only(client: httpx.AsyncClient, database: Database) -> None:
    await _subscribers(database)
    await publish(database, content())
    districts = (await client.get("/api/v1/districts", headers=bearer(STAFF_TOKEN))).json()
    assert len(districts) == 36
    quetta = next(d for d in districts if d["slug"] == "quetta")
    assert quetta["subscribers"] == 3 and quetta["names"]["ur"] == "کوئٹہ"
    assert quetta["active_alerts"] == 1 and quetta["highest_severity"] == "severe"
    assert next(d for d in districts if d["slug"] == "zhob")["subscribers"] == 0


async def test_district_status_and_overview(client: httpx.AsyncClient, database: Database) -> None:
    await _subscribers(database)
    await publish(database, transport())
    await publish(database, displacement())
    kech = (await client.get("/api/v1/districts/kech/status", headers=bearer(STAFF_TOKEN))).json()
    assert kech["displacement"]["latest_families"] == 120
    assert kech["displacement"]["latest_source"] == "UNHCR field team"
    assert kech["subscribers"] == 3 and kech["stale"] is False
    quetta = (
        await client.get("/api/v1/districts/quetta/status", headers=bearer(STAFF_TOKEN))
    ).json()
    assert [s["route"] for s in quetta["suspensions"]] == ["N-25"]
    missing = await client.get("/api/v1/districts/atlantis/status", headers=bearer(STAFF_TOKEN))
    assert missing.status_code == 404
    view = (await client.get("/api/v1/overview", headers=bearer(STAFF_TOKEN))).json()
    assert view["active_by_kind"] == {"transport": 1, "displacement": 1}
    assert view["displaced_individuals"] == 700


async def test_alert_filters(client: httpx.AsyncClient, database: Database) -> None:
    now = datetime.now(UTC)
    old = await publish(
        database,
        content(now - timedelta(days=2), expires=now + timedelta(days=1)),
        now=now - timedelta(days=2),
    )
    road = await publish(database, transport())
    drill = await publish(database, content(status=Status.EXERCISE))
    await draft(database, content(texts=(AlertText("en", "Unfinished draft"),)))

    async def ids(**params: str) -> list[str]:
        response = await client.get("/api/v1/alerts", params=params, headers=bearer(STAFF_TOKEN))
        assert response.status_code == 200, response.text
        return [a["identifier"] for a in response.json()]

    assert await ids() == [drill.identifier, road.identifier, old.identifier]  # never drafts
    assert await ids(district="mastung") == [road.identifier]
    assert await ids(kind="transport") == [road.identifier]
    assert await ids(status="exercise") == [drill.identifier]
    assert await ids(state="verified", status="actual") == [road.identifier, old.identifier]
    assert await ids(since=(now - timedelta(hours=1)).isoformat()) == [
        drill.identifier,
        road.identifier,
    ]
    assert await ids(until=(now - timedelta(hours=1)).isoformat()) == [old.identifier]
    assert await ids(limit="1", offset="1") == [road.identifier]
    assert await ids(active="true", kind="security", status="actual") == [old.identifier]
    bad = await client.get(
        "/api/v1/alerts", params={"kind": "weather"}, headers=bearer(STAFF_TOKEN)
    )
    assert bad.status_code == 422
    one = await client.get(f"/api/v1/alerts/{road.identifier.lower()}", headers=bearer(STAFF_TOKEN))
    assert one.json()["segment"] == "Mastung–Kalat" and "author_id" not in one.json()


async def test_csv_export(client: httpx.AsyncClient, database: Database) -> None:
    await publish(database, transport())
    await publish(database, content(texts=(AlertText("en", '=HYPERLINK("http://x")'),)))
    response = await client.get(
        "/api/v1/alerts.csv", params={"status": "actual"}, headers=bearer(STAFF_TOKEN)
    )
    assert response.headers["content-type"].startswith("text/csv")
    hashtags, *rows = list(csv.DictReader(io.StringIO(response.text)))
    assert hashtags["identifier"] == "#event+code"  # the HXL row (tests/api/test_hxl.py)
    assert len(rows) == 2
    assert rows[1]["route"] == "N-25" and rows[1]["districts"] == "mastung kalat"
    assert rows[0]["headline"] == '\'=HYPERLINK("http://x")'  # a spreadsheet shows, not runs it


async def test_openapi_describes_the_api(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/openapi.json")).json()
    assert spec["info"]["title"] == "Khabardar API"
    for path in (
        "/api/v1/alerts",
        "/api/v1/alerts.csv",
        "/api/v1/districts/{slug}/status",
        "/cap/feed.atom",
    ):
        assert path in spec["paths"]
    assert spec["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    assert {p["name"] for p in spec["paths"]["/api/v1/alerts"]["get"]["parameters"]} >= {
        "district",
        "kind",
        "state",
        "status",
        "since",
        "until",
        "active",
    }


async def test_no_response_ever_names_a_subscriber(
    client: httpx.AsyncClient, database: Database
) -> None:
    await _subscribers(database)
    published = await publish(database, content(districts=("quetta", "kech")))
    spec = (await client.get("/openapi.json")).json()
    bodies = []
    for path, operations in spec["paths"].items():
        if "get" not in operations:
            continue
        url = path.replace("{slug}", "quetta").replace("{identifier}", published.identifier)
        response = await client.get(url, headers=bearer(ADMIN_TOKEN))
        assert response.status_code == 200, url
        bodies.append(response.text)
    assert len(bodies) >= 12
    for chat_id in CHAT_IDS:
        assert all(str(chat_id) not in body for body in bodies)
