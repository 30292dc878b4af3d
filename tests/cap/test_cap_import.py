"""Authorities' CAP alerts become pending alerts for operators; hostile XML is refused."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from capvalidator import check_schema

from bot import cap_cli
from core.settings import Settings
from domain.alerts import SYSTEM_AUTHOR, AlertKind, AlertState, MsgType, Severity
from domain.cap.model import MAX_DOCUMENT_BYTES, Skip
from domain.cap.parse import CapRefused, read_document
from ingest.cap_import import (
    ImportPolicy,
    import_document,
    import_source,
    poll_feeds,
)
from storage import alert_queries, alerts
from storage.db import Database
from storage.status_queries import AlertFilter, search_alerts
from tests.staff.publishing import VERIFIER, G, publish


def authority_cap(
    identifier: str = "PDMA-BLN-2026-17",
    *,
    msg_type: str = "Alert",
    category: str = "Security",
    severity: str = "Severe",
    area: str = "<areaDesc>Quetta; Pishin</areaDesc>",
    extra: str = "",
    references: str = "",
) -> bytes:
    now = datetime.now(UTC).replace(microsecond=0)
    expires = (now + timedelta(hours=12)).isoformat()
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>{identifier}</identifier>
  <sender>pdma@balochistan.gov.pk</sender>
  <sent>{now.isoformat()}</sent>
  <status>Actual</status>
  <msgType>{msg_type}</msgType>
  <scope>Public</scope>
  {references}
  <info>
    <language>en-US</language>
    <category>{category}</category>
    <event>Road blockade</event>
    <urgency>Immediate</urgency>
    <severity>{severity}</severity>
    <certainty>Observed</certainty>
    <expires>{expires}</expires>
    <senderName>PDMA Balochistan</senderName>
    <headline>Protest blocks roads in Quetta</headline>
    <description>Avoid Zarghoon Road.</description>
    {extra}
    <area>{area}</area>
  </info>
</alert>""".encode()


async def _imported(db: Database) -> list:  # type: ignore[type-arg]
    async with db.transaction() as session:
        return await search_alerts(session, where=AlertFilter())


async def test_authority_alert_waits_for_an_operator(database: Database) -> None:
    document = authority_cap()
    assert check_schema(document).passed
    results = await import_document(document, database=database, gazetteer=G)
    assert [r.skipped for r in results] == [None]
    (imported,) = await _imported(database)
    assert imported.state is AlertState.PENDING and imported.author_id == SYSTEM_AUTHOR
    assert imported.content.districts == ("quetta", "pishin")
    assert imported.content.severity is Severity.SEVERE and imported.kind is AlertKind.SECURITY
    assert imported.content.source == "PDMA Balochistan"
    async with database.transaction() as session:
        verified = await alerts.verify_alert(session, identifier=imported.identifier, by=VERIFIER)
    assert verified.done
    # A poll that sees the same alert again imports nothing.
    again = await import_document(document, database=database, gazetteer=G)
    assert [r.skipped for r in again] == [Skip.ALREADY_IMPORTED.value]
    assert len(await _imported(database)) == 1


async def test_authority_cancel_becomes_a_pending_cancel(database: Database) -> None:
    await import_document(authority_cap(), database=database, gazetteer=G)
    (original,) = await _imported(database)
    async with database.transaction() as session:
        await alerts.verify_alert(session, identifier=original.identifier, by=VERIFIER)
    references = (
        "<references>pdma@balochistan.gov.pk,PDMA-BLN-2026-17,2026-01-01T00:00:00+05:00"
        "</references>"
    )
    cancel = authority_cap("PDMA-BLN-2026-18", msg_type="Cancel", references=references)
    results = await import_document(cancel, database=database, gazetteer=G)
    assert results[0].alert is not None
    async with database.transaction() as session:
        pending = await alert_queries.get_alert(session, identifier=results[0].alert)
    assert pending is not None and pending.msg_type is MsgType.CANCEL
    assert pending.state is AlertState.PENDING and pending.references == original.identifier


@pytest.mark.parametrize(
    ("document", "skip"),
    [
        (authority_cap(category="Met"), Skip.UNKNOWN_KIND),
        (authority_cap(severity="Unknown"), Skip.UNKNOWN_SEVERITY),
        (authority_cap(area="<areaDesc>Karachi</areaDesc>"), Skip.NO_DISTRICT),
        (authority_cap(area="<areaDesc>Dasht</areaDesc>"), Skip.NO_DISTRICT),  # ambiguous
        (authority_cap(msg_type="Cancel"), Skip.NOTHING_TO_CANCEL),
        (authority_cap().replace(b"<status>Actual", b"<status>System"), Skip.NOT_ACTUAL),
    ],
)
async def test_what_cannot_be_mapped_is_skipped(
    database: Database, document: bytes, skip: Skip
) -> None:
    results = await import_document(document, database=database, gazetteer=G)
    assert [r.skipped for r in results] == [skip.value]
    assert await _imported(database) == []


