"""The /_fake control API and the standalone ``python -m faketg`` server."""

from __future__ import annotations

import asyncio
import re
import signal
import sys
from pathlib import Path

import httpx
import pytest
from telegram import Bot
from telegram.error import Forbidden

from faketg import FakeTelegram

CHAT = 9001
ROOT = Path(__file__).resolve().parents[1]


async def test_control_api_round_trip(bot: Bot, fake: FakeTelegram) -> None:
    async with httpx.AsyncClient(base_url=f"{fake.url}/_fake") as control:
        resp = await control.post("/message", json={"chat_id": CHAT, "text": "/start"})
        update_id = resp.json()["update_id"]
        (update,) = await bot.get_updates()
        assert update.update_id == update_id and update.message and update.message.text == "/start"

        sent = await bot.send_message(CHAT, "<b>Hi</b>", parse_mode="HTML")
        listed = (await control.get(f"/messages/{CHAT}")).json()
        assert [m["plain"] for m in listed["messages"]] == ["Hi"]

        waiting = asyncio.create_task(
            control.get(f"/wait/{CHAT}", params={"after_seq": listed["seq"]})
        )
        await fake.wait_until(lambda: fake.stats.requests["sendMessage"] == 1)
        await bot.send_message(CHAT, "second")
        assert (await waiting).json()["message"]["plain"] == "second"
        resp = await control.get(f"/wait/{CHAT}", params={"contains": "nope", "timeout": 0.05})
        assert resp.status_code == 408

        resp = await control.post(
            "/press", json={"chat_id": CHAT, "message_id": sent.message_id, "callback_data": "x"}
        )
        query_id = resp.json()["query_id"]
        assert (await control.get(f"/answers/{query_id}")).status_code == 404
        await bot.answer_callback_query(query_id, "ok")
        assert (await control.get(f"/answers/{query_id}")).json()["answer"]["text"] == "ok"

        resp = await control.post("/faults", json={"blocked": [CHAT], "rate_limit": 100})
        assert resp.json()["faults"]["blocked"] == [CHAT]
        with pytest.raises(Forbidden):
            await bot.send_message(CHAT, "blocked now")
        assert (await control.post("/faults", json={"bogus": 1})).status_code == 400

        stats = (await control.get("/stats")).json()
        assert stats["requests"]["sendMessage"] == 3
        assert stats["statuses"]["403"] == 1
        assert stats["messages_per_chat"][str(CHAT)] == 2

        await control.post("/reset")
        assert fake.messages(CHAT) == [] and fake.stats.messages_sent == 0


async def test_standalone_server() -> None:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "faketg", "--port", "0", "--rate", "5", "--quiet",
        cwd=ROOT, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        line = (await asyncio.wait_for(proc.stdout.readline(), 10)).decode()
        match = re.search(r"base_url=(\S+) token=(\S+)", line)
        assert match, line
        base_url, token = match.groups()
        async with Bot(token, base_url=base_url) as bot:
            await bot.send_message(1, "hello from another process")
        async with httpx.AsyncClient() as client:
            stats = (await client.get(base_url.removesuffix("/bot") + "/_fake/stats")).json()
        assert stats["messages_sent"] == 1
    finally:
        proc.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(proc.communicate(), 10)
    assert proc.returncode == 0, stderr.decode()
    assert b"faketg stats" in stderr
