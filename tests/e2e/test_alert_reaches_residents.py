"""The whole path: two operators in the bot, then the resident's phone; and /delete after."""

from collections.abc import Callable

import pytest
from sqlalchemy import func, select

from domain.roles import Role
from faketg import FakeTelegram
from faketg.user import FakeUser
from storage import team
from storage.db import Database
from storage.delivery_models import delivery
from tests.conftest import ADMIN_ID

AMIR, BIBI, AMINA, GUL = 2001, 2002, 1001, 1003
FORM = (
    "/newalert\nkind: security\ndistricts: Quetta\nseverity: extreme\nurgency: immediate\n"
    "headline: Armed attack near Quetta railway station\n"
    "instruction: Stay indoors; avoid Zarghoon Road.\n"
    "headline_ur: کوئٹہ ریلوے اسٹیشن کے قریب مسلح حملہ\n"
    "instruction_ur: گھر کے اندر رہیں؛ زرغون روڈ سے گریز کریں۔"
)


@pytest.fixture
async def operators(database: Database) -> None:
    """Two operators."""
    async with database.transaction() as session:
        for user_id in (AMIR, BIBI):
            await team.grant_role(session, user_id=user_id, role=Role.OPERATOR, granted_by=ADMIN_ID)


@pytest.mark.usefixtures("operators")
async def test_approval_sends_the_alert_to_subscribers_then_delete_forgets_it(
    fake: FakeTelegram, user: Callable[..., FakeUser], database: Database
) -> None:
    amina, gul = user(AMINA), user(GUL, language_code="ur")
    await amina.send("/subscribe Quetta")
    await gul.send("/start")
    await gul.press("اردو")
    await gul.send("/subscribe کوئٹہ")
    amir, bibi = user(AMIR), user(BIBI)
    await amir.send(FORM)
    await amir.press("📨 Submit for verification")
    request = await fake.wait_for_message(BIBI, "Waiting for your verification")
    await bibi.press("✅ Approve", on=request)

    alert = await fake.wait_for_message(AMINA, "Armed attack near Quetta railway station")
    assert "🔴 EXTREME · Security incident" in alert.plain
    assert "What to do: Stay indoors; avoid Zarghoon Road." in alert.plain
    assert "verified by 2 operators" in alert.plain
    urdu = await fake.wait_for_message(GUL, "کوئٹہ ریلوے اسٹیشن کے قریب مسلح حملہ")
    assert "کیا کریں: گھر کے اندر رہیں؛ زرغون روڈ سے گریز کریں۔" in urdu.plain
    assert "دو آپریٹرز کا تصدیق شدہ" in urdu.plain
    assert "Armed attack" not in urdu.plain

    data = await amina.send("/mydata")
    assert "Records of alerts sent to this chat: 1" in data.plain
    await amina.send("/delete")
    await amina.press("Yes, delete everything")
    await amina.expect("Deleted.")
    async with database.transaction() as session:
        left = await session.scalar(
            select(func.count()).select_from(delivery).where(delivery.c.chat_id == AMINA)
        )
    assert left == 0
