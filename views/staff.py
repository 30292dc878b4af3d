"""Texts NGO staff read: district status, the province overview, the map's caption."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from babel.numbers import format_decimal
from markupsafe import escape
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from core.i18n import Translator
from domain.alerts import Alert, AlertKind, Severity
from domain.gazetteer import Candidate, Gazetteer
from domain.status import (
    WINDOW,
    DisplacementFigures,
    DistrictLine,
    DistrictStatus,
    Overview,
    Suspension,
)
from views.alerts import KIND_NAMES, MODE_NAMES, SEVERITY_MARKS, SEVERITY_NAMES, local_time

CB_STATUS = "st"  # st:<slug>, the district chosen when a /status name was ambiguous
CB_HISTORY = "sh"  # sh:<slug>:<days>, the same for /history
# One glyph per kind keeps overview lines short enough for a phone; a key line explains them.
KIND_MARKS = {AlertKind.SECURITY: "🛡", AlertKind.TRANSPORT: "🛣", AlertKind.DISPLACEMENT: "👪"}


def number(_: Translator, value: int) -> str:
    """A count as the reader's language writes it (1,234)."""
    return format_decimal(value, locale=_.language)


def age(_: Translator, since: datetime, now: datetime) -> str:
    """How long ago, to the nearest minute, hour or day."""
    minutes = max(0, int((now - since).total_seconds() // 60))
    if minutes < 60:
        return _.plural("{count} min ago", "{count} min ago", minutes)
    if minutes < 48 * 60:
        return _.plural("{count} hour ago", "{count} hours ago", minutes // 60)
    return _.plural("{count} day ago", "{count} days ago", minutes // (24 * 60))


def severity_label(_: Translator, severity: Severity) -> str:
    """🔴 EXTREME."""
    return f"{SEVERITY_MARKS[severity]} {_(SEVERITY_NAMES[severity])}"


def district_status(
    _: Translator, status: DistrictStatus, *, gazetteer: Gazetteer, tz: ZoneInfo, subscribers: int
) -> str:
    """The full picture of a district for staff."""
    name = gazetteer.district(status.district).display_name(_.language)
    now = status.now
    lines: list[str] = [
        _("📊 <b>{district}</b> · {time}", district=name, time=local_time(_, now, tz))
    ]
    lines += _freshness(_, status.last_update, status.stale, status.stale_after, now, tz)
    lines += ["", _("<b>Active alerts</b> ({count})", count=status.active_count)]
    if not status.active:
        lines.append(_("No active alerts."))
    for kind, alerts in status.active.items():
        lines.append(f"<i>{_(KIND_NAMES[kind])}</i>")
        lines += [_alert_line(_, a, now) for a in alerts]
    lines += ["", _("<b>Transport</b>")]
    lines += [_suspension(_, s, gazetteer, tz) for s in status.suspensions] or [
        _("No road or rail suspensions.")
    ]
    lines += ["", _("<b>Displacement</b> (last {days} days)", days=WINDOW.days)]
    lines += _displacement(_, status.displacement, tz)
    lines += [
        "",
        _.plural(
            "👥 {count} resident follows this district.",
            "👥 {count} residents follow this district.",
            subscribers,
        ),
    ]
    return _.finish("\n".join(lines))


def public_status(_: Translator, status: DistrictStatus, *, gazetteer: Gazetteer) -> str:
    """What anyone may see: the active alerts' severity and headline."""
    name = gazetteer.district(status.district).display_name(_.language)
    lines: list[str] = [
        _("📍 <b>{district}</b>: active alerts ({count})", district=name, count=status.active_count)
    ]
    for alerts in status.active.values():
        for a in alerts:
            headline = a.content.text(_.language).headline
            lines.append(f"{severity_label(_, a.content.severity)} · {escape(headline)}")
    if not status.active:
        lines.append(_("No active alerts."))
    lines += ["", _("Send /subscribe to receive alerts for your districts.")]
    return _.finish("\n".join(lines))


def overview(_: Translator, view: Overview, *, gazetteer: Gazetteer, tz: ZoneInfo) -> str:
    """The province by division: one line per district that has anything to report."""
    lines: list[str] = [
        _(
            "🗺 <b>{region}</b> · {time}",
            region=gazetteer.region.name,
            time=local_time(_, view.now, tz),
        )
    ]
    lines.append(_kinds_line(_, view.counts, view.highest))
    if view.families or view.individuals:
        lines.append(
            _(
                "👪 Displaced, last {days} days: {families} families, {people} people",
                days=WINDOW.days,
                families=number(_, view.families),
                people=number(_, view.individuals),
            )
        )
    routes = sorted({s.route for s in view.suspensions if s.route})
    if routes:
        lines.append(_("🛣 Suspended: {routes}", routes=", ".join(routes)))
    lines += _freshness(_, view.last_update, view.stale, None, view.now, tz)
    for division in view.divisions:
        busy = [d for d in division.districts if not d.quiet]
        heading = gazetteer.division_name(division.division, _.language)
        mark = SEVERITY_MARKS[division.highest] if division.highest else "⚪"
        lines += ["", _("{mark} <b>{division}</b>", mark=mark, division=heading)]
        lines += [_district_line(_, line, gazetteer) for line in busy]
        if len(busy) < len(division.districts):
            quiet = len(division.districts) - len(busy)
            lines.append(_.plural("⚪ {count} quiet district", "⚪ {count} quiet districts", quiet))
    lines += ["", _("Key: 🛡 security · 🛣 transport · 👪 displacement. /status NAME for details.")]
    return _.finish("\n".join(lines))


def map_caption(
    _: Translator, highest: Mapping[str, Severity], *, now: datetime, tz: ZoneInfo
) -> str:
    """The caption under the map, in the reader's language."""
    counts = [
        f"{SEVERITY_MARKS[s]} {sum(1 for v in highest.values() if v is s)}"
        for s in sorted(Severity, reverse=True)
    ]
    return _(
        "🗺 Districts by highest active alert, {time}. {counts} · ⚪ none",
        time=local_time(_, now, tz),
        counts=" ".join(counts),
    )


def status_usage(_: Translator) -> str:
    """How to ask for a district's status."""
    return _("Send /status with a district or town, for example: /status Quetta")


def choose_district(
    _: Translator, candidates: Sequence[Candidate], *, prefix: str, suffix: str = ""
) -> InlineKeyboardMarkup:
    """One button per district a name might mean; the data repeats the request for it."""
    buttons = [
        [
            InlineKeyboardButton(
                c.district.display_name(_.language),
                callback_data=f"{prefix}:{c.district.slug}{suffix}",
            )
        ]
        for c in candidates
    ]
    return InlineKeyboardMarkup(buttons)


def _freshness(
    _: Translator,
    last: datetime | None,
    stale: bool,
    stale_after: timedelta | None,
    now: datetime,
    tz: ZoneInfo,
) -> list[str]:
    if last is None:
        return [_("⚠️ <b>No verified update in the last {days} days.</b>", days=WINDOW.days)]
    line = _(
        "Last verified update: {time} ({age})",
        time=local_time(_, last, tz),
        age=age(_, last, now),
    )
    if not stale:
        return [line]
    if stale_after is None:
        return [line, _("⚠️ <b>No verified update recently: the picture may be out of date.</b>")]
    hours = int(stale_after.total_seconds() // 3600)
    warning = _.plural(
        "⚠️ <b>No verified update for over {count} hour: the picture may be out of date.</b>",
        "⚠️ <b>No verified update for over {count} hours: the picture may be out of date.</b>",
        hours,
    )
    return [line, warning]


def _alert_line(_: Translator, alert: Alert, now: datetime) -> str:
    stamp = alert.verified_at or alert.created_at
    headline = alert.content.text(_.language).headline
    parts = [severity_label(_, alert.content.severity), escape(headline), age(_, stamp, now)]
    return " · ".join(str(p) for p in [*parts, alert.identifier])


def _suspension(_: Translator, s: Suspension, gazetteer: Gazetteer, tz: ZoneInfo) -> str:
    route = gazetteer.route(s.route) if s.route else None
    parts = [f"{route.code} {route.display_name(_.language)}" if route else _("Other routes")]
    if s.mode is not None:
        parts.append(_(MODE_NAMES[s.mode]))
    if s.segment:
        parts.append(s.segment)
    parts.append(_("since {time}", time=local_time(_, s.since, tz)))
    return (
        f"🛣 {SEVERITY_MARKS[s.severity]} "
        + " · ".join(str(escape(p)) for p in parts)
        + f" · {s.identifier}"
    )


def _displacement(_: Translator, figures: DisplacementFigures, tz: ZoneInfo) -> list[str]:
    latest = figures.latest
    if latest is None:
        return [_("No displacement reported.")]
    families, people = number(_, figures.families), number(_, figures.individuals)
    return [
        _(
            "Latest: {families} families, {people} people · {time} · "
            "source: {source} · {reference}",
            families=_figure(_, latest.families),
            people=_figure(_, latest.individuals),
            time=local_time(_, latest.reported_at, tz),
            source=latest.source or "—",
            reference=latest.identifier,
        ),
        _.plural(
            "Total: {families} families, {people} people in {count} report",
            "Total: {families} families, {people} people in {count} reports",
            figures.reports,
            families=families,
            people=people,
        ),
    ]


def _figure(_: Translator, value: int | None) -> str:
    return "—" if value is None else number(_, value)


def _kinds_line(_: Translator, counts: Mapping[AlertKind, int], highest: Severity | None) -> str:
    if not counts:
        return _("No active alerts.")
    parts = " ".join(f"{KIND_MARKS[k]} {n}" for k, n in counts.items())
    assert highest is not None
    return _(
        "Active: {counts} · highest {severity}", counts=parts, severity=severity_label(_, highest)
    )


def _district_line(_: Translator, line: DistrictLine, gazetteer: Gazetteer) -> str:
    name = gazetteer.district(line.district).display_name(_.language)
    mark = SEVERITY_MARKS[line.highest] if line.highest else "⚪"
    parts = [f"{KIND_MARKS[k]}{n}" for k, n in line.counts.items()]
    if line.routes:
        parts.append(", ".join(line.routes))
    if line.families or line.individuals:
        parts.append(
            _(
                "👪 {families} fam. / {people} ppl",
                families=number(_, line.families),
                people=number(_, line.individuals),
            )
        )
    return f"{mark} {escape(name)}: " + " · ".join(str(p) for p in parts)
