"""What the partner endpoints return: check-in counts, the bot's pulse, DTM-style displacement.

Check-in counts below 5 are null ("fewer than 5"), so a lone answer cannot be traced; no model
has a field for a resident.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from domain.checkins import MIN_SHOWN, CheckinCounts, shown
from domain.gazetteer import District, Gazetteer


class CheckinCountsOut(BaseModel):
    """How many answered each way under one alert in one district (null: fewer than 5)."""

    alert: str
    district: str
    admin2Pcode: str | None  # OCHA's (and IOM DTM's) name for the district's P-code
    safe: int | None
    need_help: int | None
    had_to_leave: int | None
    min_shown: int = MIN_SHOWN

    @classmethod
    def of(cls, c: CheckinCounts, gazetteer: Gazetteer) -> CheckinCountsOut:
        """The counts as staff may see them."""
        district = gazetteer.get(c.district)
        return cls(
            alert=c.alert,
            district=c.district,
            admin2Pcode=district.pcode if district else None,
            safe=shown(c.safe),
            need_help=shown(c.help),
            had_to_leave=shown(c.left),
        )


class ServiceOut(BaseModel):
    """The bot's pulse: when it last reached Telegram, and how many messages wait."""

    telegram_last_reached: datetime | None
    queue_depth: int
    held_for_quiet_hours: int


class DtmDisplacementOut(BaseModel):
    """A district's displacement in the window, under IOM DTM's API field names."""

    admin0Name: str
    admin0Pcode: str
    admin1Name: str
    admin1Pcode: str | None
    admin2Name: str
    admin2Pcode: str | None
    reportingDate: datetime | None  # the newest report's verification
    numPresentIdpInd: int  # individuals reported displaced into the district in the window
    households: int  # DTM's admin-2 figures have no household count; ours, by its own name
    reports: int

    @classmethod
    def of(
        cls,
        d: District,
        gazetteer: Gazetteer,
        *,
        individuals: int,
        families: int,
        reported: datetime | None,
        reports: int,
    ) -> DtmDisplacementOut:
        """The district's figures under DTM's names."""
        return cls(
            admin0Name=gazetteer.region.country,
            admin0Pcode=gazetteer.region.country_code or "",
            admin1Name=gazetteer.region.name,
            admin1Pcode=gazetteer.region.pcode,
            admin2Name=d.name,
            admin2Pcode=d.pcode,
            reportingDate=reported,
            numPresentIdpInd=individuals,
            households=families,
            reports=reports,
        )
