"""The fake SMSC: records submit_sm, returns receipts, throttles, drops, injects deliver_sm."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import struct
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from types import TracebackType
from typing import Any

from smpplib import consts, smpp

# GSM 03.38, enough to read what the product sends (unpacked septets, data_coding 0).
_GSM = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM_EXT = {0x0A: "\f", 0x14: "^", 0x28: "{", 0x29: "}", 0x2F: "\\", 0x3C: "[", 0x3D: "~",
            0x3E: "]", 0x40: "|", 0x65: "€"}  # fmt: skip


def _gsm_decode(data: bytes) -> str:
    out, escaped = [], False
    for octet in data:
        if escaped:
            out.append(_GSM_EXT.get(octet, "?"))
            escaped = False
        elif octet == 0x1B:
            escaped = True
        else:
            out.append(_GSM[octet & 0x7F])
    return "".join(out)


class _Seq:
    def __init__(self, number: int = 0) -> None:
        self.sequence = number

    def next_sequence(self) -> int:
        return self.sequence


def _pdu(command: str, sequence: int, **fields: Any) -> bytes:
    return bytes(smpp.make_pdu(command, client=_Seq(sequence), **fields).generate())


def _str(value: Any) -> str:
    return value.decode("latin-1") if isinstance(value, bytes) else str(value or "")


@dataclass(frozen=True, slots=True)
class Submitted:
    """One submit_sm as the SMSC received it."""

    message_id: str
    source: str
    destination: str
    data_coding: int
    esm_class: int
    registered_delivery: int
    short_message: bytes

    @property
    def udh(self) -> bytes:
        """The user data header, if the UDHI bit is set."""
        return self.short_message[: 1 + self.short_message[0]] if self.esm_class & 0x40 else b""

    @property
    def text(self) -> str:
        """This part's text."""
        body = self.short_message[len(self.udh) :]
        return body.decode("utf-16-be") if self.data_coding == 8 else _gsm_decode(body)


