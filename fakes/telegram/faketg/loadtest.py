"""Measure the fake's throughput: ``python -m faketg.loadtest --url http://127.0.0.1:8081``.

Sends N sendMessage requests over C concurrent keep-alive connections
(urlencoded, like PTB) to an already running ``python -m faketg`` and prints
requests/s. ``--client httpx`` uses httpx.AsyncClient, which is itself CPU-bound
well below the server's capacity; ``--client raw`` (default) is a minimal
asyncio HTTP/1.1 client so that the number measures the server.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from urllib.parse import urlencode, urlsplit

import httpx

from faketg.fake import DEFAULT_TOKEN


async def run(url: str, token: str, total: int, concurrency: int, chats: int) -> float:
    """Returns requests per second; raises if any request failed unexpectedly."""
    counter = iter(range(total))
    statuses: dict[int, int] = {}
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=f"{url}/bot{token}", limits=limits, timeout=30) as client:

        async def worker() -> None:
            for i in counter:
                data = {
                    "chat_id": str(1 + i % chats),
                    "text": f"<b>Alert {i}</b>: flood",
                    "parse_mode": "HTML",
                }
                resp = await client.post("/sendMessage", data=data)
                statuses[resp.status_code] = statuses.get(resp.status_code, 0) + 1

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    rate = total / elapsed
    print(f"[httpx] {total} requests, concurrency {concurrency}: {elapsed:.2f}s, {rate:.0f} req/s")
    print(f"statuses: {statuses}")
    return rate


async def run_raw(url: str, token: str, total: int, concurrency: int, chats: int) -> float:
    """Same load through bare asyncio streams (one request in flight per connection)."""
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    counter = iter(range(total))
    statuses: dict[int, int] = {}
    head = f"POST /bot{token}/sendMessage HTTP/1.1\r\nHost: {host}\r\n"
    head += "Content-Type: application/x-www-form-urlencoded\r\n"

    async def worker() -> None:
        reader, writer = await asyncio.open_connection(host, port)
        try:
            for i in counter:
                form = {
                    "chat_id": 1 + i % chats,
                    "text": f"<b>Alert {i}</b>: flood",
                    "parse_mode": "HTML",
                }
                body = urlencode(form).encode()
                writer.write(f"{head}Content-Length: {len(body)}\r\n\r\n".encode() + body)
                status = int((await reader.readline()).split()[1])
                length = 0
                while (line := await reader.readline()) != b"\r\n":
                    if line.lower().startswith(b"content-length:"):
                        length = int(line[15:])
                await reader.readexactly(length)
                statuses[status] = statuses.get(status, 0) + 1
        finally:
            writer.close()
            await writer.wait_closed()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    rate = total / elapsed
    print(f"[raw] {total} requests, concurrency {concurrency}: {elapsed:.2f}s, {rate:.0f} req/s")
    print(f"statuses: {statuses}")
    return rate


def main() -> None:
    """Entry point."""
    p = argparse.ArgumentParser(prog="python -m faketg.loadtest")
    p.add_argument("--url", default="http://127.0.0.1:8081")
    p.add_argument("--token", default=DEFAULT_TOKEN)
    p.add_argument("-n", "--requests", type=int, default=10_000)
    p.add_argument("-c", "--concurrency", type=int, default=50)
    p.add_argument("--chats", type=int, default=1000)
    p.add_argument("--client", choices=["raw", "httpx"], default="raw")
    args = p.parse_args()
    runner = run_raw if args.client == "raw" else run
    asyncio.run(runner(args.url, args.token, args.requests, args.concurrency, args.chats))


if __name__ == "__main__":
    main()
