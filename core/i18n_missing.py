"""List the messages a catalog has not translated yet: `python -m core.i18n_missing ps`.

The messages are the ones the code uses (extracted from the source as the catalog test does), so
after a merge this names exactly the strings a translator still has to write. `--po` prints them
as catalog entries to fill in and append, each with the Urdu wording as a hint.
"""

from __future__ import annotations

import argparse
import functools
import sys
from collections.abc import Sequence
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from core.i18n import DOMAIN, LOCALES_DIR

ROOT = Path(__file__).resolve().parents[1]
SOURCE_FOLDERS = ("core", "views", "bot", "handlers", "domain", "delivery", "api", "ingest")
KEYWORDS = {"_": None, "N_": None, "plain": None, "plural": (1, 2)}
HINT_LANGUAGE = "ur"

# A message id: a string, or (singular, plural) for a message whose wording depends on a count.
MessageId = str | tuple[str, str]


@functools.cache
def source_messages(root: Path = ROOT) -> tuple[MessageId, ...]:
    """Every message the code marks for translation, plurals as (singular, plural).

    Read once per process: the extraction parses every source file (a third of a second), and
    the catalog tests ask for it once per language."""
    found: dict[MessageId, None] = {}
    for folder in SOURCE_FOLDERS:
        for _file, _line, message, _comments, _context in extract_from_dir(
            root / folder, keywords=KEYWORDS, method_map=[("**.py", "python")]
        ):
            if isinstance(message, str):
                found[message] = None
            else:
                singular, plural = (part or "" for part in message)
                found[(singular, plural) if plural else singular] = None
    return tuple(found)


def load_catalog(language: str, directory: Path = LOCALES_DIR) -> Catalog:
    """A language's catalog as read from its .po file (empty if there is none)."""
    path = directory / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not path.is_file():
        return Catalog(locale=language)
    with path.open("rb") as po:
        return read_po(po, locale=language)


def translated_ids(catalog: Catalog) -> set[str]:
    """The msgids (singular and plural alike) that have every form translated."""
    done: set[str] = set()
    for message in catalog:
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = (
            [message.string] if isinstance(message.string, str) else list(message.string or ())
        )
        if message.id and strings and all(strings):
            done.update(ids)
    return done


def missing_messages(
    language: str, *, root: Path = ROOT, directory: Path = LOCALES_DIR
) -> list[MessageId]:
    """The messages the code uses that the language's catalog lacks, sorted."""
    done = translated_ids(load_catalog(language, directory))
    wanted = source_messages(root)
    gaps = [m for m in wanted if not all(p in done for p in ([m] if isinstance(m, str) else m))]
    return sorted(gaps, key=lambda m: m if isinstance(m, str) else m[0])


def describe(messages: Sequence[MessageId]) -> str:
    """One message per line, newlines shown as \\n, plurals as 'singular | plural'."""
    lines = []
    for message in messages:
        parts = [message] if isinstance(message, str) else list(message)
        lines.append(" | ".join(part.replace("\n", "\\n") for part in parts))
    return "\n".join(lines)


def stub_catalog(language: str, messages: Sequence[MessageId], directory: Path) -> Catalog:
    """Entries with empty translations, the Urdu wording as a comment, to fill in and append."""
    hints = load_catalog(HINT_LANGUAGE, directory)
    stubs = Catalog(locale=language)
    for message in messages:
        hint = hints.get(message) if language != HINT_LANGUAGE else None
        comments = []
        if hint is not None and hint.string:
            forms = [hint.string] if isinstance(hint.string, str) else list(hint.string)
            comments = [f"{HINT_LANGUAGE}: {form}".replace("\n", "\\n") for form in forms]
        empty: str | tuple[str, ...] = "" if isinstance(message, str) else ("", "")
        braces = "{" in (message if isinstance(message, str) else message[0])
        flags = ("python-brace-format",) if braces else ()
        stubs.add(message, empty, flags=flags, user_comments=comments)
    return stubs


def main(argv: Sequence[str] | None = None) -> int:
    """Print the messages a language lacks; exit 1 if there are any."""
    parser = argparse.ArgumentParser(prog="python -m core.i18n_missing", description=__doc__)
    parser.add_argument("language", help="a catalog's language code, e.g. ps")
    parser.add_argument("--po", action="store_true", help="print .po entries to fill in")
    args = parser.parse_args(argv)
    messages = missing_messages(args.language)
    if args.po:
        write_po(
            sys.stdout.buffer,
            stub_catalog(args.language, messages, LOCALES_DIR),
            width=100,
            omit_header=True,
        )
    elif messages:
        print(describe(messages))
    print(f"{len(messages)} untranslated in {args.language}", file=sys.stderr)
    return 1 if messages else 0


if __name__ == "__main__":
    sys.exit(main())
