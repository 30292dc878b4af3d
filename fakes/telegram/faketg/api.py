"""Method dispatch, fault injection, and the Bot API methods that aren't about messages."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import time
from collections.abc import Callable
from typing import Any

from faketg import messaging
from faketg.errors import (
    BAD_GATEWAY_HTML,
    CONFLICT_OTHER_POLL,
    CONFLICT_WEBHOOK,
    QUERY_TOO_OLD,
    ApiError,
    bad_request,
    server_error,
)
from faketg.messaging import Context
from faketg.models import CallbackAnswer, FakeEvent
from faketg.params import Params
from faketg.state import DEFAULT_UPDATES

Handler = Callable[[Context, Params], Any]
SEND_METHODS = frozenset({"sendmessage", "sendphoto"})
_COMMAND_NAME = re.compile(r"[a-z0-9_]+")


class Described:
    """A result that also carries a "description", as setWebhook's does."""

    def __init__(self, result: Any, description: str) -> None:
        self.result = result
        self.description = description


def _dumps(payload: Any) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


class BotApi:
    """Turns (method, params) into (HTTP status, body), counting everything."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.handlers: dict[str, Handler] = {name.lower(): h for name, h in _handlers().items()}
        self.canonical = {name.lower(): name for name in (*_handlers(), "getUpdates")}

    async def call(self, method: str, params: Params) -> tuple[int, bytes, str]:
        """Run one request; returns (status, body, content type)."""
        ctx = self.ctx
        name = method.lower()
        ctx.stats.requests[self.canonical.get(name, method)] += 1
        ctx.state.changed.notify()  # wait_until() sees requests as they arrive, e.g. a long poll
        try:
            result = await self._call(name, params)
        except ApiError as exc:
            ctx.stats.count_status(exc.code)
            chat_id = params.get_int("chat_id") or None
            ctx.state.recent_errors.append(
                (self.canonical.get(name, method), chat_id, exc.description)
            )
            ctx.state.changed.notify()
            if exc.code == 502:
                return 502, BAD_GATEWAY_HTML, "text/html"
            return exc.code, _dumps(exc.payload()), "application/json"
        ctx.stats.count_status(200)
        ctx.state.changed.notify()
        if isinstance(result, Described):
            body = {"ok": True, "result": result.result, "description": result.description}
            return 200, _dumps(body), "application/json"
        return 200, _dumps({"ok": True, "result": result}), "application/json"

    async def _call(self, name: str, params: Params) -> Any:
        ctx = self.ctx
        if name == "getupdates":
            # Only a failure aimed at getUpdates by name: a test's "fail the next send" must
            # not be spent on the bot's long poll.
            forced = ctx.faults.take_forced_failure(name, only_named=True)
            if forced is not None:
                raise forced
            return await self.get_updates(params)
        handler = self.handlers.get(name)
        if handler is None:
            raise ApiError(404, "Not Found: method not found")
        faults = ctx.faults
        if faults.latency_ms:
            await asyncio.sleep(faults.latency_ms / 1000)
        forced = faults.take_forced_failure(name)
        if forced is not None:
            raise forced
        status = faults.random_failure()
        if status is not None:
            if name in SEND_METHODS and faults.rng.random() < faults.fail_after_delivery:
                with contextlib.suppress(ApiError):
                    handler(ctx, params)  # the user gets the message; the bot sees a 5xx
            raise server_error(status)
        return handler(ctx, params)

    async def get_updates(self, p: Params) -> list[dict[str, Any]]:
        """Long polling, as telegram-bot-api's do_get_updates (offset confirms, limit, timeout)."""
        state = self.ctx.state
        if state.webhook["url"]:
            raise ApiError(409, CONFLICT_WEBHOOK)
        limit = min(max(p.get_int("limit", 100), 1), 100)
        timeout = min(max(p.get_int("timeout", 0), 0), 50)
        if p.has("allowed_updates"):
            allowed = p.get_json("allowed_updates", "allowed updates")
            if isinstance(allowed, list):
                state.allowed_updates = frozenset(map(str, allowed)) if allowed else DEFAULT_UPDATES
        state.confirm(p.get_int("offset"))
        updates = state.take(limit)
        if updates or timeout == 0 or state.closing:
            return updates
        state.poll_generation += (
            1  # a newer long poll ends the older one with 409, as Telegram does
        )
        generation = state.poll_generation
        state.updates_signal.notify()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            await state.updates_signal.wait(deadline - loop.time())
            updates = state.take(limit)
            if updates or state.closing:
                return updates
            if generation != state.poll_generation:
                raise ApiError(409, CONFLICT_OTHER_POLL)
            if loop.time() >= deadline:
                return []


