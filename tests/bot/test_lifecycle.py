"""The one lifecycle, in every mode: in-process, and `main.py run|run --webhook|worker` as run."""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.app import build_application, build_services
from bot.runtime import Mode, running
from core.settings import Settings
from faketg import DEFAULT_TOKEN, FakeTelegram
from storage.db import Database
from tests.launcher import Launcher

ROOT = Path(__file__).resolve().parents[2]
CHAT = 7301
WEBHOOK_URL = "https://bot.example.org/hook/telegram"
SECRET = "webhook-secret_0123456789"


@pytest.mark.parametrize("mode", list(Mode))
async def test_every_mode_starts_and_stops_in_order(
    mode: Mode, fake: FakeTelegram, database: Database, settings: Callable[..., Settings]
) -> None:
    config = settings(
        telegram_api_base_url=fake.base_url, webhook_url=WEBHOOK_URL, webhook_secret=SECRET
    )
    app = build_application(config, build_services(config), mode=mode)
    assert app.updater is not None and app.job_queue is not None
    async with running(app, mode=mode, poll_timeout=1) as started:
        assert started.running and app.job_queue.scheduler.running
        receives_by_polling = mode in (Mode.POLLING, Mode.EMBEDDED)
        assert app.updater.running is receives_by_polling
        assert fake.state.webhook["url"] == (WEBHOOK_URL if mode is Mode.WEBHOOK else "")
        # Only the bot speaks for its command menus; a delivery worker leaves them alone.
        assert bool(fake.state.commands) is (mode is not Mode.WORKER)
        if receives_by_polling:
            mark = fake.mark(CHAT)
            fake.send_text(CHAT, "/help")
            assert await fake.wait_for_message(CHAT, "/subscribe", after=mark)
    assert not app.running and not app.updater.running
    assert not app.job_queue.scheduler.running


async def _main(
    *args: str, env: dict[str, str], launcher: Launcher | None
) -> tuple[int, list[str]]:
    """Run `python main.py ARGS` as an operator would; its exit status and stderr lines.

    With a launcher, main.py runs in a child forked from a process that has imported it
    (tests/launcher.py); without one, in an interpreter of its own from nothing.
    """
    env = {**os.environ, "LOG_LEVEL": "WARNING", **env}
    if launcher is not None:
        # In a thread: the fake this main.py talks to runs on this test's loop.
        return await asyncio.to_thread(_launched, launcher, ["main.py", *args], env)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "main.py",
        *args,
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    _out, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode is not None
    return process.returncode, stderr.decode().splitlines()


def _launched(launcher: Launcher, argv: list[str], env: dict[str, str]) -> tuple[int, list[str]]:
    with tempfile.TemporaryFile() as err, open(os.devnull, "wb") as out:
        status = launcher.spawn(argv, env=env, stdout=out, stderr=err).wait(timeout=60)
        err.seek(0)
        return status, err.read().decode().splitlines()


@pytest.mark.slow
@pytest.mark.parametrize(
    ("args", "env", "fresh"),
    [
        # One of them from a fresh interpreter: main.py's own start-up stays covered.
        (("run",), {"TELEGRAM_BOT_TOKEN": "123456:rejected-by-telegram"}, True),
        (("worker",), {"TELEGRAM_BOT_TOKEN": "123456:rejected-by-telegram"}, False),
        # A URL Telegram refuses: the app had not started, so nothing is "still running".
        (("run", "--webhook"), {"WEBHOOK_URL": "http://not-https.example.org/hook"}, False),
        (("run",), {"DATABASE_URL": "postgresql://nobody@127.0.0.1:9/none"}, False),
    ],
    ids=["polling-token", "worker-token", "webhook-refused", "database-down"],
)
async def test_a_start_up_failure_in_any_mode_is_one_line_and_exit_1(
    args: tuple[str, ...],
    env: dict[str, str],
    fresh: bool,
    fake: FakeTelegram,
    tmp_path: Path,
    request: pytest.FixtureRequest,
) -> None:
    launcher = None if fresh else request.getfixturevalue("launcher")
    status, lines = await _main(
        *args,
        env={
            "TELEGRAM_BOT_TOKEN": DEFAULT_TOKEN,
            "TELEGRAM_API_BASE_URL": fake.base_url,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'lifecycle.db'}",
            "WEBHOOK_SECRET": SECRET,
            "HTTP_PORT": "0",
            "HTTP_HOST": "127.0.0.1",
            **env,
        },
        launcher=launcher,
    )
    assert status == 1
    assert len(lines) == 1 and lines[0].startswith("Could not start: "), lines
    assert "Traceback" not in lines[0] and "rejected-by-telegram" not in lines[0]
