"""Operators draft, a second operator verifies; corrections reference the original."""

from collections.abc import Callable

import pytest

from domain.roles import Role
from faketg import FakeTelegram
from faketg.user import FakeUser
from ingest.cap_import import import_document
from storage import alert_queries, audit, team
from storage.db import Database
from tests.conftest import ADMIN_ID, quick_progress
from tests.staff.publishing import G

AMIR, BIBI, STAFF, RESIDENT = 2001, 2002, 3001, 1001


@pytest.fixture
async def crew(database: Database) -> None:
    """Two operators and one member of NGO staff."""
    async with database.transaction() as session:
        for user_id, role in ((AMIR, Role.OPERATOR), (BIBI, Role.OPERATOR), (STAFF, Role.STAFF)):
            await team.grant_role(session, user_id=user_id, role=role, granted_by=ADMIN_ID)


async def draft_with_wizard(amir: FakeUser, *, status: str = "Real alert") -> None:
    """Walk the wizard to the preview: a severe security incident in Mastung and Kalat."""
    prompt = await amir.send("/newalert")
    assert "What kind of alert" in prompt.plain
    await amir.press("Security incident")
    await amir.expect("real alert, an exercise or a test")
    await amir.press(status)
    await amir.expect("Which districts?")
    await amir.send("Mastung, Kalat")
    await amir.expect("How severe")
    await amir.press("SEVERE")
    await amir.expect("How urgent")
    await amir.press("Immediate")
    await amir.expect("How certain")
    await amir.press("Observed")
    await amir.expect("Send the headline")
    await amir.send("Armed attack on the N-25 near Mastung")
    await amir.expect("Send the details")
    await amir.send("Firing reported at the Lakpass tunnel; security forces are on site.")
    await amir.expect("What should people do")
    await amir.send("Avoid the N-25 between Mastung and Kalat.")
    await amir.expect("How long should the alert stay active")
    await amir.press("Default for this kind")


@pytest.mark.usefixtures("crew")
async def test_draft_verify_by_another_operator(
    fake: FakeTelegram, user: Callable[..., FakeUser], database: Database
) -> None:
    amir, bibi = user(AMIR), user(BIBI)
    await draft_with_wizard(amir)
    preview = await amir.expect("Preview")
    assert "🟠 SEVERE · Security incident" in preview.plain
    assert "📍 Mastung, Kalat" in preview.plain
    assert "What to do: Avoid the N-25 between Mastung and Kalat." in preview.plain
    assert "preview, not yet verified" in preview.plain

    await amir.press("📨 Submit for verification")
    submitted = await amir.expect("is waiting for a second operator")
    reference = submitted.plain.split()[1]
    assert reference.startswith("KB-")

    request = await fake.wait_for_message(BIBI, "Waiting for your verification")
    assert reference in request.plain and "Armed attack on the N-25" in request.plain
    assert request.button_texts == ["✅ Approve", "❌ Reject"]
    await bibi.press("✅ Approve", on=request)
    await bibi.expect(f"You verified {reference}")
    told = await fake.wait_for_message(AMIR, f"{reference} was verified by operator {BIBI}")
    assert "being sent" in told.plain

    async with database.transaction() as session:
        stored = await alert_queries.get_alert(session, identifier=reference)
        entries = await audit.list_audit(session, alert=reference)
    assert stored is not None and stored.state.value == "verified" and stored.verified_by == BIBI
    assert [e.action.value for e in reversed(entries)] == ["drafted", "submitted", "approved"]
    # A second tap on the same Approve button changes nothing.
    answer = await bibi.press_data(request, f"vf:ok:{reference}")
    assert answer.text == "This alert is already verified."


