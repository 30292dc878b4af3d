"""Named queries that remember which authority CAP alerts were imported, without a new table.

An imported alert carries its origin in CAP's own `note` field ("text describing the purpose
or significance of the alert message"), which Khabardar otherwise only uses on cancels; a
repeated poll finds it there and imports nothing twice.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.alerts import MsgType
from storage.alert_models import alert

NOTE_PREFIX = "Imported from CAP:"
_MAX_PART = 200  # the note column holds 500 characters


def import_note(*, sender: str, identifier: str) -> str:
    """The note that marks an alert imported from this CAP message."""
    return f"{NOTE_PREFIX} sender={sender[:_MAX_PART]} identifier={identifier[:_MAX_PART]}"


async def find_imported(session: AsyncSession, *, sender: str, identifier: str) -> str | None:
    """The identifier of the alert imported from this CAP message, if any."""
    found = await session.scalar(
        select(alert.c.identifier)
        .where(
            alert.c.note == import_note(sender=sender, identifier=identifier),
            alert.c.msg_type != MsgType.CANCEL.value,
        )
        .order_by(alert.c.id)
        .limit(1)
    )
    return found


async def mark_imported(
    session: AsyncSession, *, identifier: str, sender: str, cap_identifier: str
) -> None:
    """Record on a freshly drafted alert which CAP message it came from."""
    await session.execute(
        update(alert)
        .where(alert.c.identifier == identifier)
        .values(note=import_note(sender=sender, identifier=cap_identifier))
    )
