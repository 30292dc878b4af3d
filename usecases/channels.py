"""District channels: link (checked facts in, audited), unlink, list; one transaction each."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from domain.channels import ChannelFacts
from storage import audit, channels
from storage.audit import AuditAction
from storage.channels import LinkedChannel
from storage.db import Database


class Linked(enum.StrEnum):
    """What became of a link request whose channel passed the checks."""

    LINKED = "linked"
    ALREADY = "already"  # that channel is already linked (unlink it first to change it)


@dataclass(frozen=True, slots=True)
class LinkOutcome:
    """The outcome, and the channel as stored (the existing link when ALREADY)."""

    outcome: Linked
    channel: LinkedChannel | None


async def link(
    *,
    database: Database,
    facts: ChannelFacts,
    districts: tuple[str, ...],
    language: str,
    by: int,
    now: datetime,
) -> LinkOutcome:
    """Link a checked channel to districts in one language, and audit it."""
    async with database.transaction() as session:
        stored = await channels.link_channel(
            session,
            chat_id=facts.chat_id,
            title=facts.title,
            username=facts.username,
            language=language,
            districts=districts,
            member_count=facts.member_count,
            by=by,
            now=now,
        )
        if stored:
            await audit.record(
                session,
                action=AuditAction.CHANNEL_LINKED,
                at=now,
                actor_id=by,
                target_user=facts.chat_id,
                detail={
                    "channel": facts.username or facts.title[:64],
                    "language": language,
                    "districts": ",".join(districts)[:500],
                },
            )
        found = await channels.get_channel(session, chat_id=facts.chat_id)
    return LinkOutcome(Linked.LINKED if stored else Linked.ALREADY, found)


async def unlink(
    *, database: Database, reference: int | str, by: int, now: datetime
) -> LinkedChannel | None:
    """Unlink a channel by id or @name, and audit it; the channel, or None if none was linked.
    Its earlier posts stay; corrections of them are still edited if the bot may."""
    async with database.transaction() as session:
        found = (
            await channels.find_channel(session, username=reference)
            if isinstance(reference, str)
            else await channels.get_channel(session, chat_id=reference)
        )
        if found is None:
            return None
        await channels.unlink_channel(session, chat_id=found.chat_id)
        await audit.record(
            session,
            action=AuditAction.CHANNEL_UNLINKED,
            at=now,
            actor_id=by,
            target_user=found.chat_id,
            detail={"channel": found.username or found.title[:64]},
        )
    return found


async def linked(
    *, database: Database, districts: tuple[str, ...] | None = None
) -> list[LinkedChannel]:
    """Every linked channel, or those covering these districts."""
    async with database.read() as session:
        return await channels.list_channels(session, districts=districts)
