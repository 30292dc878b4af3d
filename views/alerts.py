"""Alerts as residents and operators read them: one scannable layout per kind, HTML-safe."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from markupsafe import escape

from core.i18n import N_, Translator
from domain.alerts import (
    Alert,
    AlertContent,
    AlertKind,
    AlertState,
    MsgType,
    Severity,
    Status,
    is_exercise,
)
from domain.alerts.model import Certainty, TransportMode, Urgency
from domain.gazetteer import Gazetteer
from views.keyboards import LANGUAGE_NAMES

SEVERITY_MARKS = {
    Severity.EXTREME: "🔴",
    Severity.SEVERE: "🟠",
    Severity.MODERATE: "🟡",
    Severity.MINOR: "🔵",
}
SEVERITY_NAMES = {
    Severity.EXTREME: N_("EXTREME"),
    Severity.SEVERE: N_("SEVERE"),
    Severity.MODERATE: N_("MODERATE"),
    Severity.MINOR: N_("MINOR"),
}
KIND_NAMES = {
    AlertKind.SECURITY: N_("Security incident"),
    AlertKind.TRANSPORT: N_("Transport suspension"),
    AlertKind.DISPLACEMENT: N_("Displacement"),
}
URGENCY_NAMES = {
    Urgency.IMMEDIATE: N_("Immediate"),
    Urgency.EXPECTED: N_("Expected"),
    Urgency.FUTURE: N_("Future"),
    Urgency.PAST: N_("Past"),
    Urgency.UNKNOWN: N_("Unknown"),
}
CERTAINTY_NAMES = {
    Certainty.OBSERVED: N_("Observed"),
    Certainty.LIKELY: N_("Likely"),
    Certainty.POSSIBLE: N_("Possible"),
    Certainty.UNLIKELY: N_("Unlikely"),
    Certainty.UNKNOWN: N_("Unknown"),
}
MODE_NAMES = {
    TransportMode.ROAD: N_("road"),
    TransportMode.RAIL: N_("rail"),
    TransportMode.AIR: N_("air"),
    TransportMode.PORT: N_("port"),
}
BANNERS = {
    Status.EXERCISE: N_("🧪 EXERCISE — NOT A REAL ALERT"),
    Status.TEST: N_("🧪 TEST — NOT A REAL ALERT"),
}


def local_time(
    _: Translator, moment: datetime, tz: ZoneInfo, *, now: datetime | None = None
) -> str:
    """A moment as people there read it: '28 Nov, 14:05', with the year when not this year."""
    this_year = (now or datetime.now(tz)).astimezone(tz).year
    pattern = "d MMM, HH:mm" if moment.astimezone(tz).year == this_year else "d MMM yyyy, HH:mm"
    return format_datetime(moment, pattern, tzinfo=tz, locale=_.language)


def render_alert(
    _: Translator,
    alert: Alert,
    *,
    gazetteer: Gazetteer,
    tz: ZoneInfo,
    preview: bool = False,
) -> str:
    """The full alert in the reader's language (falling back to the author's), as HTML."""
    content = alert.content
    lines: list[str] = []
    banner = _(BANNERS[content.status]) if is_exercise(content) else None
    if banner:
        lines.append(f"<b>{banner}</b>")
    if alert.msg_type is MsgType.UPDATE:
        lines.append(_("🔄 <b>UPDATE</b> to {reference}", reference=alert.references or ""))
    if alert.msg_type is MsgType.CANCEL:
        lines.append(_("❌ <b>CANCELLED</b>: {reference}", reference=alert.references or ""))
    lines.append(
        _(
            "{mark} <b>{severity}</b> · {kind}",
            mark=SEVERITY_MARKS[content.severity],
            severity=_.plain(SEVERITY_NAMES[content.severity]),
            kind=_.plain(KIND_NAMES[content.kind]),
        )
    )
    lines.append("📍 " + _district_names(_, content, gazetteer))
    lines.extend(_body(_, alert))
    lines.extend(_details(_, content, gazetteer))
    lines.append(
        _(
            "🕒 {start} – {end}",
            start=local_time(_, content.effective, tz),
            end=local_time(_, content.expires, tz),
        )
    )
    lines.append(
        _(
            "Urgency: {urgency} · Certainty: {certainty}",
            urgency=_.plain(URGENCY_NAMES[content.urgency]),
            certainty=_.plain(CERTAINTY_NAMES[content.certainty]),
        )
    )
    if content.source:
        lines.append(_("Source: {source}", source=content.source))
    if preview:  # the two-person rule covers every language residents will read
        lines.extend(_other_languages(_, content))
    lines.append(_reference_line(_, alert, preview))
    if banner:
        lines.append(f"<b>{banner}</b>")
    return _.finish("\n".join(lines))


def _body(_: Translator, alert: Alert) -> list[str]:
    content = alert.content
    text = content.text(_.language)
    lines = [f"<b>{escape(text.headline)}</b>"]
    if text.language != _.language:
        lines.append(_("<i>(Not available in your language; shown as written.)</i>"))
    if text.description:
        lines.extend(["", str(escape(text.description))])
    if alert.msg_type is MsgType.CANCEL and alert.note:
        lines.extend(["", _("Reason: {reason}", reason=alert.note)])
    if text.instruction:
        lines.extend(["", _("➡️ <b>What to do:</b> {instruction}", instruction=text.instruction)])
    lines.append("")
    return lines


def _other_languages(_: Translator, content: AlertContent) -> list[str]:
    shown = content.text(_.language)
    lines: list[str] = []
    for text in content.texts:
        if text is shown:
            continue
        language = LANGUAGE_NAMES.get(text.language, text.language)
        lines += ["", _("🌐 Readers in {language} get:", language=language)]
        lines.append(f"<b>{escape(text.headline)}</b>")
        if text.description:
            lines.append(str(escape(text.description)))
        if text.instruction:
            lines.append(_("➡️ <b>What to do:</b> {instruction}", instruction=text.instruction))
    return lines


def _details(_: Translator, content: AlertContent, gazetteer: Gazetteer) -> list[str]:
    lines: list[str] = []
    transport = content.transport
    if transport is not None:
        route = gazetteer.route(transport.route) if transport.route else None
        parts = [str(escape(route.label(_.language) if route else transport.route or ""))]
        if transport.mode is not None:
            parts.append(_.plain(MODE_NAMES[transport.mode]))
        if transport.segment:
            parts.append(str(escape(transport.segment)))
        lines.append("🛣 " + " · ".join(p for p in parts if p))
    figures = content.displacement
    if figures is not None:
        counts = []
        if figures.families is not None:
            counts.append(_.plural("{count} family", "{count} families", figures.families))
        if figures.individuals is not None:
            counts.append(_.plural("{count} person", "{count} people", figures.individuals))
        line = "👪 " + _.plain(", ").join(counts)
        if figures.from_place or figures.to_place:
            line += " · " + _(
                "from {origin} to {destination}",
                origin=figures.from_place or "?",
                destination=figures.to_place or "?",
            )
        lines.append(line)
    return lines


def _district_names(_: Translator, content: AlertContent, gazetteer: Gazetteer) -> str:
    names = []
    for slug in content.districts:
        district = gazetteer.get(slug)
        names.append(district.display_name(_.language) if district else slug)
    return str(escape(_.plain(", ").join(names)))


def _reference_line(_: Translator, alert: Alert, preview: bool) -> str:
    if preview or alert.state in (AlertState.DRAFT, AlertState.PENDING):
        return _("Ref {reference} · 👁 preview, not yet verified", reference=alert.identifier)
    return _("Ref {reference} · ✅ verified by 2 operators", reference=alert.identifier)


def render_closed_notice(_: Translator, alert: Alert, closed_by: Alert) -> str:
    """One line put on top of a resident's copy of an alert that was updated or cancelled."""
    if closed_by.msg_type is MsgType.CANCEL:
        return _(
            "❌ <b>CANCELLED</b> by {reference}. Disregard the alert below.",
            reference=closed_by.identifier,
        )
    return _(
        "🔄 <b>UPDATED</b> by {reference}. See the newer message.",
        reference=closed_by.identifier,
    )
