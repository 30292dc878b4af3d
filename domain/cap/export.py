"""Published alerts as CAP 1.2 XML documents and as Atom feeds that link to them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

# Only builds documents; parsing untrusted XML goes through defusedxml (domain/cap/parse.py).
from xml.etree import ElementTree as ET
from zoneinfo import ZoneInfo

from domain.alerts import Alert, AlertKind, MsgType
from domain.cap import model as cap
from domain.gazetteer import Gazetteer

# The event name in a language (the caller supplies translations; English by default).
EventName = Callable[[AlertKind, str], str]


def english_event(kind: AlertKind, _language: str) -> str:
    """The English event name of a kind."""
    return cap.EVENTS[kind]


def cap_time(moment: datetime, tz: ZoneInfo) -> str:
    """A CAP dateTime: seconds and an explicit offset; CAP forbids "Z" and writes UTC as -00:00."""
    local = moment.astimezone(tz)
    text = local.replace(microsecond=0).isoformat()
    return text.replace("+00:00", "-00:00") if local.utcoffset() == timedelta(0) else text


@dataclass(frozen=True, slots=True)
class CapContext:
    """What a CAP document needs besides the alert itself."""

    sender: str
    gazetteer: Gazetteer
    tz: ZoneInfo
    event_name: EventName = english_event
    web: str | None = None  # a page about the alert, if the deployment has one


def alert_xml(alert: Alert, ctx: CapContext, *, referenced: Alert | None = None) -> bytes:
    """One published alert as a CAP 1.2 document; an update or cancel names its original."""
    assert alert.verified_at is not None, "only published alerts are exported"
    root = ET.Element("alert", xmlns=cap.CAP_NS)
    _add(root, "identifier", alert.identifier)
    _add(root, "sender", ctx.sender)
    _add(root, "sent", cap_time(alert.verified_at, ctx.tz))
    _add(root, "status", cap.STATUSES[alert.status])
    _add(root, "msgType", cap.MSG_TYPES[alert.msg_type])
    _add(root, "scope", "Public")
    if alert.msg_type is MsgType.CANCEL and alert.note:
        _add(root, "note", alert.note)
    if alert.references and referenced is not None and referenced.verified_at is not None:
        sent = cap_time(referenced.verified_at, ctx.tz)
        _add(root, "references", f"{ctx.sender},{alert.references},{sent}")
    for text in alert.content.texts:
        _info(root, alert, text.language, ctx)
    return _serialise(root)


def _info(root: ET.Element, alert: Alert, language: str, ctx: CapContext) -> None:
    content = alert.content
    text = content.text(language)
    info = _add(root, "info")
    _add(info, "language", language)
    _add(info, "category", cap.CATEGORIES[content.kind])
    _add(info, "event", ctx.event_name(content.kind, language))
    _add(info, "urgency", cap.URGENCIES[content.urgency])
    _add(info, "severity", cap.SEVERITIES[content.severity])
    _add(info, "certainty", cap.CERTAINTIES[content.certainty])
    code = _add(info, "eventCode")
    _add(code, "valueName", cap.KIND_CODE)
    _add(code, "value", content.kind.value)
    _add(info, "effective", cap_time(content.effective, ctx.tz))
    _add(info, "expires", cap_time(content.expires, ctx.tz))
    if content.source:
        _add(info, "senderName", content.source)
    _add(info, "headline", text.headline)
    if text.description:
        _add(info, "description", text.description)
    if text.instruction:
        _add(info, "instruction", text.instruction)
    if ctx.web:
        _add(info, "web", ctx.web)
    for name, value in _parameters(alert):
        parameter = _add(info, "parameter")
        _add(parameter, "valueName", name)
        _add(parameter, "value", value)
    for slug in content.districts:
        district = ctx.gazetteer.get(slug)
        area = _add(info, "area")
        _add(area, "areaDesc", district.display_name(language) if district else slug)
        if district is not None:
            # The district's headquarters as a point (radius 0): the gazetteer has no outlines.
            _add(area, "circle", f"{district.lat:.4f},{district.lon:.4f} 0")
            if district.pcode:
                geocode = _add(area, "geocode")
                _add(geocode, "valueName", "PCODE")
                _add(geocode, "value", district.pcode)


def _parameters(alert: Alert) -> list[tuple[str, str]]:
    transport, figures = alert.content.transport, alert.content.displacement
    found: list[tuple[str, str | None]] = []
    if transport is not None:
        found += [
            (cap.ROUTE, transport.route),
            (cap.SEGMENT, transport.segment),
            (cap.MODE, transport.mode.value if transport.mode else None),
        ]
    if figures is not None:
        found += [
            (cap.FAMILIES, None if figures.families is None else str(figures.families)),
            (cap.INDIVIDUALS, None if figures.individuals is None else str(figures.individuals)),
            (cap.FROM_PLACE, figures.from_place),
            (cap.TO_PLACE, figures.to_place),
        ]
    return [(name, value) for name, value in found if value]


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One alert in a feed: its CAP document's address and what a feed reader shows."""

    alert: Alert
    cap_url: str


def atom_feed(
    entries: Sequence[FeedEntry],
    *,
    feed_id: str,
    title: str,
    self_url: str,
    now: datetime,
    author: str,
) -> bytes:
    """An Atom feed whose entries link to CAP documents, as alert hubs expect."""
    feed = ET.Element("feed", xmlns=cap.ATOM_NS)
    _atom(feed, "id", feed_id)
    _atom(feed, "title", title)
    stamps = [e.alert.verified_at for e in entries if e.alert.verified_at is not None]
    _atom(feed, "updated", max(stamps, default=now).astimezone(UTC).isoformat())
    _atom(_atom(feed, "author"), "name", author)
    _atom(feed, "link", rel="self", href=self_url, type=cap.ATOM_MEDIA_TYPE)
    for item in entries:
        alert = item.alert
        assert alert.verified_at is not None
        entry = _atom(feed, "entry")
        _atom(entry, "id", item.cap_url)
        text = alert.content.texts[0]
        _atom(entry, "title", text.headline)
        _atom(entry, "updated", alert.verified_at.astimezone(UTC).isoformat())
        summary = f"{cap.SEVERITIES[alert.content.severity]} · {cap.EVENTS[alert.kind]}"
        if alert.msg_type is not MsgType.ALERT:
            summary = f"{cap.MSG_TYPES[alert.msg_type]} of {alert.references} · {summary}"
        _atom(entry, "summary", summary)
        _atom(entry, "link", rel="alternate", href=item.cap_url, type=cap.CAP_MEDIA_TYPE)
    return _serialise(feed)


def _add(parent: ET.Element, name: str, text: str | None = None) -> ET.Element:
    element = ET.SubElement(parent, name)
    if text is not None:
        element.text = text
    return element


def _atom(parent: ET.Element, name: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, name, attrs)
    if text is not None:
        element.text = text
    return element


def _serialise(root: ET.Element) -> bytes:
    """The document, with its namespace as the default one (an xmlns attribute on the root,
    unprefixed names below): the shape CAP consumers and feed readers most often expect."""
    ET.indent(root)
    document: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return document
