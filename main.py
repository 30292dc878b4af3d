"""Khabardar's command line: demo, run, migrate."""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import os
import sys

# The imports below make some 400,000 objects and almost no garbage, and the cyclic collector
# would walk them again and again: a fifth of the start-up's CPU. It is back on once they are
# imported, with them frozen out of its walks for the life of the process.
gc.disable()

# python-telegram-bot 22 reports durations (RetryAfter.retry_after…) as timedeltas when asked to;
# the int form is deprecated and warns. Opt in before telegram is imported anywhere.
os.environ.setdefault("PTB_TIMEDELTA", "true")

from bot import admin_cli, cap_cli  # noqa: E402
from core.settings import Settings, SettingsError, load_settings  # noqa: E402

gc.freeze()
gc.enable()


def configure_logging(level: str) -> None:
    """Log to stderr; keep libraries that print URLs or payloads quiet."""
    logging.basicConfig(
        level=level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # httpx logs every request URL at INFO, and Bot API URLs contain the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)


def parse_args(argv: list[str]) -> argparse.Namespace:
    """The subcommands and their options."""
    parser = argparse.ArgumentParser(prog="main.py", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("demo", help="run a scripted conversation against the built-in fake Telegram")
    run = sub.add_parser(
        "run", help="run the bot (long polling) against Telegram or TELEGRAM_API_BASE_URL"
    )
    run.add_argument(
        "--webhook",
        action="store_true",
        help="receive updates at WEBHOOK_URL instead of polling (needs WEBHOOK_SECRET, HTTP_PORT)",
    )
    cap_cli.add_parser(sub)
    sub.add_parser(
        "worker", help="run only the delivery engine (PostgreSQL: several share the outbox)"
    )
    sub.add_parser("migrate", help="apply database migrations and exit")
    admin_cli.add_parser(sub)
    sub.add_parser(
        "check", help="check configuration, database, schema and gazetteer (health check)"
    )
    return parser.parse_args(argv)


def cmd_run(settings: Settings, *, webhook: bool = False, worker: bool = False) -> int:
    """Run the bot (or a delivery-only worker) until interrupted; start-up failures are a line."""
    from sqlalchemy.exc import SQLAlchemyError
    from telegram.error import TelegramError

    from bot.app import build_application
    from bot.runtime import Mode, serve

    if settings.telegram_bot_token is None:
        print(
            "TELEGRAM_BOT_TOKEN is not set. Set it to run against Telegram, "
            "or try `python main.py demo` to see the bot against a built-in fake Telegram.",
            file=sys.stderr,
        )
        return 2
    webhook_ready = (
        settings.webhook_url and settings.webhook_secret and settings.http_port is not None
    )
    if webhook and not webhook_ready:
        print("--webhook needs WEBHOOK_URL, WEBHOOK_SECRET and HTTP_PORT", file=sys.stderr)
        return 2
    mode = Mode.WORKER if worker else Mode.WEBHOOK if webhook else Mode.POLLING
    try:
        asyncio.run(serve(build_application(settings, mode=mode), mode))
    except (TelegramError, SQLAlchemyError, OSError) as exc:
        # Start-up failures (a rejected token or webhook URL, Telegram or the database
        # unreachable, a port in use) are one line for whoever runs the service; the details
        # are in the log at DEBUG.
        logging.getLogger(__name__).debug("start-up failed", exc_info=exc)
        # PTB's InvalidToken repeats the token it was given: never let it reach a terminal or log.
        reason = str(exc).replace(settings.telegram_bot_token.get_secret_value(), "<the token>")
        print(f"Could not start: {type(exc).__name__}: {reason}", file=sys.stderr)
        return 1
    return 0


def cmd_migrate(settings: Settings) -> int:
    """Apply migrations to DATABASE_URL."""
    from storage.db import Database
    from storage.migrate import migrate

    async def _migrate() -> None:
        database = Database(settings.database_url)
        try:
            await migrate(database)
        finally:
            await database.dispose()

    asyncio.run(_migrate())
    print("database is up to date")
    return 0


def cmd_check(settings: Settings) -> int:
    """Exit 0 when the database answers, its schema is current and the gazetteer loads."""
    from bot.app import build_services
    from storage.health import schema_status

    async def _check() -> str | None:
        services = build_services(settings)
        try:
            revision, head = await schema_status(services.database)
        finally:
            await services.database.dispose()
        if revision != head:
            return f"database schema is at {revision}, code expects {head}: run `main.py migrate`"
        return None

    try:
        problem = asyncio.run(_check())
    except Exception as exc:  # a health check reports any failure as one line
        problem = f"{type(exc).__name__}: {exc}"
    if problem:
        print(f"unhealthy: {problem}", file=sys.stderr)
        return 1
    print("ok")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Parse the command line, load settings, dispatch."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return 2
    # The demo's transcript is the output; library chatter would drown it.
    configure_logging("WARNING" if args.command in ("demo", "admin") else settings.log_level)
    if args.command == "demo":
        from bot.demo import run_demo

        return asyncio.run(run_demo())
    if args.command == "migrate":
        return cmd_migrate(settings)
    if args.command == "check":
        return cmd_check(settings)
    if args.command == "admin":
        return admin_cli.run(args, settings)
    if args.command == "worker":
        return cmd_run(settings, worker=True)
    if args.command == "import-cap":
        return cap_cli.run(args, settings)
    return cmd_run(settings, webhook=args.webhook)


if __name__ == "__main__":
    sys.exit(main())
