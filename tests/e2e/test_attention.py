"""Attention: routine alerts arrive silently, grave ones ring, and "I'm safe" mutes updates."""

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import func, select

from core.context import KhabardarApp
from delivery.wiring import wake_dispatch
from domain.alerts import Certainty, Severity, Urgency
from domain.delivery.rules import local_minute
from faketg import FakeTelegram
from faketg.models import SentMessage
from faketg.user import FakeUser
from storage.db import Database
from storage.models import AlertMute
from tests.delivery.helpers import add_residents, correct, publish
from usecases.checkins import checkin_counts

MUTE = "🔕 I'm safe — mute updates for an hour"
MUTE_UR = "🔕 میں محفوظ ہوں — ایک گھنٹے کے لیے تازہ کاریاں خاموش کریں"
CHECKIN = ["✅ I'm safe", "🆘 I need help", "🚶 I had to leave"]  # under Severe and Extreme


async def test_routine_alerts_are_silent_and_grave_ones_ring(
    fake: FakeTelegram, bot: KhabardarApp, database: Database
) -> None:
    (chat,) = await add_residents(database, [7])
    minor = await publish(database, severity=Severity.MINOR, urgency=Urgency.EXPECTED)
    moderate = await publish(database, severity=Severity.MODERATE, urgency=Urgency.FUTURE)
    immediate = await publish(database, severity=Severity.MODERATE, urgency=Urgency.IMMEDIATE)
    severe = await publish(database, severity=Severity.SEVERE, urgency=Urgency.EXPECTED)
    extreme = await publish(database, severity=Severity.EXTREME, urgency=Urgency.FUTURE)
    wake_dispatch(bot)

    await fake.wait_until(lambda: len(fake.messages(chat)) == 5, timeout=10)
    silent = {
        a.identifier: _by_ref(fake, chat, a.identifier).silent
        for a in (minor, moderate, immediate, severe, extreme)
    }
    assert silent == {
        minor.identifier: True,
        moderate.identifier: True,
        immediate.identifier: False,
        severe.identifier: False,
        extreme.identifier: False,
    }
    # One keyboard: the check-in rows under Severe and Extreme real alerts, then the mute row.
    buttons = {
        a.identifier: _by_ref(fake, chat, a.identifier).button_texts
        for a in (minor, moderate, immediate, severe, extreme)
    }
    assert buttons == {
        minor.identifier: [MUTE],
        moderate.identifier: [MUTE],
        immediate.identifier: [MUTE],
        severe.identifier: [*CHECKIN, MUTE],
        extreme.identifier: [*CHECKIN, MUTE],
    }


async def test_extreme_rings_even_in_quiet_hours(
    fake: FakeTelegram, bot: KhabardarApp, database: Database
) -> None:
    now_minute = local_minute(datetime.now(UTC), bot.bot_data.services.settings.tz)
    quiet = (now_minute - 5) % 1440, (now_minute + 60) % 1440
    (sleeper,) = await add_residents(database, [8], quiet=quiet)
    await publish(database, severity=Severity.MODERATE)
    extreme = await publish(database, severity=Severity.EXTREME, urgency=Urgency.EXPECTED)
    wake_dispatch(bot)
    copy = await fake.wait_for_message(sleeper, extreme.identifier, timeout=10)
    assert not copy.silent
    assert len(fake.messages(sleeper)) == 1  # the routine one waits for the morning


async def test_im_safe_mutes_updates_but_not_cancels_or_extreme(
    fake: FakeTelegram,
    bot: KhabardarApp,
    database: Database,
    user: Callable[..., FakeUser],
) -> None:
    amina, other = user(1001), user(1002)
    await amina.send("/subscribe Quetta")
    await other.send("/subscribe Quetta")
    original = await publish(database, severity=Severity.SEVERE, urgency=Urgency.IMMEDIATE)
    wake_dispatch(bot)
    copy = await fake.wait_for_message(1001, original.identifier, timeout=10)
    await fake.wait_for_message(1002, original.identifier, timeout=10)
    assert not copy.silent

    answer = await amina.press(MUTE, on=copy)
    assert answer.text is not None
    assert f"Updates of {original.identifier} will arrive silently until" in answer.text
    again = await amina.press(MUTE, on=copy)  # a double tap only restarts the hour
    assert again.text is not None and original.identifier in again.text

    update = await correct(database, original, certainty=Certainty.LIKELY)
    wake_dispatch(bot)
    muted = await fake.wait_for_message(1001, f"UPDATE to {original.identifier}", timeout=10)
    rung = await fake.wait_for_message(1002, f"UPDATE to {original.identifier}", timeout=10)
    assert muted.silent and not rung.silent
    assert muted.button_texts == [*CHECKIN, MUTE]  # a Severe update: check-ins, then the mute
    # The mute holds for the whole chain; an Extreme update still rings.
    extreme = await correct(database, update, severity=Severity.EXTREME)
    wake_dispatch(bot)
    grave = await fake.wait_for_message(1001, f"UPDATE to {update.identifier}", timeout=10)
    assert not grave.silent
    routine = await correct(database, extreme, severity=Severity.SEVERE)
    wake_dispatch(bot)
    quiet = await fake.wait_for_message(1001, f"UPDATE to {extreme.identifier}", timeout=10)
    assert quiet.silent
    await correct(database, routine, cancel=True)
    wake_dispatch(bot)
    cancelled = await fake.wait_for_message(1001, f"CANCELLED: {routine.identifier}", timeout=10)
    assert not cancelled.silent
    assert cancelled.button_texts == []  # nothing is left to mute
    # Older copies are being marked too (edits): wait for the answer itself, not the next edit.
    mark = fake.mark(1001)
    fake.send_text(1001, "/mydata")
    data = await fake.wait_for_message(1001, "Everything Khabardar stores", after=mark)
    assert "Alerts whose updates you muted for an hour: 1" in data.plain


