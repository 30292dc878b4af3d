"""One outbox row's attempt: each row kind's Bot API call, and how its answer ends the row."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from telegram import Bot, ReplyParameters
from telegram.error import BadRequest, TelegramError

from delivery.bulk import BulkApi
from delivery.compose import AlertBook
from delivery.limiter import PriorityRateLimiter, sending_as
from delivery.outcomes import Result, classify
from domain.delivery.rules import EDIT_OF, Failure, Kind, Priority, State
from storage.delivery_queue import Claimed

log = logging.getLogger(__name__)
Copy = tuple[State, int | None]  # the original copy an edit row marks: its state, message id
NO_COPY_ROW: Copy = (State.SKIPPED, None)


class Attempts:
    """Sends rows: residents' copies and every edit by the lean calls, channel posts by PTB."""

    def __init__(
        self,
        bot: Bot,
        limiter: PriorityRateLimiter | None,
        book: AlertBook,
        *,
        paid_broadcast: bool,
    ) -> None:
        self.bot, self.book, self.paid_broadcast = bot, book, paid_broadcast
        self.api = BulkApi(bot, limiter)  # residents' copies and every edit skip PTB's objects
        # One send path per outbox row kind.
        self._by_kind: dict[Kind, Callable[[Claimed, Copy, str, bool], Awaitable[Result]]] = {
            Kind.SEND: self._send,
            Kind.EDIT: self._edit,
            Kind.CHANNEL_POST: self._post,
            Kind.CHANNEL_EDIT: self._edit,
        }

    async def deliver(self, row: Claimed, copy: Copy, silent: bool) -> Result:
        """Send one row; Telegram's answer, or a bug, becomes its outcome (never raised)."""
        if self.book.get(row.alert_id) is None:
            return Result(row, skipped=True, error="alert gone")
        try:
            text = self.book.text(row)
            with sending_as(Priority(row.priority)):
                return await self._by_kind[row.kind](row, copy, text, silent)
        except BadRequest as exc:
            if row.kind in EDIT_OF and "not modified" in exc.message.lower():
                return Result(row, message_id=copy[1])  # an edit repeated after a crash
            return classify(row, exc)
        except TelegramError as exc:
            return classify(row, exc)
        except Exception as exc:  # a bug must not stop the fan-out; the row is retried
            log.exception("delivery %s failed unexpectedly", row.id)
            return Result(row, failure=Failure.TRANSIENT, error=repr(exc))

    async def _send(self, row: Claimed, copy: Copy, text: str, silent: bool) -> Result:
        """A resident's copy: a new private message, with the check-in and mute buttons."""
        message_id = await self.api.send_message(
            row.chat_id,
            text,
            markup=self.book.markup(row),
            silent=silent,
            paid=self.paid_broadcast,
        )
        return Result(row, message_id=message_id)

    async def _edit(self, row: Claimed, copy: Copy, text: str, silent: bool) -> Result:
        """Mark the chat's copy of the original (a resident's message or a channel's post); an
        edit makes no sound, and without markup it takes the buttons off the closed copy."""
        state, target = copy
        if state in (State.PENDING, State.CLAIMED):
            return Result(row, deferred=True, error="original copy not sent yet")
        if state is not State.SENT or target is None:
            return Result(row, skipped=True, error="no copy to edit")
        await self.api.edit_message_text(row.chat_id, target, text)
        return Result(row, message_id=target)

    async def _post(self, row: Claimed, copy: Copy, text: str, silent: bool) -> Result:
        """Post to a channel; a correction replies to the channel's post of the original."""
        state, target = copy
        if self.book.original_id(row.alert_id) is not None and state in (
            State.PENDING,
            State.CLAIMED,
        ):
            return Result(row, deferred=True, error="original post not sent yet")
        reply = ReplyParameters(target, allow_sending_without_reply=True) if target else None
        message = await self.bot.send_message(
            row.chat_id, text, reply_parameters=reply, disable_notification=silent
        )
        return Result(row, message_id=message.message_id)
