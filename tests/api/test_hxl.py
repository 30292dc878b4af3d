"""The partner exports read back with libhxl: hashtags under the header, OCHA P-codes, DTM names."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import httpx
import hxl
from hxl.validation import Schema

from core.context import Services
from domain.checkins import Answer
from storage import checkins, deliveries
from storage.db import Database
from tests.api.conftest import STAFF_TOKEN, bearer
from tests.staff.publishing import content, displacement, publish, transport

# What partners can rely on: P-codes look like OCHA's, dates and figures parse, the checked
# counts are numbers or "<5".
SCHEMA = [
    ["#valid_tag", "#valid_required", "#valid_datatype", "#valid_value+regex"],
    ["#adm1+code", "true", "", r"^PK\d$"],
    ["#adm2+code", "", "", r"^(PK\d{3}( PK\d{3})*)?$"],
    ["#date+reported", "true", "date", ""],
    ["#affected+hh", "", "number", ""],
    ["#affected+idps+ind", "", "", r"^(\d+|<5)?$"],
    ["#affected+safe+ind", "", "", r"^(\d+|<5)$"],
    ["#inneed+ind", "", "", r"^(\d+|<5)$"],
]


def _valid(text: str) -> hxl.model.Dataset:
    table = list(csv.reader(io.StringIO(text)))
    problems: list[str] = []
    schema: Schema = hxl.schema(SCHEMA, callback=lambda e: problems.append(f"{e}"))
    assert schema.validate(hxl.data(table)), problems
    return hxl.data(table)  # validating reads a dataset through


async def _csv(client: httpx.AsyncClient, path: str) -> str:
    response = await client.get(path, headers=bearer(STAFF_TOKEN))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    return response.text


async def test_alerts_csv_is_hxl_with_pcodes(client: httpx.AsyncClient, database: Database) -> None:
    await publish(database, displacement())
    await publish(database, transport())
    data = _valid(await _csv(client, "/api/v1/alerts.csv"))
    tags = [c.display_tag for c in data.columns]
    assert {"#adm1+code", "#adm2+code", "#adm2+name", "#date+reported"} <= set(tags)
    assert {"#affected+idps+ind", "#affected+hh", "#severity", "#event+type"} <= set(tags)
    rows = {row.get("#event+type"): row for row in data}
    kech = rows["displacement"]
    assert kech.get("#adm2+code") == "PK712" and kech.get("#adm1+code") == "PK7"
    assert kech.get("#affected+idps+ind") == "700" and kech.get("#affected+hh") == "120"
    # Mastung has a P-code, Kalat too; both appear, space-separated.
    assert rows["transport"].get("#adm2+code").split() == ["PK720", "PK710"]


async def test_districts_csv_has_every_district_with_its_status(
    client: httpx.AsyncClient, database: Database, services: Services
) -> None:
    await publish(database, displacement())
    await publish(database, content())
    data = _valid(await _csv(client, "/api/v1/districts.csv"))
    rows = {row.get("#adm2+slug"): row for row in data}
    assert len(rows) == len(services.gazetteer.districts)
    assert rows["quetta"].get("#adm2+code") == "PK726"
    assert rows["quetta"].get("#severity") == "severe"
    assert rows["quetta"].get("#event+num+security") == "1"
    assert rows["kech"].get("#affected+idps+ind") == "700"
    assert not rows["chaman"].get("#adm2+code")  # a newer district: no P-code, none made up
    assert rows["quetta"].get("#adm2+name+i_ur") == "کوئٹہ"


async def test_checkins_csv_and_json_give_counts_never_who(
    client: httpx.AsyncClient, database: Database
) -> None:
    published = await publish(database, content())
    now = datetime.now(UTC)
    async with database.transaction() as session:
        alert_id = await deliveries.alert_id_of(session, identifier=published.identifier)
        assert alert_id is not None
        for chat_id in range(987_660_001, 987_660_008):
            answer = Answer.HELP if chat_id == 987_660_007 else Answer.SAFE
            await checkins.record_answer(
                session,
                alert_id=alert_id,
                chat_id=chat_id,
                district="quetta",
                answer=answer,
                now=now,
            )
    text = await _csv(client, "/api/v1/checkins.csv")
    data = _valid(text)
    (row,) = list(data)
    assert row.get("#event+code") == published.identifier
    assert row.get("#adm2+code") == "PK726" and row.get("#adm2+name") == "Quetta"
    assert row.get("#affected+safe+ind") == "6"
    assert row.get("#inneed+ind") == "<5" and row.get("#affected+idps+ind") == "0"
    assert "98766" not in text

    listed = (await client.get("/api/v1/checkins", headers=bearer(STAFF_TOKEN))).json()
    assert listed == [
        {
            "alert": published.identifier,
            "district": "quetta",
            "admin2Pcode": "PK726",
            "safe": 6,
            "need_help": None,
            "had_to_leave": 0,
            "min_shown": 5,
        }
    ]


async def test_displacement_follows_dtm_field_names(
    client: httpx.AsyncClient, database: Database
) -> None:
    await publish(database, displacement())
    (kech,) = (await client.get("/api/v1/displacement", headers=bearer(STAFF_TOKEN))).json()
    assert kech["admin0Pcode"] == "PAK" and kech["admin1Pcode"] == "PK7"
    assert kech["admin1Name"] == "Balochistan"
    assert kech["admin2Name"] == "Kech" and kech["admin2Pcode"] == "PK712"
    assert kech["numPresentIdpInd"] == 700 and kech["households"] == 120
    assert kech["reportingDate"] is not None


async def test_service_shows_the_queue(client: httpx.AsyncClient) -> None:
    body = (await client.get("/api/v1/service", headers=bearer(STAFF_TOKEN))).json()
    assert body == {"telegram_last_reached": None, "queue_depth": 0, "held_for_quiet_hours": 0}


def test_the_schema_catches_what_partners_would_trip_on() -> None:
    bad = "district,pcode,date\n#adm1+code,#adm2+code,#date+reported\nPK7,Quetta,yesterday\n"
    table = list(csv.reader(io.StringIO(bad)))
    problems: list[str] = []
    schema: Schema = hxl.schema(SCHEMA, callback=lambda e: problems.append(str(e.value)))
    assert not schema.validate(hxl.data(table))
    assert set(problems) == {"Quetta", "yesterday"}
