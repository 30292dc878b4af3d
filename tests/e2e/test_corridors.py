"""Corridors: residents follow a road or railway and get its alerts wherever they live."""

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlmodel import SQLModel

from core.context import KhabardarApp
from delivery.wiring import wake_dispatch
from domain.alerts import AlertKind, Severity
from domain.alerts.model import Transport, TransportMode
from faketg import FakeTelegram
from faketg.user import FakeUser
from storage.db import Database
from storage.models import AlertMute, CorridorSubscription
from tests.delivery.helpers import publish
from usecases import status

N25 = "N-25 Karachi–Quetta–Chaman (RCD) Highway"
TAFTAN_RAIL = "RAIL-QUETTA-TAFTAN Quetta–Taftan railway"
N25_UR = "N-25 کراچی–کوئٹہ–چمن (آر سی ڈی) شاہراہ"
TAFTAN_RAIL_UR = "RAIL-QUETTA-TAFTAN کوئٹہ–تفتان ریلوے"


async def _urdu(user: Callable[..., FakeUser], chat_id: int) -> FakeUser:
    gul = user(chat_id, language_code="ur")
    await gul.send("/start")
    await gul.press("اردو")
    await gul.expect("اضلاع منتخب کریں")
    return gul


async def test_subscribe_by_code_name_and_typo_and_list_apart(
    user: Callable[..., FakeUser],
) -> None:
    amina = user(1001)
    reply = await amina.send("/subscribe N-25")
    assert f"Subscribed to {N25}." in reply.plain
    assert "wherever you live" in reply.plain
    both = await amina.send("/subscribe Quetta–Taftan railway, Pasni")
    assert "Subscribed to Gwadar." in both.plain
    assert f"Subscribed to {TAFTAN_RAIL}." in both.plain
    typo = await amina.send("/subscribe Makran Costal Highway")
    assert "I took “Makran Costal Highway” to mean N-10 Makran Coastal Highway." in typo.plain
    again = await amina.send("/subscribe n25")
    assert f"You already follow {N25}." in again.plain

    listing = await amina.send("/mysubs")
    assert "Your districts (1)" in listing.plain
    assert "Your roads and railways (3)" in listing.plain
    assert listing.plain.index("Your districts") < listing.plain.index("Your roads")
    assert listing.button_texts == [
        "✕ Gwadar",
        f"✕ {N25}",
        "✕ N-10 Makran Coastal Highway",
        f"✕ {TAFTAN_RAIL}",
    ]
    answer = await amina.press(f"✕ {N25}")
    assert answer.text == f"Stopped {N25}"
    refreshed = await amina.expect(lambda m: len(m.button_texts) == 3)
    assert refreshed.message_id == listing.message_id
    assert "Your roads and railways (2)" in refreshed.plain
    removed = await amina.send("/unsubscribe N-10")
    assert "Stopped alerts for N-10 Makran Coastal Highway." in removed.plain
    # A plain message naming a route follows it too.
    typed = await amina.send("Jaffar Express")
    assert "Subscribed to RAIL-QUETTA-ROHRI" in typed.plain
    assert (
        "/subscribe N-25 or /subscribe Quetta–Taftan railway" in (await amina.send("/help")).plain
    )


async def test_a_name_of_two_routes_asks_which(user: Callable[..., FakeUser]) -> None:
    bilal = user(1002)
    question = await bilal.send("/subscribe Quetta–Chaman route")
    assert "could be more than one road or railway" in question.plain
    assert question.button_texts == [
        N25,
        "RAIL-QUETTA-ROHRI Rohri–Sibi–Quetta–Chaman railway (Jaffar Express / Bolan Mail)",
    ]
    await bilal.press(N25)
    confirmed = await bilal.expect(f"Subscribed to {N25}.")
    assert confirmed.message_id != question.message_id
    # The same button again (a double tap) changes nothing and says so.
    await bilal.press(N25, on=question)
    await bilal.expect(f"You already follow {N25}.")
    # The road's own word settles it: "road" is N-40, not the railway.
    road = await bilal.send("/subscribe Quetta Taftan road")
    assert "Subscribed to N-40 Lakpass–Nushki–Taftan Highway." in road.plain
    # Without a route word, two district names stay two districts.
    places = await bilal.send("/subscribe Quetta Chaman")
    assert "Subscribed to Quetta, Chaman." in places.plain


async def test_urdu_resident_follows_a_railway_in_urdu(user: Callable[..., FakeUser]) -> None:
    gul = await _urdu(user, 1003)
    reply = await gul.send("/subscribe کوئٹہ–تفتان ریلوے")
    assert f"سبسکرائب ہو گیا: {TAFTAN_RAIL_UR}" in reply.plain
    road = await gul.send("/subscribe کراچی کوئٹہ شاہراہ")
    assert N25_UR in road.plain
    question = await gul.send("/subscribe کوئٹہ چمن لائن")
    assert "ایک سے زیادہ سڑکوں یا ریلوے لائنوں" in question.plain
    listing = await gul.send("/mysubs")
    assert "آپ کی سڑکیں اور ریلوے لائنیں" in listing.plain
    assert listing.button_texts == [f"✕ {N25_UR}", f"✕ {TAFTAN_RAIL_UR}"]
    await gul.press(f"✕ {TAFTAN_RAIL_UR}")
    await gul.expect(lambda m: m.button_texts == [f"✕ {N25_UR}"])
    data = await gul.send("/mydata")
    assert f"سڑکیں اور ریلوے لائنیں: {N25_UR}" in data.plain
    unknown = await gul.send("/subscribe N-99")
    assert "“N-99” نام کی کوئی سڑک یا ریلوے لائن مجھے معلوم نہیں" in unknown.plain


