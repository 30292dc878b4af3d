"""/start, /language and /help, in English and Urdu."""

from collections.abc import Callable

from faketg import FakeTelegram
from faketg.user import FakeUser

RLM = "\u200f"


async def test_start_offers_languages_then_districts_by_division(
    user: Callable[..., FakeUser],
) -> None:
    amina = user(1001)
    welcome = await amina.send("/start")
    assert "verified alerts" in welcome.plain
    assert welcome.button_texts == ["English", "اردو", "پښتو"]

    await amina.press("English")
    confirmed = await amina.expect("Language: English")
    assert confirmed.message_id == welcome.message_id  # the language message is edited in place
    picker = await amina.expect("Choose the districts")
    assert picker.button_texts[:8] == [
        "Quetta",
        "Kalat",
        "Makran",
        "Rakhshan",
        "Sibi",
        "Naseerabad",
        "Zhob",
        "Loralai",
    ]

    await amina.press("Makran")
    makran = await amina.expect("Division: Makran")
    assert {"Kech", "Gwadar", "Panjgur"} <= set(makran.button_texts)
    await amina.press("Gwadar")
    ticked = await amina.expect("You follow: Gwadar")
    assert "✓ Gwadar" in ticked.button_texts

    await amina.press("« Divisions")
    back = await amina.expect("Choose the districts")
    assert "Makran (1)" in back.button_texts
    await amina.press("✅ Done")
    done = await amina.expect("You will get verified alerts for: Gwadar")
    assert done.buttons == []


async def test_start_in_urdu_is_right_to_left(user: Callable[..., FakeUser]) -> None:
    gul = user(1003, language_code="ur")
    welcome = await gul.send("/start")
    # A client set to Urdu is greeted in Urdu before choosing anything.
    assert "اپنی زبان منتخب کریں" in welcome.plain
    assert all(line.startswith(RLM) for line in welcome.text.splitlines() if line)

    await gul.press("اردو")
    picker = await gul.expect("اضلاع منتخب کریں")
    assert "کوئٹہ" in picker.button_texts
    await gul.press("رخشان")
    await gul.expect("ڈویژن")
    await gul.press("چاغی")
    ticked = await gul.expect(lambda m: "✓ چاغی" in m.button_texts)
    assert "آپ فالو کر رہے ہیں" in ticked.plain


async def test_language_switch_changes_every_reply(user: Callable[..., FakeUser]) -> None:
    bilal = user(1002)
    await bilal.send("/start")
    await bilal.press("English")
    await bilal.expect("Choose the districts")

    offer = await bilal.send("/language")
    assert offer.button_texts == ["English", "اردو", "پښتو"]
    await bilal.press("اردو", on=offer)
    await bilal.expect("زبان: اردو")
    help_text = await bilal.send("/help")
    assert "تصدیق شدہ الرٹس" in help_text.plain
    assert "/subscribe" in help_text.plain

    await bilal.send("/language")
    await bilal.press("English")
    await bilal.expect("Language: English")
    assert "verified alerts" in (await bilal.send("/help")).plain


async def test_help_lists_every_command(user: Callable[..., FakeUser]) -> None:
    reply = await user(1004).send("/help")
    for command in (
        "/start",
        "/subscribe",
        "/unsubscribe",
        "/mysubs",
        "/settings",
        "/language",
        "/mydata",
        "/delete",
        "/help",
    ):
        assert command in reply.plain


async def test_command_menus_are_registered_per_language(
    fake: FakeTelegram, user: Callable[..., FakeUser]
) -> None:
    english = fake.commands(language_code="en")
    urdu = fake.commands(language_code="ur")
    default = fake.commands()
    assert [name for name, _ in english] == [name for name, _ in urdu]
    assert ("subscribe", "Follow districts, e.g. /subscribe Quetta, Pasni") in default
    assert dict(urdu)["subscribe"] == "اضلاع فالو کریں، مثلاً /subscribe کوئٹہ، پسنی"


async def test_sms_is_offered_only_where_it_is_configured(
    fake: FakeTelegram, user: Callable[..., FakeUser]
) -> None:
    # This bot has no SMPP account: /sms would only say SMS is off, so neither the menu nor
    # /help offers it; /allquiet is for everyone (tests/sms checks the SMS side).
    names = [name for name, _ in fake.commands()]
    assert "allquiet" in names and "sms" not in names
    help_text = (await user(1001).send("/help")).plain
    assert "/allquiet" in help_text and "/sms" not in help_text
