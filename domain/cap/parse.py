"""Reading CAP 1.2 alerts and Atom feeds from outside, refusing hostile XML.

defusedxml refuses DTDs (and so entity expansion and external entities) before anything is
expanded; the size limit comes first so a huge document is never parsed at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from domain.cap import model as cap


class CapRefused(ValueError):
    """A document that is not read: too large, hostile, malformed or not CAP/Atom."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code  # too_large, forbidden_xml, malformed, not_cap


@dataclass(frozen=True, slots=True)
class FeedLink:
    """A feed entry pointing at a CAP document."""

    url: str


Document = list[cap.CapMessage | FeedLink]


def read_document(data: bytes) -> Document:
    """The CAP messages in a CAP document, or in and behind an Atom feed (as links)."""
    root = safe_parse(data)
    if root.tag == f"{{{cap.ATOM_NS}}}feed":
        return _feed(root)
    if _local(root.tag) == "alert" and _ns(root.tag) in cap.CAP_NAMESPACES:
        return [_alert(root)]
    raise CapRefused("not_cap")


def safe_parse(data: bytes) -> Element:
    """Parse untrusted XML: no DTD, no entities, nothing external, at most MAX_DOCUMENT_BYTES."""
    if len(data) > cap.MAX_DOCUMENT_BYTES:
        raise CapRefused("too_large")
    try:
        return fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise CapRefused("forbidden_xml") from None
    except (ParseError, ValueError):
        raise CapRefused("malformed") from None


def _feed(root: Element) -> Document:
    found: Document = []
    for entry in root.iterfind(f"{{{cap.ATOM_NS}}}entry"):
        inline = next((e for e in entry.iter() if _local(e.tag) == "alert"), None)
        if inline is not None and _ns(inline.tag) in cap.CAP_NAMESPACES:
            found.append(_alert(inline))
            continue
        links = entry.findall(f"{{{cap.ATOM_NS}}}link")
        cap_links = [link for link in links if link.get("type") == cap.CAP_MEDIA_TYPE]
        for link in cap_links or links[:1]:
            if href := link.get("href"):
                found.append(FeedLink(href))
    return found


def _alert(root: Element) -> cap.CapMessage:
    ns = _ns(root.tag)
    try:
        return cap.CapMessage(
            identifier=_text(root, ns, "identifier", required=True),
            sender=_text(root, ns, "sender", required=True),
            sent=parse_time(_text(root, ns, "sent", required=True)),
            status=_text(root, ns, "status", required=True),
            msg_type=_text(root, ns, "msgType", required=True),
            scope=_text(root, ns, "scope"),
            note=_text(root, ns, "note"),
            references=_references(_text(root, ns, "references")),
            infos=tuple(_info(info, ns) for info in root.iterfind(f"{{{ns}}}info")),
        )
    except ValueError:
        raise CapRefused("not_cap") from None


def _info(info: Element, ns: str) -> cap.CapInfo:
    def pairs(name: str) -> tuple[tuple[str, str], ...]:
        return tuple(
            (_text(e, ns, "valueName"), _text(e, ns, "value"))
            for e in info.iterfind(f"{{{ns}}}{name}")
        )

    effective, expires = _text(info, ns, "effective"), _text(info, ns, "expires")
    return cap.CapInfo(
        language=_text(info, ns, "language") or "en-US",  # CAP's default
        categories=tuple(e.text or "" for e in info.iterfind(f"{{{ns}}}category")),
        event=_text(info, ns, "event"),
        urgency=_text(info, ns, "urgency"),
        severity=_text(info, ns, "severity"),
        certainty=_text(info, ns, "certainty"),
        event_codes=pairs("eventCode"),
        effective=parse_time(effective) if effective else None,
        expires=parse_time(expires) if expires else None,
        sender_name=_text(info, ns, "senderName"),
        headline=_text(info, ns, "headline"),
        description=_text(info, ns, "description"),
        instruction=_text(info, ns, "instruction"),
        parameters=pairs("parameter"),
        areas=tuple(
            cap.CapArea(
                description=_text(area, ns, "areaDesc"),
                geocodes=tuple(
                    (_text(g, ns, "valueName"), _text(g, ns, "value"))
                    for g in area.iterfind(f"{{{ns}}}geocode")
                ),
                circles=tuple(e.text or "" for e in area.iterfind(f"{{{ns}}}circle")),
                polygons=tuple(e.text or "" for e in area.iterfind(f"{{{ns}}}polygon")),
            )
            for area in info.iterfind(f"{{{ns}}}area")
        ),
    )


def parse_time(text: str) -> datetime:
    """A CAP dateTime; one without an offset is refused (ValueError) rather than guessed."""
    moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError("CAP times carry an offset")
    return moment


def _references(text: str) -> tuple[tuple[str, str], ...]:
    """CAP references: space-separated "sender,identifier,sent" triples."""
    found = []
    for triple in text.split():
        parts = triple.split(",")
        if len(parts) >= 2:
            found.append((parts[0], parts[1]))
    return tuple(found)


def _text(parent: Element, ns: str, name: str, *, required: bool = False) -> str:
    element = parent.find(f"{{{ns}}}{name}")
    value = (element.text or "").strip() if element is not None else ""
    if required and not value:
        raise ValueError(f"{name} is required")
    return value


def _ns(tag: str) -> str:
    return tag[1:].split("}")[0] if tag.startswith("{") else ""


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]
