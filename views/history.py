"""Texts of /history: what was published about a district, newest first."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date
from markupsafe import escape

from core.i18n import Translator
from domain.alerts import Alert, AlertState, MsgType
from domain.gazetteer import District
from views.alerts import KIND_NAMES, local_time
from views.staff import severity_label

MAX_HISTORY_LINES = 25


def history(
    _: Translator, district: District, alerts: Sequence[Alert], *, since: datetime, tz: ZoneInfo
) -> str:
    """What was published about a district in the last days, newest first."""
    name = district.display_name(_.language)
    # Values are worked out first: babel's extractor misreads nested calls in plural().
    day = format_date(since, "d MMM", locale=_.language)
    lines: list[str] = [
        _.plural(
            "🕘 <b>{district}</b> since {date}: {count} alert",
            "🕘 <b>{district}</b> since {date}: {count} alerts",
            len(alerts),
            district=name,
            date=day,
        )
    ]
    if not alerts:
        lines.append(_("Nothing was published."))
    for a in alerts[:MAX_HISTORY_LINES]:
        assert a.verified_at is not None
        if a.msg_type is MsgType.CANCEL:
            # A cancel is not a second alert of the original's severity: say what it cancelled.
            lines += ["", f"{local_time(_, a.verified_at, tz)} · {_cancel_line(_, a)}"]
            continue
        lines += [
            "",
            f"{local_time(_, a.verified_at, tz)} · {severity_label(_, a.content.severity)} · "
            f"{_(KIND_NAMES[a.kind])} · {a.identifier}",
            f"{escape(a.content.text(_.language).headline)}",
            _history_state(_, a),
        ]
    if len(alerts) > MAX_HISTORY_LINES:
        lines += ["", _("…and {count} earlier.", count=len(alerts) - MAX_HISTORY_LINES)]
    return _.finish("\n".join(lines))


def history_usage(_: Translator) -> str:
    """How to ask for a district's history."""
    return _("Send /history with a district and, if you like, a number of days: /history Kech 14")


def _cancel_line(_: Translator, cancel: Alert) -> str:
    headline = cancel.content.text(_.language).headline
    if cancel.note:
        return _(
            "❌ cancelled {reference} ({headline}): {reason}",
            reference=cancel.references or "",
            headline=headline,
            reason=cancel.note,
        )
    return _(
        "❌ cancelled {reference} ({headline})",
        reference=cancel.references or "",
        headline=headline,
    )


def _history_state(_: Translator, alert: Alert) -> str:
    prefix = ""
    if alert.msg_type is MsgType.UPDATE:
        prefix = _("🔄 update to {reference}. ", reference=alert.references or "")
    elif alert.msg_type is MsgType.CANCEL:
        return _("❌ cancel of {reference}", reference=alert.references or "")
    states = {
        AlertState.VERIFIED: _("✅ active"),
        AlertState.EXPIRED: _("⌛ expired"),
        AlertState.SUPERSEDED: _(
            "🔄 superseded by {reference}", reference=alert.closed_by_alert or ""
        ),
        AlertState.CANCELLED: _(
            "❌ cancelled by {reference}", reference=alert.closed_by_alert or ""
        ),
    }
    return prefix + states.get(alert.state, alert.state.value)
