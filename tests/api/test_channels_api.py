"""The staff API shows each district's linked channels with their cached member counts."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx

from storage import channels
from storage.db import Database
from tests.api.conftest import STAFF_TOKEN, bearer


async def test_status_and_overview_show_linked_channels(
    client: httpx.AsyncClient, database: Database
) -> None:
    now = datetime.now(UTC)
    async with database.transaction() as session:
        await channels.link_channel(
            session,
            chat_id=-1001000000001,
            title="KB Quetta",
            username="kb_quetta",
            language="ur",
            districts=["quetta", "pishin"],
            member_count=4200,
            by=1,
            now=now,
        )
    headers = bearer(STAFF_TOKEN)
    status = (await client.get("/api/v1/districts/quetta/status", headers=headers)).json()
    assert status["subscribers"] == 0
    assert [(c["username"], c["member_count"]) for c in status["channels"]] == [("kb_quetta", 4200)]
    kech = (await client.get("/api/v1/districts/kech/status", headers=headers)).json()
    assert kech["channels"] == []
    overview = (await client.get("/api/v1/overview", headers=headers)).json()
    assert overview["channels"][0]["districts"] == ["pishin", "quetta"]
