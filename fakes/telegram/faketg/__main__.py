"""Run the fake standalone.

python -m faketg --port 8081 [--rate 30] [--fail-rate 0.1 --latency-ms 50]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import signal
import sys

from faketg.fake import DEFAULT_TOKEN, FakeTelegram
from faketg.faults import PAID_BROADCAST_RATE, Faults


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    p = argparse.ArgumentParser(prog="python -m faketg", description="Fake Telegram Bot API server")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8081, help="0 picks a free port")
    p.add_argument("--token", default=DEFAULT_TOKEN)
    p.add_argument(
        "--rate", type=float, default=None, help="global send cap, messages/s (429 above)"
    )
    p.add_argument(
        "--paid-rate",
        type=float,
        default=PAID_BROADCAST_RATE,
        help="cap on allow_paid_broadcast sends, messages/s (counted apart from --rate)",
    )
    p.add_argument(
        "--per-chat-rate", type=float, default=None, help="per-chat send cap, messages/s"
    )
    p.add_argument("--retry-after", type=int, default=None, help="fixed retry_after for 429s")
    p.add_argument("--fail-rate", type=float, default=0.0, help="share of requests answered 5xx")
    p.add_argument(
        "--fail-after-delivery",
        type=float,
        default=0.0,
        help="share of those 5xx sent after delivery",
    )
    p.add_argument("--latency-ms", type=float, default=0.0)
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--strict-html", action="store_true", help="also reject a bare '&'")
    p.add_argument("--http", default="auto", choices=["auto", "h11", "httptools"])
    p.add_argument("--quiet", action="store_true", help="don't print the transcript")
    return p.parse_args(argv)


async def serve(args: argparse.Namespace) -> None:
    """Serve until SIGINT/SIGTERM."""
    faults = Faults(
        rate_limit=args.rate,
        paid_rate_limit=args.paid_rate,
        per_chat_rate=args.per_chat_rate,
        retry_after=args.retry_after,
        fail_rate=args.fail_rate,
        fail_after_delivery=args.fail_after_delivery,
        latency_ms=args.latency_ms,
        seed=args.seed,
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    fake = FakeTelegram(
        args.token,
        host=args.host,
        port=args.port,
        faults=faults,
        strict_html=args.strict_html,
        http=args.http,
    )
    async with fake:
        if not args.quiet:
            fake.on_event(
                lambda e: print(f"[{e.kind}] chat={e.chat_id}: {e.text[:200]}", flush=True)
            )
        print(f"faketg listening: base_url={fake.base_url} token={fake.token}", flush=True)
        freezing = asyncio.create_task(_freeze_survivors())
        await stop.wait()
        freezing.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await freezing
        print(f"faketg stats: {fake.stats.to_json()}", file=sys.stderr, flush=True)


# How often the standalone fake moves what it keeps (every message it was sent) out of the
# garbage collector's sight.
FREEZE_EVERY = 1.0


async def _freeze_survivors() -> None:
    """Keep full garbage collections short while the fake fills up with messages.

    A full collection walks every object the fake keeps: after 20,000 messages it held the
    loop for 50-110 ms, and the requests that queued meanwhile were then counted into the
    flood window within a millisecond or two, a burst the sender never made (paid broadcast at
    1,000/s met 429s for it). Each second the young garbage is collected and the survivors are
    frozen (gc.freeze), so later full collections walk only what is new. A reference cycle
    among frozen objects is never freed: acceptable for a test server.
    """
    while True:
        await asyncio.sleep(FREEZE_EVERY)
        gc.collect(1)
        gc.freeze()


def main() -> None:
    """Entry point."""
    asyncio.run(serve(parse_args()))


if __name__ == "__main__":
    main()
