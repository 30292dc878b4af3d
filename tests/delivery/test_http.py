"""The aiohttp transport against a tiny local HTTP server with Telegram-like answers."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from telegram import InputFile
from telegram.error import NetworkError, TimedOut
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter

from delivery.http import AiohttpRequest, NotReached

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter, int], Awaitable[None]]
BODY = b'{"ok":true,"result":true}'
ANSWER = b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(BODY) + BODY
Serve = Callable[[Handler], Awaitable[tuple[str, list[int]]]]


async def read_request(reader: asyncio.StreamReader) -> bytes:
    head = await reader.readuntil(b"\r\n\r\n")
    length = next(
        int(line.split(b":")[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length")
    )
    return await reader.readexactly(length)


@pytest.fixture
async def serve() -> AsyncIterator[Callable[[Handler], Awaitable[tuple[str, list[int]]]]]:
    servers: list[asyncio.Server] = []

    async def start(handler: Handler) -> tuple[str, list[int]]:
        connections: list[int] = []

        async def on_connect(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            connections.append(1)
            try:
                await handler(reader, writer, len(connections))
            except (asyncio.IncompleteReadError, ConnectionError):
                pass
            finally:
                writer.close()

        server = await asyncio.start_server(on_connect, "127.0.0.1", 0)
        servers.append(server)
        port = server.sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}/bot1:x/sendMessage", connections

    yield start
    for server in servers:
        server.close()
        await server.wait_closed()


def data() -> RequestData:
    return RequestData(
        [
            RequestParameter.from_input("chat_id", 42),
            RequestParameter.from_input("text", "<b>hi</b> & bye"),
        ]
    )


async def test_chunked_answers_on_one_kept_alive_connection(serve: Serve) -> None:
    seen: list[bytes] = []

    async def chunked(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, _n: int) -> None:
        while True:
            seen.append(await read_request(reader))
            writer.write(
                b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + b"%x\r\n" % 10
                + BODY[:10]
                + b"\r\n"
                + b"%x\r\n" % (len(BODY) - 10)
                + BODY[10:]
                + b"\r\n0\r\n\r\n"
            )
            await writer.drain()

    url, connections = await serve(chunked)
    request = AiohttpRequest(pool_size=2)
    async with request:
        for _ in range(3):
            assert await request.do_request(url, "POST", data()) == (200, BODY)
    assert len(connections) == 1
    # A JSON body, each value as PTB encodes it (Telegram reads "42" as the number).
    assert json.loads(seen[0]) == {"chat_id": "42", "text": "<b>hi</b> & bye"}


async def keep_alive(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, _n: int) -> None:
    while True:
        await read_request(reader)
        writer.write(ANSWER)
        await writer.drain()


async def test_a_connection_the_server_closed_while_idle_is_replaced(serve: Serve) -> None:
    async def one_answer(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter, _n: int
    ) -> None:
        await read_request(reader)
        writer.write(ANSWER)
        await writer.drain()
        writer.close()  # then close, without saying so
        await writer.wait_closed()
        closed.set()

    closed = asyncio.Event()
    url, connections = await serve(one_answer)
    elsewhere, _ = await serve(keep_alive)
    request = AiohttpRequest(pool_size=2)
    async with request:
        assert await request.do_request(url, "POST", data()) == (200, BODY)
        await closed.wait()
        # Other traffic meanwhile: the client's event loop reads the close before the next use.
        assert await request.do_request(elsewhere, "POST", data()) == (200, BODY)
        assert await request.do_request(url, "POST", data()) == (200, BODY)
    assert len(connections) == 2


async def test_a_reused_connection_that_drops_is_an_error_not_a_resend(serve: Serve) -> None:
    requests: list[bytes] = []

    async def answer_once(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter, _n: int
    ) -> None:
        requests.append(await read_request(reader))
        writer.write(ANSWER)
        await writer.drain()
        requests.append(await read_request(reader))  # Telegram may have acted on this one
        writer.transport.abort()

    url, connections = await serve(answer_once)
    request = AiohttpRequest(pool_size=2)
    async with request:
        assert await request.do_request(url, "POST", data()) == (200, BODY)
        with pytest.raises(NetworkError) as dropped:
            await request.do_request(url, "POST", data())
    assert (len(requests), len(connections)) == (2, 1)  # the engine's retry policy decides
    assert not isinstance(dropped.value, NotReached)  # it reached Telegram: an attempt


async def test_no_more_connections_than_the_pool(serve: Serve) -> None:
    url, connections = await serve(keep_alive)
    request = AiohttpRequest(pool_size=2)
    async with request:
        answers = await asyncio.gather(*(request.do_request(url, "POST", data()) for _ in range(6)))
    assert answers == [(200, BODY)] * 6
    assert len(connections) == 2


async def test_a_silent_server_times_out(serve: Serve) -> None:
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, _n: int) -> None:
        await read_request(reader)
        await asyncio.sleep(5)

    url, _connections = await serve(silent)
    request = AiohttpRequest(read_timeout=0.2)
    async with request:
        with pytest.raises(TimedOut):
            await request.do_request(url, "POST", data())


async def test_a_refused_connection_is_a_network_error_that_never_reached_telegram() -> None:
    request = AiohttpRequest()
    async with request:
        with pytest.raises(NotReached):  # nothing listens on port 1
            await request.do_request("http://127.0.0.1:1/bot1:x/getMe", "POST", data())
    assert issubclass(NotReached, NetworkError)  # PTB's handlers see a network error


async def test_uploads_go_as_multipart(serve: Serve) -> None:
    seen: list[bytes] = []

    async def record(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, _n: int) -> None:
        seen.append(await read_request(reader))
        writer.write(ANSWER)
        await writer.drain()

    url, _connections = await serve(record)
    photo = RequestParameter.from_input("photo", InputFile(b"\x89PNG", filename="map.png"))
    request = AiohttpRequest()
    async with request:
        chat = RequestParameter.from_input("chat_id", 42)
        answer = await request.do_request(url, "POST", RequestData([chat, photo]))
    assert answer == (200, BODY)
    assert b'filename="map.png"' in seen[0] and b"\x89PNG" in seen[0]