@pytest.mark.usefixtures("crew")
async def test_a_failed_confirmation_still_tells_the_author_and_starts_delivery(
    fake: FakeTelegram, user: Callable[..., FakeUser]
) -> None:
    resident = user(RESIDENT)
    await resident.send("/subscribe Mastung")
    amir, bibi = user(AMIR), user(BIBI)
    await draft_with_wizard(amir)
    await amir.expect("Preview")
    await amir.press("📨 Submit for verification")
    reference = (await amir.expect("is waiting for a second operator")).plain.split()[1]
    request = await fake.wait_for_message(BIBI, "Waiting for your verification")
    # Telegram fails the edit that confirms the approval to the verifier.
    fake.faults.fail_next(1, 502, methods={"editMessageText"})
    await bibi.press("✅ Approve", on=request)
    await fake.wait_for_message(AMIR, f"{reference} was verified by operator {BIBI}")
    assert await fake.wait_for_message(RESIDENT, "Armed attack on the N-25")


@pytest.mark.usefixtures("crew")
@quick_progress
async def test_verifying_an_imported_alert_notifies_no_author(
    fake: FakeTelegram,
    user: Callable[..., FakeUser],
    database: Database,
    caplog: pytest.LogCaptureFixture,
) -> None:
    from tests.cap.test_cap_import import authority_cap

    results = await import_document(authority_cap(), database=database, gazetteer=G)
    reference = results[0].alert
    assert reference is not None
    bibi = user(BIBI)
    listing = await bibi.send("/pending")
    assert reference in listing.plain
    await bibi.press("✅ Approve", on=listing)
    await bibi.expect(f"You verified {reference}")
    # The verifier's progress report comes after the author would have been told.
    await fake.wait_for_message(BIBI, f"Delivery of {reference}", timeout=10)
    # Nobody wrote it: no message goes to the system author's "chat" 0.
    assert not any("team member 0" in r.getMessage() for r in caplog.records)
    assert fake.messages(0) == []


@pytest.mark.usefixtures("crew")
async def test_author_cannot_verify_own_alert(user: Callable[..., FakeUser]) -> None:
    amir = user(AMIR)
    await draft_with_wizard(amir)
    await amir.expect("Preview")
    await amir.press("📨 Submit for verification")
    reference = (await amir.expect("is waiting for a second operator")).plain.split()[1]
    listing = await amir.send("/pending")
    # Listed as theirs, waiting for someone else: no Approve (Reject withdraws it).
    assert f"Your alert, waiting for another operator to verify it: {reference}" in listing.plain
    assert listing.button_texts == ["❌ Reject"]
    answer = await amir.press_data(listing, f"vf:ok:{reference}")  # an old or forged button
    assert (
        answer.show_alert
        and answer.text == "You wrote this alert: a second operator must verify it."
    )


@pytest.mark.usefixtures("crew")
async def test_reject_with_reason_reaches_the_author(
    fake: FakeTelegram, user: Callable[..., FakeUser]
) -> None:
    amir, bibi = user(AMIR), user(BIBI)
    await draft_with_wizard(amir)
    await amir.expect("Preview")
    await amir.press("📨 Submit for verification")
    reference = (await amir.expect("is waiting")).plain.split()[1]
    request = await fake.wait_for_message(BIBI, "Waiting for your verification")
    await bibi.press("❌ Reject", on=request)
    await bibi.expect("Send the reason for rejecting")
    done = await bibi.send("Not confirmed by a second source yet")
    assert f"{reference} rejected" in done.plain
    told = await fake.wait_for_message(AMIR, f"{reference} was rejected by operator {BIBI}")
    assert "Not confirmed by a second source yet" in told.plain


