"""A Telegram 5xx or a dropped connection is one warning line and a metric, never a traceback."""

from __future__ import annotations

import logging

import pytest

from core.context import KhabardarApp
from faketg import FakeTelegram

CHAT = 7401
METRIC = "khabardar_telegram_network_errors_total"


def _tracebacks(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


async def test_a_failed_poll_is_a_warning_and_polling_goes_on(
    fake: FakeTelegram, bot: KhabardarApp, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    fake.faults.fail_next(1, 502, methods={"getUpdates"})
    await fake.wait_until(lambda: not fake.faults.to_json().get("fail_next"), timeout=15)
    mark = fake.mark(CHAT)
    fake.send_text(CHAT, "/help")
    assert await fake.wait_for_message(CHAT, "/subscribe", after=mark, timeout=15)
    registry = bot.bot_data.services.metrics.registry
    assert registry.get_sample_value(METRIC, {"where": "polling"}) == 1.0
    assert any("polling Telegram failed" in r.getMessage() for r in caplog.records)
    assert _tracebacks(caplog) == []


async def test_a_network_error_in_a_handler_is_a_warning_not_a_handler_error(
    fake: FakeTelegram, bot: KhabardarApp, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    fake.faults.fail_next(1, 502, methods={"sendMessage"})
    mark = fake.mark(CHAT)
    fake.send_text(CHAT, "/help")
    # The reply failed on Telegram's side; the apology that follows gets through.
    assert await fake.wait_for_message(CHAT, "Sorry", after=mark, timeout=15)
    registry = bot.bot_data.services.metrics.registry
    assert registry.get_sample_value(METRIC, {"where": "handler"}) == 1.0
    assert registry.get_sample_value("khabardar_handler_errors_total") == 0.0
    assert _tracebacks(caplog) == []
