"""Verified alerts reach SMS recipients through the outbox: receipts, throttling, reconnects."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from core.context import KhabardarApp
from core.numbers import NumberVault
from delivery.sms import LANES, window_for
from delivery.wiring import wake_dispatch
from fakesmsc import FakeSmsc
from faketg import FakeTelegram
from storage import deliveries, sms, sms_outbox
from storage.db import Database
from storage.delivery_models import delivery
from storage.sms_outbox import SmsTally
from tests.conftest import quick_progress, quick_ticks
from tests.delivery.helpers import AUTHOR, add_residents, fail_claim, publish
from tests.sms.conftest import TEST_SMS_RATE
from tests.sms.helpers import add_sms_residents, numbers
from tests.waiting import eventually

URDU_HEADLINE = "کوئٹہ بائی پاس کے قریب فائرنگ"


async def tally(db: Database, identifier: str) -> SmsTally:
    async with db.read() as session:
        alert_id = await deliveries.alert_id_of(session, identifier=identifier)
        assert alert_id is not None
        return await sms_outbox.sms_tally(session, alert_id=alert_id)


@quick_progress
async def test_sms_only_residents_get_the_alert_and_receipts_mark_it_delivered(
    fake: FakeTelegram, bot: KhabardarApp, smsc: FakeSmsc, database: Database, vault: NumberVault
) -> None:
    english, urdu = numbers(20), numbers(5, start=100)
    await add_sms_residents(database, vault, english)
    await add_sms_residents(database, vault, urdu, language="ur")
    await add_sms_residents(database, vault, numbers(1, start=200), "kech")
    smsc.failing.add(english[0])  # the handset is off: the receipt says UNDELIV
    alert = await publish(database)
    wake_dispatch(bot)

    await smsc.wait_for(lambda: all(smsc.texts_to(n) for n in english + urdu))
    assert all(len(smsc.texts_to(n)) == 1 for n in english + urdu)
    text = smsc.texts_to(english[1])[0]
    assert text.startswith("SEVERE: Quetta. Firing near Quetta bypass")
    assert text.endswith(alert.identifier)
    assert URDU_HEADLINE in smsc.texts_to(urdu[0])[0]
    assert smsc.texts_to(numbers(1, start=200)[0]) == []
    assert all(s.registered_delivery == 1 for s in smsc.submitted)
    expected = SmsTally(sent=25, delivered=24, failed=1, waiting=0)

    async def settled() -> bool:
        return await tally(database, alert.identifier) == expected

    await eventually(settled)
    # The operators' report shows SMS apart from Telegram messages.
    report = await fake.wait_for_message(AUTHOR, "📱 SMS: 25 sent", timeout=10)
    assert "Delivered: 0 of 0" in report.plain


async def test_throttling_backs_off_and_loses_nothing(
    bot: KhabardarApp, smsc: FakeSmsc, database: Database, vault: NumberVault
) -> None:
    phones = numbers(10)
    await add_sms_residents(database, vault, phones)
    smsc.throttle(6)
    alert = await publish(database)
    wake_dispatch(bot)
    await smsc.wait_for(lambda: all(smsc.texts_to(n) for n in phones))
    assert smsc.throttled == 6
    assert all(len(smsc.texts_to(n)) == 1 for n in phones)

    async def settled() -> bool:
        return (await tally(database, alert.identifier)).sent == 10

    await eventually(settled)


async def test_a_reconnect_in_the_middle_of_a_fan_out_loses_nothing(
    bot: KhabardarApp, smsc: FakeSmsc, database: Database, vault: NumberVault
) -> None:
    phones = numbers(40)
    await add_sms_residents(database, vault, phones)
    await smsc.wait_for(lambda: smsc.bound)
    smsc.drop_after(15)  # the connection dies under the 15th submit_sm, unanswered
    alert = await publish(database)
    wake_dispatch(bot)
    # A generous bound: on a loaded machine the rebind and the resends take a while.
    await smsc.wait_for(lambda: all(smsc.texts_to(n) for n in phones), seconds=60)
    assert smsc.binds == 2
    copies = [len(smsc.texts_to(n)) for n in phones]
    rate = bot.bot_data.services.settings.sms_rate  # the batches bound the duplicates
    assert sum(copies) - len(phones) <= LANES * window_for(rate)

    async def settled() -> bool:
        return (await tally(database, alert.identifier)).sent == 40

    await eventually(settled)
    # A submit the SMSC never answered may have gone out: it counted as an attempt, so such
    # repeats stay bounded; those never written were not counted.
    async with database.read() as session:
        tries = list((await session.scalars(select(delivery.c.attempts))).all())
    assert len(tries) == 40 and max(tries) >= 2 and tries.count(1) >= 40 - LANES * window_for(rate)


async def test_a_number_the_smsc_rejects_is_stopped(
    bot: KhabardarApp, smsc: FakeSmsc, database: Database, vault: NumberVault
) -> None:
    good, bad = numbers(2)
    await add_sms_residents(database, vault, [good, bad])
    smsc.invalid.add(bad)
    alert = await publish(database)
    wake_dispatch(bot)
    await smsc.wait_for(lambda: smsc.texts_to(good))

    async def stopped() -> bool:
        async with database.read() as session:
            return await sms.find_recipient(session, number_hash=vault.lookup(bad)) is None

    await eventually(stopped)
    assert (await tally(database, alert.identifier)).failed == 1


async def test_fallback_numbers_get_sms_instead_during_a_declared_shutdown(
    fake: FakeTelegram, bot: KhabardarApp, smsc: FakeSmsc, database: Database, vault: NumberVault
) -> None:
    cut_off, online = await add_residents(database, [11, 12])
    phone = numbers(1)[0]
    async with database.transaction() as session:
        await sms.set_fallback(
            session,
            chat_id=cut_off,
            number_hash=vault.lookup(phone),
            sealed=vault.seal(phone),
            language="en",
            now=datetime.now(UTC),
        )
        await sms.set_shutdown(session, districts=["quetta"], on=True, by=1, now=datetime.now(UTC))
    alert = await publish(database)
    wake_dispatch(bot)
    await smsc.wait_for(lambda: smsc.texts_to(phone))
    await fake.wait_until(lambda: fake.messages(online), timeout=10)
    assert alert.identifier in smsc.texts_to(phone)[0]
    assert fake.messages(cut_off) == []


@quick_ticks
async def test_a_lane_whose_claim_fails_stops_the_others_before_their_rows_go_back(
    bot: KhabardarApp, smsc: FakeSmsc, database: Database, vault: NumberVault
) -> None:
    # Enough numbers for every lane to hold a batch; the second lane's first claim fails
    # while the first lane is submitting its own. Handing the first lane's rows back before
    # it finished would send them twice.
    phones = numbers(LANES * window_for(TEST_SMS_RATE) * 2)
    await add_sms_residents(database, vault, phones)
    failed = fail_claim(database, kind="sms", after=1)
    alert = await publish(database)
    wake_dispatch(bot)
    await smsc.wait_for(lambda: all(smsc.texts_to(n) for n in phones), seconds=30)

    async def settled() -> bool:
        return (await tally(database, alert.identifier)).sent == len(phones)

    await eventually(settled)
    assert failed, "no SMS claim was refused: the test did not test anything"
    assert all(len(smsc.texts_to(n)) == 1 for n in phones)