@pytest.mark.usefixtures("crew")
async def test_one_message_form_and_refusal_at_drafting_time(
    fake: FakeTelegram, user: Callable[..., FakeUser]
) -> None:
    amir = user(AMIR)
    too_long = await amir.send(
        "/newalert\nkind: transport\nmode: rail\ndistricts: Quetta\nseverity: moderate\n"
        "headline: " + "x" * 200
    )
    # The form is read and the problem named at drafting time, not when sending.
    assert "The headline is longer than 140 characters." in too_long.plain
    answer = await amir.press("📨 Submit for verification")
    assert answer.show_alert
    still = await amir.send("headline: Quetta railway station closed")
    assert "longer than 140" not in still.plain and "Quetta railway station closed" in still.plain
    await amir.press("🗑 Abandon")
    await amir.expect("Draft abandoned. Nothing was sent.")
    form = await amir.send(
        "/newalert\n"
        "kind: transport\n"
        "route: N-25\n"
        "mode: road\n"
        "segment: Mastung–Kalat\n"
        "severity: severe\n"
        "urgency: immediate\n"
        "headline: N-25 closed between Mastung and Kalat\n"
        "instruction: Use the N-65 via Sibi instead.\n"
        "expires: 12h"
    )
    assert "Preview" in form.plain
    assert "Karachi–Quetta–Chaman (RCD) Highway · road · Mastung–Kalat" in form.plain
    assert "Hub, Lasbela, Khuzdar" in form.plain  # the districts along the N-25
    await amir.press("📨 Submit for verification")
    await amir.expect("is waiting for a second operator")
    await fake.wait_for_message(BIBI, "N-25 closed between Mastung and Kalat")


@pytest.mark.usefixtures("crew")
async def test_author_and_verifier_see_every_language_residents_get(
    fake: FakeTelegram, user: Callable[..., FakeUser]
) -> None:
    amir = user(AMIR)
    preview = await amir.send(
        "/newalert\nkind: security\ndistricts: Quetta\nseverity: severe\n"
        "headline: Firing near Sariab Road\ninstruction: Stay indoors.\n"
        "headline_ur: سریاب روڈ کے قریب فائرنگ\ninstruction_ur: گھر کے اندر رہیں۔"
    )
    assert "Firing near Sariab Road" in preview.plain
    assert "🌐 Readers in اردو get:" in preview.plain
    assert "سریاب روڈ کے قریب فائرنگ" in preview.plain and "گھر کے اندر رہیں۔" in preview.plain
    await amir.press("📨 Submit for verification")
    request = await fake.wait_for_message(BIBI, "Firing near Sariab Road")
    # The second operator verifies the translation too, not only the words in their language.
    assert "سریاب روڈ کے قریب فائرنگ" in request.plain and "گھر کے اندر رہیں۔" in request.plain


@pytest.mark.usefixtures("crew")
async def test_update_and_cancel_reference_the_original(
    fake: FakeTelegram, user: Callable[..., FakeUser], database: Database
) -> None:
    amir, bibi = user(AMIR), user(BIBI)
    await draft_with_wizard(amir)
    await amir.expect("Preview")
    await amir.press("📨 Submit for verification")
    original = (await amir.expect("is waiting")).plain.split()[1]
    await bibi.press("✅ Approve", on=await fake.wait_for_message(BIBI, original))
    await bibi.expect("You verified")
    await fake.wait_for_message(AMIR, f"{original} was verified")

    # Progress reports reach the author meanwhile: wait for the answer itself.
    mark = fake.mark(AMIR)
    fake.send_text(
        AMIR, f"/update {original}\nseverity: extreme\nheadline: Attack spreading towards Kalat"
    )
    update = await fake.wait_for_message(AMIR, "is waiting for a second operator", after=mark)
    assert f"of {original} is waiting for a second operator" in update.plain
    assert f"UPDATE to {original}" in update.plain and "🔴 EXTREME" in update.plain
    request = await fake.wait_for_message(BIBI, "Attack spreading towards Kalat")
    await bibi.press("✅ Approve", on=request)
    await bibi.expect("You verified")
    async with database.transaction() as session:
        old = await alert_queries.get_alert(session, identifier=original)
    assert old is not None and old.state.value == "superseded"

    newest = update.plain.split()[2]  # "📨 Update KB-… of KB-… is waiting…"
    await fake.wait_for_message(AMIR, f"{newest} was verified")
    # The superseded original points to the alert that replaced it.
    mark = fake.mark(AMIR)
    fake.send_text(AMIR, f"/update {original}\nheadline: Road reopened")
    stale = await fake.wait_for_message(AMIR, "was superseded by", after=mark)
    assert stale.plain == f"{original} was superseded by {newest}: correct {newest} instead."
    mark = fake.mark(AMIR)
    fake.send_text(AMIR, f"/cancel {original} wrong one")
    assert await fake.wait_for_message(AMIR, f"correct {newest} instead", after=mark)
    mark = fake.mark(AMIR)
    fake.send_text(AMIR, f"/cancel {newest} false report, the road is open")
    cancel = await fake.wait_for_message(AMIR, "waiting for one tap", after=mark)
    assert "waiting for one tap" in cancel.plain
    one_tap = await fake.wait_for_message(BIBI, "CANCELLED")
    assert one_tap.button_texts[0] == "✅ Approve cancel"
    await bibi.press("✅ Approve cancel", on=one_tap)
    await bibi.expect("You verified")
    async with database.transaction() as session:
        cancelled = await alert_queries.get_alert(session, identifier=newest)
    assert cancelled is not None and cancelled.state.value == "cancelled"
    mark = fake.mark(AMIR)
    fake.send_text(AMIR, f"/update {newest}\nheadline: Road reopened")
    closed = await fake.wait_for_message(AMIR, "nothing left to correct", after=mark)
    assert closed.plain.startswith(f"{newest} was cancelled by ")