class FakeSmsc:
    """An SMPP server on 127.0.0.1 for one test or the demo."""

    def __init__(
        self,
        *,
        system_id: str = "khabardar",
        password: str = "secret",  # noqa: S107 - a fake's fixed login
        receipts: bool = True,
    ) -> None:
        self.system_id, self.password = system_id, password
        self.receipts = receipts
        self.port = 0
        self.submitted: list[Submitted] = []
        self.messages_per_number: Counter[str] = Counter()  # whole messages (first parts)
        self.submit_times: list[float] = []  # time.perf_counter() of each accepted submit_sm
        self.per_connection: Counter[int] = Counter()  # accepted submit_sm by connection
        self.binds = 0
        self.rejected_binds = 0
        self.throttled = 0
        # The account's throughput, as aggregators enforce it: more submit_sm than this in
        # any one second, over all binds together, are answered ESME_RTHROTTLED (None: no cap).
        self.tps: float | None = None
        self._accepted: deque[float] = deque()
        self.failing: set[str] = set()  # receipts say UNDELIV for these destinations
        self.invalid: set[str] = set()  # submit_sm answered ESME_RINVDSTADR
        self._throttle = 0
        self._drop_after: int | None = None
        self._binds_open = asyncio.Event()
        self._binds_open.set()
        self.binds_waiting = 0  # bind_transceiver requests held by hold_binds()
        self._server: asyncio.Server | None = None
        self._sessions: set[asyncio.StreamWriter] = set()
        self._serving: set[asyncio.Task[object]] = set()
        self._bound: list[asyncio.StreamWriter] = []
        self._ids = itertools.count(1)
        self._seq = itertools.count(1)
        self._changed = asyncio.Condition()

    async def __aenter__(self) -> FakeSmsc:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._server is not None
        self._server.close()
        self.drop()
        await asyncio.gather(*self._serving, return_exceptions=True)
        await self._server.wait_closed()

    # --- what tests ask of it ----------------------------------------------------------

    def throttle(self, count: int) -> None:
        """Answer the next `count` submit_sm with ESME_RTHROTTLED."""
        self._throttle = count

    def _over_tps(self) -> bool:
        if self.tps is None:
            return False
        now = time.perf_counter()
        while self._accepted and self._accepted[0] <= now - 1.0:
            self._accepted.popleft()
        if len(self._accepted) >= self.tps:
            return True
        self._accepted.append(now)
        return False

    def drop_after(self, count: int) -> None:
        """Drop the connection on the `count`-th next submit_sm, before answering it."""
        self._drop_after = count

    def hold_binds(self) -> None:
        """Leave the next bind_transceiver requests unanswered until release_binds(): a slow
        SMSC, and the moment a client is connected but not yet bound."""
        self._binds_open.clear()

    def release_binds(self) -> None:
        """Answer the held bind_transceiver requests (and the next ones at once)."""
        self._binds_open.set()

    def drop(self) -> None:
        """Close every connection now, without unbind."""
        for writer in list(self._sessions):
            writer.close()
        self._bound.clear()

    @property
    def bound(self) -> bool:
        """Whether a client is bound now."""
        return bool(self._bound)

    def texts_to(self, destination: str) -> list[str]:
        """Whole messages sent to a number (concatenated parts joined), in order."""
        out: list[str] = []
        partial: dict[int, dict[int, str]] = {}
        for sub in self.submitted:
            if sub.destination != destination:
                continue
            udh = sub.udh
            if len(udh) >= 6 and udh[1] == 0x00:
                parts = partial.setdefault(udh[3], {})
                parts[udh[5]] = sub.text
                if len(parts) == udh[4]:
                    out.append("".join(parts[i] for i in sorted(parts)))
                    del partial[udh[3]]
            else:
                out.append(sub.text)
        return out

    async def wait_for(self, condition: Callable[[], object], seconds: float = 10.0) -> None:
        """Wait until condition() is true (re-checked after every PDU)."""
        async with asyncio.timeout(seconds), self._changed:
            await self._changed.wait_for(condition)

    async def inject(self, source: str, text: str, *, destination: str = "8000") -> None:
        """An inbound SMS from a handset: deliver_sm to the bound client (split if long)."""
        await self.wait_for(lambda: self._bound)
        ucs2 = not text.isascii()
        data = text.encode("utf-16-be") if ucs2 else text.encode("ascii")
        limit = 140 if ucs2 else 160
        chunks = [data]
        if len(data) > limit:
            size = 134 if ucs2 else 153
            chunks = [data[i : i + size] for i in range(0, len(data), size)]
        reference = next(self._ids) & 0xFF
        for number, chunk in enumerate(chunks, start=1):
            header = bytes((5, 0, 3, reference, len(chunks), number)) if len(chunks) > 1 else b""
            self._bound[0].write(
                _pdu(
                    "deliver_sm",
                    next(self._seq),
                    source_addr_ton=1,
                    source_addr_npi=1,
                    source_addr=source,
                    dest_addr_ton=0,
                    dest_addr_npi=0,
                    destination_addr=destination,
                    esm_class=0x40 if header else 0,
                    data_coding=8 if ucs2 else 0,
                    short_message=header + chunk,
                )
            )

    # --- the server --------------------------------------------------------------------

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._sessions.add(writer)
        task = asyncio.current_task()
        assert task is not None
        self._serving.add(task)
        try:
            while True:
                head = await reader.readexactly(4)
                (length,) = struct.unpack(">L", head)
                raw = head + await reader.readexactly(length - 4)
                pdu = smpp.parse_pdu(raw, client=_Seq(), allow_unknown_opt_params=True)
                if pdu.command == "bind_transceiver" and not self._binds_open.is_set():
                    await self._held_bind()
                if not self._answer(pdu, writer):
                    break
                await writer.drain()
                async with self._changed:
                    self._changed.notify_all()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass  # the client hung up (or a test dropped it): this session simply ends
        finally:
            self._sessions.discard(writer)
            self._serving.discard(task)
            with contextlib.suppress(ValueError):
                self._bound.remove(writer)
            writer.close()
            async with self._changed:
                self._changed.notify_all()

    async def _held_bind(self) -> None:
        self.binds_waiting += 1
        async with self._changed:
            self._changed.notify_all()
        try:
            await self._binds_open.wait()
        finally:
            self.binds_waiting -= 1

    def _answer(self, pdu: Any, writer: asyncio.StreamWriter) -> bool:
        seq = pdu.sequence
        if pdu.command == "bind_transceiver":
            if _str(pdu.system_id) != self.system_id or _str(pdu.password) != self.password:
                self.rejected_binds += 1
                # A bodyless error response, as SMPP 3.4 allows.
                writer.write(struct.pack(">LLLL", 16, 0x80000009, consts.SMPP_ESME_RINVPASWD, seq))
                return True
            self.binds += 1
            self._bound.append(writer)
            writer.write(_pdu("bind_transceiver_resp", seq, system_id="fakesmsc"))
        elif pdu.command == "enquire_link":
            writer.write(_pdu("enquire_link_resp", seq))
        elif pdu.command == "unbind":
            writer.write(_pdu("unbind_resp", seq))
            return False
        elif pdu.command == "submit_sm":
            return self._submit(pdu, writer)
        elif pdu.command == "deliver_sm_resp" or pdu.is_response():
            pass  # the client acknowledging what we sent: nothing to answer
        else:
            writer.write(_pdu("generic_nack", seq, status=consts.SMPP_ESME_RINVCMDID))
        return True

    def _submit(self, pdu: Any, writer: asyncio.StreamWriter) -> bool:
        seq = pdu.sequence
        if writer not in self._bound:
            writer.write(_pdu("submit_sm_resp", seq, status=consts.SMPP_ESME_RINVBNDSTS))
            return True
        if self._drop_after is not None:
            self._drop_after -= 1
            if self._drop_after <= 0:
                self._drop_after = None
                return False  # gone mid-request: the client never learns this one's fate
        if self._throttle > 0 or self._over_tps():
            self._throttle = max(0, self._throttle - 1)
            self.throttled += 1
            writer.write(_pdu("submit_sm_resp", seq, status=consts.SMPP_ESME_RTHROTTLED))
            return True
        destination = _str(pdu.destination_addr)
        if destination in self.invalid:
            writer.write(_pdu("submit_sm_resp", seq, status=consts.SMPP_ESME_RINVDSTADR))
            return True
        message_id = f"{next(self._ids):08x}"
        self.per_connection[id(writer)] += 1
        submitted = Submitted(
            message_id=message_id,
            source=_str(pdu.source_addr),
            destination=destination,
            data_coding=int(pdu.data_coding or 0),
            esm_class=int(pdu.esm_class or 0),
            registered_delivery=int(pdu.registered_delivery or 0),
            short_message=bytes(pdu.short_message or b""),
        )
        self.submitted.append(submitted)
        self.submit_times.append(time.perf_counter())
        if not submitted.udh or submitted.udh[-1] == 1:
            self.messages_per_number[destination] += 1
        writer.write(_pdu("submit_sm_resp", seq, message_id=message_id))
        if self.receipts and int(pdu.registered_delivery or 0) & 1:
            ok = destination not in self.failing
            stamp = datetime.now(UTC).strftime("%y%m%d%H%M")
            stat = "DELIVRD" if ok else "UNDELIV"
            receipt = (
                f"id:{message_id} sub:001 dlvrd:{int(ok):03d} submit date:{stamp} "
                f"done date:{stamp} stat:{stat} err:000 text:"
            )
            writer.write(
                _pdu(
                    "deliver_sm",
                    next(self._seq),
                    source_addr=destination,
                    destination_addr=_str(pdu.source_addr),
                    esm_class=0x04,
                    data_coding=0,
                    short_message=receipt.encode("ascii"),
                    receipted_message_id=message_id,
                    message_state=2 if ok else 5,
                )
            )
        return True
