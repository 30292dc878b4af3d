"""Shared fixtures: a migrated database (SQLite, or PostgreSQL via TEST_DATABASE_URL), the fake
Bot API server, and the real Application running against it.

pytest-xdist's controller imports this file too, and runs no test: the product, the fake and
SQLAlchemy are imported inside the fixtures, so the controller starts its workers about a
second sooner (it imported 1.4 s of modules first; the workers import them as they collect).
"""

from __future__ import annotations

import gc

# Imports and collection make some 400,000 objects and almost no garbage, and the cyclic
# collector would walk them again and again (a fifth of a worker's start-up); it is back on
# once the tests are collected, with those objects frozen out of its walks
# (pytest_collection_finish).
gc.disable()

import asyncio  # noqa: E402
import dataclasses  # noqa: E402
import os  # noqa: E402

# PTB 22 warns (an error under filterwarnings=error) unless durations are timedeltas; opt in
# before telegram is imported, as production does in main.py.
os.environ.setdefault("PTB_TIMEDELTA", "true")

from collections.abc import AsyncIterator, Callable, Iterator  # noqa: E402
from datetime import timedelta  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import TYPE_CHECKING  # noqa: E402

import pytest  # noqa: E402

from domain.delivery.policy import DeliveryPolicy  # noqa: E402

if TYPE_CHECKING:
    from core.context import KhabardarApp
    from core.settings import Settings
    from faketg import FakeTelegram
    from faketg.user import FakeUser
    from storage.db import Database
    from tests.launcher import Launcher

ADMIN_ID = 900001
_databases: dict[str, Database] = {}
# How long a test's teardown waits for connections still in use before it closes the pool.
SETTLE_TIMEOUT = 5.0
MS = timedelta(milliseconds=1)
# Production's delivery waits in milliseconds where tests wait on them: backoff, per-chat
# spacing, deferred edits, an idle sender's look for rows that became due, and the pause after a
# 429 without a retry_after (or an SMSC's throttling). Telegram's retry_after is honoured in
# full: the fake enforces its limits in real time, in whole seconds unless a test shortens the
# fake's second (fake.faults.second), and the margin over it is the fake's, not the network's.
# The ticks keep their intervals (tests wake the dispatcher themselves; a 2 s progress tick
# keeps an operator's live report from slipping in before the reply a conversation test waits
# for); tests that wait for a report speed it up (quick_progress).
FAST_DELIVERY = DeliveryPolicy(
    backoff_base=20 * MS,
    backoff_cap=500 * MS,
    retry_after_default=50 * MS,
    retry_after_margin=10 * MS,
    private_chat_interval=20 * MS,
    group_chat_interval=60 * MS,
    edit_defer=20 * MS,
    idle_poll=250 * MS,
    due_batching=5 * MS,
)

# For a test that waits for an operator's live report and has no conversation it could slip into.
QUICK_PROGRESS = dataclasses.replace(FAST_DELIVERY, progress_interval=100 * MS)
quick_progress = pytest.mark.parametrize(
    "delivery_policy", [QUICK_PROGRESS], ids=["quick-progress"]
)

