"""Sharing a location to find one's district, in English and Urdu, and the odd locations."""

import logging
from collections.abc import Callable

import pytest

from faketg import FakeTelegram
from faketg.user import FakeUser

TURBAT = (26.00, 63.05)  # Kech: an outline of its own
NEAR_CHAMAN = (30.90, 66.47)  # the old Qilla Abdullah outline, now Chaman and Killa Abdullah
GROUP = -4001


async def test_start_and_subscribe_offer_the_location_button(
    user: Callable[..., FakeUser],
) -> None:
    amina = user(1001)
    await amina.send("/start")
    await amina.press("English")
    offer = await amina.expect("Tap “📍 Share my location” below")
    assert offer.reply_keyboard == [{"text": "📍 Share my location", "request_location": True}]
    assert offer.reply_markup is not None and offer.reply_markup["one_time_keyboard"] is True
    await amina.expect("Choose the districts")  # the picker follows, the newest message
    again = await amina.send("/subscribe")
    assert again.reply_keyboard[0]["request_location"] is True
    await amina.expect("Choose the districts")


async def test_a_location_in_one_district_follows_it(user: Callable[..., FakeUser]) -> None:
    amina = user(1001)
    reply = await amina.share_location(*TURBAT)
    assert "📍 Your location is in Kech district." in reply.plain
    assert "Subscribed to Kech." in reply.plain
    assert "never your location" in reply.plain
    again = await amina.share_location(*TURBAT)
    assert "You already follow Kech." in again.plain
    assert (await amina.send("/mysubs")).button_texts == ["✕ Kech"]


async def test_a_shared_outline_proposes_the_nearest_and_offers_the_others(
    user: Callable[..., FakeUser],
) -> None:
    bilal = user(1002)
    question = await bilal.share_location(*NEAR_CHAMAN)
    assert "most likely in Chaman district" in question.plain
    assert "does not separate it from Killa Abdullah" in question.plain
    assert question.button_texts == ["✅ Chaman", "Killa Abdullah", "🗂 None of these: the list"]
    # Nothing is followed until the resident answers.
    assert "You follow no districts yet" in (await bilal.send("/mysubs")).plain
    await bilal.press("Killa Abdullah", on=question)
    await bilal.expect("Subscribed to Killa Abdullah.")
    assert (await bilal.send("/mysubs")).button_texts == ["✕ Killa Abdullah"]


async def test_just_outside_a_simplified_border_asks(user: Callable[..., FakeUser]) -> None:
    amina = user(1001)
    # Ormara, on the coast: the simplified outline of Gwadar passes just north of it.
    question = await amina.share_location(25.2088, 64.6357)
    assert "just outside Gwadar district on my map" in question.plain
    assert question.button_texts == ["✅ Gwadar", "🗂 None of these: the list"]
    await amina.press("🗂 None of these: the list")
    picker = await amina.expect("Choose the districts")
    assert picker.message_id == question.message_id
    assert "You follow no districts yet" in picker.plain


async def test_in_urdu(user: Callable[..., FakeUser]) -> None:
    gul = user(1003, language_code="ur")
    await gul.send("/start")
    await gul.press("اردو")
    offer = await gul.expect("میرا مقام بھیجیں")
    assert offer.reply_keyboard[0]["text"] == "📍 میرا مقام بھیجیں"
    await gul.expect("اضلاع منتخب کریں")
    placed = await gul.share_location(*TURBAT)
    assert "ضلع <b>کیچ</b> میں ہے" in placed.text
    question = await gul.share_location(*NEAR_CHAMAN)
    assert question.button_texts[:2] == ["✅ چمن", "قلعہ عبداللہ"]
    outside = await gul.share_location(24.86, 67.01)
    assert "صوبے سے باہر" in outside.plain
    assert "کوئٹہ" in outside.button_texts
    typed = await gul.send("📍 میرا مقام بھیجیں")
    assert "منسلکات" in typed.plain


@pytest.mark.parametrize(
    ("lat", "lon"),
    [
        (24.50, 63.50),  # the Arabian Sea off Gwadar
        (24.86, 67.01),  # Karachi
        (34.53, 69.17),  # Kabul
        (51.50, -0.12),  # London
    ],
)
async def test_a_location_outside_offers_the_picker(
    user: Callable[..., FakeUser], lat: float, lon: float
) -> None:
    amina = user(1001)
    reply = await amina.share_location(lat, lon)
    assert "not in any district of Balochistan I know" in reply.plain
    assert "choose your districts from the list" in reply.plain
    assert "Makran" in reply.button_texts
    assert "You follow no districts yet" in (await amina.send("/mysubs")).plain


