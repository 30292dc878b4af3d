"""A resident says "I'm safe": the updates of one alert reach that chat silently for an hour."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.delivery.attention import MUTE_FOR
from storage import mutes
from storage.db import Database


@dataclass(frozen=True, slots=True)
class Muted:
    """The chain of alerts muted (named by its first alert) and until when."""

    thread: str
    until: datetime


async def mute_updates(
    *, database: Database, chat_id: int, identifier: str, now: datetime
) -> Muted | None:
    """Mute the updates of an alert (and of its whole chain) for this chat; pressed again, the
    hour starts again. None if there is no such alert."""
    async with database.transaction() as session:
        thread = await mutes.thread_of(session, identifier=identifier)
        if thread is None:
            return None
        until = now + MUTE_FOR
        await mutes.mute_thread(session, chat_id=chat_id, thread=thread, until=until)
    return Muted(thread, until)
