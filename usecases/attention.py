"""A resident says "I'm safe": the updates of one alert reach that chat silently for an hour,
and where the alert asks for check-ins, the tap counts as "safe" too."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.checkins import Answer
from domain.delivery.attention import MUTE_FOR
from storage import mutes
from storage.db import Database
from usecases.checkins import check_in


@dataclass(frozen=True, slots=True)
class Muted:
    """The chain of alerts muted (named by its first alert), until when, and whether the chat
    now counts as safe under the alert."""

    thread: str
    until: datetime
    safe: bool = False


async def mute_updates(
    *, database: Database, chat_id: int, identifier: str, now: datetime
) -> Muted | None:
    """Mute the updates of an alert (and of its whole chain) for this chat; pressed again, the
    hour starts again. None if there is no such alert.

    The button says "I'm safe", so under an alert that asks for check-ins it counts as the
    "✅ I'm safe" answer, or staff would count fewer people safe than said so; an earlier
    answer stays (a muted "I need help" must not turn into "safe").
    """
    async with database.transaction() as session:
        thread = await mutes.thread_of(session, identifier=identifier)
        if thread is None:
            return None
        until = now + MUTE_FOR
        await mutes.mute_thread(session, chat_id=chat_id, thread=thread, until=until)
    outcome = await check_in(
        database=database,
        reference=identifier,
        chat_id=chat_id,
        answer=Answer.SAFE,
        now=now,
        replace=False,
    )
    return Muted(thread, until, safe=outcome.answer is Answer.SAFE)