# For a test that waits for the dispatch tick itself (the safety net that restarts a sender
# which stopped on a database error), not for a wake-up.
QUICK_TICKS = dataclasses.replace(FAST_DELIVERY, dispatch_interval=100 * MS)
quick_ticks = pytest.mark.parametrize("delivery_policy", [QUICK_TICKS], ids=["quick-ticks"])


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto`: half again as many workers as cores. A test waits about a third of its time
    (on a subprocess, a real-time send pace, a database thread), and a spare worker fills it:
    on 2 cores, 29.4 s with 3 workers against 32.4–33.9 s with 2 (and 33.0 s with 4)."""
    return max(2, (os.cpu_count() or 1) * 3 // 2)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> str:
    """TEST_DATABASE_URL when set (CI sets PostgreSQL), else a SQLite file for this run.

    Under pytest-xdist each worker gets a database of its own beside TEST_DATABASE_URL's
    (test_gw0, test_gw1…), created on first use, since every test clears every table.
    """
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        from core.settings import Settings

        url = Settings(database_url=url).database_url
        return url if worker_id == "master" else asyncio.run(_worker_database(url, worker_id))
    path: Path = tmp_path_factory.mktemp("db") / "khabardar-test.db"
    return f"sqlite+aiosqlite:///{path}"


async def _worker_database(url: str, worker_id: str) -> str:
    """The URL of this xdist worker's own PostgreSQL database, created if it is missing."""
    from sqlalchemy import make_url, text
    from sqlalchemy.ext.asyncio import create_async_engine

    base = make_url(url)
    name = f"{base.database}_{worker_id}"
    engine = create_async_engine(base, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            exists = await conn.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            )
            if not exists:
                await conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        await engine.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    """A migrated, empty database; the schema is rebuilt once per run, rows cleared per test.

    One Database per run: its engine keeps SQLAlchemy's compiled statements from test to test
    (a new engine compiles every query afresh: a third of a conversation test's start-up CPU).
    Its connections are closed after each test, since every test has an event loop of its own
    and an asyncpg connection belongs to the loop that opened it.
    """
    from storage.db import Database

    db = _databases.get(database_url)
    if db is None:
        db = _databases[database_url] = Database(database_url)
        await _rebuild_schema(db)
    else:
        await _clear_rows(db)
    yield db
    await _close_connections(db)


async def _close_connections(db: Database) -> None:
    """Dispose of the pool once every connection is back in it.

    A connection still checked out when the pool is disposed would be returned later to a pool
    nobody closes, and its loop would be gone by then (an unclosed-connection warning in some
    later test). A task the test's app was finishing gives its connection back within a few
    loop turns.
    """
    from sqlalchemy import event
    from sqlalchemy.pool import QueuePool

    pool = db.engine.sync_engine.pool
    assert isinstance(pool, QueuePool)  # SQLAlchemy's async pool for files and servers alike
    checked_in = asyncio.Event()

    def on_checkin(*_: object) -> None:
        checked_in.set()

    event.listen(pool, "checkin", on_checkin)
    try:
        async with asyncio.timeout(SETTLE_TIMEOUT):
            while pool.checkedout():
                checked_in.clear()
                await checked_in.wait()
    except TimeoutError:
        in_use = pool.checkedout()
        raise AssertionError(f"{in_use} database connection(s) in use after the test") from None
    finally:
        event.remove(pool, "checkin", on_checkin)
    await db.dispose()


async def _rebuild_schema(db: Database) -> None:
    from sqlalchemy import text

    from storage.migrate import migrate

    async with db.engine.begin() as conn:
        if db.is_sqlite:
            tables = await conn.execute(text("SELECT name FROM sqlite_master WHERE type='table'"))
            for (name,) in tables.all():
                await conn.execute(text(f'DROP TABLE IF EXISTS "{name}"'))
        else:
            await conn.execute(text("DROP SCHEMA public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
    await migrate(db)


async def _clear_rows(db: Database) -> None:
    """Empty every table in one round trip (children first): one DELETE per table, sent as a
    single script, since a statement each costs a thread hop (aiosqlite) or a network one."""
    from sqlmodel import SQLModel

    deletes = "".join(
        f'DELETE FROM "{table.name}";' for table in reversed(SQLModel.metadata.sorted_tables)
    )
    # Outside SQLAlchemy's transaction handling: the script is its own transaction.
    async with db.engine.connect() as conn:
        raw = (await conn.get_raw_connection()).driver_connection
        if db.is_sqlite:
            await raw.executescript(f"BEGIN IMMEDIATE;{deletes}COMMIT;")  # type: ignore[union-attr]
        else:
            await raw.execute(f"BEGIN;{deletes}COMMIT;")  # type: ignore[union-attr]


@pytest.fixture
def settings(database_url: str) -> Callable[..., Settings]:
    """Build test settings; keyword arguments override."""

    from core.settings import Settings
    from faketg import DEFAULT_TOKEN

    def make(**overrides: object) -> Settings:
        values: dict[str, object] = {
            "telegram_bot_token": DEFAULT_TOKEN,
            "database_url": database_url,
            "admin_ids": frozenset({ADMIN_ID}),
            "default_language": "en",
            # The fake has no Telegram limit unless a test sets one; pacing is tested where it
            # is the subject (tests/delivery), not paid for by every conversation test.
            "delivery_rate": 0,
        }
        values.update(overrides)
        return Settings(**values)  # type: ignore[arg-type]

    return make


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    """The fake Bot API server."""
    from faketg import FakeTelegram

    async with FakeTelegram(strict_html=True) as server:
        yield server


@pytest.fixture
def delivery_policy() -> DeliveryPolicy:
    """The delivery engine's waits; a test parametrizes `delivery_policy` to change them."""
    return FAST_DELIVERY


@pytest.fixture
async def bot(
    fake: FakeTelegram,
    database: Database,
    settings: Callable[..., Settings],
    delivery_policy: DeliveryPolicy,
) -> AsyncIterator[KhabardarApp]:
    """The real Application, long-polling the fake server, on the test database."""
    from bot.app import build_application, build_services
    from bot.runtime import running

    config = settings(telegram_api_base_url=fake.base_url)
    services = build_services(config, delivery=delivery_policy, database=database)
    app = build_application(config, services)
    async with running(app, poll_timeout=5):
        yield app


@pytest.fixture(scope="session")
def launcher(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Launcher]:
    """Starts `python main.py …` processes without re-importing the product in each
    (tests/launcher.py says how, and what stays the same)."""
    from tests.launcher import Launcher

    with Launcher.start(tmp_path_factory.mktemp("launcher") / "launcher.log") as started:
        yield started


@pytest.fixture
def user(fake: FakeTelegram, bot: KhabardarApp) -> Callable[..., FakeUser]:
    """Make residents: user(chat_id, language_code='en')."""
    from faketg.user import FakeUser

    def make(chat_id: int = 1001, *, language_code: str = "en") -> FakeUser:
        return FakeUser(fake, chat_id, language_code=language_code)

    return make


def pytest_configure(config: pytest.Config) -> None:
    if getattr(config, "workerinput", None) is None and config.getoption("numprocesses", None):
        gc.enable()  # the xdist controller: it collects nothing (see gc.disable above)


@pytest.hookimpl(trylast=True)  # after -k and -m deselected theirs: the blocks are of what runs
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The tests marked slow first, dealt out to the xdist workers (the rest keep their order).

    First: a worker that drew one at the end ran alone for its last seconds (a kill -9 test
    ended the run 1.2-1.8 s after the other workers had finished). Dealt out: work stealing
    starts each worker on one contiguous block of the collection and steals from a block's
    end, so slow tests all at the head of the first block ran one after another on one worker
    (31 s of them on PostgreSQL, while the other two workers were done after 24 s).
    """
    slow = [item for item in items if item.get_closest_marker("slow")]
    rest = [item for item in items if not item.get_closest_marker("slow")]
    workers = int(getattr(config, "workerinput", {}).get("workercount", 1))
    ordered: list[pytest.Item] = []
    left = len(items)
    for block in range(workers):
        # xdist's first split (WorkStealingScheduling.check_schedule): each block holds
        # what is left divided by the workers still to serve.
        size = left // (workers - block)
        share = slow[block::workers]
        take = max(size - len(share), 0)
        ordered += share + rest[:take]
        rest = rest[take:]
        left -= size
    items[:] = ordered + rest


def pytest_collection_finish(session: pytest.Session) -> None:
    """The collector back on (see gc.disable above), never walking what was imported."""
    gc.freeze()
    gc.enable()
