"""Published alerts as CAP 1.2 (validated against the OASIS schema) and as Atom feeds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from xml.etree import ElementTree as ET
from zoneinfo import ZoneInfo

import httpx
from capvalidator import check_schema

from domain.alerts import Changes, Status
from domain.cap.export import cap_time
from domain.cap.model import ATOM_NS, CAP_NS
from storage import alert_drafts, alerts
from storage.db import Database
from tests.staff.publishing import VERIFIER, G, content, displacement, draft, publish, transport

CAP = {"cap": CAP_NS}
ATOM = {"atom": ATOM_NS}


def assert_valid(document: bytes) -> ET.Element:
    result = check_schema(document)
    assert result.passed, f"{result.message}\n{document.decode()}"
    return ET.fromstring(document)


async def test_alerts_of_every_kind_validate(client: httpx.AsyncClient, database: Database) -> None:
    for made in (content(), transport(), displacement()):
        published = await publish(database, made)
        response = await client.get(f"/cap/{published.identifier}.xml")
        assert response.headers["content-type"] == "application/cap+xml"
        root = assert_valid(response.content)
        assert root.findtext("cap:identifier", namespaces=CAP) == published.identifier
        assert root.findtext("cap:sender", namespaces=CAP) == "khabardar"
        assert root.findtext("cap:status", namespaces=CAP) == "Actual"
    infos = root.findall("cap:info", namespaces=CAP)
    assert infos[0].findtext("cap:severity", namespaces=CAP) == "Moderate"
    parameters = {
        p.findtext("cap:valueName", namespaces=CAP): p.findtext("cap:value", namespaces=CAP)
        for p in infos[0].findall("cap:parameter", namespaces=CAP)
    }
    assert parameters["displaced_families"] == "120"
    area = infos[0].find("cap:area", namespaces=CAP)
    assert area is not None and area.findtext("cap:areaDesc", namespaces=CAP) == "Kech"
    assert area.findtext("cap:geocode/cap:value", namespaces=CAP) == G.district("kech").pcode


async def test_two_languages_update_and_cancel_validate(
    client: httpx.AsyncClient, database: Database
) -> None:
    original = await publish(database, content())
    now = datetime.now(UTC)
    async with database.transaction() as session:
        update = await alert_drafts.create_update(
            session,
            original=original.identifier,
            by=VERIFIER,
            changes=Changes(expires=now + timedelta(hours=6)),
            gazetteer=G,
            now=now,
        )
        await alerts.submit_alert(session, identifier=update.identifier, by=VERIFIER, gazetteer=G)
        await alerts.verify_alert(session, identifier=update.identifier, by=1)
        cancel = await alert_drafts.create_cancel(
            session, original=update.identifier, by=VERIFIER, reason="All clear"
        )
        await alerts.verify_alert(session, identifier=cancel.identifier, by=1)
    first = assert_valid((await client.get(f"/cap/{original.identifier}.xml")).content)
    languages = [i.findtext("cap:language", namespaces=CAP) for i in first.findall("cap:info", CAP)]
    assert languages == ["en", "ur"]
    urdu = first.findall("cap:info", CAP)[1]
    assert urdu.findtext("cap:area/cap:areaDesc", namespaces=CAP) == "کوئٹہ"
    updated = assert_valid((await client.get(f"/cap/{update.identifier}.xml")).content)
    assert updated.findtext("cap:msgType", namespaces=CAP) == "Update"
    sent = first.findtext("cap:sent", namespaces=CAP)
    references = f"khabardar,{original.identifier},{sent}"
    assert updated.findtext("cap:references", namespaces=CAP) == references
    cancelled = assert_valid((await client.get(f"/cap/{cancel.identifier}.xml")).content)
    assert cancelled.findtext("cap:msgType", namespaces=CAP) == "Cancel"
    assert cancelled.findtext("cap:note", namespaces=CAP) == "All clear"


async def test_only_published_real_alerts_are_served(
    client: httpx.AsyncClient, database: Database
) -> None:
    pending = await draft(database, content())
    drill = await publish(database, content(status=Status.EXERCISE))
    for identifier in (pending.identifier, drill.identifier, "KB-2026-9999", "garbage"):
        assert (await client.get(f"/cap/{identifier}.xml")).status_code == 404


async def test_feeds_link_to_cap_documents(client: httpx.AsyncClient, database: Database) -> None:
    quetta = await publish(database, content())
    kech = await publish(database, displacement())
    await publish(database, content(status=Status.TEST))
    response = await client.get("/cap/feed.atom")
    assert response.headers["content-type"] == "application/atom+xml"
    assert response.headers["cache-control"] == "public, max-age=60"
    feed = ET.fromstring(response.content)
    links = [e.get("href") for e in feed.findall("atom:entry/atom:link", ATOM)]
    base = "https://alerts.example.org/cap"
    assert links == [f"{base}/{kech.identifier}.xml", f"{base}/{quetta.identifier}.xml"]
    assert feed.findtext("atom:entry/atom:title", namespaces=ATOM) == "Families arriving in Turbat"
    district = ET.fromstring((await client.get("/cap/districts/kech.atom")).content)
    assert [
        e.findtext("atom:id", namespaces=ATOM) for e in district.findall("atom:entry", ATOM)
    ] == [f"{base}/{kech.identifier}.xml"]
    assert (await client.get("/cap/districts/atlantis.atom")).status_code == 404


def test_cap_times_carry_an_offset_and_utc_is_minus_zero() -> None:
    moment = datetime(2026, 3, 1, 8, 0, 0, 123, tzinfo=UTC)
    assert cap_time(moment, ZoneInfo("Asia/Karachi")) == "2026-03-01T13:00:00+05:00"
    assert cap_time(moment, ZoneInfo("UTC")) == "2026-03-01T08:00:00-00:00"


async def test_the_schema_check_catches_a_broken_document(
    client: httpx.AsyncClient, database: Database
) -> None:
    published = await publish(database, content())
    document = (await client.get(f"/cap/{published.identifier}.xml")).content
    assert not check_schema(document.replace(b"<status>Actual", b"<status>Real")).passed
    assert not check_schema(document.replace(b"+05:00</sent>", b"Z</sent>")).passed


async def test_a_pashto_text_is_exported_as_its_own_info_block(
    client: httpx.AsyncClient, database: Database
) -> None:
    from domain.alerts import AlertText

    texts = (
        AlertText("en", "Firing near Quetta bypass"),
        AlertText("ps", "د کوټې بای پاس ته نږدې ډزې", "", "کور دننه پاتې شئ."),
    )
    published = await publish(database, content(texts=texts, districts=("quetta", "zhob")))
    root = assert_valid((await client.get(f"/cap/{published.identifier}.xml")).content)
    english, pashto = root.findall("cap:info", CAP)
    assert pashto.findtext("cap:language", namespaces=CAP) == "ps"
    assert pashto.findtext("cap:headline", namespaces=CAP) == "د کوټې بای پاس ته نږدې ډزې"
    assert pashto.findtext("cap:event", namespaces=CAP) == "امنیتي پېښه"
    areas = [a.findtext("cap:areaDesc", namespaces=CAP) for a in pashto.findall("cap:area", CAP)]
    assert areas == ["کوټه", "ژوب"]
    assert english.findtext("cap:event", namespaces=CAP) == "Security incident"
