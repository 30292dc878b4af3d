"""What each delivery row says: alerts loaded once per worker, texts rendered once per language."""

from __future__ import annotations

import json
from collections.abc import Collection
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from core.i18n import Catalogs
from domain.alerts import Alert
from domain.delivery.rules import EDIT_OF, Kind
from domain.gazetteer import Gazetteer
from storage import alert_queries, deliveries, mutes
from storage.delivery_queue import Claimed
from views.alert_buttons import delivered_keyboard
from views.alerts import render_alert
from views.delivery import edited_copy
from views.sms import render_sms

# Verified alerts never change, so caching them is safe; the bound only keeps a long-running
# worker's memory flat.
_MAX_ALERTS = 256


class AlertBook:
    """Verified alerts by row id (with the original an update or cancel corrects), and their
    rendered texts by language."""

    def __init__(self, catalogs: Catalogs, gazetteer: Gazetteer, tz: ZoneInfo) -> None:
        self._catalogs = catalogs
        self._gazetteer = gazetteer
        self._tz = tz
        self._alerts: dict[int, Alert] = {}
        self._originals: dict[int, tuple[int, Alert]] = {}
        self._texts: dict[tuple[int, str, Kind], str] = {}
        self._markups: dict[tuple[int, str], str | None] = {}
        self._threads: dict[int, str] = {}  # a correction's first alert, for mutes

    async def load(self, session: AsyncSession, alert_ids: Collection[int]) -> None:
        """Fetch the alerts (and originals) not yet known."""
        missing = set(alert_ids) - self._alerts.keys()
        if not missing:
            return
        if len(self._alerts) + len(missing) > _MAX_ALERTS:
            self._alerts.clear()
            self._originals.clear()
            self._texts.clear()
            self._markups.clear()
            self._threads.clear()
            missing = set(alert_ids)
        for alert_id in missing:
            identifier = await deliveries.identifier_of(session, alert_id=alert_id)
            found = (
                await alert_queries.get_alert(session, identifier=identifier)
                if identifier
                else None
            )
            if found is None:
                continue
            self._alerts[alert_id] = found
            if found.references is not None:
                original = await alert_queries.get_alert(session, identifier=found.references)
                original_id = await deliveries.alert_id_of(session, identifier=found.references)
                if original is not None and original_id is not None:
                    self._originals[alert_id] = (original_id, original)
                thread = await mutes.thread_of(session, identifier=found.references)
                if thread is not None:
                    self._threads[alert_id] = thread

    def get(self, alert_id: int) -> Alert | None:
        """A loaded alert."""
        return self._alerts.get(alert_id)

    def original_id(self, alert_id: int) -> int | None:
        """The row id of the alert a correction corrects."""
        found = self._originals.get(alert_id)
        return found[0] if found else None

    def thread(self, alert_id: int) -> str | None:
        """The first alert of the chain a correction belongs to (what a mute names)."""
        return self._threads.get(alert_id)

    def text(self, row: Claimed) -> str:
        """The new message (send), the marked old copy (edit) or the SMS for this row's chat."""
        key = (row.alert_id, row.language, row.kind)
        text = self._texts.get(key)
        if text is None:
            text = self._texts[key] = self._render(row)
        return text

    def markup(self, row: Claimed) -> str | None:
        """The buttons under a resident's new copy, in its language, as the Bot API's JSON:
        check-ins under Severe or Extreme real alerts, and the mute button under all but
        cancels (views.alert_buttons). Encoded once per alert and language, not per copy."""
        if row.kind is not Kind.SEND:
            return None  # an edit without markup also takes the buttons off the closed copy
        key = (row.alert_id, row.language)
        if key not in self._markups:
            _ = self._catalogs.get(row.language)
            keyboard = delivered_keyboard(_, self._alerts[row.alert_id])
            self._markups[key] = None if keyboard is None else json.dumps(keyboard.to_dict())
        return self._markups[key]

    def _render(self, row: Claimed) -> str:
        _ = self._catalogs.get(row.language)
        alert = self._alerts[row.alert_id]
        if row.kind is Kind.SMS:
            return render_sms(_, alert, gazetteer=self._gazetteer)
        if row.kind not in EDIT_OF:  # a new message: a resident's copy or a channel post
            return str(render_alert(_, alert, gazetteer=self._gazetteer, tz=self._tz))
        _original_id, original = self._originals[row.alert_id]
        return edited_copy(_, original, alert, gazetteer=self._gazetteer, tz=self._tz)