async def test_corridor_alert_reaches_followers_wherever_they_live(
    fake: FakeTelegram, bot: KhabardarApp, user: Callable[..., FakeUser], database: Database
) -> None:
    traveller, neighbour, rail = user(1001), user(1002), user(1004)
    await traveller.send("/subscribe Gwadar, N-25")
    await neighbour.send("/subscribe Gwadar")
    await rail.send("/subscribe Quetta–Taftan railway")
    gul = await _urdu(user, 1003)
    await gul.send("/subscribe آر سی ڈی شاہراہ")
    suspension = await publish(
        database,
        kind=AlertKind.TRANSPORT,
        severity=Severity.SEVERE,
        districts=("mastung", "kalat"),
        transport=Transport(TransportMode.ROAD, "N-25", "Mastung–Kalat"),
    )
    wake_dispatch(bot)

    alert = await fake.wait_for_message(1001, suspension.identifier, timeout=10)
    assert f"🛣 {N25} · road · Mastung–Kalat" in alert.plain
    urdu = await fake.wait_for_message(1003, suspension.identifier, timeout=10)
    assert N25_UR in urdu.plain
    # A railway alert reaches the railway's follower (its 18-character code fits the column).
    train = await publish(
        database,
        kind=AlertKind.TRANSPORT,
        districts=("nushki",),
        transport=Transport(TransportMode.RAIL, "RAIL-QUETTA-TAFTAN"),
    )
    wake_dispatch(bot)
    await fake.wait_for_message(1004, train.identifier, timeout=10)
    # Neither alert is about Gwadar: the neighbour who follows only Gwadar got nothing.
    assert [m for m in fake.messages(1002) if "KB-" in m.plain] == []
    assert not any(train.identifier in m.plain for m in fake.messages(1001))


async def test_mydata_and_delete_include_corridors(
    user: Callable[..., FakeUser], database: Database
) -> None:
    amina = user(1001)
    await amina.send("/subscribe N-25, Quetta")
    data = await amina.send("/mydata")
    assert "Districts: Quetta" in data.plain
    assert f"Roads and railways: {N25}" in data.plain
    # What /mydata lists is every column there is about corridors and mutes.
    assert set(CorridorSubscription.model_fields) == {"chat_id", "route"}
    assert set(AlertMute.model_fields) == {"chat_id", "thread", "until"}
    await amina.send("/delete")
    await amina.press("Yes, delete everything")
    await amina.expect("Deleted.")
    table = SQLModel.metadata.tables["corridor_subscription"]
    async with database.read() as session:
        left = await session.scalar(select(func.count()).select_from(table))
    assert left == 0


async def test_bad_corridor_input_gets_a_polite_answer(user: Callable[..., FakeUser]) -> None:
    amina = user(1001)
    unknown = await amina.send("/subscribe N-99 highway")
    assert "I don't know a road or railway called “N-99 highway”." in unknown.plain
    html = await amina.send("/subscribe <b>N-25</b> railway")
    assert "I don't know a place called" in html.plain
    long = await amina.send("/subscribe " + "N-25 " * 2000)
    assert "too long" in long.plain
    listing = await amina.send("/subscribe Quetta")
    # Forged or stale route buttons: out of date, nothing saved.
    answer = await amina.press_data(listing, "rrm:N-99")
    assert answer.show_alert and "out of date" in (answer.text or "")
    answer = await amina.press_data(listing, "ron:RAIL-NOWHERE")
    assert "out of date" in (answer.text or "")
    assert "roads and railways" not in (await amina.send("/mysubs")).plain


async def test_an_incident_marked_on_a_road_reaches_its_followers_and_suspends_nothing(
    fake: FakeTelegram, bot: KhabardarApp, user: Callable[..., FakeUser], database: Database
) -> None:
    traveller, neighbour = user(1001), user(1002)
    await traveller.send("/subscribe Gwadar, N-25")
    await neighbour.send("/subscribe Gwadar")
    incident = await publish(
        database,
        districts=("mastung",),
        transport=Transport(None, "N-25", "near Lak Pass"),
    )
    wake_dispatch(bot)
    alert = await fake.wait_for_message(1001, incident.identifier, timeout=10)
    assert "Firing near Quetta bypass" in alert.plain
    assert f"🛣 {N25} · near Lak Pass" in alert.plain
    assert [m for m in fake.messages(1002) if "KB-" in m.plain] == []
    # A security incident on the road is not a suspension of it: the map draws none.
    view = await status.map_view(database=database, now=datetime.now(UTC))
    assert view.suspended == frozenset()