@pytest.mark.usefixtures("crew")
@pytest.mark.parametrize("language", ["en", "ur"])
async def test_exercise_is_unmistakable(
    fake: FakeTelegram, user: Callable[..., FakeUser], language: str
) -> None:
    amir, bibi = user(AMIR), user(BIBI, language_code=language)
    if language == "ur":
        await bibi.send("/language")
        await bibi.press("اردو")
        await bibi.expect("زبان: اردو")
    await draft_with_wizard(amir, status="Exercise")
    preview = await amir.expect("Preview")
    assert preview.plain.count("EXERCISE — NOT A REAL ALERT") == 2
    await amir.press("📨 Submit for verification")
    banner = "مشق — یہ اصل الرٹ نہیں" if language == "ur" else "EXERCISE — NOT A REAL ALERT"
    request = await fake.wait_for_message(BIBI, banner)
    assert request.plain.count(banner) == 2


@pytest.mark.usefixtures("crew")
@pytest.mark.parametrize("who", [RESIDENT, STAFF])
@pytest.mark.parametrize(
    "command",
    [
        "/newalert",
        "/pending",
        "/update KB-2026-0001 x: y",
        "/cancel KB-2026-0001 no",
        "/grant 5 operator",
        "/revoke 5",
        "/audit",
        "/team",
    ],
)
async def test_privileged_commands_are_refused(
    user: Callable[..., FakeUser], who: int, command: str
) -> None:
    reply = await user(who).send(command)
    if who == RESIDENT:
        assert (
            reply.plain
            == "Sorry, this is only for the Khabardar team. Send /help to see what you can do."
        )
    else:  # staff are on the team: say which role it takes
        needed = "admin" if command.startswith(("/grant", "/revoke", "/audit")) else "operator"
        assert reply.plain == (
            f"Sorry, this needs the {needed} role; you are staff. "
            "An admin can change it with /grant."
        )


@pytest.mark.usefixtures("crew")
async def test_privileged_buttons_are_refused(
    fake: FakeTelegram, user: Callable[..., FakeUser]
) -> None:
    resident = user(RESIDENT)
    message = await resident.send("/help")
    for data in ("vf:ok:KB-2026-0001", "vf:no:KB-2026-0001", "nw:go", "wdone"):
        answer = await resident.press_data(message, data)
        assert answer.show_alert and "only for the Khabardar team" in (answer.text or "")


