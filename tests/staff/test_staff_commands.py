"""/status, /overview, /history and /map through the real Application and the fake Bot API."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from PIL import Image
from sqlalchemy import event

from core.context import KhabardarApp
from domain.alerts import AlertText, Severity
from domain.roles import Role
from faketg.models import SentMessage
from faketg.user import FakeUser
from storage import alert_drafts, alerts, residents, team
from storage.db import Database
from tests.conftest import ADMIN_ID
from tests.staff.publishing import VERIFIER, content, displacement, publish, transport
from views.map import COLOURS

STAFF_ID, OPERATOR_ID = 6001, 6002


async def _grant(db: Database, user_id: int, role: Role) -> None:
    async with db.transaction() as session:
        await team.grant_role(session, user_id=user_id, role=role, granted_by=ADMIN_ID)


async def answer(resident: FakeUser, command: str, containing: str) -> SentMessage:
    """The bot's answer to a resident's command. Resident 7001 follows Quetta, so an alert's
    copy can arrive in the same moment: the first message after the command may be that."""
    await resident.send(command)
    return await resident.expect(containing)


async def _situation(db: Database) -> None:
    """Quetta: a severe security alert; Mastung: the N-25 closed; Kech: displacement."""
    await publish(db, content())
    await publish(db, transport())
    await publish(db, displacement())
    async with db.transaction() as session:
        for chat_id in (7001, 7002, 7003):
            await residents.ensure_resident(session, chat_id=chat_id, language="en")
            await residents.subscribe(session, chat_id=chat_id, districts=["quetta"])


async def test_staff_status_in_full(database: Database, user: Callable[..., FakeUser]) -> None:
    await _situation(database)
    await _grant(database, STAFF_ID, Role.STAFF)
    reply = await user(STAFF_ID).send("/status Quetta")
    text = reply.plain
    assert "📊 Quetta" in text
    assert "Active alerts (1)" in text and "Security incident" in text
    assert "🟠 SEVERE · Firing near Quetta bypass · 0 min ago · KB-" in text
    # The N-25 crosses Quetta, so its suspension between Mastung and Kalat is shown here too.
    assert "N-25 Karachi–Quetta–Chaman (RCD) Highway · road · Mastung–Kalat" in text
    assert "No displacement reported." in text
    assert "Last verified update:" in text and "No verified update for over" not in text
    assert "👥 3 residents follow this district." in text
    assert "7001" not in text


async def test_status_of_displacement_and_towns(
    database: Database, user: Callable[..., FakeUser]
) -> None:
    await _situation(database)
    await _grant(database, STAFF_ID, Role.STAFF)
    staff = user(STAFF_ID)
    explained = await staff.send("/status Pasni")
    assert "Pasni is in Gwadar district." in explained.plain
    await staff.expect("📊 Gwadar")
    status = await staff.send("/status Turbat")
    assert "📊 Kech" in status.plain
    assert "Latest: 120 families, 700 people" in status.plain
    assert "source: UNHCR field team" in status.plain
    assert "Total: 120 families, 700 people in 1 report" in status.plain


async def test_ambiguous_name_asks_with_buttons(
    database: Database, user: Callable[..., FakeUser]
) -> None:
    await _situation(database)
    await _grant(database, STAFF_ID, Role.STAFF)
    staff = user(STAFF_ID)
    question = await staff.send("/status Dasht")
    assert "more than one district" in question.plain
    assert question.button_texts == ["Kech", "Mastung"]
    await staff.press("Mastung")
    status = await staff.expect("📊 Mastung")
    assert "N-25 closed between Mastung and Kalat" in status.plain


async def test_stale_district_says_so(database: Database, user: Callable[..., FakeUser]) -> None:
    earlier = datetime.now(UTC) - timedelta(hours=30)
    await publish(database, content(earlier, expires=earlier + timedelta(hours=48)), now=earlier)
    await _grant(database, STAFF_ID, Role.STAFF)
    text = (await user(STAFF_ID).send("/status quetta")).plain
    assert "(30 hours ago)" in text
    assert "No verified update for over 24 hours: the picture may be out of date." in text
    quiet = (await user(STAFF_ID).send("/status Gwadar")).plain
    assert "No verified update in the last 30 days." in quiet


async def test_residents_get_the_short_public_status(
    database: Database, user: Callable[..., FakeUser]
) -> None:
    await _situation(database)
    reply = await answer(user(7001), "/status Quetta", "📍 Quetta: active alerts")
    text = reply.plain
    assert "📍 Quetta: active alerts (1)" in text
    assert "🟠 SEVERE · Firing near Quetta bypass" in text
    for staff_only in ("Transport", "Displacement", "residents follow", "KB-", "Last verified"):
        assert staff_only not in text


async def test_status_in_urdu(database: Database, user: Callable[..., FakeUser]) -> None:
    await _situation(database)
    await _grant(database, STAFF_ID, Role.STAFF)
    staff = user(STAFF_ID, language_code="ur")
    text = (await staff.send("/status کوئٹہ")).plain
    assert "کوئٹہ" in text and "کوئٹہ بائی پاس کے قریب فائرنگ" in text


async def test_overview_for_staff_and_refused_for_residents(
    database: Database, user: Callable[..., FakeUser]
) -> None:
    await _situation(database)
    await _grant(database, OPERATOR_ID, Role.OPERATOR)
    text = (await user(OPERATOR_ID).send("/overview")).plain
    assert "🗺 Balochistan" in text
    assert "Active: 🛡 1 🛣 1 👪 1 · highest 🟠 SEVERE" in text
    assert "👪 Displaced, last 30 days: 120 families, 700 people" in text
    assert "🛣 Suspended: N-25" in text
    assert "🟠 Quetta: 🛡1" in text and "🟠 Mastung: 🛣1 · N-25" in text
    assert "quiet districts" in text
    assert len(text) < 4096
    refused = await answer(user(7001), "/overview", "only for the Khabardar team")
    assert "🗺 Balochistan" not in refused.plain


async def test_history_lists_what_happened(
    database: Database, user: Callable[..., FakeUser]
) -> None:
    now = datetime.now(UTC)
    before = now - timedelta(days=3)
    first = await publish(database, content(before, expires=now + timedelta(days=1)), now=before)
    async with database.transaction() as session:
        cancel = await alert_drafts.create_cancel(
            session, original=first.identifier, by=VERIFIER, reason="False report", now=now
        )
        await alerts.verify_alert(session, identifier=cancel.identifier, by=ADMIN_ID, now=now)
    await publish(database, content(texts=(AlertText("en", "Curfew in Quetta city"),)))
    await _grant(database, STAFF_ID, Role.STAFF)
    staff = user(STAFF_ID)
    text = (await staff.send("/history Quetta 7")).plain
    assert "🕘 Quetta since " in text and ": 3 alerts" in text
    assert "Curfew in Quetta city" in text
    assert f"❌ cancelled by {cancel.identifier}" in text
    headline = first.content.texts[0].headline
    # The cancel reads as a cancel, not as a second alert of the original's severity.
    cancel_line = next(
        line for line in text.splitlines() if f"cancelled {first.identifier} (" in line
    )
    assert cancel_line.endswith(f"❌ cancelled {first.identifier} ({headline}): False report")
    assert "SEVERE" not in cancel_line.upper() and "EXTREME" not in cancel_line.upper()
    short = (await staff.send("/history Quetta 1")).plain
    assert ": 2 alerts" in short
    assert "Send /history with a district" in (await staff.send("/history")).plain
    refused = await answer(user(7001), "/history Quetta", "only for the Khabardar team")
    assert ": 2 alerts" not in refused.plain


async def test_map_is_a_png_for_staff_only(
    database: Database, user: Callable[..., FakeUser]
) -> None:
    await _situation(database)
    await _grant(database, STAFF_ID, Role.STAFF)
    photo = await user(STAFF_ID).send("/map")
    assert photo.photo is not None
    image = Image.open(io.BytesIO(photo.photo))
    assert image.format == "PNG" and image.width == 1080
    # The outlines of Kech (moderate) and the three severe districts are filled, not dots.
    counts = {colour: n for n, colour in image.convert("RGB").getcolors(1_000_000) or []}
    assert counts.get(COLOURS[Severity.MODERATE], 0) > 5_000
    assert counts.get(COLOURS[Severity.SEVERE], 0) > 5_000
    assert "🗺 Districts by highest active alert" in photo.plain
    assert "🟠 3 🟡 1" in photo.plain  # Quetta, Mastung and Kalat are severe; Kech moderate
    refused = await answer(user(7001), "/map", "only for the Khabardar team")
    assert refused.photo is None


async def test_status_reads_the_asker_once(
    bot: KhabardarApp, database: Database, user: Callable[..., FakeUser]
) -> None:
    await _situation(database)
    await _grant(database, STAFF_ID, Role.STAFF)
    async with database.transaction() as session:
        await residents.ensure_resident(session, chat_id=STAFF_ID, language="en")
    asked: list[str] = []

    def watch(_conn: object, _cursor: object, statement: str, parameters: Any, *_: object) -> None:
        if STAFF_ID in tuple(parameters or ()):
            asked.append(statement.split("FROM", 1)[-1].split()[0].strip('"'))

    engine = bot.bot_data.services.database.engine.sync_engine
    event.listen(engine, "before_cursor_execute", watch)
    try:
        text = (await user(STAFF_ID).send("/status Quetta")).plain
    finally:
        event.remove(engine, "before_cursor_execute", watch)
    assert "📊 Quetta" in text
    # Before, /status read the resident three times and the role once, in separate transactions.
    assert sorted(asked) == ["resident", "team_member"]