async def test_im_safe_under_a_checkin_alert_counts_the_resident_safe_once(
    fake: FakeTelegram,
    bot: KhabardarApp,
    database: Database,
    user: Callable[..., FakeUser],
) -> None:
    # Both buttons say "I'm safe": staff must count whoever pressed either, but a muted
    # "I need help" stays a call for help.
    amina, bilal = user(1001), user(1002)
    await amina.send("/subscribe Quetta")
    await bilal.send("/subscribe Quetta")
    severe = await publish(database, severity=Severity.SEVERE, urgency=Urgency.IMMEDIATE)
    routine = await publish(database, severity=Severity.MODERATE, urgency=Urgency.EXPECTED)
    wake_dispatch(bot)
    copy = await fake.wait_for_message(1001, severe.identifier, timeout=10)
    theirs = await fake.wait_for_message(1002, severe.identifier, timeout=10)

    answer = await amina.press(MUTE, on=copy)
    assert answer.text is not None
    assert answer.text.startswith("Thank you. We recorded that you are safe.\n🔕 Updates of")
    await bilal.press("🆘 I need help", on=theirs)
    helped = await bilal.press(MUTE, on=theirs)
    assert helped.text is not None and "recorded that you are safe" not in helped.text
    assert f"Updates of {severe.identifier}" in helped.text
    (counts,) = await checkin_counts(database=database, references=[severe.identifier])
    assert (counts.safe, counts.help, counts.left) == (1, 1, 0)

    # Under a routine alert there are no check-ins: the tap only mutes.
    quiet = await fake.wait_for_message(1001, routine.identifier, timeout=10)
    muted = await amina.press(MUTE, on=quiet)
    assert muted.text is not None and muted.text.startswith("🔕 Updates of")
    assert await checkin_counts(database=database, references=[routine.identifier]) == []


async def test_urdu_resident_mutes_in_urdu_and_stale_mutes_are_refused(
    fake: FakeTelegram,
    bot: KhabardarApp,
    database: Database,
    user: Callable[..., FakeUser],
) -> None:
    gul = user(1003, language_code="ur")
    await gul.send("/start")
    await gul.press("اردو")
    await gul.expect("اضلاع منتخب کریں")
    await gul.send("/subscribe کوئٹہ")
    routine = await publish(database, severity=Severity.MODERATE, urgency=Urgency.EXPECTED)
    wake_dispatch(bot)
    copy = await fake.wait_for_message(1003, routine.identifier, timeout=10)
    assert copy.silent
    assert copy.button_texts == [MUTE_UR]
    answer = await gul.press(MUTE_UR, on=copy)
    assert answer.text is not None and "خاموشی سے آئیں گی" in answer.text
    # A forged or stale button for an alert that does not exist: out of date, nothing stored.
    stale = await gul.press_data(copy, "mute:KB-2026-9999")
    assert stale.show_alert and stale.text is not None
    data = await gul.send("/mydata")
    assert "وہ الرٹس جن کی تازہ کاریاں آپ نے ایک گھنٹے کے لیے خاموش کیں: 1" in data.plain


def _by_ref(fake: FakeTelegram, chat_id: int, identifier: str) -> SentMessage:
    (found,) = [m for m in fake.messages(chat_id) if f"Ref {identifier}" in m.plain]
    return found


async def test_a_deleted_chat_pressing_an_old_mute_button_stores_nothing(
    fake: FakeTelegram,
    bot: KhabardarApp,
    database: Database,
    user: Callable[..., FakeUser],
) -> None:
    amina = user(1001)
    await amina.send("/subscribe Quetta")
    alert = await publish(database, severity=Severity.MODERATE)
    wake_dispatch(bot)
    copy = await fake.wait_for_message(1001, alert.identifier, timeout=10)
    await amina.send("/delete")
    await amina.press("Yes, delete everything")
    await amina.expect("Deleted.")
    answer = await amina.press(MUTE, on=copy)
    assert answer.show_alert and "Nothing is stored for this chat any more" in (answer.text or "")
    async with database.read() as session:
        assert await session.scalar(select(func.count()).select_from(AlertMute)) == 0
