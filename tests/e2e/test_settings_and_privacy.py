"""/settings, /quiet, /mydata and /delete: preferences and the resident's own data."""

from collections.abc import Callable

from sqlalchemy import func, select

from faketg.user import FakeUser
from storage.db import Database
from storage.models import Resident, Subscription


async def test_settings_buttons_change_kinds_severity_and_quiet_hours(
    user: Callable[..., FakeUser],
) -> None:
    amina = user(1001)
    shown = await amina.send("/settings")
    assert "Alert kinds: Security incidents, Transport suspensions, Displacement" in shown.plain
    assert "Minimum severity: Minor" in shown.plain
    assert "Quiet hours: none" in shown.plain

    await amina.press("✓ Transport suspensions")
    await amina.expect("Alert kinds: Security incidents, Displacement")
    await amina.press("Severe")
    await amina.expect("Minimum severity: Severe")
    await amina.press("22:00–06:00")
    final = await amina.expect("Quiet hours: 22:00–06:00")
    assert final.message_id == shown.message_id
    assert "✓ Severe" in final.button_texts
    assert "Transport suspensions" in final.button_texts  # unticked now

    data = await amina.send("/mydata")
    assert "Alert kinds: Security incidents, Displacement" in data.plain
    assert "Minimum severity: Severe" in data.plain
    assert "Quiet hours: 22:00–06:00" in data.plain


async def test_the_last_alert_kind_cannot_be_switched_off(user: Callable[..., FakeUser]) -> None:
    amina = user(1001)
    await amina.send("/settings")
    await amina.press("✓ Transport suspensions")
    await amina.expect("Alert kinds: Security incidents, Displacement")
    await amina.press("✓ Displacement")
    await amina.expect("Alert kinds: Security incidents\n")
    answer = await amina.press("✓ Security incidents")
    assert answer.show_alert and answer.text is not None
    assert "Keep at least one kind of alert" in answer.text


async def test_quiet_hours_typed_in_any_digits(user: Callable[..., FakeUser]) -> None:
    gul = user(1003, language_code="ur")
    await gul.send("/start")
    await gul.press("اردو")
    await gul.expect("اضلاع منتخب کریں")
    reply = await gul.send("/quiet ۲۲-۰۶")  # Urdu digits
    assert "خاموش اوقات: 22:00–06:00" in reply.plain
    bad = await gul.send("/quiet کل صبح")
    assert "براہ کرم دو اوقات لکھیں" in bad.plain
    off = await gul.send("/quiet بند")
    assert "خاموش اوقات: کوئی نہیں" in off.plain
    english = await user(1001).send("/quiet 23:30-5")
    assert "Quiet hours: 23:30–05:00" in english.plain


async def test_mydata_shows_exactly_what_is_stored(
    user: Callable[..., FakeUser], database: Database
) -> None:
    amina = user(1001)
    nothing = await amina.send("/mydata")
    assert nothing.plain == "Nothing is stored about this chat."
    await amina.send("/subscribe Quetta")
    data = await amina.send("/mydata")
    assert "Chat id: 1001" in data.plain
    assert "Language: English" in data.plain
    assert "Districts: Quetta" in data.plain
    assert "Receiving alerts: yes" in data.plain
    # What /mydata lists is every column there is: nothing else is kept about a resident.
    assert set(Resident.model_fields) == {
        "chat_id",
        "language",
        "kinds_mask",
        "min_severity",
        "quiet_start",
        "quiet_end",
        "active",
        "heartbeat_minute",
        "heartbeat_sent_at",
    }
    assert "Daily all-quiet note: off" in data.plain
    assert "Your answers under alerts (safe, need help, had to leave): 0" in data.plain
    assert set(Subscription.model_fields) == {"chat_id", "district"}


async def test_delete_asks_first_then_erases_everything(
    user: Callable[..., FakeUser], database: Database
) -> None:
    amina = user(1001)
    await amina.send("/subscribe Quetta, Gwadar")
    old_settings = await amina.send("/settings")
    await amina.press("Extreme")
    await amina.expect("Minimum severity: Extreme")

    question = await amina.send("/delete")
    assert "Delete everything" in question.plain
    await amina.press("No, keep it")
    await amina.expect("Kept. Nothing was deleted.")
    assert "Districts: Quetta, Gwadar" in (await amina.send("/mydata")).plain

    question = await amina.send("/delete")
    await amina.press("Yes, delete everything")
    await amina.expect("Deleted. Nothing about this chat is stored any more.")
    async with database.transaction() as session:
        residents = await session.scalar(select(func.count()).select_from(Resident))
        subscriptions = await session.scalar(select(func.count()).select_from(Subscription))
    assert (residents, subscriptions) == (0, 0)
    # A second tap on the same button (a slow client): nothing left, said politely.
    await amina.press_data(question, "del:yes")
    await amina.expect("Nothing is stored about this chat.")
    assert (await amina.send("/mydata")).plain == "Nothing is stored about this chat."
    # A button of the old /settings message stores nothing and says so.
    stale = await amina.press("Severe", on=old_settings)
    assert stale.show_alert and "Nothing is stored for this chat any more" in (stale.text or "")
    async with database.transaction() as session:
        assert await session.scalar(select(func.count()).select_from(Resident)) == 0


async def test_urdu_mydata_and_delete(user: Callable[..., FakeUser]) -> None:
    gul = user(1003, language_code="ur")
    await gul.send("/start")
    await gul.press("اردو")
    await gul.expect("اضلاع منتخب کریں")
    await gul.send("دالبندین")
    data = await gul.send("/mydata")
    assert "زبان: اردو" in data.plain and "اضلاع: چاغی" in data.plain
    await gul.send("/delete")
    await gul.press("ہاں، سب مٹا دیں")
    await gul.expect("مٹا دیا گیا")


async def test_urdu_settings(user: Callable[..., FakeUser]) -> None:
    gul = user(1003, language_code="ur")
    await gul.send("/start")
    await gul.press("اردو")
    await gul.expect("اضلاع منتخب کریں")
    shown = await gul.send("/settings")
    assert "الرٹ کی اقسام: سکیورٹی واقعات، ٹرانسپورٹ کی معطلی، نقل مکانی" in shown.plain
    await gul.press("شدید")
    changed = await gul.expect("کم از کم شدت: شدید")
    assert "✓ شدید" in changed.button_texts
    await gul.press("✓ نقل مکانی")
    await gul.expect("الرٹ کی اقسام: سکیورٹی واقعات، ٹرانسپورٹ کی معطلی\n")
