"""`main.py admin grant/revoke`: the same use-cases as /grant, and the member's menu follows."""

from __future__ import annotations

import argparse
from collections.abc import Callable

import pytest

import storage.alert_models  # noqa: F401  (registers the tables, so the fixture clears them)
from bot.admin_cli import add_parser, run_async
from core.settings import Settings
from faketg import FakeTelegram
from storage.db import Database
from usecases import team

MEMBER = 4002
SCOPE = {"type": "chat", "chat_id": MEMBER}


def admin(*words: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_parser(parser.add_subparsers(dest="command"))
    return parser.parse_args(["admin", *words])


async def test_grant_and_revoke_refresh_the_command_menu(
    fake: FakeTelegram,
    database: Database,
    settings: Callable[..., Settings],
    capsys: pytest.CaptureFixture[str],
) -> None:
    config = settings(telegram_api_base_url=fake.base_url)
    await run_async(admin("grant", str(MEMBER), "operator"), config)
    assert "newalert" in dict(fake.commands(SCOPE))
    assert [m.user_id for m in await team.members(database=database)] == [MEMBER]
    await run_async(admin("revoke", str(MEMBER)), config)
    assert fake.commands(SCOPE) == []
    out = capsys.readouterr().out
    assert f"{MEMBER} is now operator" in out and f"{MEMBER}: revoked operator" in out
    assert out.count("command menu refreshed") == 2


async def test_without_a_token_the_menu_waits_for_the_next_start(
    database: Database, settings: Callable[..., Settings], capsys: pytest.CaptureFixture[str]
) -> None:
    await run_async(admin("grant", str(MEMBER), "staff"), settings(telegram_bot_token=None))
    assert "refreshed when the bot next starts" in capsys.readouterr().out