async def test_admin_grants_and_revokes_roles(
    fake: FakeTelegram, user: Callable[..., FakeUser], database: Database
) -> None:
    admin, newcomer = user(ADMIN_ID), user(4001)
    assert (
        "Your Telegram user id is 4001. Role: resident." in (await newcomer.send("/whoami")).plain
    )
    assert "4001 is now operator." in (await admin.send("/grant 4001 operator")).plain
    assert "Role: operator." in (await newcomer.send("/whoami")).plain
    # The new operator's own command menu now offers the operators' commands, in Urdu too.
    scope = {"type": "chat", "chat_id": 4001}
    assert "newalert" in dict(fake.commands(scope)) and "grant" not in dict(fake.commands(scope))
    assert dict(fake.commands(scope, language_code="ur"))["pending"] == "آپ کی تصدیق کے منتظر الرٹس"
    assert "grant" in dict(fake.commands({"type": "chat", "chat_id": ADMIN_ID}))
    team_list = await admin.send("/team")
    assert (
        f"{ADMIN_ID} · admin (configured)" in team_list.plain
        and "4001 · operator" in team_list.plain
    )
    assert "4001 is no longer operator." in (await admin.send("/revoke 4001")).plain
    assert fake.commands(scope) == []
    assert "Send /grant USER_ID operator" in (await admin.send("/grant someone boss")).plain
    log = await admin.send("/audit")
    assert "role_granted 4001" in log.plain and "role_revoked 4001" in log.plain


CARO = 2003


async def submitted_to_three(fake: FakeTelegram, amir: FakeUser, database: Database) -> str:
    """Amir's alert, sent for verification to Bibi, Caro and the admin; its reference."""
    async with database.transaction() as session:
        await team.grant_role(session, user_id=CARO, role=Role.OPERATOR, granted_by=ADMIN_ID)
    await draft_with_wizard(amir)
    await amir.expect("Preview")
    await amir.press("📨 Submit for verification")
    reference = (await amir.expect("is waiting for a second operator")).plain.split()[1]
    for verifier in (BIBI, CARO, ADMIN_ID):
        await fake.wait_for_message(verifier, "Waiting for your verification")
    return reference


@pytest.mark.usefixtures("crew")
async def test_an_approval_closes_every_other_verifiers_request(
    fake: FakeTelegram, user: Callable[..., FakeUser], database: Database
) -> None:
    amir, bibi, admin = user(AMIR), user(BIBI), user(ADMIN_ID)
    reference = await submitted_to_three(fake, amir, database)
    mark = fake.mark()
    await bibi.press("✅ Approve", on=fake.last(BIBI))
    await bibi.expect(f"You verified {reference}")

    for other in (CARO, ADMIN_ID):
        closed = await fake.wait_for_message(other, "was verified by operator", after=mark)
        assert f"{reference} (Armed attack on the N-25 near Mastung)" in closed.plain
        assert f"verified by operator {BIBI}" in closed.plain
        assert "Nothing is left to do here." in closed.plain
        assert closed.buttons == []
    # Bibi's own message says what she did, as before.
    assert "You verified" in fake.last(BIBI).plain
    # An old copy of the button still answers politely.
    answer = await admin.press_data(fake.last(ADMIN_ID), f"vf:ok:{reference}")
    assert answer.text == "This alert is already verified."


@pytest.mark.usefixtures("crew")
async def test_a_rejection_closes_the_requests_it_can_and_failed_edits_change_nothing(
    fake: FakeTelegram, user: Callable[..., FakeUser], database: Database
) -> None:
    amir, bibi = user(AMIR), user(BIBI)
    reference = await submitted_to_three(fake, amir, database)
    fake.last(CARO).deleted = True  # Caro deleted her request
    await bibi.press("❌ Reject", on=fake.last(BIBI))
    await bibi.expect("Send the reason for rejecting")
    mark = fake.mark()
    # The first request edit (Bibi's own request) meets a passing 502.
    fake.faults.fail_next(1, 502, methods={"editMessageText"})
    done = await bibi.send("Not confirmed by a second source yet")

    assert f"{reference} rejected" in done.plain
    await fake.wait_for_message(AMIR, f"{reference} was rejected by operator {BIBI}")
    closed = await fake.wait_for_message(ADMIN_ID, "was rejected by operator", after=mark)
    assert f"{reference} (Armed attack" in closed.plain and closed.buttons == []
    # The request that could not be edited keeps its buttons; they say it was decided.
    request = next(m for m in fake.messages(BIBI) if "Waiting for your verification" in m.plain)
    assert request.button_texts == ["✅ Approve", "❌ Reject"]
    answer = await bibi.press("✅ Approve", on=request)
    assert answer.text == "This alert was already rejected."
