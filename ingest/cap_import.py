"""Turning authorities' CAP alerts into pending alerts that operators still have to verify."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from core.settings import Settings
from domain.alerts import SYSTEM_AUTHOR, AlertContent, TransitionRefused, parse_identifier
from domain.cap import model as cap
from domain.cap.convert import to_content
from domain.cap.parse import CapRefused, FeedLink, read_document
from domain.gazetteer import Gazetteer
from storage import alert_drafts
from storage.cap_imports import find_imported, mark_imported
from storage.db import Database
from usecases.alerts import draft_and_submit_in

log = logging.getLogger(__name__)

# The author of imported alerts: no Telegram user has id 0, so no operator is the author and
# any operator may verify (the two-person rule holds: the authority, then an operator).
FETCH_TIMEOUT = httpx.Timeout(20.0, connect=10.0)
MAX_LINKS = 25  # CAP documents followed from one feed per poll

Fetch = Callable[[str], Awaitable[bytes]]


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What became of one CAP message: the alert it became, or a code saying why not."""

    sender: str
    identifier: str
    alert: str | None = None
    skipped: str | None = None  # a cap.Skip value, or a refusal code for a linked document


async def fetch(url: str, *, client: httpx.AsyncClient) -> bytes:
    """Download a document, stopping as soon as it is larger than a CAP document can be."""
    async with client.stream("GET", url, timeout=FETCH_TIMEOUT) as response:
        response.raise_for_status()
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap.MAX_DOCUMENT_BYTES:
            raise CapRefused("too_large")
        body = bytearray()
        async for chunk in response.aiter_bytes():
            body += chunk
            if len(body) > cap.MAX_DOCUMENT_BYTES:
                raise CapRefused("too_large")
        return bytes(body)


def read_file(path: Path) -> bytes:
    """A local CAP file, refused before reading when it is too large."""
    if path.stat().st_size > cap.MAX_DOCUMENT_BYTES:
        raise CapRefused("too_large")
    return path.read_bytes()


@dataclass(frozen=True)
class ImportPolicy:
    """What a deployer allows an import: whose alerts are its own, which hosts links may reach."""

    own_sender: str | None = None  # CAP_SENDER: documents from it are skipped, never re-imported
    link_hosts: frozenset[str] = frozenset()  # CAP_LINK_HOSTS: hosts any feed's links may reach

    @classmethod
    def from_settings(cls, settings: Settings) -> ImportPolicy:
        """The policy of this deployment."""
        return cls(settings.cap_sender, frozenset(h.lower() for h in settings.cap_link_hosts))

    def is_own(self, message: cap.CapMessage) -> bool:
        """Whether a message is one this deployment issued (by sender, or by identifier)."""
        if self.own_sender is None:
            return False
        return message.sender == self.own_sender or (
            parse_identifier(message.identifier) == message.identifier
        )


async def import_source(
    source: str,
    *,
    database: Database,
    gazetteer: Gazetteer,
    client: httpx.AsyncClient,
    policy: ImportPolicy = ImportPolicy(),
) -> list[ImportResult]:
    """Import a CAP file, or a URL of a CAP document or of an Atom feed of them."""
    if source.startswith(("https://", "http://")):
        data = await fetch(source, client=client)
    else:
        data = read_file(Path(source))
    return await import_document(
        data,
        database=database,
        gazetteer=gazetteer,
        fetch_link=_linked_fetcher(source, client, policy.link_hosts),
        policy=policy,
    )


async def import_document(
    data: bytes,
    *,
    database: Database,
    gazetteer: Gazetteer,
    fetch_link: Fetch | None = None,
    now: datetime | None = None,
    policy: ImportPolicy = ImportPolicy(),
) -> list[ImportResult]:
    """Every CAP message in a document (and behind a feed's links) as pending alerts."""
    now = now or datetime.now(UTC)
    results: list[ImportResult] = []
    items = read_document(data)
    links = [item for item in items if isinstance(item, FeedLink)][:MAX_LINKS]
    messages = [item for item in items if isinstance(item, cap.CapMessage)]
    for link in links if fetch_link is not None else []:
        assert fetch_link is not None
        try:
            linked = read_document(await fetch_link(link.url))
        except (CapRefused, httpx.HTTPError, ValueError) as exc:
            code = exc.code if isinstance(exc, CapRefused) else type(exc).__name__
            results.append(ImportResult("", link.url, skipped=code))
            continue
        messages += [m for m in linked if isinstance(m, cap.CapMessage)]
    for message in messages:
        if policy.is_own(message):
            results.append(
                ImportResult(message.sender, message.identifier, skipped=cap.Skip.OWN_ALERT.value)
            )
            continue
        results.append(
            await import_message(message, database=database, gazetteer=gazetteer, now=now)
        )
    return results