def _get_me(ctx: Context, p: Params) -> dict[str, Any]:
    return {
        **ctx.state.bot_user,
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


def _set_webhook(ctx: Context, p: Params) -> Described:
    url = p.get_str("url").strip()
    if url and not url.lower().startswith("https://"):
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    return _change_webhook(ctx, p, url)


def _delete_webhook(ctx: Context, p: Params) -> Described:
    return _change_webhook(ctx, p, "")


def _change_webhook(ctx: Context, p: Params, url: str) -> Described:
    # Updates are not pushed to webhooks; this only models the getUpdates conflict.
    state = ctx.state
    drop = p.get_bool("drop_pending_updates")
    if drop:
        state.updates.clear()
    if state.webhook["url"] == url and not drop:
        return Described(True, "Webhook is already set" if url else "Webhook is already deleted")
    state.webhook = {"url": url}
    state.updates_signal.notify()
    return Described(True, "Webhook was set" if url else "Webhook was deleted")


def _get_webhook_info(ctx: Context, p: Params) -> dict[str, Any]:
    state = ctx.state
    return {
        "url": state.webhook["url"],
        "has_custom_certificate": False,
        "pending_update_count": len(state.updates),
    }


def _answer_callback_query(ctx: Context, p: Params) -> bool:
    state = ctx.state
    query_id = p.get_str("callback_query_id")
    pending = state.queries.get(query_id)
    expired = pending is None or time.monotonic() - pending.created > state.query_ttl
    if expired or query_id in state.callback_answers:
        raise bad_request(QUERY_TOO_OLD)
    text = p.get_str("text")
    # The MTProto server rejects long notification texts with MESSAGE_TOO_LONG (seen in
    # bug reports); the docs say 0-200 characters, the exact server cut-off is unverified.
    if len(text) > 200:
        raise bad_request("MESSAGE_TOO_LONG")
    answer = CallbackAnswer(
        query_id,
        text or None,
        p.get_bool("show_alert"),
        p.get_str("url") or None,
        p.get_int("cache_time"),
    )
    state.callback_answers[query_id] = answer
    state.touch()
    chat_id = pending.chat_id if pending else None
    state.emit(FakeEvent("callback_answer", chat_id, text))
    return True


def scope_key(scope: Any) -> str:
    """Canonical key of a BotCommandScope, e.g. "default", "chat:42", "chat_member:42:7"."""
    if scope is None:
        return "default"
    if not isinstance(scope, dict):
        raise bad_request("Can't parse BotCommandScope: BotCommandScope must be an Object")
    kind = scope.get("type")
    if kind in ("default", "all_private_chats", "all_group_chats", "all_chat_administrators"):
        return str(kind)
    if kind not in ("chat", "chat_administrators", "chat_member"):
        raise bad_request("Can't parse BotCommandScope: Unsupported type specified")
    chat_id = str(scope.get("chat_id", ""))
    if not chat_id:
        raise bad_request("Can't parse BotCommandScope: Empty chat_id specified")
    if kind != "chat_member":
        return f"{kind}:{chat_id}"
    return f"{kind}:{chat_id}:{int(scope.get('user_id', 0))}"


def _command_key(p: Params) -> tuple[str, str]:
    language = p.get_str("language_code")
    if language and not (
        len(language) == 2 and language.isascii() and language.isalpha() and language.islower()
    ):
        raise bad_request("Invalid language code specified")
    return scope_key(p.get_json("scope", "BotCommandScope")), language


def _set_my_commands(ctx: Context, p: Params) -> bool:
    raw = p.get_json("commands", "commands")
    if raw is None:
        raw = []
    if not isinstance(raw, list):
        raise bad_request("Expected an Array of BotCommand")
    commands: list[dict[str, str]] = []
    for item in raw:
        if not isinstance(item, dict):
            raise bad_request("Can't parse BotCommand: expected an Object")
        command = str(item.get("command", "")).strip().removeprefix("/")
        description = str(item.get("description", "")).strip()
        if not command:
            raise bad_request("Command must be non-empty")  # tdlib's checks, then the server's
        if len(command) > 32:
            raise bad_request("Command length must not exceed 32")
        if not description:
            raise bad_request("Command description must be non-empty")
        if len(description) > 256:
            raise bad_request("Command description length must not exceed 256")
        if not _COMMAND_NAME.fullmatch(command):
            raise bad_request("BOT_COMMAND_INVALID")
        commands.append({"command": command, "description": description})
    if len(commands) > 100:
        raise bad_request("BOT_COMMANDS_TOO_MUCH")
    key = _command_key(p)
    if commands:
        ctx.state.commands[key] = commands
    else:
        ctx.state.commands.pop(key, None)
    return True


def _get_my_commands(ctx: Context, p: Params) -> list[dict[str, str]]:
    return ctx.state.commands.get(_command_key(p), [])


def _delete_my_commands(ctx: Context, p: Params) -> bool:
    ctx.state.commands.pop(_command_key(p), None)
    return True


def _ok(ctx: Context, p: Params) -> bool:
    return True


def _handlers() -> dict[str, Handler]:
    return {
        "getMe": _get_me,
        "logOut": _ok,
        "close": _ok,
        "setWebhook": _set_webhook,
        "deleteWebhook": _delete_webhook,
        "getWebhookInfo": _get_webhook_info,
        "sendMessage": messaging.send_message,
        "sendPhoto": messaging.send_photo,
        "editMessageText": messaging.edit_message_text,
        "editMessageReplyMarkup": messaging.edit_message_reply_markup,
        "deleteMessage": messaging.delete_message,
        "sendChatAction": messaging.send_chat_action,
        "getChat": messaging.get_chat,
        "getChatMember": messaging.get_chat_member,
        "getChatMemberCount": messaging.get_chat_member_count,
        "answerCallbackQuery": _answer_callback_query,
        "setMyCommands": _set_my_commands,
        "getMyCommands": _get_my_commands,
        "deleteMyCommands": _delete_my_commands,
    }