async def test_areas_by_pcode_circle_and_polygon(database: Database) -> None:
    kech, gwadar = G.district("kech"), G.district("gwadar")
    area = (
        f"<areaDesc>Makran coast</areaDesc>"
        f"<polygon>{gwadar.lat - 0.2},{gwadar.lon - 0.2} {gwadar.lat - 0.2},{gwadar.lon + 0.2} "
        f"{gwadar.lat + 0.2},{gwadar.lon + 0.2} {gwadar.lat - 0.2},{gwadar.lon - 0.2}</polygon>"
        f"<circle>{kech.lat},{kech.lon} 5</circle>"
        f"<geocode><valueName>PCODE</valueName><value>{G.district('quetta').pcode}</value></geocode>"
    )
    await import_document(authority_cap(area=area), database=database, gazetteer=G)
    (imported,) = await _imported(database)
    assert imported.content.districts == ("quetta", "kech", "gwadar")


async def test_own_cap_round_trips(client: httpx.AsyncClient, database: Database) -> None:
    from tests.staff.publishing import transport

    published = await publish(database, transport(severity=Severity.EXTREME))
    document = (await client.get(f"/cap/{published.identifier}.xml")).content
    results = await import_document(document, database=database, gazetteer=G)
    copy = next(a for a in await _imported(database) if a.identifier == results[0].alert)
    assert copy.content.transport == published.content.transport
    assert copy.content.districts == published.content.districts
    assert copy.content.severity is Severity.EXTREME


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>&lol3;</identifier></alert>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE alert [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>&secret;</identifier></alert>"""


@pytest.mark.parametrize(
    ("document", "code"),
    [
        (BILLION_LAUGHS, "forbidden_xml"),
        (EXTERNAL_ENTITY, "forbidden_xml"),
        (b"<alert", "malformed"),
        (b"<html><body>not CAP</body></html>", "not_cap"),
        (authority_cap() + b" " * MAX_DOCUMENT_BYTES, "too_large"),
    ],
)
async def test_hostile_documents_are_refused(
    database: Database, document: bytes, code: str
) -> None:
    with pytest.raises(CapRefused) as refused:
        await import_document(document, database=database, gazetteer=G)
    assert refused.value.code == code
    assert await _imported(database) == []


def feed(*links: str) -> bytes:
    entries = "".join(
        f'<entry><id>{link}</id><link type="application/cap+xml" href="{link}"/></entry>'
        for link in links
    )
    return f'<feed xmlns="http://www.w3.org/2005/Atom"><title>PDMA</title>{entries}</feed>'.encode()


async def test_scheduled_poll_follows_feed_links_on_the_same_host(database: Database) -> None:
    served = {
        "/feed.atom": feed("/cap/17.xml", "https://elsewhere.example/cap/9.xml", "/cap/big.xml"),
        "/cap/17.xml": authority_cap(),
        "/cap/big.xml": b"<" * (MAX_DOCUMENT_BYTES + 1),
    }
    asked: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        asked.append(str(request.url))
        if request.url.host == "down.example":
            return httpx.Response(503)
        return httpx.Response(200, content=served[request.url.path])

    async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as client:
        results = await poll_feeds(
            ("https://pdma.example/feed.atom", "https://down.example/feed.atom"),
            database=database,
            gazetteer=G,
            client=client,
        )
        again = await poll_feeds(
            ("https://pdma.example/feed.atom",), database=database, gazetteer=G, client=client
        )
    assert sorted(r.skipped or "drafted" for r in results) == ["drafted", "other_host", "too_large"]
    assert "https://elsewhere.example/cap/9.xml" not in asked
    assert Skip.ALREADY_IMPORTED.value in [r.skipped for r in again]
    assert len(await _imported(database)) == 1


async def test_url_import_stops_reading_a_huge_response(database: Database) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=b"x" * (MAX_DOCUMENT_BYTES + 10))

    async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as client:
        with pytest.raises(CapRefused, match="too_large"):
            await import_source(
                "https://pdma.example/x.xml", database=database, gazetteer=G, client=client
            )


def test_import_cap_command(
    tmp_path: Path, settings: Callable[..., Settings], capsys: pytest.CaptureFixture[str]
) -> None:
    config = settings(database_url=f"sqlite:///{tmp_path / 'cli.db'}")
    good, bad = tmp_path / "alert.xml", tmp_path / "bomb.xml"
    good.write_bytes(authority_cap())
    bad.write_bytes(BILLION_LAUGHS)
    assert cap_cli.run(argparse.Namespace(source=str(good)), config) == 0
    assert "PDMA-BLN-2026-17: KB-" in capsys.readouterr().out
    assert cap_cli.run(argparse.Namespace(source=str(bad)), config) == 1
    assert "refused: forbidden_xml" in capsys.readouterr().err
    assert read_document(authority_cap())  # the parser itself reads a good document


def test_feeds_are_polled_by_the_job_queue(settings: Callable[..., Settings]) -> None:
    from bot.app import build_application

    quiet = build_application(settings())
    polling = build_application(settings(cap_feeds=("https://pdma.example/feed.atom",)))
    assert quiet.job_queue is not None and polling.job_queue is not None
    assert quiet.job_queue.get_jobs_by_name("cap-poll") == ()
    assert len(polling.job_queue.get_jobs_by_name("cap-poll")) == 1


async def test_a_file_feed_follows_links_only_to_allowed_hosts(
    database: Database, tmp_path: Path
) -> None:
    local = tmp_path / "feed.atom"
    local.write_bytes(
        feed(
            "http://127.0.0.1:9/cap/1.xml",
            "http://169.254.169.254/latest",
            "https://pdma.example/cap/17.xml",
        )
    )
    asked: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        asked.append(str(request.url))
        return httpx.Response(200, content=authority_cap())

    async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as client:
        refused = await import_source(str(local), database=database, gazetteer=G, client=client)
        assert asked == [] and [r.skipped for r in refused] == ["other_host"] * 3
        allowed = ImportPolicy(link_hosts=frozenset({"pdma.example"}))
        results = await import_source(
            str(local), database=database, gazetteer=G, client=client, policy=allowed
        )
    # Loopback and the cloud metadata address are never asked; the allowed host is.
    assert asked == ["https://pdma.example/cap/17.xml"]
    assert sorted(r.skipped or "drafted" for r in results) == [
        "drafted",
        "other_host",
        "other_host",
    ]


async def test_the_product_never_reimports_its_own_alerts(
    client: httpx.AsyncClient, database: Database, settings: Callable[..., Settings]
) -> None:
    from tests.staff.publishing import transport

    published = await publish(database, transport())
    ours = (await client.get(f"/cap/{published.identifier}.xml")).content
    policy = ImportPolicy.from_settings(settings())
    results = await import_document(ours, database=database, gazetteer=G, policy=policy)
    assert [r.skipped for r in results] == [Skip.OWN_ALERT.value]
    # A hub that rewrites the sender still carries the identifier this deployment issued.
    relayed = ours.replace(b"<sender>khabardar</sender>", b"<sender>hub@example.org</sender>")
    assert b"hub@example.org" in relayed
    again = await import_document(relayed, database=database, gazetteer=G, policy=policy)
    assert [r.skipped for r in again] == [Skip.OWN_ALERT.value]
    authority = await import_document(
        authority_cap(), database=database, gazetteer=G, policy=policy
    )
    assert authority[0].alert is not None
    assert len(await _imported(database)) == 2  # the published alert and the authority's


@pytest.mark.parametrize("tag", ["ps-PK", "ps-AF", "ps", "pus", "pbt-PK", "PS-pk"])
async def test_a_pashto_info_block_is_read_as_pashto(database: Database, tag: str) -> None:
    pashto = f"""<info>
    <language>{tag}</language>
    <category>Security</category>
    <event>د لارو بندیز</event>
    <urgency>Immediate</urgency>
    <severity>Severe</severity>
    <certainty>Observed</certainty>
    <headline>په کوټه کې لاريون لارې بندې کړې</headline>
    <instruction>له زرغون سړک ډډه وکړئ.</instruction>
    <area><areaDesc>کوټه؛ پښين</areaDesc></area>
  </info>
</alert>"""
    document = authority_cap().replace(b"</alert>", pashto.encode())
    assert check_schema(document).passed
    await import_document(document, database=database, gazetteer=G)
    (imported,) = await _imported(database)
    assert [t.language for t in imported.content.texts] == ["en", "ps"]
    assert imported.content.text("ps").headline == "په کوټه کې لاريون لارې بندې کړې"
    assert imported.content.districts == ("quetta", "pishin")


async def test_pashto_areas_alone_are_placed_by_their_pashto_names(database: Database) -> None:
    document = authority_cap(area="<areaDesc>ژوب، لورالايي</areaDesc>")
    await import_document(document, database=database, gazetteer=G)
    (imported,) = await _imported(database)
    assert imported.content.districts == ("zhob", "loralai")