async def import_message(
    message: cap.CapMessage, *, database: Database, gazetteer: Gazetteer, now: datetime
) -> ImportResult:
    """One CAP message, in one transaction: a pending alert, a pending cancel, or a skip."""
    result = ImportResult(message.sender, message.identifier)
    async with database.transaction() as session:
        if await find_imported(session, sender=message.sender, identifier=message.identifier):
            return _skip(result, cap.Skip.ALREADY_IMPORTED)
        if message.msg_type.lower() == "cancel":
            return await _cancel(session, message, result, now)
        content = to_content(message, gazetteer=gazetteer, now=now)
        if not isinstance(content, AlertContent):
            return _skip(result, content)
        pending = await draft_and_submit_in(
            session, content=content, by=SYSTEM_AUTHOR, gazetteer=gazetteer, now=now
        )
        await mark_imported(
            session,
            identifier=pending.identifier,
            sender=message.sender,
            cap_identifier=message.identifier,
        )
    return ImportResult(message.sender, message.identifier, alert=pending.identifier)


async def _cancel(
    session: AsyncSession, message: cap.CapMessage, result: ImportResult, now: datetime
) -> ImportResult:
    """A pending cancel of the alert imported from the message it references, if still live."""
    for sender, identifier in message.references:
        original = await find_imported(session, sender=sender, identifier=identifier)
        if original is None:
            continue
        try:
            cancel = await alert_drafts.create_cancel(
                session,
                original=original,
                by=SYSTEM_AUTHOR,
                reason=(message.note or message.sender)[:500],
                now=now,
            )
        except TransitionRefused:
            continue
        return ImportResult(message.sender, message.identifier, alert=cancel.identifier)
    return _skip(result, cap.Skip.NOTHING_TO_CANCEL)


def _skip(result: ImportResult, why: cap.Skip) -> ImportResult:
    return ImportResult(result.sender, result.identifier, skipped=why.value)


def _linked_fetcher(source: str, client: httpx.AsyncClient, allowed: frozenset[str]) -> Fetch:
    """Follow a feed's links only to the feed's own host (a feed the deployer chose), or to a
    host the deployer allowed in CAP_LINK_HOSTS: a feed, or a file someone sent an admin, must
    not make this server request addresses inside its own network (loopback, private ranges,
    cloud metadata). A feed read from a file has no host of its own."""
    origin = urlsplit(source)

    async def follow(url: str) -> bytes:
        absolute = urljoin(source, url) if origin.scheme else url
        target = urlsplit(absolute)
        if target.scheme not in ("https", "http"):
            raise CapRefused("not_cap")
        same_host = bool(origin.scheme) and (target.scheme, target.netloc) == (
            origin.scheme,
            origin.netloc,
        )
        if not same_host and (target.hostname or "").lower() not in allowed:
            raise CapRefused("other_host")
        return await fetch(absolute, client=client)

    return follow


async def poll_feeds(
    feeds: tuple[str, ...],
    *,
    database: Database,
    gazetteer: Gazetteer,
    client: httpx.AsyncClient,
    policy: ImportPolicy = ImportPolicy(),
) -> list[ImportResult]:
    """One poll of every configured feed; a failing feed is logged and the others still run."""
    results: list[ImportResult] = []
    for number, url in enumerate(feeds, start=1):
        try:
            found = await import_source(
                url, database=database, gazetteer=gazetteer, client=client, policy=policy
            )
        except (CapRefused, httpx.HTTPError) as exc:
            # The feed's position, not its URL: a URL may carry an access key in its query.
            log.warning("CAP feed %d failed: %s", number, getattr(exc, "code", type(exc).__name__))
            continue
        drafted = [r.alert for r in found if r.alert]
        if drafted:
            log.info("CAP feed %d: %d alert(s) waiting for verification", number, len(drafted))
        results += found
    return results
