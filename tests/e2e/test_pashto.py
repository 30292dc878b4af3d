"""A Pashto-speaking resident: picks Pashto, follows names typed in Pashto, reads alerts in it."""

from collections.abc import Callable

import pytest

from domain.gazetteer import Gazetteer
from domain.roles import Role
from faketg import FakeTelegram
from faketg.user import FakeUser
from storage import team
from storage.db import Database
from tests.conftest import ADMIN_ID

RLM = "\u200f"
AMIR, BIBI, ZARGHUNA, WAZIR = 2001, 2002, 1005, 1006
FORM = (
    "/newalert\nkind: security\ndistricts: Quetta\nseverity: extreme\nurgency: immediate\n"
    "headline: Armed attack near Quetta railway station\n"
    "instruction: Stay indoors; avoid Zarghoon Road.\n"
    "headline_ps: د کوټې د رېل سټېشن ته نږدې وسله وال برید\n"
    "instruction_ps: کور دننه پاتې شئ؛ له زرغون سړک ډډه وکړئ."
)


def right_to_left(text: str) -> bool:
    """Whether every line starts with a right-to-left mark, as Urdu's do."""
    return all(line.startswith(RLM) for line in text.splitlines() if line)


@pytest.fixture
async def operators(database: Database) -> None:
    """Two operators."""
    async with database.transaction() as session:
        for user_id in (AMIR, BIBI):
            await team.grant_role(session, user_id=user_id, role=Role.OPERATOR, granted_by=ADMIN_ID)


@pytest.mark.usefixtures("operators")
async def test_a_resident_picks_pashto_follows_a_pashto_name_and_reads_the_alert_in_pashto(
    fake: FakeTelegram, user: Callable[..., FakeUser]
) -> None:
    zarghuna = user(ZARGHUNA)  # her phone is set to English: she picks Pashto herself
    welcome = await zarghuna.send("/start")
    assert welcome.button_texts == ["English", "اردو", "پښتو"]
    await zarghuna.press("پښتو")
    confirmed = await zarghuna.expect("ژبه: پښتو")
    assert confirmed.message_id == welcome.message_id
    picker = await zarghuna.expect("ضلعې وټاکئ")
    assert picker.button_texts[:3] == ["کوټه", "قلات", "مکران"]
    assert right_to_left(picker.text)

    # Typed on an Urdu or Arabic keyboard: Arabic kaf in کوټه, sheen for ښ in پښين.
    followed = await zarghuna.send("/subscribe كوټه او پشين")
    assert "✅ د کوټه، پښين خبرتیاوو ته ګډون وشو." in followed.plain
    assert right_to_left(followed.text)
    mine = await zarghuna.send("/mysubs")
    assert "ستاسو ضلعې (2)" in mine.plain
    assert {"✕ کوټه", "✕ پښين"} <= set(mine.button_texts)

    amir, bibi = user(AMIR), user(BIBI)
    await amir.send(FORM)
    await amir.press("📨 Submit for verification")
    request = await fake.wait_for_message(BIBI, "Waiting for your verification")
    assert "Readers in پښتو get:" in request.plain  # the verifier sees the Pashto text too
    await bibi.press("✅ Approve", on=request)

    alert = await fake.wait_for_message(ZARGHUNA, "وسله وال برید")
    assert "🔴 ډېر سخت · امنیتي پېښه" in alert.plain
    assert "📍 کوټه" in alert.plain
    assert "څه وکړئ: کور دننه پاتې شئ؛ له زرغون سړک ډډه وکړئ." in alert.plain
    assert "بیړه: سمدستي · یقین: لیدل شوی" in alert.plain
    assert "د 2 اپرېټرانو لخوا تایید شوې" in alert.plain
    assert "Armed attack" not in alert.plain
    assert right_to_left(alert.text)


async def test_a_pashto_phone_is_greeted_in_pashto_and_bad_input_is_answered_in_pashto(
    user: Callable[..., FakeUser],
) -> None:
    wazir = user(WAZIR, language_code="ps")
    welcome = await wazir.send("/start")
    assert "خپله ژبه وټاکئ" in welcome.plain and right_to_left(welcome.text)
    await wazir.press("پښتو")
    await wazir.expect("ضلعې وټاکئ")

    unknown = await wazir.send("/subscribe کابل")
    assert "په بلوچستان کې د “کابل” په نوم کوم ځای نه پېژنم" in unknown.plain
    too_long = await wazir.send("/subscribe " + "کوټه " * 2000)
    assert "دا پیغام ډېر اوږد دی" in too_long.plain
    html = await wazir.send("<b>ژوب</b>")
    assert "<b>" not in html.text and right_to_left(html.text)
    # ږ typed for ژ in a plain message still finds Zhob, shown with its Pashto name.
    zhob = await wazir.send("ږوب")
    assert "ژوب" in zhob.plain and "✅" in zhob.plain
    help_text = await wazir.send("/help")
    assert "ضلعې تعقیب کړئ، لکه /subscribe" in help_text.plain and right_to_left(help_text.text)
    data = await wazir.send("/mydata")
    assert "ژبه: پښتو" in data.plain and "ضلعې: ژوب" in data.plain


async def test_command_menus_are_registered_in_pashto(
    fake: FakeTelegram, user: Callable[..., FakeUser]
) -> None:
    pashto = fake.commands(language_code="ps")
    assert [name for name, _ in pashto] == [name for name, _ in fake.commands(language_code="en")]
    assert dict(pashto)["subscribe"] == "ضلعې تعقیب کړئ، لکه /subscribe کوټه، پسني"
    # The example in the menu works as typed.
    found = Gazetteer.default().resolve_many("کوټه، پسني")
    assert [r.district and r.district.slug for r in found] == ["quetta", "gwadar"]

    admin = user(ADMIN_ID)
    assert "4001 is now operator." in (await admin.send("/grant 4001 operator")).plain
    scope = {"type": "chat", "chat_id": 4001}
    team_menu = dict(fake.commands(scope, language_code="ps"))
    assert team_menu["pending"] == "هغه خبرتیاوې چې ستاسو تایید ته انتظار باسي"
