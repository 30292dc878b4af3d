"""CSV exports for humanitarian partners: a header row, then an HXL hashtag row, then data.

HXL (hxlstandard.org) tags let HDX and partners' tools read the columns without a mapping;
districts carry their OCHA P-codes where the gazetteer knows them (blank where not).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from domain.checkins import CheckinCounts, shown
from domain.gazetteer import Gazetteer
from domain.status import Overview

Columns = Sequence[tuple[str, str]]  # (column name, HXL hashtag)
# A spreadsheet runs a cell that starts with one of these as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FEWER_THAN_5 = "<5"

ALERT_COLUMNS: Columns = (
    ("identifier", "#event+code"),
    ("kind", "#event+type"),
    ("status", "#status+alert"),
    ("msg_type", "#meta+msg_type"),
    ("state", "#status+lifecycle"),
    ("references", "#event+code+references"),
    ("severity", "#severity"),
    ("urgency", "#severity+urgency"),
    ("certainty", "#severity+certainty"),
    ("districts", "#adm2+slug"),
    ("language", "#meta+lang"),
    ("headline", "#description+headline"),
    ("description", "#description"),
    ("instruction", "#description+instruction"),
    ("source", "#meta+source"),
    ("effective", "#date+start"),
    ("expires", "#date+end"),
    ("verified_at", "#date+reported"),
    ("closed_at", "#date+closed"),
    ("route", "#loc+route"),
    ("transport_mode", "#loc+mode"),
    ("segment", "#loc+segment"),
    ("families", "#affected+hh"),
    ("individuals", "#affected+idps+ind"),
    ("from_place", "#loc+origin"),
    ("to_place", "#loc+destination"),
    ("adm1_pcode", "#adm1+code"),
    ("adm2_pcodes", "#adm2+code"),
    ("adm2_names", "#adm2+name"),
)
DISTRICT_COLUMNS: Columns = (
    ("adm1_pcode", "#adm1+code"),
    ("adm1_name", "#adm1+name"),
    ("adm2_pcode", "#adm2+code"),
    ("adm2_name", "#adm2+name"),
    ("adm2_name_ur", "#adm2+name+i_ur"),
    ("slug", "#adm2+slug"),
    ("division", "#meta+division"),
    ("highest_severity", "#severity"),
    ("active_security", "#event+num+security"),
    ("active_transport", "#event+num+transport"),
    ("active_displacement", "#event+num+displacement"),
    ("displaced_families", "#affected+hh"),
    ("displaced_individuals", "#affected+idps+ind"),
    ("generated_at", "#date+reported"),
)
CHECKIN_COLUMNS: Columns = (
    ("alert", "#event+code"),
    ("kind", "#event+type"),
    ("severity", "#severity"),
    ("verified_at", "#date+reported"),
    ("adm1_pcode", "#adm1+code"),
    ("adm2_pcode", "#adm2+code"),
    ("adm2_name", "#adm2+name"),
    ("safe", "#affected+safe+ind"),
    ("need_help", "#inneed+ind"),
    ("had_to_leave", "#affected+idps+ind"),
)


def hxl_csv(columns: Columns, rows: Iterable[Mapping[str, object]]) -> str:
    """The rows as CSV with the hashtag row under the header; formula-like cells defused."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(name for name, _tag in columns)
    writer.writerow(tag for _name, tag in columns)
    for row in rows:
        writer.writerow(cell(row.get(name)) for name, _tag in columns)
    return out.getvalue()


def cell(value: object) -> str:
    """One CSV cell: ISO times, blanks for None, a quote before what a spreadsheet would run."""
    if value is None:
        return ""
    text = value.isoformat() if isinstance(value, datetime) else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def place_cells(gazetteer: Gazetteer, slugs: Sequence[str]) -> dict[str, str]:
    """The P-codes (known ones only) and English names of districts, space- and |-separated."""
    districts = [d for d in map(gazetteer.get, slugs) if d is not None]
    return {
        "adm1_pcode": gazetteer.region.pcode or "",
        "adm2_pcodes": " ".join(d.pcode for d in districts if d.pcode),
        "adm2_names": "|".join(d.name for d in districts),
    }


def districts_rows(view: Overview, gazetteer: Gazetteer) -> list[dict[str, object]]:
    """Status per district: active alerts by kind, highest severity, displacement in the window."""
    rows: list[dict[str, object]] = []
    for d in gazetteer.districts:
        line = view.by_district[d.slug]
        counts = {kind.value: n for kind, n in line.counts.items()}
        rows.append(
            {
                "adm1_pcode": gazetteer.region.pcode,
                "adm1_name": gazetteer.region.name,
                "adm2_pcode": d.pcode,
                "adm2_name": d.name,
                "adm2_name_ur": d.names.get("ur"),
                "slug": d.slug,
                "division": d.division,
                "highest_severity": line.highest.code if line.highest else None,
                "active_security": counts.get("security", 0),
                "active_transport": counts.get("transport", 0),
                "active_displacement": counts.get("displacement", 0),
                "displaced_families": line.families,
                "displaced_individuals": line.individuals,
                "generated_at": view.now,
            }
        )
    return rows


def checkin_rows(
    counts: Iterable[CheckinCounts],
    gazetteer: Gazetteer,
    alerts: Mapping[str, tuple[str, str, datetime | None]],
) -> list[dict[str, object]]:
    """Answers per alert and district, counts below 5 as '<5'; `alerts` gives each reference's
    kind, severity and verification time."""
    rows: list[dict[str, object]] = []
    for c in counts:
        district = gazetteer.get(c.district)
        kind, severity, verified = alerts.get(c.alert, ("", "", None))
        rows.append(
            {
                "alert": c.alert,
                "kind": kind,
                "severity": severity,
                "verified_at": verified,
                "adm1_pcode": gazetteer.region.pcode,
                "adm2_pcode": district.pcode if district else None,
                "adm2_name": district.name if district else c.district,
                "safe": _shown(c.safe),
                "need_help": _shown(c.help),
                "had_to_leave": _shown(c.left),
            }
        )
    return rows


def _shown(count: int) -> str:
    value = shown(count)
    return FEWER_THAN_5 if value is None else str(value)
