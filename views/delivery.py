"""Texts of the delivery engine: residents' copies (new and edited) and operators' reports."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from html import unescape
from zoneinfo import ZoneInfo

from core.i18n import N_, Translator
from domain.alerts import MAX_RENDERED_CHARS, Alert, telegram_length
from domain.gazetteer import Gazetteer
from storage.delivery_reports import FanoutCounts
from views.alerts import local_time, render_alert, render_closed_notice
from views.channels import report_lines as channel_report_lines

_TAG = re.compile(r"<[^>]+>")


def visible_length(html: str) -> int:
    """The length Telegram counts once the HTML entities of a message are parsed."""
    return telegram_length(unescape(_TAG.sub("", html)))


def edited_copy(
    _: Translator, original: Alert, correction: Alert, *, gazetteer: Gazetteer, tz: ZoneInfo
) -> str:
    """A resident's copy of the original, marked updated or cancelled on top. If the mark makes
    it too long for one message, the copy keeps only the mark and the headline."""
    notice = render_closed_notice(_, original, correction)
    full = f"{notice}\n\n{render_alert(_, original, gazetteer=gazetteer, tz=tz)}"
    if visible_length(full) <= MAX_RENDERED_CHARS:
        return full
    headline = original.content.text(_.language).headline
    return str(_.finish(f"{notice}\n\n") + _("<s>{headline}</s>", headline=headline))


@dataclass(frozen=True, slots=True)
class Progress:
    """A fan-out's numbers as an operator reads them."""

    counts: FanoutCounts
    now: datetime
    pace: float  # messages per second the engine allows (inf: no cap)


def _duration(_: Translator, seconds: float) -> str:
    whole = max(0, round(seconds))
    if whole < 60:
        return _.plain("{seconds} s", seconds=whole)
    return _.plain("{minutes} min {seconds} s", minutes=whole // 60, seconds=whole % 60)


def _rate(counts: FanoutCounts) -> float | None:
    if counts.first_sent_at is None or counts.last_sent_at is None or counts.sent < 2:
        return None
    span = (counts.last_sent_at - counts.first_sent_at).total_seconds()
    return counts.sent / span if span > 0 else None


def render_report(_: Translator, alert: Alert, progress: Progress, *, tz: ZoneInfo) -> str:
    """The live progress message, and at the end the report: what was delivered, to how many,
    what is still waiting and what failed."""
    counts = progress.counts
    lines = [_("📣 <b>Delivery of {reference}</b>", reference=alert.identifier)]
    if alert.delivery_planned_at is None:
        lines.append(
            _(
                "Not sent yet: it goes out when it takes effect, {time}.",
                time=local_time(_, alert.content.effective, tz),
            )
        )
        return _.finish("\n".join(lines))
    lines.append(_("✅ Delivered: {sent} of {planned}", sent=counts.sent, planned=counts.planned))
    optional = [
        (counts.waiting, N_("⏳ Waiting to be sent: {count}")),
        (counts.held, N_("🌙 Held for quiet hours: {count}")),
        (counts.failed, N_("⚠️ Failed: {count}")),
        (counts.blocked, N_("🚫 Blocked the bot or left Telegram: {count}")),
        (counts.skipped, N_("⏭ Not sent, the alert ended first: {count}")),
        (counts.withdrawn, N_("↩️ Not sent, the resident changed their choices: {count}")),
        (counts.edited, N_("✏️ Earlier copies marked: {count}")),
    ]
    lines.extend(_(text, count=count) for count, text in optional if count)
    lines.extend(channel_report_lines(_, counts.channels))
    rate = _rate(counts)
    if not counts.finished:
        speed = rate or (progress.pace if progress.pace != float("inf") else None)
        if speed:
            eta = _duration(_, (counts.waiting + counts.edits_waiting) / speed)
            lines.append(_("⚡ {rate} messages/s · about {eta} to go", rate=round(speed), eta=eta))
    elif counts.first_sent_at is not None and alert.verified_at is not None:
        took = _duration(
            _, (counts.last_sent_at or progress.now).timestamp() - alert.verified_at.timestamp()
        )
        lines.append(
            _(
                "✔️ Finished {took} after approval ({rate} messages/s).",
                took=took,
                rate=round(rate or counts.sent),
            )
        )
    return _.finish("\n".join(lines))
