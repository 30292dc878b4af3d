"""Status use-cases: one read each, the same values for the bot and the HTTP API."""

from __future__ import annotations

from datetime import timedelta

import storage.alert_models  # noqa: F401  (registers the tables, so the fixture clears them)
from domain.alerts import Severity
from storage.db import Database
from tests.storage.test_alerts import AUTHOR, NOW, OPERATOR, G, content
from usecases import alerts, status

LATER = NOW + timedelta(hours=1)
STALE_AFTER = timedelta(hours=24)


async def test_one_published_alert_seen_by_every_summary(database: Database) -> None:
    new = await alerts.draft_and_submit(
        database=database, content=content(), by=AUTHOR, gazetteer=G, now=NOW
    )
    assert new.alert is not None
    await alerts.approve(database=database, identifier=new.alert.identifier, by=OPERATOR, now=NOW)

    public = await status.district_status(
        database=database,
        gazetteer=G,
        district="mastung",
        now=LATER,
        stale_after=STALE_AFTER,
        count_subscribers=False,
    )
    assert public.subscribers is None and public.status.active_count == 1
    full = await status.district_status(
        database=database,
        gazetteer=G,
        district="mastung",
        now=LATER,
        stale_after=STALE_AFTER,
        count_subscribers=True,
    )
    assert full.subscribers == 0 and not full.status.stale
    view = await status.overview(database=database, gazetteer=G, now=LATER, stale_after=STALE_AFTER)
    listed = await status.districts(
        database=database, gazetteer=G, now=LATER, stale_after=STALE_AFTER
    )
    assert view.overview.highest is Severity.SEVERE and listed.overview.highest is Severity.SEVERE
    found = await status.history(database=database, district="quetta", days=1, now=LATER)
    assert [a.identifier for a in found.alerts] == [new.alert.identifier]
    assert found.since == LATER - timedelta(days=1)
    highest = await status.highest_by_district(database=database, now=LATER)
    assert highest == {"mastung": Severity.SEVERE, "quetta": Severity.SEVERE}