async def test_zero_zero_means_no_fix_yet(user: Callable[..., FakeUser]) -> None:
    amina = user(1001)
    reply = await amina.share_location(0.0, 0.0)
    assert "0°, 0°" in reply.plain and "not found its position" in reply.plain
    assert "Quetta" in reply.button_texts


async def test_forwarded_venue_and_live_locations_are_just_places(
    user: Callable[..., FakeUser], fake: FakeTelegram
) -> None:
    amina = user(1001)
    forwarded = await amina.share_location(*TURBAT, forwarded_from="Brother")
    assert "Subscribed to Kech." in forwarded.plain
    venue = await amina.share_location(25.12, 62.32, venue_title="Gwadar <Port>")
    assert "📍 Gwadar &lt;Port&gt; is in <b>Gwadar</b> district." in venue.text
    live = await amina.share_location(30.18, 67.00, live_period=900)
    assert "Subscribed to Quetta." in live.plain
    assert "stop sharing your live location" in live.plain
    # The live location moving on is an edited message: the bot does not even receive it.
    fake.send_update(
        {
            "edited_message": {
                "message_id": 999,
                "date": 0,
                "edit_date": 1,
                "chat": {"id": amina.chat_id, "type": "private", "first_name": "Test"},
                "from": {"id": amina.chat_id, "is_bot": False, "first_name": "Test"},
                "location": {"latitude": 26.0, "longitude": 63.05, "live_period": 900},
            }
        }
    )
    listing = await amina.send("/mysubs")
    assert listing.button_texts == ["✕ Quetta", "✕ Kech", "✕ Gwadar"]


async def test_in_a_group_the_button_is_explained_and_not_offered(
    fake: FakeTelegram, user: Callable[..., FakeUser]
) -> None:
    user(1001)  # the bot is running
    mark = fake.mark(GROUP)
    fake.send_text(GROUP, "/subscribe", user_id=1001)
    picker = await fake.wait_for_message(GROUP, "Choose the districts", after=mark)
    mark = fake.mark(GROUP)
    fake.send_text(GROUP, "📍 Share my location", user_id=1001)
    answer = await fake.wait_for_message(GROUP, after=mark)
    assert "works in a private chat with me" in answer.plain
    # No request_location keyboard ever went to the group (Telegram refuses it there).
    assert all(not m.reply_keyboard for m in fake.messages(GROUP))
    assert picker.reply_markup is not None


async def test_odd_locations_in_urdu(fake: FakeTelegram, user: Callable[..., FakeUser]) -> None:
    gul = user(1003, language_code="ur")
    no_fix = await gul.share_location(0.0, 0.0)
    assert "0°، 0°" in no_fix.plain and "فہرست سے" in no_fix.plain
    at_sea = await gul.share_location(24.50, 63.50)
    assert "سمندر" in at_sea.plain
    live = await gul.share_location(*TURBAT, live_period=600, forwarded_from="بھائی")
    assert "لائیو مقام" in live.plain and "کیچ" in live.plain
    mark = fake.mark(GROUP)
    fake.send_text(GROUP, "📍 میرا مقام بھیجیں", user_id=1003, language_code="ur")
    answer = await fake.wait_for_message(GROUP, after=mark)
    assert "نجی چیٹ" in answer.plain
    assert "مقام بھیجیں" in (await gul.send("/help")).plain


async def test_a_pin_before_a_place_name_is_still_the_place(user: Callable[..., FakeUser]) -> None:
    amina = user(1001)
    reply = await amina.send("📍 Turbat")
    assert "Subscribed to Kech." in reply.plain


async def test_coordinates_are_neither_logged_nor_stored(
    user: Callable[..., FakeUser], caplog: pytest.LogCaptureFixture
) -> None:
    # INFO is the default LOG_LEVEL. (At DEBUG python-telegram-bot itself logs whole updates,
    # texts and locations alike: a deployer debugging should know that.)
    caplog.set_level(logging.INFO)
    amina = user(1001)
    await amina.share_location(26.0123, 63.0456)
    data = await amina.send("/mydata")
    assert "Kech" in data.plain
    for text in (data.plain, "\n".join(f"{r.getMessage()} {r.args}" for r in caplog.records)):
        assert "26.0123" not in text and "63.0456" not in text
