"""faketg: a fake Telegram Bot API server for tests, demos and benchmarks.

async with FakeTelegram() as fake:
    app = ApplicationBuilder().token(fake.token).base_url(fake.base_url).build()
"""

from faketg.errors import ApiError
from faketg.fake import DEFAULT_TOKEN, FakeTelegram
from faketg.faults import Faults, Stats
from faketg.html import HtmlError, parse_html
from faketg.models import Button, CallbackAnswer, FakeEvent, Mark, SentMessage

__all__ = [
    "DEFAULT_TOKEN",
    "ApiError",
    "Button",
    "CallbackAnswer",
    "FakeEvent",
    "FakeTelegram",
    "Faults",
    "HtmlError",
    "Mark",
    "SentMessage",
    "Stats",
    "parse_html",
]
