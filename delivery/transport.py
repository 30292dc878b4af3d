"""A lean keep-alive HTTP/1.1 transport for python-telegram-bot's Bot API requests.

Measured on the 2-core box against faketg (see README "Delivery engine"): PTB's default
HTTPXRequest tops out near 870 requests/s with 8 connections and gets slower with more, while
PTB itself costs about 120 µs a message; the same PTB over this transport does ~3,700/s, near the
fake's own ceiling. Bot API calls are small urlencoded POSTs with JSON answers, so a plain
asyncio stream per connection is enough. Uploads (multipart) go through HTTPXRequest.
"""

from __future__ import annotations

import asyncio
import ssl
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, HTTPXRequest, RequestData

# Servers close idle keep-alive connections (uvicorn after 5 s by default, nginx after 75 s);
# a connection idle longer than this is not reused, so a request rarely meets a closed socket.
MAX_IDLE_SECONDS = 4.0
_Origin = tuple[str, str, int]


class _Stale(Exception):
    """The server closed a reused connection before answering: safe to resend once."""


@dataclass(eq=False)
class _Connection:
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    idle_since: float = field(default_factory=time.monotonic)

    def usable(self) -> bool:
        fresh = time.monotonic() - self.idle_since < MAX_IDLE_SECONDS
        return fresh and not self.reader.at_eof() and not self.writer.is_closing()

    def close(self) -> None:
        self.writer.close()

    async def exchange(self, request: bytes, write_timeout: float | None) -> None:
        try:
            self.writer.write(request)
            async with asyncio.timeout(write_timeout):
                await self.writer.drain()
        except ConnectionError:
            raise _Stale from None

    async def response(self, read_timeout: float | None) -> tuple[int, bytes, bool]:
        """Status, body, and whether the connection may be reused."""
        async with asyncio.timeout(read_timeout):
            try:
                status_line = await self.reader.readline()
            except ConnectionError:
                raise _Stale from None
            if not status_line:
                raise _Stale
            version, status = status_line.split(None, 2)[:2]
            headers: dict[bytes, bytes] = {}
            while (line := await self.reader.readline()) not in (b"\r\n", b"\n", b""):
                name, _, value = line.partition(b":")
                headers[name.strip().lower()] = value.strip().lower()
            keep = version == b"HTTP/1.1" and headers.get(b"connection") != b"close"
            if headers.get(b"transfer-encoding", b"").endswith(b"chunked"):
                body = await self._chunked()
            elif b"content-length" in headers:
                body = await self.reader.readexactly(int(headers[b"content-length"]))
            else:
                body, keep = await self.reader.read(), False
        return int(status), body, keep

    async def _chunked(self) -> bytes:
        parts = []
        while size := int((await self.reader.readline()).split(b";")[0], 16):
            parts.append(await self.reader.readexactly(size))
            await self.reader.readexactly(2)
        while (await self.reader.readline()) not in (b"\r\n", b"\n", b""):
            pass  # trailers
        return b"".join(parts)


class StreamRequest(BaseRequest):
    """Bot API requests over a pool of persistent asyncio connections."""

    def __init__(
        self,
        *,
        pool_size: int = 32,
        connect_timeout: float = 5.0,
        read_timeout: float = 5.0,
        write_timeout: float = 5.0,
        pool_timeout: float = 5.0,
    ) -> None:
        self._slots = asyncio.Semaphore(pool_size)
        self._idle: dict[_Origin, list[_Connection]] = {}
        self._timeouts = {
            "connect": connect_timeout,
            "read": read_timeout,
            "write": write_timeout,
            "pool": pool_timeout,
        }
        self._ssl: ssl.SSLContext | None = None
        self._uploads = HTTPXRequest(connection_pool_size=2, read_timeout=read_timeout)

    @property
    def read_timeout(self) -> float | None:
        """The default read timeout."""
        return self._timeouts["read"]

    async def initialize(self) -> None:
        """Prepare the upload client; connections open on first use."""
        await self._uploads.initialize()

    async def shutdown(self) -> None:
        """Close every idle connection and the upload client."""
        for connections in self._idle.values():
            for connection in connections:
                connection.close()
        self._idle.clear()
        await self._uploads.shutdown()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Send one request and return its status and body."""
        if request_data is not None and request_data.contains_files:
            return await self._uploads.do_request(
                url, method, request_data, read_timeout, write_timeout, connect_timeout
            )
        parts = urlsplit(url)
        secure = parts.scheme == "https"
        origin = (parts.scheme, parts.hostname or "", parts.port or (443 if secure else 80))
        body = request_data.url_encoded_parameters().encode() if request_data else b""
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        head = (
            f"{method} {path} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
            f"User-Agent: {self.USER_AGENT}\r\nAccept: application/json\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        )
        request = head.encode() + body
        try:
            async with asyncio.timeout(self._pick(pool_timeout, "pool")):
                await self._slots.acquire()
        except TimeoutError:
            raise TimedOut("Pool timeout: every connection is busy; nothing was sent") from None
        try:
            return await self._exchange(
                origin,
                request,
                self._pick(connect_timeout, "connect"),
                self._pick(write_timeout, "write"),
                self._pick(read_timeout, "read"),
            )
        finally:
            self._slots.release()

    async def _exchange(
        self,
        origin: _Origin,
        request: bytes,
        connect_timeout: float | None,
        write_timeout: float | None,
        read_timeout: float | None,
    ) -> tuple[int, bytes]:
        for attempt in range(2):
            connection, reused = await self._connection(origin, connect_timeout)
            try:
                await connection.exchange(request, write_timeout)
                status, payload, keep = await connection.response(read_timeout)
            except _Stale:
                connection.close()
                if reused and attempt == 0:
                    continue  # the server had closed it while idle; nothing was processed
                raise NetworkError("Connection closed before an answer") from None
            except TimeoutError:
                connection.close()
                raise TimedOut from None
            except (OSError, ValueError, asyncio.IncompleteReadError) as exc:
                connection.close()
                raise NetworkError(f"Connection failed: {exc!r}") from exc
            if keep:
                connection.idle_since = time.monotonic()
                self._idle.setdefault(origin, []).append(connection)
            else:
                connection.close()
            return status, payload
        raise AssertionError("unreachable")

    async def _connection(
        self, origin: _Origin, connect_timeout: float | None
    ) -> tuple[_Connection, bool]:
        idle = self._idle.get(origin, [])
        while idle:
            connection = idle.pop()
            if connection.usable():
                return connection, True
            connection.close()
        scheme, host, port = origin
        if scheme == "https" and self._ssl is None:
            self._ssl = ssl.create_default_context()
        try:
            async with asyncio.timeout(connect_timeout):
                reader, writer = await asyncio.open_connection(
                    host, port, ssl=self._ssl if scheme == "https" else None, limit=2**20
                )
        except TimeoutError:
            raise TimedOut("Connect timeout") from None
        except OSError as exc:
            raise NetworkError(f"Cannot connect: {exc!r}") from exc
        return _Connection(reader, writer), False

    def _pick(self, value: ODVInput[float], name: str) -> float | None:
        return self._timeouts[name] if isinstance(value, DefaultValue) else value
