"""Bad input gets a clear, polite answer; nothing crashes and nothing half-saved remains."""

from collections.abc import Callable

import pytest

from faketg import FakeTelegram
from faketg.user import FakeUser


async def test_ten_thousand_characters(user: Callable[..., FakeUser]) -> None:
    amina = user(1001)
    wall = "Quetta " * 1430  # 10,010 characters
    reply = await amina.send(wall)
    assert "That message is too long" in reply.plain
    reply = await amina.send("/subscribe " + wall)
    assert "That message is too long" in reply.plain
    assert "You follow no districts yet" in (await amina.send("/mysubs")).plain


async def test_html_in_names_is_shown_literally(user: Callable[..., FakeUser]) -> None:
    amina = user(1001)
    reply = await amina.send("/subscribe <script>alert(1)</script> & Co")
    # The fake rejects malformed HTML like Telegram does, so arriving at all proves escaping.
    assert "“<script>alert(1)</script> & Co”" in reply.plain
    tagged = await amina.send("/subscribe <b>Quetta</b>")
    assert "Quetta" in tagged.plain


@pytest.mark.parametrize("garbage", ["!!!???", "🙂🙂🙂", "'; DROP TABLE resident; --", "123456"])
async def test_garbage_is_not_understood(user: Callable[..., FakeUser], garbage: str) -> None:
    reply = await user(1001).send(garbage)
    assert "didn't understand" in reply.plain or "I don't know" in reply.plain


async def test_unknown_command_and_non_text(
    fake: FakeTelegram, user: Callable[..., FakeUser]
) -> None:
    amina = user(1001)
    assert "I don't know that command" in (await amina.send("/frobnicate")).plain
    gul = user(1003, language_code="ur")
    assert "یہ کمانڈ میں نہیں جانتا" in (await gul.send("/frobnicate")).plain

    mark = fake.mark(1001)
    fake.send_update(
        {
            "message": {
                "message_id": 77,
                "date": 1_790_000_000,
                "chat": {"id": 1001, "type": "private", "first_name": "A"},
                "from": {"id": 1001, "is_bot": False, "first_name": "A", "language_code": "en"},
                "sticker": {
                    "file_id": "x",
                    "file_unique_id": "y",
                    "type": "regular",
                    "width": 512,
                    "height": 512,
                    "is_animated": False,
                    "is_video": False,
                },
            }
        }
    )
    reply = await fake.wait_for_message(1001, after=mark)
    assert "I can only read text" in reply.plain


async def test_stale_and_forged_buttons(user: Callable[..., FakeUser]) -> None:
    amina = user(1001)
    await amina.send("/subscribe")
    picker = await amina.expect("Choose the districts")
    for data in ("div:99", "lang:s:xx", "on:atlantis", "rm:nowhere", "set:sev:apocalyptic", "zzz"):
        answer = await amina.press_data(picker, data)
        assert answer.show_alert
        assert answer.text == "This button is out of date. Please send the command again."
    assert "You follow no districts yet" in (await amina.send("/mysubs")).plain


async def test_double_tap_on_a_district_is_idempotent(user: Callable[..., FakeUser]) -> None:
    amina = user(1001)
    await amina.send("/subscribe")
    await amina.expect("Choose the districts")
    await amina.press("Quetta")
    division = await amina.expect("Division: Quetta")
    await amina.press_data(division, "on:quetta")
    await amina.press_data(division, "on:quetta")  # the second tap of a double tap
    listing = await amina.send("/mysubs")
    assert listing.button_texts == ["✕ Quetta"]


async def test_a_failing_send_is_apologised_for(
    fake: FakeTelegram, user: Callable[..., FakeUser]
) -> None:
    amina = user(1001)
    fake.faults.fail_next(1, 400, description="Bad Request: something odd", methods={"sendMessage"})
    apology = await amina.send("/help")
    assert "Sorry, something went wrong on our side" in apology.plain
    assert "How Khabardar works" not in apology.plain
    # The bot is still alive and answers the next message normally.
    assert "/subscribe" in (await amina.send("/help")).plain


async def test_too_many_names(user: Callable[..., FakeUser]) -> None:
    reply = await user(1001).send("/subscribe " + ", ".join(["Quetta"] * 25))
    assert "Please send at most 20 names per message." in reply.plain
