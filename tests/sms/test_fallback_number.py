"""Telegram residents add their own number for SMS during a declared data shutdown."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import func, select

from core.context import KhabardarApp
from delivery.wiring import wake_dispatch
from fakesmsc import FakeSmsc
from faketg import FakeTelegram
from faketg.user import FakeUser
from storage.db import Database
from storage.sms_models import sms_recipient
from tests.delivery.helpers import add_residents, publish
from tests.e2e.test_operators import AMIR, crew

__all__ = ["crew"]
RESIDENT = 7001


async def test_share_own_number_then_mydata_masks_it_and_sms_off_erases_it(
    bot: KhabardarApp, user: Callable[..., FakeUser], database: Database
) -> None:
    await add_residents(database, [RESIDENT])
    amina = user(RESIDENT)
    offer = await amina.send("/sms")
    assert "storing your phone number (encrypted)" in offer.plain
    refused = await amina.share_contact("+923009999999", owner=RESIDENT + 1)
    assert "Only your own number" in refused.plain
    saved = await amina.share_contact("+92 300 1234567")
    assert "Saved +92 ••• •••4567" in saved.plain
    shown = await amina.send("/mydata")
    assert "•••4567" in shown.plain and "1234567" not in shown.plain
    await amina.send("/sms off")
    assert "No number" in (await amina.send("/sms off")).plain


async def test_fallback_number_gets_the_alert_by_sms_during_a_shutdown(
    fake: FakeTelegram,
    bot: KhabardarApp,
    smsc: FakeSmsc,
    user: Callable[..., FakeUser],
    database: Database,
    crew: None,
) -> None:
    await add_residents(database, [RESIDENT, RESIDENT + 1])
    amina = user(RESIDENT)
    await amina.send("/sms")
    await amina.share_contact("03001234567")
    await user(AMIR).send("/shutdown Quetta on")
    alert = await publish(database)
    wake_dispatch(bot)
    await smsc.wait_for(lambda: smsc.texts_to("923001234567"))
    assert alert.identifier in smsc.texts_to("923001234567")[0]
    await fake.wait_until(lambda: fake.messages(RESIDENT + 1), timeout=10)
    assert not any(alert.identifier in m.plain for m in fake.messages(RESIDENT))


async def test_delete_erases_the_number(
    bot: KhabardarApp, user: Callable[..., FakeUser], database: Database
) -> None:
    await add_residents(database, [RESIDENT])
    amina = user(RESIDENT)
    await amina.send("/sms")
    await amina.share_contact("+923001234567")
    await amina.send("/delete")
    await amina.press("Yes, delete everything")
    await amina.expect("Deleted")
    async with database.read() as session:
        assert await session.scalar(select(func.count()).select_from(sms_recipient)) == 0
