"""Operators declare data shutdowns and see what an approval will cost in SMS."""

from __future__ import annotations

from collections.abc import Callable

from core.context import KhabardarApp
from core.numbers import NumberVault
from faketg import FakeTelegram
from faketg.user import FakeUser
from storage import audit
from storage.audit import AuditAction
from storage.db import Database
from tests.e2e.test_operators import AMIR, BIBI, RESIDENT, crew, draft_with_wizard
from tests.sms.helpers import add_sms_residents, numbers

__all__ = ["crew"]  # the fixture, used by name


async def test_shutdown_on_and_off_is_audited_and_shown(
    bot: KhabardarApp, user: Callable[..., FakeUser], database: Database, crew: None
) -> None:
    amir = user(AMIR)
    await amir.send("/shutdown Quetta, Nushki on")
    told = await amir.expect("Data shutdown declared")
    assert "Nushki, Quetta" in told.plain
    await amir.send("/overview")
    assert "Mobile data shutdown declared: Nushki, Quetta" in (await amir.expect("📵")).plain
    await amir.send("/shutdown Quetta on")
    await amir.expect("Nothing changed")
    await amir.send("/shutdown Quetta off")
    await amir.expect("Data shutdown ended for Quetta")
    async with database.read() as session:
        entries = await audit.list_audit(session)
    actions = [e.action for e in entries]
    assert AuditAction.SHUTDOWN_DECLARED in actions and AuditAction.SHUTDOWN_ENDED in actions


async def test_shutdown_bad_input(
    bot: KhabardarApp, user: Callable[..., FakeUser], crew: None
) -> None:
    amir = user(AMIR)
    await amir.send("/shutdown")
    await amir.expect("/shutdown Quetta, Nushki on")
    await amir.send("/shutdown Atlantis on")
    await amir.expect("Unknown district: Atlantis")
    await amir.send("/shutdown Quetta maybe")
    await amir.expect("/shutdown Quetta, Nushki on")
    resident = user(RESIDENT)  # not an operator: refused, nothing declared
    await resident.send("/shutdown Quetta on")
    assert "declared" not in (await resident.expect("")).plain


async def test_the_verifier_sees_how_many_sms_an_approval_sends(
    fake: FakeTelegram,
    bot: KhabardarApp,
    user: Callable[..., FakeUser],
    database: Database,
    vault: NumberVault,
    crew: None,
) -> None:
    await add_sms_residents(database, vault, numbers(3), "mastung")
    await add_sms_residents(database, vault, numbers(2, start=10), "kalat", language="ur")
    amir = user(AMIR)
    await draft_with_wizard(amir)
    await amir.expect("Preview")
    await amir.press("📨 Submit for verification")
    request = await fake.wait_for_message(BIBI, "Waiting for your verification")
    assert "By SMS: 5 to send" in request.plain
