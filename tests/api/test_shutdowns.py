"""The staff API shows declared mobile-data shutdowns (never any phone number)."""

from datetime import UTC, datetime

import httpx

from storage import sms
from storage.db import Database
from tests.api.conftest import STAFF_TOKEN, bearer


async def test_status_and_overview_show_declared_shutdowns(
    client: httpx.AsyncClient, database: Database
) -> None:
    async with database.transaction() as session:
        await sms.set_shutdown(session, districts=["quetta"], on=True, by=1, now=datetime.now(UTC))
    quetta = (
        await client.get("/api/v1/districts/quetta/status", headers=bearer(STAFF_TOKEN))
    ).json()
    assert quetta["data_shutdown_since"] is not None
    kech = (await client.get("/api/v1/districts/kech/status", headers=bearer(STAFF_TOKEN))).json()
    assert kech["data_shutdown_since"] is None
    view = (await client.get("/api/v1/overview", headers=bearer(STAFF_TOKEN))).json()
    assert list(view["data_shutdowns"]) == ["quetta"]
