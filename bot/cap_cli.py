"""`main.py import-cap FILE_OR_URL`: authority CAP alerts become alerts awaiting verification."""

from __future__ import annotations

import argparse
import asyncio
import sys

import httpx

from core.settings import Settings
from domain.cap.parse import CapRefused
from domain.gazetteer import Gazetteer
from ingest.cap_import import ImportPolicy, import_source
from storage.db import Database
from storage.migrate import migrate


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register `import-cap`."""
    command = sub.add_parser(
        "import-cap",
        help="import a CAP 1.2 file or URL (or an Atom feed of them) as alerts to verify",
    )
    command.add_argument("source", metavar="FILE_OR_URL")


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Import, then print one line per CAP message; exit 1 if the document was refused."""
    return asyncio.run(_run(args.source, settings))


async def _run(source: str, settings: Settings) -> int:
    database = Database(settings.database_url)
    gazetteer = (
        Gazetteer.load(settings.gazetteer_dir) if settings.gazetteer_dir else Gazetteer.default()
    )
    try:
        await migrate(database)
        async with httpx.AsyncClient() as client:
            results = await import_source(
                source,
                database=database,
                gazetteer=gazetteer,
                client=client,
                policy=ImportPolicy.from_settings(settings),
            )
    except (CapRefused, httpx.HTTPError, OSError) as exc:
        print(f"refused: {getattr(exc, 'code', None) or type(exc).__name__}", file=sys.stderr)
        return 1
    finally:
        await database.dispose()
    for result in results:
        label = f"{result.sender} {result.identifier}".strip()
        if result.alert:
            print(f"{label}: {result.alert} is waiting for an operator's verification")
        else:
            print(f"{label}: skipped ({result.skipped})")
    if not results:
        print("no CAP alerts found")
    return 0
