"""Check-ins under alerts, their counts for staff, and the daily all-quiet note, end to end."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from core.context import KhabardarApp
from delivery.quiet_notes import send_quiet_notes
from delivery.wiring import wake_dispatch
from domain.alerts import Alert, Severity
from domain.roles import Role
from faketg import FakeTelegram
from faketg.models import SentMessage
from faketg.user import FakeUser
from storage import alerts, delivery_upkeep, residents, team
from storage.checkin_models import checkin
from storage.db import Database
from tests.conftest import ADMIN_ID
from tests.staff.publishing import content, publish
from tests.waiting import eventually

STAFF_ID = 6101
SAFE, HELP, LEFT = "✅ I'm safe", "🆘 I need help", "🚶 I had to leave"
MUTE = "🔕 I'm safe — mute updates for an hour"  # the attention row, in the same keyboard


async def _residents(db: Database, *chat_ids: int, language: str = "en") -> None:
    async with db.transaction() as session:
        for chat_id in chat_ids:
            await residents.ensure_resident(session, chat_id=chat_id, language=language)
            await residents.subscribe(session, chat_id=chat_id, districts=["quetta"])


async def _delivered(
    fake: FakeTelegram, db: Database, bot: KhabardarApp
) -> tuple[Alert, SentMessage]:
    """Amina (1001) follows Quetta; a severe alert there is published and reaches her."""
    await _residents(db, 1001)
    published = await publish(db, content())
    wake_dispatch(bot)
    return published, await fake.wait_for_message(1001, "Firing near Quetta bypass")


async def _answers(db: Database) -> dict[int, str]:
    async with db.transaction() as session:
        rows = await session.execute(select(checkin.c.chat_id, checkin.c.answer))
    return {int(chat_id): str(answer) for chat_id, answer in rows.all()}


async def test_a_tap_records_a_second_changes_and_help_is_honest(
    fake: FakeTelegram, user: Callable[..., FakeUser], database: Database, bot: KhabardarApp
) -> None:
    published, alert = await _delivered(fake, database, bot)
    amina = user(1001)
    labels = [b.text for row in alert.buttons for b in row]
    assert labels == [SAFE, HELP, LEFT, MUTE]

    answer = await amina.press(SAFE, on=alert)
    assert answer.text == "Thank you. We recorded that you are safe."
    assert await _answers(database) == {1001: "safe"}

    answer = await amina.press(HELP, on=alert)
    assert answer.text == (
        "Thank you. We recorded that you need help. Your earlier answer was replaced."
    )
    helpline = await amina.expect("cannot send help")
    assert "Khabardar cannot send help. Nobody is dispatched" in helpline.plain
    # No number is on file for Quetta, and none is made up.
    assert "We have no verified emergency numbers for Quetta." in helpline.plain
    assert await _answers(database) == {1001: "help"}
    assert published.identifier in (alert.buttons[0][0].callback_data or "")


async def test_urdu_buttons_and_thanks(
    fake: FakeTelegram, user: Callable[..., FakeUser], database: Database, bot: KhabardarApp
) -> None:
    await _residents(database, 1003, language="ur")
    gul = user(1003, language_code="ur")
    await publish(database, content(severity=Severity.EXTREME))
    wake_dispatch(bot)
    alert = await fake.wait_for_message(1003, "کوئٹہ بائی پاس کے قریب فائرنگ")
    answer = await gul.press("🚶 مجھے جگہ چھوڑنی پڑی", on=alert)
    assert answer.text == "شکریہ۔ ہم نے درج کر لیا کہ آپ کو جگہ چھوڑنی پڑی۔"
    await gul.press("🆘 مجھے مدد چاہیے", on=alert)
    helpline = await gul.expect("خبردار مدد نہیں بھیج سکتا")
    assert "ہمارے پاس کوئٹہ کے تصدیق شدہ ہنگامی نمبر نہیں ہیں۔" in helpline.plain
    assert await _answers(database) == {1003: "help"}


async def test_no_checkin_buttons_under_a_moderate_alert(
    fake: FakeTelegram, user: Callable[..., FakeUser], database: Database, bot: KhabardarApp
) -> None:
    await _residents(database, 1001)
    await publish(database, content(severity=Severity.MODERATE))
    wake_dispatch(bot)
    alert = await fake.wait_for_message(1001, "Firing near Quetta bypass")
    assert alert.button_texts == [MUTE]  # only the mute row


async def test_staff_see_counts_never_who_and_fewer_than_5(
    fake: FakeTelegram, user: Callable[..., FakeUser], database: Database, bot: KhabardarApp
) -> None:
    chats = list(range(7001, 7007))
    await _residents(database, *chats)
    published = await publish(database, content())
    wake_dispatch(bot)
    for chat_id in chats:
        alert = await fake.wait_for_message(chat_id, "Firing near Quetta bypass")
        await user(chat_id).press(HELP if chat_id == 7006 else SAFE, on=alert)
    async with database.transaction() as session:
        await team.grant_role(session, user_id=STAFF_ID, role=Role.STAFF, granted_by=ADMIN_ID)
        await team.grant_role(
            session, user_id=STAFF_ID + 1, role=Role.OPERATOR, granted_by=ADMIN_ID
        )
    reference = published.identifier

    async def recorded() -> bool:  # a copy reaches the chat a moment before it is recorded
        async with database.read() as session:
            return await delivery_upkeep.queue_depth(session) == 0

    await eventually(recorded)
    status = await user(STAFF_ID).send("/status Quetta")
    line = f"🙋 {reference} · Quetta: ✅ 5 · 🆘 fewer than 5 · 🚶 0"
    assert line in status.plain
    assert "🤖 Last reached Telegram: 0 min ago · queue: 0 waiting" in status.plain
    assert not any(str(chat_id) in status.plain for chat_id in chats)
    report = await user(STAFF_ID + 1).send(f"/report {reference}")
    assert line in report.plain

    urdu = user(STAFF_ID, language_code="ur")
    await urdu.send("/language")
    await urdu.press("اردو")
    await urdu.expect("زبان: اردو")
    await urdu.send("/status Quetta")
    status = await urdu.expect("🙋")
    assert f"🙋 {reference} · کوئٹہ: ✅ 5 · 🆘 5 سے کم · 🚶 0" in status.plain


async def test_unknown_flooding_and_old_taps_save_nothing(
    fake: FakeTelegram, user: Callable[..., FakeUser], database: Database, bot: KhabardarApp
) -> None:
    published, alert = await _delivered(fake, database, bot)
    amina = user(1001)
    data = f"ci:{published.identifier}:safe"

    forged = await amina.press_data(alert, "ci:KB-1999-0001:safe")
    assert forged.text == "This alert does not take answers."

    # A flood: ten taps are answered, the eleventh within the minute is turned away.
    for _ in range(9):
        await amina.press_data(alert, data)
    flood = await amina.press_data(alert, data)
    assert flood.text == "Too many taps. Please wait a minute, then tap once."
    assert await _answers(database) == {1001: "safe"}


async def test_a_tap_on_an_alert_that_ended_is_refused(
    fake: FakeTelegram, user: Callable[..., FakeUser], database: Database, bot: KhabardarApp
) -> None:
    _published, alert = await _delivered(fake, database, bot)
    amina = user(1001)
    async with database.transaction() as session:
        await alerts.expire_due(session, now=datetime.now(UTC) + timedelta(days=2))
    stale = await amina.press(HELP, on=alert)
    assert stale.text == (
        "This alert has ended, was updated or cancelled: your answer was not saved."
    )
    assert await _answers(database) == {}


async def test_a_chat_that_was_not_sent_the_alert_cannot_answer(
    fake: FakeTelegram, user: Callable[..., FakeUser], database: Database, bot: KhabardarApp
) -> None:
    published, alert = await _delivered(fake, database, bot)
    query = fake.press_button(1009, alert.message_id, f"ci:{published.identifier}:help")
    answer = await fake.wait_for_callback_answer(query)
    assert answer.text == "Only the chat this alert was sent to can answer under it."
    assert await _answers(database) == {}


async def test_delete_erases_answers(
    fake: FakeTelegram, user: Callable[..., FakeUser], database: Database, bot: KhabardarApp
) -> None:
    _published, alert = await _delivered(fake, database, bot)
    amina = user(1001)
    await amina.press(SAFE, on=alert)
    data = await amina.send("/mydata")
    assert "Your answers under alerts (safe, need help, had to leave): 1" in data.plain
    await amina.send("/delete")
    await amina.press("Yes, delete everything")
    await amina.expect("Deleted.")
    async with database.transaction() as session:
        left = await session.scalar(select(func.count()).select_from(checkin))
    assert left == 0


def _local(bot: KhabardarApp, days: int, hour: int, minute: int = 0) -> datetime:
    tz = bot.bot_data.services.settings.tz
    day = datetime.now(tz).date() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz).astimezone(UTC)


async def test_quiet_note_goes_only_to_who_asked_at_their_time(
    fake: FakeTelegram, user: Callable[..., FakeUser], database: Database, bot: KhabardarApp
) -> None:
    await _residents(database, 1001, 1002)
    amina = user(1001)
    bad = await amina.send("/allquiet soon")
    assert "Please give a time of day, for example /allquiet 08:00" in bad.plain
    saved = await amina.send("/allquiet ۸:۳۰")
    assert "Saved. Every day at 08:30" in saved.plain
    settings = await amina.send("/settings")
    assert "Daily all-quiet note: at 08:30" in settings.plain

    assert await send_quiet_notes(bot, now=_local(bot, 1, 8, 0)) == 0  # not yet time
    mark = fake.mark()
    assert await send_quiet_notes(bot, now=_local(bot, 1, 8, 45)) == 1
    note = await fake.wait_for_message(1001, after=mark)
    assert note.plain == "No verified alerts for Quetta in the last 24 h. Khabardar is running."
    assert await send_quiet_notes(bot, now=_local(bot, 1, 9, 0)) == 0  # once a day
    assert all("Khabardar is running" not in m.plain for m in fake.messages(1002))

    # A day with a verified alert for Quetta has no all-quiet note.
    verified = _local(bot, 2, 7, 0)
    await publish(database, content(verified), now=verified)
    assert await send_quiet_notes(bot, now=_local(bot, 2, 8, 45)) == 0

    off = await amina.send("/allquiet off")
    assert "The daily all-quiet note is off." in off.plain
    assert await send_quiet_notes(bot, now=_local(bot, 4, 8, 45)) == 0


async def test_quiet_note_in_urdu_from_the_settings_button(
    fake: FakeTelegram, user: Callable[..., FakeUser], database: Database, bot: KhabardarApp
) -> None:
    await _residents(database, 1003, language="ur")
    gul = user(1003, language_code="ur")
    settings = await gul.send("/settings")
    assert "روزانہ خاموشی کا پیغام: بند" in settings.plain
    await gul.press("🌙 20:00", on=settings)
    await gul.expect("ہر روز 20:00 بجے")
    mark = fake.mark()
    assert await send_quiet_notes(bot, now=_local(bot, 1, 20, 5)) == 1
    note = await fake.wait_for_message(1003, after=mark)
    assert note.plain.lstrip("\u200f") == (
        "پچھلے 24 گھنٹوں میں کوئٹہ کے لیے کوئی تصدیق شدہ الرٹ نہیں۔ خبردار چل رہا ہے۔"
    )


async def test_a_cancel_takes_the_buttons_off_and_old_taps_are_refused(
    fake: FakeTelegram, user: Callable[..., FakeUser], database: Database, bot: KhabardarApp
) -> None:
    amir, bibi = 2001, 2002
    async with database.transaction() as session:
        for user_id in (amir, bibi):
            await team.grant_role(session, user_id=user_id, role=Role.OPERATOR, granted_by=ADMIN_ID)
    published, alert = await _delivered(fake, database, bot)
    amina = user(1001)
    assert alert.buttons
    mark = fake.mark(amir)
    fake.send_text(amir, f"/cancel {published.identifier} false report")
    await fake.wait_for_message(amir, "waiting for one tap", after=mark)
    one_tap = await fake.wait_for_message(bibi, "CANCELLED")
    await user(bibi).press("✅ Approve cancel", on=one_tap)
    marked = await fake.wait_for_message(1001, lambda m: "CANCELLED by" in m.plain)
    assert marked.message_id == alert.message_id and marked.buttons == []
    stale = await amina.press_data(marked, f"ci:{published.identifier}:safe")
    assert stale.text == (
        "This alert has ended, was updated or cancelled: your answer was not saved."
    )
    assert await _answers(database) == {}
