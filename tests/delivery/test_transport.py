"""The keep-alive transport against a tiny local HTTP server with Telegram-like answers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from telegram.error import TimedOut
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter

from delivery.transport import StreamRequest

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter, int], Awaitable[None]]
BODY = b'{"ok":true,"result":true}'


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


async def test_chunked_answers_on_one_kept_alive_connection(
    serve: Callable[..., Awaitable[tuple[str, list[int]]]],
) -> None:
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
    request = StreamRequest(pool_size=2)
    async with request:
        for _ in range(3):
            assert await request.do_request(url, "POST", data()) == (200, BODY)
    assert len(connections) == 1
    assert seen[0] == b"chat_id=42&text=%3Cb%3Ehi%3C%2Fb%3E+%26+bye"


async def test_a_connection_the_server_closed_while_idle_is_replaced(
    serve: Callable[..., Awaitable[tuple[str, list[int]]]],
) -> None:
    async def one_answer(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter, _n: int
    ) -> None:
        await read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(BODY) + BODY)
        await writer.drain()
        writer.close()  # then close, without saying so
        await writer.wait_closed()
        closed.set()

    closed = asyncio.Event()
    url, connections = await serve(one_answer)
    request = StreamRequest(pool_size=1)
    async with request:
        assert await request.do_request(url, "POST", data()) == (200, BODY)
        await closed.wait()
        assert await request.do_request(url, "POST", data()) == (200, BODY)
    assert len(connections) == 2


async def test_a_silent_server_times_out(
    serve: Callable[..., Awaitable[tuple[str, list[int]]]],
) -> None:
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, _n: int) -> None:
        await read_request(reader)
        await asyncio.sleep(5)

    url, _connections = await serve(silent)
    request = StreamRequest(read_timeout=0.2)
    async with request:
        with pytest.raises(TimedOut):
            await request.do_request(url, "POST", data())
