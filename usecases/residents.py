"""What residents ask about themselves: /mydata in one read."""

from __future__ import annotations

from dataclasses import dataclass

from storage import checkins, delivery_queue, residents
from storage.db import Database


@dataclass(frozen=True, slots=True)
class StoredData:
    """Besides the resident row: the districts a chat follows and how many deliveries it has."""

    followed: list[str]
    deliveries: int
    answers: int = 0  # check-in answers under alerts


async def stored_data(*, database: Database, chat_id: int) -> StoredData:
    """Everything /mydata shows beside the resident row, read together."""
    async with database.read() as session:
        followed = await residents.list_subscriptions(session, chat_id=chat_id)
        deliveries = await delivery_queue.count_for_chat(session, chat_id=chat_id)
        answers = await checkins.count_for_chat(session, chat_id=chat_id)
    return StoredData(followed, deliveries, answers)
