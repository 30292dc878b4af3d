"""The answer to /status: a district's picture with what the asker may see of the team's data."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from core.i18n import Translator
from domain.gazetteer import Gazetteer
from usecases.status import DistrictReport
from views import channels as channel_views
from views import checkins as checkin_views
from views import staff as staff_views
from views.sms import shutdown_line


def status_reply(
    _: Translator,
    report: DistrictReport,
    *,
    gazetteer: Gazetteer,
    tz: ZoneInfo,
    reached: datetime | None,
) -> str:
    """Everyone sees the active alerts and a declared shutdown; the team (a report read with
    `count_subscribers`) also sees followers, channels, check-ins and the bot's own pulse."""
    picture = report.status
    here = {picture.district: report.shutdown_since} if report.shutdown_since else {}
    line = shutdown_line(_, here, gazetteer=gazetteer)
    if report.subscribers is None:
        text = staff_views.public_status(_, picture, gazetteer=gazetteer)
        return text + (f"\n\n{line}" if line else "")
    text = staff_views.district_status(
        _, picture, gazetteer=gazetteer, tz=tz, subscribers=report.subscribers
    )
    channels = channel_views.status_lines(_, report.channels, overview=False)
    checkins = checkin_views.checkins_block(_, report.checkins, gazetteer=gazetteer)
    service = checkin_views.service_line(
        _, reached=reached, now=picture.now, queue_depth=report.queue_depth or 0
    )
    extra = [x for x in (channels, line) if x]
    return "\n".join([text, *extra, *checkins, "", service])
