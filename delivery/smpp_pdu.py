"""SMPP 3.4 PDUs over smpplib's codec: the command statuses we act on, and encode, decode and
read one PDU. smpplib's client is thread-based; only its codec is used (see delivery.smpp)."""

from __future__ import annotations

import asyncio
import struct
from typing import Any

from smpplib import consts, smpp

THROTTLED = (consts.SMPP_ESME_RTHROTTLED, consts.SMPP_ESME_RMSGQFUL)
BAD_DESTINATION = (
    consts.SMPP_ESME_RINVDSTADR,
    consts.SMPP_ESME_RINVDSTTON,
    consts.SMPP_ESME_RINVDSTNPI,
)
BAD_LOGIN = (consts.SMPP_ESME_RINVPASWD, consts.SMPP_ESME_RINVSYSID, consts.SMPP_ESME_RBINDFAIL)
MAX_PDU = 64 * 1024


class SmppError(Exception):
    """The SMSC refused a request with this command_status."""

    def __init__(self, status: int) -> None:
        super().__init__(f"SMPP status 0x{status:02X}")
        self.status = status


class _Seq:
    """smpplib asks its 'client' for the next sequence number; we hand it ours."""

    def __init__(self, number: int = 0) -> None:
        self.sequence = number

    def next_sequence(self) -> int:
        return self.sequence


def make_pdu(command: str, sequence: int, **fields: Any) -> bytes:
    """Encode one PDU."""
    return bytes(smpp.make_pdu(command, client=_Seq(sequence), **fields).generate())


def parse_pdu(data: bytes) -> Any:
    """Decode one PDU; unknown (vendor) TLVs are skipped, not fatal."""
    return smpp.parse_pdu(data, client=_Seq(), allow_unknown_opt_params=True)


async def read_pdu(reader: asyncio.StreamReader) -> bytes:
    """One whole PDU from a stream."""
    head = await reader.readexactly(4)
    (length,) = struct.unpack(">L", head)
    if not 16 <= length <= MAX_PDU:
        raise ValueError("bad PDU length")
    return head + await reader.readexactly(length - 4)


def text_of(value: Any) -> str:
    """A PDU field as text (smpplib hands back bytes or None)."""
    if isinstance(value, bytes):
        return value.decode("latin-1")
    return str(value or "")
