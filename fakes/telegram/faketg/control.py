"""A small JSON control API under ``/_fake`` for driving the fake from another process.

POST /_fake/message   {"chat_id", "text", "user_id"?, "language_code"?}  -> {"update_id"}
POST /_fake/press     {"chat_id", "message_id", "callback_data", "user_id"?} -> {"query_id"}
POST /_fake/update    {raw Update without update_id}                    -> {"update_id"}
GET  /_fake/messages/{chat_id}[?after_seq=N]                            -> {"messages": [...]}
GET  /_fake/wait/{chat_id}?after_seq=N&contains=TEXT&timeout=S          -> message, or 408
GET  /_fake/answers/{query_id}                                          -> answer, or 404
GET  /_fake/stats                                                       -> counters
GET  /_fake/faults, POST /_fake/faults {partial settings}               -> current settings
POST /_fake/reset                                                        -> {"ok": true}
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from faketg.faults import Faults, Stats
from faketg.models import CallbackAnswer, Mark, SentMessage
from faketg.state import FakeState

Endpoint = Callable[[Request], Awaitable[Response]]


class Controlled(Protocol):
    """What the control API drives; FakeTelegram is one (a protocol, so fake.py imports us only)."""

    state: FakeState
    faults: Faults
    stats: Stats

    @property
    def callback_answers(self) -> dict[str, CallbackAnswer]: ...

    def send_text(
        self,
        chat_id: int,
        text: str,
        *,
        user_id: int | None = ...,
        language_code: str | None = ...,
        first_name: str = ...,
    ) -> int: ...

    def press_button(
        self, chat_id: int, message_id: int, callback_data: str, *, user_id: int | None = ...
    ) -> str: ...

    def send_update(self, update: dict[str, Any]) -> int: ...

    def messages(self, chat_id: int) -> list[SentMessage]: ...

    async def wait_for_message(
        self,
        chat_id: int,
        predicate: str | None,
        *,
        after: Mark,
        timeout: float,  # noqa: ASYNC109 - mirrors FakeTelegram.wait_for_message
    ) -> SentMessage: ...

    def reset(self) -> None: ...


def control_routes(fake: Controlled) -> list[BaseRoute]:
    """Routes bound to one FakeTelegram instance."""

    async def body(request: Request) -> dict[str, Any]:
        data = await request.json()
        if not isinstance(data, dict):
            raise ValueError("expected a JSON object")
        return data

    def guarded(handler: Endpoint) -> Endpoint:
        async def run(request: Request) -> Response:
            try:
                return await handler(request)
            except (ValueError, KeyError, TypeError) as exc:
                return JSONResponse({"ok": False, "error": f"{type(exc).__name__}: {exc}"}, 400)

        return run

    async def message(request: Request) -> Response:
        d = await body(request)
        update_id = fake.send_text(
            int(d["chat_id"]),
            str(d["text"]),
            user_id=d.get("user_id"),
            language_code=d.get("language_code", "en"),
            first_name=d.get("first_name", "Test"),
        )
        return JSONResponse({"ok": True, "update_id": update_id})

    async def press(request: Request) -> Response:
        d = await body(request)
        query_id = fake.press_button(
            int(d["chat_id"]),
            int(d["message_id"]),
            str(d["callback_data"]),
            user_id=d.get("user_id"),
        )
        return JSONResponse({"ok": True, "query_id": query_id})

    async def update(request: Request) -> Response:
        return JSONResponse({"ok": True, "update_id": fake.send_update(await body(request))})

    async def messages(request: Request) -> Response:
        chat_id = int(request.path_params["chat_id"])
        after = int(request.query_params.get("after_seq", 0))
        found = [m.to_json() for m in fake.messages(chat_id) if m.seq > after]
        return JSONResponse({"ok": True, "seq": fake.state.seq, "messages": found})

    async def wait(request: Request) -> Response:
        chat_id = int(request.path_params["chat_id"])
        q = request.query_params
        after = Mark(int(q.get("after_seq", 0)), chat_id)
        try:
            msg = await fake.wait_for_message(
                chat_id,
                q.get("contains"),
                after=after,
                timeout=min(float(q.get("timeout", 5)), 60.0),
            )
        except AssertionError as exc:
            return JSONResponse({"ok": False, "error": str(exc)}, 408)
        return JSONResponse({"ok": True, "message": msg.to_json()})

    async def answer(request: Request) -> Response:
        found = fake.callback_answers.get(request.path_params["query_id"])
        if found is None:
            return JSONResponse({"ok": False, "error": "not answered"}, 404)
        return JSONResponse({"ok": True, "answer": dataclasses.asdict(found)})

    async def stats(request: Request) -> Response:
        data = fake.stats.to_json()
        data.update(ok=True, seq=fake.state.seq, pending_updates=len(fake.state.updates))
        return JSONResponse(data)

    async def faults(request: Request) -> Response:
        if request.method == "POST":
            fake.faults.update(await body(request))
        return JSONResponse({"ok": True, "faults": fake.faults.to_json()})

    async def reset(request: Request) -> Response:
        fake.reset()
        return JSONResponse({"ok": True})

    table: list[tuple[str, Endpoint, list[str]]] = [
        ("/_fake/message", message, ["POST"]),
        ("/_fake/press", press, ["POST"]),
        ("/_fake/update", update, ["POST"]),
        ("/_fake/messages/{chat_id}", messages, ["GET"]),
        ("/_fake/wait/{chat_id}", wait, ["GET"]),
        ("/_fake/answers/{query_id}", answer, ["GET"]),
        ("/_fake/stats", stats, ["GET"]),
        ("/_fake/faults", faults, ["GET", "POST"]),
        ("/_fake/reset", reset, ["POST"]),
    ]
    return [Route(path, guarded(handler), methods=methods) for path, handler, methods in table]
