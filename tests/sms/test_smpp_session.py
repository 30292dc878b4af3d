"""The SMPP session against the fake SMSC: what it does when a connection drops mid-send."""

from __future__ import annotations

import asyncio

import pytest

from delivery.smpp import NotConnected, SmppAccount, SmppClient
from domain.delivery.rules import Priority
from fakesmsc import FakeSmsc

NUMBER = "923001234567"
WAIT = 10.0  # a bound on what should take milliseconds


async def _ignore_inbound(_sender: str, _text: str) -> None:
    """No inbound texts in these tests."""


async def test_a_submit_that_waited_through_a_reconnect_never_precedes_the_new_bind(
    smsc: FakeSmsc,
) -> None:
    """A submit_sm sent on a connection that is not yet bound is refused for good
    (ESME_RINVBNDSTS), so its message would be lost; it must wait for a bound session."""
    pacing, gate = asyncio.Event(), asyncio.Event()

    async def pace(_priority: Priority) -> None:
        pacing.set()
        await gate.wait()

    account = SmppAccount("127.0.0.1", smsc.port, smsc.system_id, smsc.password, "Khabardar")
    client = SmppClient(
        account,
        on_receipt=lambda _id, _ok: None,
        on_inbound=_ignore_inbound,
        pace=pace,
        backoff=(0.01, 0.05),
    )
    session = asyncio.ensure_future(client.run())
    try:
        await asyncio.wait_for(client.connected.wait(), WAIT)
        waiting = asyncio.ensure_future(
            client.submit(NUMBER, "first", receipt=False, reference=1, priority=Priority.URGENT)
        )
        await asyncio.wait_for(pacing.wait(), WAIT)  # it waits for its slot…
        smsc.hold_binds()
        smsc.drop()  # …while the session drops and a new connection awaits its bind_resp
        await smsc.wait_for(lambda: smsc.binds_waiting == 1)
        gate.set()
        with pytest.raises(NotConnected):
            await asyncio.wait_for(waiting, WAIT)
        smsc.release_binds()
        await smsc.wait_for(lambda: smsc.binds == 2)
        await asyncio.wait_for(client.connected.wait(), WAIT)
        ids = await client.submit(
            NUMBER, "second", receipt=False, reference=2, priority=Priority.URGENT
        )
    finally:
        await client.close()
        await asyncio.wait_for(session, WAIT)
    assert len(ids) == 1
    assert smsc.texts_to(NUMBER) == ["second"]  # the first is the sender's to retry
