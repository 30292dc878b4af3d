"""A Pashto-speaking resident follows a road and mutes an alert's updates, in Pashto."""

from collections.abc import Callable

from core.context import KhabardarApp
from delivery.wiring import wake_dispatch
from domain.alerts import Severity, Urgency
from faketg import FakeTelegram
from faketg.user import FakeUser
from storage.db import Database
from tests.delivery.helpers import publish

MUTE_PS = "🔕 زه خوندي یم — د یو ساعت لپاره تازه معلومات چوپ کړئ"


async def test_pashto_resident_follows_a_route_and_mutes_updates(
    fake: FakeTelegram, bot: KhabardarApp, database: Database, user: Callable[..., FakeUser]
) -> None:
    wazir = user(1006)
    await wazir.send("/start")
    await wazir.press("پښتو")
    await wazir.expect("ضلعې وټاکئ")
    followed = await wazir.send("/subscribe N-25, کوټه")
    assert "ګډون وشو" in followed.plain and "N-25" in followed.plain
    mine = await wazir.send("/mysubs")
    assert "ستاسو سړکونه او د رېل پټلۍ (1)" in mine.plain
    routine = await publish(database, severity=Severity.MODERATE, urgency=Urgency.EXPECTED)
    wake_dispatch(bot)
    copy = await fake.wait_for_message(1006, routine.identifier, timeout=10)
    assert copy.silent and copy.button_texts == [MUTE_PS]
    answer = await wazir.press(MUTE_PS, on=copy)
    assert answer.text is not None and "چوپ راشي" in answer.text
