"""The fake SMSC speaks SMPP 3.4 as a real one does, to a raw client."""

import asyncio
import struct
from typing import Any

from smpplib import consts, smpp

from fakesmsc import FakeSmsc


class _Seq:
    def __init__(self, number: int = 0) -> None:
        self.sequence = number

    def next_sequence(self) -> int:
        return self.sequence


async def _exchange(smsc: FakeSmsc, command: str, **fields: Any) -> Any:
    reader, writer = await asyncio.open_connection("127.0.0.1", smsc.port)
    writer.write(smpp.make_pdu(command, client=_Seq(1), **fields).generate())
    head = await reader.readexactly(4)
    (length,) = struct.unpack(">L", head)
    raw = head + await reader.readexactly(length - 4)
    writer.close()
    return smpp.parse_pdu(raw, client=_Seq(), allow_unknown_opt_params=True)


async def test_a_wrong_password_gets_a_bodyless_error() -> None:
    async with FakeSmsc() as smsc:
        answer = await _exchange(
            smsc, "bind_transceiver", system_id="khabardar", password="wrong", system_type=""
        )
    assert answer.command == "bind_transceiver_resp"
    assert answer.status == consts.SMPP_ESME_RINVPASWD
    assert smsc.rejected_binds == 1 and smsc.binds == 0


async def test_submit_before_bind_is_refused() -> None:
    async with FakeSmsc() as smsc:
        answer = await _exchange(smsc, "submit_sm", destination_addr="923001234567")
    assert answer.status == consts.SMPP_ESME_RINVBNDSTS
    assert smsc.submitted == []


async def test_a_held_bind_is_answered_once_released() -> None:
    async with FakeSmsc() as smsc:
        smsc.hold_binds()
        exchange = asyncio.ensure_future(
            _exchange(smsc, "bind_transceiver", system_id="khabardar", password="secret")
        )
        await smsc.wait_for(lambda: smsc.binds_waiting == 1)
        assert not exchange.done() and smsc.binds == 0
        smsc.release_binds()
        answer = await exchange
    assert answer.command == "bind_transceiver_resp"
    assert answer.status == consts.SMPP_ESME_ROK and smsc.binds == 1
