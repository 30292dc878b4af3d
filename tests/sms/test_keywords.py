"""SMS-only residents text keywords to the service number and get answers by SMS."""

from __future__ import annotations

import pytest

from core.context import KhabardarApp
from core.numbers import NumberVault
from fakesmsc import FakeSmsc
from faketg import FakeTelegram
from storage import sms
from storage.db import Database
from tests.conftest import ADMIN_ID

PHONE = "923001234567"


async def ask(smsc: FakeSmsc, text: str, number: str = PHONE) -> str:
    """Text the service and wait for its answer."""
    before = len(smsc.texts_to(number))
    await smsc.inject(number, text)
    await smsc.wait_for(lambda: len(smsc.texts_to(number)) > before)
    return smsc.texts_to(number)[-1]


async def followed(database: Database, vault: NumberVault, number: str = PHONE) -> tuple[str, ...]:
    async with database.read() as session:
        found = await sms.find_recipient(session, number_hash=vault.lookup(number))
    return found.districts if found else ()


async def test_join_status_stop_help_in_english(
    bot: KhabardarApp, smsc: FakeSmsc, database: Database, vault: NumberVault
) -> None:
    assert "Joined Quetta" in await ask(smsc, "JOIN QUETTA")
    assert "already" in await ask(smsc, "join quetta")  # a second JOIN: nothing doubled
    assert "Joined Chagai" in await ask(smsc, "JOIN DALBANDIN")  # a town, by its district
    assert await followed(database, vault) == ("chagai", "quetta")
    assert "Quetta: no active alerts." in await ask(smsc, "STATUS Quetta")
    assert "Still following: Chagai" in await ask(smsc, "STOP QUETTA")
    assert "JOIN district" in await ask(smsc, "HELP")
    assert "number is erased" in await ask(smsc, "STOP")
    assert await followed(database, vault) == ()
    assert all(s.source == "Khabardar" and s.data_coding == 0 for s in smsc.submitted)


async def test_join_status_stop_help_in_urdu(
    bot: KhabardarApp, smsc: FakeSmsc, database: Database, vault: NumberVault
) -> None:
    assert "شامل" in await ask(smsc, "شامل کوئٹہ")
    assert await followed(database, vault) == ("quetta",)
    assert "کوئی فعال الرٹ نہیں" in await ask(smsc, "حالت کوئٹہ")
    assert "مدد" not in (help_text := await ask(smsc, "مدد")) or "شامل ضلع" in help_text
    assert "نمبر مٹا" in await ask(smsc, "بند")
    assert await followed(database, vault) == ()
    assert all(s.data_coding == 8 for s in smsc.submitted)


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("hello", "did not understand"),
        ("x" * 1000, "did not understand"),
        ("JOIN", "Send a district"),
        ("JOIN Atlantis", "do not know the place Atlantis"),
        ("JOIN quetaa", "Joined Quetta"),  # a typo, forgiven as in the bot
        ("<b>JOIN</b>", "did not understand"),
    ],
)
async def test_bad_input_gets_a_polite_answer(
    bot: KhabardarApp, smsc: FakeSmsc, text: str, answer: str
) -> None:
    assert answer in await ask(smsc, text)


async def test_a_long_urdu_sms_arrives_in_parts_and_is_read_whole(
    bot: KhabardarApp, smsc: FakeSmsc, database: Database, vault: NumberVault
) -> None:
    await ask(smsc, "شامل کوئٹہ " + "براہ کرم " * 40)
    assert await followed(database, vault) == ()  # the place is the whole rest: unknown
    assert "کوئٹہ" in await ask(smsc, "شامل کوئٹہ")
    assert await followed(database, vault) == ("quetta",)


async def test_with_an_smpp_account_residents_are_offered_sms_and_operators_shutdown(
    bot: KhabardarApp, fake: FakeTelegram
) -> None:
    residents = dict(fake.commands())
    assert residents["sms"] == "Add your number for SMS when mobile data is cut"
    # The admin's own menu lists the operator's /shutdown (and the admin's /channel).
    admin = [name for name, _ in fake.commands({"type": "chat", "chat_id": ADMIN_ID})]
    assert "shutdown" in admin and "channel" in admin
