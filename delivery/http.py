"""python-telegram-bot's Bot API requests over one aiohttp ClientSession (uploads through httpx)."""

from __future__ import annotations

import functools
import ssl
from collections.abc import Callable

import aiohttp
import httpx
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, HTTPXRequest, RequestData

# Servers close idle keep-alive connections (uvicorn after 5 s by default, nginx after 75 s);
# a connection idle longer than this is not reused, so a request rarely meets a closed socket.
MAX_IDLE_SECONDS = 4.0
MEDIA_WRITE_TIMEOUT = 20.0  # PTB's default for uploads
# Telegram takes JSON bodies for every method without a file. json.dumps runs in C, where
# urlencode quotes every byte of an Urdu or Pashto text in Python (and triples its size).
JSON = {"Content-Type": "application/json"}
# What PTB passes for a timeout the caller left unset (its private DefaultValue class).
_Unset = type(BaseRequest.DEFAULT_NONE)


@functools.cache
def tls_context() -> ssl.SSLContext:
    """One verified TLS context per process for PTB's httpx clients.

    Each httpx client would otherwise load the CA bundle anew (about 40 ms of CPU per client);
    a context is safe to share between clients.
    """
    return httpx.create_ssl_context()


class NotReached(NetworkError):
    """Telegram was not reached at all (refused, unresolvable, no connection in time): the
    request never left, so it cannot have been delivered and trying again repeats nothing."""


class AiohttpRequest(BaseRequest):
    """Bot API calls over a pool of keep-alive connections, one attempt each.

    A POST is never resent here, not even on a reused connection that drops: Telegram may have
    processed it, and the engine's retry policy (which counts attempts) decides. aiohttp resends
    only idempotent methods, and PTB posts every Bot API call.
    """

    def __init__(
        self,
        *,
        pool_size: int = 32,
        connect_timeout: float | None = 5.0,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        pool_timeout: float | None = 5.0,
        on_answer: Callable[[], None] | None = None,
    ) -> None:
        self._on_answer = on_answer
        self._pool_size = pool_size
        self._connect, self._read = connect_timeout, read_timeout
        self._write, self._pool = write_timeout, pool_timeout
        self._timeout = self._client_timeout()
        self._session: aiohttp.ClientSession | None = None
        self._ready = False
        self._uploads: HTTPXRequest | None = None  # a map or a file: PTB's client, on first use

    @property
    def read_timeout(self) -> float | None:
        """The default read timeout."""
        return self._read

    async def initialize(self) -> None:
        """Ready to send. Clients open with their first request, so a request that is never
        used (a worker's polling client, the uploads of one that only polls) or whose start
        failed (a rejected token) holds no connection pool for anyone to close."""
        self._ready = True

    def _open_uploads(self) -> HTTPXRequest:
        if not self._ready:
            raise RuntimeError("This AiohttpRequest is not initialized")
        if self._uploads is None:
            self._uploads = HTTPXRequest(
                connection_pool_size=2,
                read_timeout=self._read,
                httpx_kwargs={"verify": tls_context()},
            )
        return self._uploads

    def _open_session(self) -> aiohttp.ClientSession:
        if not self._ready:
            raise RuntimeError("This AiohttpRequest is not initialized")
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(
                limit=self._pool_size, limit_per_host=0, keepalive_timeout=MAX_IDLE_SECONDS
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                headers={"User-Agent": self.USER_AGENT, **JSON},
                cookie_jar=aiohttp.DummyCookieJar(),
            )
        return self._session

    def _client_timeout(
        self,
        pool_timeout: object = BaseRequest.DEFAULT_NONE,
        connect_timeout: object = BaseRequest.DEFAULT_NONE,
        write_timeout: object = BaseRequest.DEFAULT_NONE,
        read_timeout: object = BaseRequest.DEFAULT_NONE,
    ) -> aiohttp.ClientTimeout:
        """aiohttp's timeouts for PTB's four, ours where the caller chose none.

        aiohttp's read timeout starts once the body is written, and it has no write timeout:
        the sum of all four bounds a write that never ends. Waiting for a free connection
        counts against the connect timeout.
        """
        pool = _chosen(pool_timeout, self._pool)
        connect = _chosen(connect_timeout, self._connect)
        read = _chosen(read_timeout, self._read)
        write = _chosen(write_timeout, self._write)
        return aiohttp.ClientTimeout(
            total=_sum(pool, connect, write, read),
            connect=_sum(pool, connect),
            sock_connect=connect,
            sock_read=read,
        )

    async def shutdown(self) -> None:
        """Close every connection and the upload client."""
        self._ready = False
        if self._session is not None:
            await self._session.close()
            self._session = None
        if self._uploads is not None:
            await self._uploads.shutdown()
            self._uploads = None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: object = BaseRequest.DEFAULT_NONE,
        write_timeout: object = BaseRequest.DEFAULT_NONE,
        connect_timeout: object = BaseRequest.DEFAULT_NONE,
        pool_timeout: object = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Send one request and return its status and body."""
        if request_data is not None and request_data.contains_files:
            return await self._open_uploads().do_request(
                url,
                method,
                request_data,
                _chosen(read_timeout, self._read),
                _chosen(write_timeout, MEDIA_WRITE_TIMEOUT),
                _chosen(connect_timeout, self._connect),
                _chosen(pool_timeout, self._pool),
            )
        session = self._open_session()
        chosen = (pool_timeout, connect_timeout, write_timeout, read_timeout)
        timeout = (
            self._timeout
            if all(isinstance(value, _Unset) for value in chosen)
            else self._client_timeout(*chosen)
        )
        body = request_data.json_payload if request_data else b"{}"
        try:
            async with session.request(
                method, url, data=body, timeout=timeout, allow_redirects=False
            ) as response:
                answer = await response.read()
        except (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError) as exc:
            raise NotReached(f"aiohttp.{type(exc).__name__}: {exc}") from exc
        except TimeoutError as exc:  # aiohttp's timeouts subclass it
            raise TimedOut(f"aiohttp.{type(exc).__name__}: {exc}") from exc
        except aiohttp.ClientError as exc:
            raise NetworkError(f"aiohttp.{type(exc).__name__}: {exc}") from exc
        if self._on_answer is not None:
            self._on_answer()
        return response.status, answer


def _sum(*timeouts: float | None) -> float | None:
    """No limit if any part has none."""
    return None if None in timeouts else sum(t for t in timeouts if t is not None)


def _chosen(value: object, default: float | None) -> float | None:
    """The timeout the caller chose, or ours when PTB says they chose none."""
    if isinstance(value, _Unset):
        return default
    if value is None or isinstance(value, int | float):
        return value
    raise TypeError(f"a timeout must be a number or None, not {value!r}")
