"""/subscribe, /unsubscribe, /mysubs and place names typed as plain text."""

from collections.abc import Callable

from faketg.user import FakeUser


async def test_subscribe_several_names_in_one_message(user: Callable[..., FakeUser]) -> None:
    amina = user(1001)
    reply = await amina.send("/subscribe Quetta, Pasni")
    assert "Subscribed to Quetta, Gwadar." in reply.plain
    assert "Pasni is in Gwadar district." in reply.plain
    listing = await amina.send("/mysubs")
    assert "Your districts (2)" in listing.plain
    assert listing.button_texts == ["✕ Quetta", "✕ Gwadar"]


async def test_town_typo_and_transliteration(user: Callable[..., FakeUser]) -> None:
    bilal = user(1002)
    reply = await bilal.send("/subscribe dalbandin; Quetaa\nKila Abdullah")
    assert "Dalbandin is in Chagai district." in reply.plain
    assert "I took “Quetaa” to mean Quetta." in reply.plain
    assert "Chagai" in reply.plain and "Killa Abdullah" in reply.plain
    again = await bilal.send("/subscribe Chagai")
    assert "You already follow Chagai." in again.plain


async def test_ambiguous_name_asks_which_district(user: Callable[..., FakeUser]) -> None:
    bilal = user(1002)
    question = await bilal.send("/subscribe Dasht")
    assert "more than one district" in question.plain
    assert question.button_texts == ["Dasht (Kech)", "Dasht (Mastung)"]
    await bilal.press("Dasht (Mastung)")
    confirmed = await bilal.expect("Subscribed to Mastung.")
    assert confirmed.message_id != question.message_id
    # The same button tapped again changes nothing and says so.
    await bilal.press("Dasht (Mastung)", on=question)
    await bilal.expect("You already follow Mastung.")
    assert "Mastung" in (await bilal.send("/mysubs")).plain


async def test_unknown_and_suggested_names(user: Callable[..., FakeUser]) -> None:
    amina = user(1001)
    unknown = await amina.send("/subscribe Atlantis")
    assert "I don't know a place called “Atlantis” in Balochistan." in unknown.plain
    assert "send /subscribe alone" in unknown.plain
    nothing = await amina.send("/mysubs")
    assert "You follow no districts yet" in nothing.plain


async def test_subscribe_alone_opens_the_picker(user: Callable[..., FakeUser]) -> None:
    amina = user(1001)
    await amina.send("/subscribe")
    picker = await amina.expect("Choose the districts")
    assert "Choose the districts" in picker.plain
    await amina.press("Kalat")
    await amina.expect("Division: Kalat")
    await amina.press("Mastung")
    await amina.expect(lambda m: "✓ Mastung" in m.button_texts)
    await amina.press("✓ Mastung")
    stopped = await amina.expect(lambda m: "Mastung" in m.button_texts)
    assert "You follow" not in stopped.plain


async def test_unsubscribe_by_name_and_by_button(user: Callable[..., FakeUser]) -> None:
    amina = user(1001)
    await amina.send("/subscribe Quetta, Gwadar, Kech")
    removed = await amina.send("/unsubscribe Pasni, Nushki")
    assert "Stopped alerts for Gwadar." in removed.plain
    assert "You were not following Nushki." in removed.plain

    listing = await amina.send("/unsubscribe")
    assert listing.button_texts == ["✕ Quetta", "✕ Kech"]
    await amina.press("✕ Kech")
    refreshed = await amina.expect(lambda m: m.button_texts == ["✕ Quetta"])
    assert refreshed.message_id == listing.message_id
    # An old copy of the button: nothing to remove, nothing breaks.
    await amina.press_data(listing, "rm:kech")
    assert (await amina.send("/mysubs")).button_texts == ["✕ Quetta"]


async def test_plain_place_name_subscribes(user: Callable[..., FakeUser]) -> None:
    amina = user(1001)
    reply = await amina.send("Turbat")
    assert "Subscribed to Kech." in reply.plain
    assert "“Turbat” is Kech district." in reply.plain
    chatter = await amina.send("hello, is anyone there?")
    assert "didn't understand" in chatter.plain


async def test_urdu_resident_subscribes_in_urdu_script(user: Callable[..., FakeUser]) -> None:
    gul = user(1003, language_code="ur")
    await gul.send("/start")
    await gul.press("اردو")
    await gul.expect("اضلاع منتخب کریں")
    reply = await gul.send("/subscribe کوئٹہ، پسنی")
    assert "سبسکرائب ہو گیا: کوئٹہ، گوادر" in reply.plain
    assert "پسنی ضلع گوادر میں ہے۔" in reply.plain
    listing = await gul.send("/mysubs")
    assert listing.button_texts == ["✕ کوئٹہ", "✕ گوادر"]
    await gul.press("✕ کوئٹہ")
    await gul.expect(lambda m: m.button_texts == ["✕ گوادر"])
    removed = await gul.send("/unsubscribe گوادر")
    assert "گوادر کے الرٹس بند کر دیے گئے۔" in removed.plain
    unknown = await gul.send("/subscribe اٹلانٹس")
    assert "مجھے معلوم نہیں" in unknown.plain
