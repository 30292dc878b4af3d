"""Planning benchmark: an alert's fan-out planned with and without its route's followers.

    .venv/bin/python -m bench.planning [-n 100000] [--database-url URL]

On one fresh database, N residents follow Mastung and N/10 more follow only the N-25. The
baseline is a security alert on Mastung (districts only); the other run is a transport alert
on the N-25 through Mastung, which also reaches the route's followers. Each is planned three
times (the rows erased in between) and the median printed, with the time per planned row.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from datetime import UTC, datetime

from sqlalchemy import delete, insert
from sqlmodel import SQLModel

from domain.alerts import AlertKind
from domain.alerts.model import Transport, TransportMode
from storage.db import Database
from storage.deliveries import plan_deliveries
from storage.delivery_models import delivery
from storage.migrate import migrate
from tests.delivery.helpers import add_residents, publish

REPEATS = 3


async def _corridor_followers(db: Database, first: int, count: int) -> None:
    await add_residents(db, range(first, first + count), [])
    table = SQLModel.metadata.tables["corridor_subscription"]
    async with db.transaction() as session:
        await session.execute(
            insert(table), [{"chat_id": c, "route": "N-25"} for c in range(first, first + count)]
        )


async def _time_plan(db: Database, overrides: dict[str, object]) -> tuple[float, int]:
    times: list[float] = []
    sends = 0
    for _ in range(REPEATS):
        alert = await publish(db, **{"districts": ("mastung",), **overrides})  # type: ignore[arg-type]
        async with db.transaction() as session:
            started = time.perf_counter()
            plan = await plan_deliveries(session, alert_=alert, now=datetime.now(UTC), minute=600)
            times.append(time.perf_counter() - started)
        assert plan is not None
        sends = plan.sends
        async with db.transaction() as session:
            await session.execute(delete(delivery))
    return statistics.median(times), sends


async def main(args: argparse.Namespace) -> None:
    url = args.database_url or f"sqlite+aiosqlite:///{tempfile.mkdtemp()}/planning.db"
    db = Database(url)
    await migrate(db)
    await add_residents(db, range(1, args.n + 1), ["mastung"])
    await _corridor_followers(db, args.n + 1, args.n // 10)
    runs: list[tuple[str, dict[str, object]]] = [
        ("districts only (baseline)", {}),
        (
            "districts + route followers",
            {
                "kind": AlertKind.TRANSPORT,
                "transport": Transport(TransportMode.ROAD, "N-25", "Mastung–Kalat"),
            },
        ),
    ]
    print(f"Planning on {db.engine.dialect.name}, median of {REPEATS}")
    print("| run | rows planned | planning | per 1,000 rows |")
    print("| --- | --- | --- | --- |")
    for name, overrides in runs:
        seconds, sends = await _time_plan(db, overrides)
        print(f"| {name} | {sends:,} | {seconds:.3f} s | {1e6 * seconds / sends:.2f} ms |")
    await db.dispose()


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line."""
    p = argparse.ArgumentParser(prog="python -m bench.planning", description=__doc__)
    p.add_argument("-n", type=int, default=100_000, help="residents following the district")
    p.add_argument("--database-url", default=None, help="default: a fresh SQLite file")
    return p.parse_args(argv)


if __name__ == "__main__":
    asyncio.run(main(parse_args()))
