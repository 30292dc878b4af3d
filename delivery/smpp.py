"""An SMPP 3.4 transceiver on asyncio streams, over smpplib's PDU codec.

smpplib's own client is thread-based and encodes text itself (its GSM table has faults); here
it only builds and parses PDUs, and domain.sms does the encoding. One connection at a time:
bind_transceiver, windowed submit_sm paced by the SMS budget (SMS_RATE for the whole bot, in
every process), enquire_link keep-alive, deliver_sm
receipts and inbound messages, reconnect with capped exponential back-off. A wrong password is
reported and retried slowly, never hammered.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from smpplib import consts

from delivery.smpp_pdu import (
    BAD_LOGIN,
    SmppError,
    make_pdu,
    parse_pdu,
    read_pdu,
    text_of,
)
from domain.delivery.rules import Priority
from domain.sms.encoding import Encoded, decode

log = logging.getLogger(__name__)
logging.getLogger("smpplib").setLevel(logging.ERROR)  # vendor TLVs are normal, not warnings

_RECEIPT_ID = re.compile(r"id:(\S+)")
_RECEIPT_STAT = re.compile(r"stat:(\w+)")
_MESSAGE_STATE_DELIVERED = 2
Receipt = Callable[[str, bool], None]  # (SMSC message id, delivered)
Inbound = Callable[[str, str], Awaitable[None]]  # (sender's number, text)
Pace = Callable[[Priority], Awaitable[None]]  # returns when a submit_sm may go out


class NotConnected(Exception):
    """No bound connection (or it dropped while waiting for an answer)."""


class Unanswered(NotConnected):
    """The connection dropped after the PDU was written: the SMSC may have accepted it, so a
    submit_sm sent again may be a second text."""


@dataclass(frozen=True, slots=True)
class SmppAccount:
    """Where and as whom to bind."""

    host: str
    port: int
    system_id: str
    password: str
    source: str


class SmppClient:
    """Keeps one bound transceiver session up and submits messages over it."""

    def __init__(
        self,
        account: SmppAccount,
        *,
        on_receipt: Receipt,
        on_inbound: Inbound,
        pace: Pace,
        enquire_interval: float = 30.0,
        response_timeout: float = 10.0,
        backoff: tuple[float, float] = (1.0, 60.0),
    ) -> None:
        self.account = account
        self.on_receipt, self.on_inbound = on_receipt, on_inbound
        self.pace = pace
        self.enquire_interval = enquire_interval
        self.response_timeout = response_timeout
        self.backoff = backoff
        self.connected = asyncio.Event()
        self.binds = 0
        self.last_error: str | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._pending: dict[int, asyncio.Future[Any]] = {}
        self._sequence = 0
        self._stop = asyncio.Event()
        self._parts: dict[tuple[str, int], dict[int, str]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._rng = random.Random()  # noqa: S311 - jitter

    # --- the session -------------------------------------------------------------------

    async def run(self) -> None:
        """Connect, bind and serve until close(); reconnect with back-off after any failure."""
        failures = 0
        while not self._stop.is_set():
            try:
                await self._session()
                failures = 0
            except (OSError, asyncio.IncompleteReadError, ValueError, TimeoutError) as exc:
                self.last_error = type(exc).__name__
                if self._stop.is_set():
                    break
                log.warning("SMPP connection lost (%s); reconnecting", self.last_error)
            except SmppError as exc:
                self.last_error = str(exc)
                log.error("SMPP bind refused: %s", exc)
                if exc.status in BAD_LOGIN:
                    failures = max(failures, 6)  # a wrong password: retry slowly, not forever fast
            finally:
                self._lost()
            if self._stop.is_set():
                break
            failures += 1
            low, high = self.backoff
            wait = min(high, low * (2 ** min(failures - 1, 10))) * (0.5 + self._rng.random() / 2)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), wait)

    async def close(self) -> None:
        """Unbind politely and stop reconnecting."""
        self._stop.set()
        if self._writer is not None and self.connected.is_set():
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._request("unbind"), 2)
        if self._writer is not None:
            self._writer.close()

    def stop_soon(self) -> None:
        """Stop reconnecting and drop the connection (the process is stopping)."""
        self._stop.set()
        if self._writer is not None:
            self._writer.close()

    async def _session(self) -> None:
        account = self.account
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection(account.host, account.port), self.response_timeout
        )
        self._writer = writer
        reading = asyncio.ensure_future(self._read(reader))
        try:
            # Awaited directly (not through wait_for's task), so the bind is the first PDU on
            # the new connection whatever else is ready to run.
            async with asyncio.timeout(self.response_timeout):
                await self._request(
                    "bind_transceiver",
                    system_id=account.system_id,
                    password=account.password,
                    system_type="",
                    interface_version=0x34,
                    addr_ton=0,
                    addr_npi=0,
                    address_range="",
                )
            self.binds += 1
            self.connected.set()
            self.last_error = None
            log.info("SMPP bound as transceiver")
            while not reading.done():
                done, _ = await asyncio.wait({reading}, timeout=self.enquire_interval)
                if not done:
                    await asyncio.wait_for(self._request("enquire_link"), self.response_timeout)
            reading.result()  # re-raise why the reader stopped
        finally:
            reading.cancel()
            with contextlib.suppress(BaseException):
                await reading
            writer.close()

    def _lost(self) -> None:
        self.connected.clear()
        self._writer = None
        for future in self._pending.values():
            if not future.done():
                future.set_exception(Unanswered("connection lost before the SMSC answered"))
        self._pending.clear()

    async def _read(self, reader: asyncio.StreamReader) -> None:
        while True:
            pdu = parse_pdu(await read_pdu(reader))
            if pdu.is_response():
                future = self._pending.pop(pdu.sequence, None)
                if future is not None and not future.done():
                    if pdu.status != consts.SMPP_ESME_ROK:
                        future.set_exception(SmppError(pdu.status))
                    else:
                        future.set_result(pdu)
                continue
            if pdu.command == "enquire_link":
                self._send(make_pdu("enquire_link_resp", pdu.sequence))
            elif pdu.command == "deliver_sm":
                self._send(make_pdu("deliver_sm_resp", pdu.sequence, message_id=""))
                self._deliver(pdu)
            elif pdu.command == "unbind":
                self._send(make_pdu("unbind_resp", pdu.sequence))
                raise ConnectionResetError("SMSC unbound")
            else:
                self._send(
                    make_pdu("generic_nack", pdu.sequence, status=consts.SMPP_ESME_RINVCMDID)
                )

    def _send(self, data: bytes) -> None:
        if self._writer is None:
            raise NotConnected("not connected")
        self._writer.write(data)

    async def _request(self, command: str, **fields: Any) -> Any:
        self._sequence = self._sequence % 0x7FFFFFFF + 1
        sequence = self._sequence
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending[sequence] = future
        try:
            self._send(make_pdu(command, sequence, **fields))
            return await asyncio.wait_for(future, self.response_timeout)
        finally:
            self._pending.pop(sequence, None)

    # --- inbound -----------------------------------------------------------------------

    def _deliver(self, pdu: Any) -> None:
        esm = int(pdu.esm_class or 0)
        body = pdu.short_message or pdu.message_payload or b""
        if esm & 0x3C == 0x04:  # a delivery receipt
            raw = text_of(body)
            found = text_of(pdu.receipted_message_id) or next(iter(_RECEIPT_ID.findall(raw)), "")
            stat = next(iter(_RECEIPT_STAT.findall(raw)), "")
            state = pdu.message_state
            delivered = (
                state == _MESSAGE_STATE_DELIVERED if state is not None else stat == "DELIVRD"
            )
            if found:
                self.on_receipt(found, delivered)
            return
        sender = text_of(pdu.source_addr)
        data = bytes(body)
        if esm & 0x40 and data:  # concatenated: gather the parts first
            text = self._reassemble(sender, data, int(pdu.data_coding or 0))
            if text is None:
                return
        else:
            text = decode(data, int(pdu.data_coding or 0))
        task = asyncio.ensure_future(self.on_inbound(sender, text))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _reassemble(self, sender: str, data: bytes, coding: int) -> str | None:
        header, body = data[1 : 1 + data[0]], data[1 + data[0] :]
        if len(header) >= 5 and header[0] == 0x00:  # 8-bit reference
            ref, total, number = header[2], header[3], header[4]
        elif len(header) >= 6 and header[0] == 0x08:  # 16-bit reference
            ref, total, number = (header[2] << 8) | header[3], header[4], header[5]
        else:
            return decode(body, coding)
        parts = self._parts.setdefault((sender, ref), {})
        parts[number] = decode(body, coding)
        if len(parts) < total:
            return None
        del self._parts[(sender, ref)]
        return "".join(parts[i] for i in sorted(parts))

    # --- outbound ----------------------------------------------------------------------

    async def submit(
        self, destination: str, text: str, *, receipt: bool, reference: int, priority: Priority
    ) -> list[str]:
        """Send a text (in as many parts as it needs); the SMSC's message id of each part.
        Raises SmppError (refused) or NotConnected (try again later)."""
        try:  # a reply to a message that arrived just as the session was (re)bound
            await asyncio.wait_for(self.connected.wait(), self.response_timeout)
        except TimeoutError:
            raise NotConnected("not connected") from None
        encoded = Encoded.of(text, reference=reference)
        ids: list[str] = []
        for payload in encoded.payloads:
            await self.pace(priority)
            # The session may have dropped while this waited for its slot, and a new one may
            # be connected but not yet bound: a submit_sm now would be refused for good
            # (ESME_RINVBNDSTS) and its message lost. Checked with no await before the send.
            if not self.connected.is_set():
                raise NotConnected("connection lost while waiting to send")
            try:
                answer = await self._submit_sm(destination, encoded, payload, receipt=receipt)
            except SmppError as exc:
                if exc.status != consts.SMPP_ESME_RINVBNDSTS:
                    raise
                # The SMSC no longer counts this session as bound: bind again, send later.
                self._drop_session()
                raise NotConnected("the SMSC says this session is not bound") from None
            ids.append(text_of(answer.message_id))
        return ids

    def _drop_session(self) -> None:
        if self._writer is not None:
            self._writer.close()

    async def _submit_sm(
        self, destination: str, encoded: Encoded, payload: bytes, *, receipt: bool
    ) -> Any:
        return await self._request(
            "submit_sm",
            service_type="",
            source_addr_ton=5 if not self.account.source.isdigit() else 1,
            source_addr_npi=0 if not self.account.source.isdigit() else 1,
            source_addr=self.account.source,
            dest_addr_ton=1,
            dest_addr_npi=1,
            destination_addr=destination,
            esm_class=0x40 if encoded.concatenated else 0,
            protocol_id=0,
            priority_flag=0,
            schedule_delivery_time="",
            validity_period="",
            registered_delivery=1 if receipt else 0,
            replace_if_present_flag=0,
            data_coding=int(encoded.coding),
            sm_default_msg_id=0,
            short_message=payload,
        )
