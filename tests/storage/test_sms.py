"""SMS storage: sealed numbers, JOIN/STOP, fallback numbers, shutdowns, planning, receipts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from core.numbers import NumberVault
from domain.alerts import Alert, Severity
from domain.delivery.rules import Kind, State, Transport
from domain.sms.numbers import recipient_of, sms_chat
from storage import deliveries, delivery_queue, sms, sms_outbox
from storage.db import Database
from storage.delivery_models import delivery
from storage.sms_models import sms_recipient
from tests.delivery.helpers import add_residents, correct, publish

NOW = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
VAULT = NumberVault(NumberVault.new_key())
NUMBER = "923001234567"


async def join(db: Database, number: str = NUMBER, district: str = "quetta") -> bool:
    async with db.transaction() as session:
        return await sms.join(
            session,
            number_hash=VAULT.lookup(number),
            sealed=VAULT.seal(number),
            language="en",
            district=district,
            now=NOW,
        )


async def plan(db: Database, alert: Alert, *, extreme_always: bool = False) -> deliveries.Plan:
    async with db.transaction() as session:
        found = await deliveries.plan_deliveries(
            session, alert_=alert, now=NOW, minute=720, sms=True, extreme_always=extreme_always
        )
    assert found is not None
    return found


async def rows(db: Database, alert: Alert) -> dict[tuple[int, str], str]:
    async with db.transaction() as session:
        alert_id = await deliveries.alert_id_of(session, identifier=alert.identifier)
        found = await session.execute(
            select(delivery.c.chat_id, delivery.c.kind, delivery.c.state).where(
                delivery.c.alert_id == alert_id
            )
        )
        return {(chat, kind): state for chat, kind, state in found}


async def test_numbers_are_stored_sealed_and_found_by_hash(database: Database) -> None:
    assert await join(database) is True
    assert await join(database) is False  # a second JOIN for the same district
    assert await join(database, district="chagai") is True
    async with database.transaction() as session:
        stored = (await session.execute(select(sms_recipient))).one()
        found = await sms.find_recipient(session, number_hash=VAULT.lookup(NUMBER))
    assert NUMBER not in " ".join(str(v) for v in stored)
    assert VAULT.open(stored.number_sealed) == NUMBER
    assert found is not None and found.districts == ("chagai", "quetta")
    assert NumberVault(NumberVault.new_key()).open(stored.number_sealed) is None


async def test_stop_one_district_then_all_erases_the_number(database: Database) -> None:
    await join(database)
    await join(database, district="chagai")
    key = VAULT.lookup(NUMBER)
    async with database.transaction() as session:
        assert await sms.leave(session, number_hash=key, district="quetta") == ("chagai",)
        assert await sms.leave(session, number_hash=key, district="chagai") == ()
        assert await sms.find_recipient(session, number_hash=key) is None
        assert await sms.leave(session, number_hash=key) is None
        assert await session.scalar(select(func.count()).select_from(sms_recipient)) == 0


async def test_sms_only_residents_get_sms_rows_above_their_minimum(database: Database) -> None:
    await join(database)
    await join(database, "923009999999", district="chagai")
    moderate = await publish(database, now=NOW, severity=Severity.MODERATE)
    assert (await plan(database, moderate)).sms == 0  # default minimum: Severe
    severe = await publish(database, now=NOW)
    found = await plan(database, severe)
    assert found.sms == 1
    (chat, kind), state = next(iter((await rows(database, severe)).items()))
    assert kind == Kind.SMS and state == State.PENDING
    async with database.transaction() as session:
        recipient = await sms.find_recipient(session, number_hash=VAULT.lookup(NUMBER))
    assert recipient is not None and recipient_of(chat) == recipient.id


async def test_fallback_numbers_get_sms_instead_only_under_a_shutdown(database: Database) -> None:
    await add_residents(database, [11, 12], ["quetta"])
    async with database.transaction() as session:
        await sms.set_fallback(
            session,
            chat_id=11,
            number_hash=VAULT.lookup(NUMBER),
            sealed=VAULT.seal(NUMBER),
            language="en",
            now=NOW,
        )
    first = await publish(database, now=NOW)
    assert (await plan(database, first)).sms == 0
    assert set(await rows(database, first)) == {(11, "send"), (12, "send")}
    async with database.transaction() as session:
        assert await sms.set_shutdown(
            session, districts=["quetta", "nushki"], on=True, by=5, now=NOW
        ) == ["nushki", "quetta"]
        assert await sms.set_shutdown(session, districts=["quetta"], on=True, by=5, now=NOW) == []
        recipient = await sms.find_recipient(session, number_hash=VAULT.lookup(NUMBER))
    assert recipient is not None
    second = await publish(database, now=NOW)
    assert (await plan(database, second)).sms == 1
    assert set(await rows(database, second)) == {(sms_chat(recipient.id), "sms"), (12, "send")}
    async with database.transaction() as session:
        await sms.set_shutdown(session, districts=["quetta", "nushki"], on=False, by=5, now=NOW)
        assert await sms.list_shutdowns(session) == {}
        assert await sms.erase_fallback(session, chat_id=11) is True
        assert await sms.fallback_of(session, chat_id=11) is None


async def test_extreme_always_texts_every_fallback_number(database: Database) -> None:
    await add_residents(database, [11], ["quetta"])
    async with database.transaction() as session:
        await sms.set_fallback(
            session,
            chat_id=11,
            number_hash=VAULT.lookup(NUMBER),
            sealed=VAULT.seal(NUMBER),
            language="en",
            now=NOW,
        )
    extreme = await publish(database, now=NOW, severity=Severity.EXTREME)
    found = await plan(database, extreme, extreme_always=True)
    assert found.sms == 1 and found.sends == 1  # by SMS as well, not instead


async def test_a_cancel_reaches_who_got_the_original_by_sms(database: Database) -> None:
    await join(database)
    original = await publish(database, now=NOW)
    await plan(database, original)
    await send_sms(database)
    cancel = await correct(database, original, cancel=True, now=NOW)
    assert (await plan(database, cancel)).sms == 1


async def send_sms(database: Database) -> list[int]:
    async with database.transaction() as session:
        claimed = await delivery_queue.claim_batch(
            session,
            owner="w",
            now=NOW,
            lease_until=NOW + timedelta(minutes=1),
            limit=100,
            transport=Transport.SMS,
        )
        await delivery_queue.record_sent(session, sent=[(c.id, None) for c in claimed], now=NOW)
    return [c.id for c in claimed]


async def test_telegram_claims_never_take_sms_rows(database: Database) -> None:
    await join(database)
    await add_residents(database, [11], ["quetta"])
    alert = await publish(database, now=NOW)
    await plan(database, alert)
    async with database.transaction() as session:
        claimed = await delivery_queue.claim_batch(
            session, owner="t", now=NOW, lease_until=NOW + timedelta(minutes=1), limit=100
        )
    assert [c.kind for c in claimed] == [Kind.SEND]


async def test_receipts_tally_per_message(database: Database) -> None:
    await join(database)
    await join(database, "923009999999")
    await join(database, "923008888888")
    alert = await publish(database, now=NOW)
    await plan(database, alert)
    ids = await send_sms(database)
    async with database.transaction() as session:
        await sms_outbox.record_parts(
            session,
            parts=[(ids[0], 1, "a1"), (ids[0], 2, "a2"), (ids[1], 1, "b1"), (ids[2], 1, "c1")],
        )
        await sms_outbox.record_receipts(
            session, receipts=[("a1", True), ("a2", True), ("b1", False)]
        )
        alert_id = await deliveries.alert_id_of(session, identifier=alert.identifier)
        assert alert_id is not None
        tally = await sms_outbox.sms_tally(session, alert_id=alert_id)
    assert tally == sms_outbox.SmsTally(sent=3, delivered=1, failed=1, waiting=0)
