"""Texts and buttons about the roads and railways (corridors) residents follow."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from core.i18n import Translator
from domain.gazetteer import Route
from domain.places import PlacesReading

CB_ROUTE_ON = "ron"  # ron:<route code>, the answer to "which road or railway"
CB_ROUTE_REMOVE = "rrm"  # rrm:<route code>, from /mysubs
NOTHING_READ = PlacesReading()


def route_names(_: Translator, routes: Sequence[Route]) -> str:
    """Routes as code and name ("N-25 Karachi–Quetta–Chaman (RCD) Highway"), bold, joined."""
    separator = _.plain(", ")
    return Markup(separator).join(  # noqa: S704 - the separator comes from the catalog
        Markup("<b>{}</b>").format(r.label(_.language)) for r in routes
    )


def corridors_reply(
    _: Translator, reading: PlacesReading, added: Sequence[Route], already: Sequence[Route]
) -> list[str]:
    """The lines of a /subscribe answer about roads and railways."""
    lines: list[str] = []
    if added:
        lines.append(
            _(
                "✅ Subscribed to {routes}. You get alerts marked on these routes wherever "
                "you live.",
                routes=route_names(_, added),
            )
        )
    if already:
        lines.append(_("You already follow {districts}.", districts=route_names(_, already)))
    for match in reading.corrected_routes:
        assert match.route is not None
        lines.append(
            _(
                "ℹ️ I took “{place}” to mean {district}.",
                place=match.query,
                district=match.route.label(_.language),
            )
        )
    for match in reading.route_choices:
        lines.append(
            _(
                "❓ “{place}” could be more than one road or railway. Which one do you mean?",
                place=match.query,
            )
        )
    lines.extend(unknown_routes(_, reading))
    return lines


def unknown_routes(_: Translator, reading: PlacesReading) -> list[str]:
    """One line per name that looked like a road or railway but is none we know."""
    return [
        _("🤷 I don't know a road or railway called “{place}”.", place=query[:40])
        for query in reading.unknown_routes
    ]


def unsubscribed_routes(_: Translator, reading: PlacesReading, removed: Sequence[str]) -> list[str]:
    """The lines of an /unsubscribe answer about roads and railways."""
    gone = [r for r in reading.routes if r.code in removed]
    kept = [r for r in reading.routes if r.code not in removed]
    lines = []
    if gone:
        lines.append(_("Stopped alerts for {districts}.", districts=route_names(_, gone)))
    if kept:
        lines.append(_("You were not following {districts}.", districts=route_names(_, kept)))
    return lines + unknown_routes(_, reading)


def my_corridors(_: Translator, routes: Sequence[Route]) -> str:
    """The roads and railways part of /mysubs (empty when there are none)."""
    if not routes:
        return ""
    lines: list[str] = [_("<b>Your roads and railways</b> ({count}):", count=len(routes))]
    lines.extend(f"• {route_names(_, [r])}" for r in routes)
    lines.append("")
    lines.append(_("Tap a button below to stop alerts for a road or railway."))
    return "\n".join(lines)


def route_rows(
    _: Translator, routes: Sequence[Route], prefix: str
) -> list[list[InlineKeyboardButton]]:
    """One button per route, a row each (the names are long)."""
    label = "✕ {}" if prefix == CB_ROUTE_REMOVE else "{}"
    return [
        [
            InlineKeyboardButton(
                label.format(r.label(_.language)), callback_data=f"{prefix}:{r.code}"
            )
        ]
        for r in routes
    ]


def route_choices(_: Translator, reading: PlacesReading) -> list[list[InlineKeyboardButton]]:
    """The buttons answering "which road or railway", one per candidate."""
    routes = {r.code: r for match in reading.route_choices for r in match.routes}
    return route_rows(_, list(routes.values()), CB_ROUTE_ON)


def with_rows(
    markup: InlineKeyboardMarkup | None, rows: list[list[InlineKeyboardButton]]
) -> InlineKeyboardMarkup | None:
    """A keyboard with more rows below it (None if there is nothing at all)."""
    existing = [list(row) for row in markup.inline_keyboard] if markup else []
    return InlineKeyboardMarkup([*existing, *rows]) if existing or rows else None


def stored(_: Translator, routes: Sequence[Route], muted: int) -> str:
    """The /mydata lines about roads and railways followed and alerts muted."""
    return _(
        "Roads and railways: {routes}\nAlerts whose updates you muted for an hour: {muted}",
        routes=route_names(_, routes) if routes else _.plain("none"),
        muted=muted,
    )
