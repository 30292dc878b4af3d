"""Service configuration, read once from the environment into one typed object."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)
from pydantic_settings.sources.utils import parse_env_vars

from storage.db import DEFAULT_DATABASE_URL, async_database_url

SUPPORTED_LANGUAGES = ("en", "ur", "ps")


class Settings(BaseSettings):
    """Everything the service needs to know about its environment.

    `Settings(...)` takes only the values it is given (tests, the demo); `load_settings()` is
    the one place that reads environment variables.
    """

    # No env_file: secrets come from the real environment only, never from a file in the tree.
    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Only the values passed in: no hidden read of the process's environment."""
        return (init_settings,)

    telegram_bot_token: SecretStr | None = None
    telegram_api_base_url: str | None = Field(
        default=None, description="A local or fake Bot API server, e.g. http://127.0.0.1:8081/bot"
    )
    database_url: str = DEFAULT_DATABASE_URL
    admin_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    default_language: str = "en"
    timezone: str = "Asia/Karachi"
    gazetteer_dir: Path | None = None
    log_level: str = "INFO"
    # --- Delivery engine (see README "Delivery engine") ---
    # Messages per second for the whole bot, replies included, the same in every process (on
    # PostgreSQL they share it through the database); 0 = no cap (a local Bot API server, a
    # benchmark). Telegram allows about 30/s; PAID_BROADCAST=true sends fan-out with
    # allow_paid_broadcast (charged in Stars) and allows up to 1,000/s.
    delivery_rate: float = Field(default=30.0, ge=0, le=1000)
    paid_broadcast: bool = False
    # How long a worker holds claimed deliveries without renewing them; after a crash they are
    # retried once it has passed (on SQLite, at once on restart).
    delivery_lease_seconds: float = Field(default=30.0, gt=0, le=3600)
    # Fan-out requests to Telegram in flight at once; it also bounds duplicates after a crash.
    delivery_concurrency: int = Field(default=32, ge=1, le=256)
    # --- HTTP API, CAP feeds, webhook (see README "NGO staff, HTTP API and CAP") ---
    http_host: str = "127.0.0.1"
    http_port: int | None = Field(default=None, ge=0, le=65535)  # None: no HTTP server
    # name:sha256-hex pairs; the tokens themselves are never configured, only their hashes.
    api_tokens: Annotated[dict[str, str], NoDecode] = Field(default_factory=dict)
    api_admin_tokens: Annotated[dict[str, str], NoDecode] = Field(default_factory=dict)
    public_url: str | None = None  # how feeds link to themselves, e.g. https://alerts.example.org
    webhook_url: str | None = None  # where Telegram posts updates in `run --webhook`
    webhook_secret: SecretStr | None = None
    cap_sender: str = "khabardar"
    cap_feeds: Annotated[tuple[str, ...], NoDecode] = ()
    # Hosts a feed's links may reach besides the feed's own (a file's links: only these).
    cap_link_hosts: Annotated[tuple[str, ...], NoDecode] = ()
    cap_poll_minutes: int = Field(default=10, ge=1)
    stale_after_hours: int = Field(default=24, ge=1)

    @field_validator("api_tokens", "api_admin_tokens", mode="before")
    @classmethod
    def _parse_token_hashes(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        pairs = [p.strip() for p in value.replace(";", ",").split(",") if p.strip()]
        parsed = {}
        for pair in pairs:
            name, sep, digest = pair.partition(":")
            digest = digest.strip().lower()
            if not (sep and name.strip() and len(digest) == 64) or digest.strip("0123456789abcdef"):
                # Say what is expected; never echo the value, it may be a token pasted by mistake.
                raise ValueError("must be name:sha256-hex pairs separated by commas")
            parsed[name.strip()] = digest
        return parsed

    @field_validator("cap_feeds", mode="before")
    @classmethod
    def _parse_feeds(cls, value: object) -> object:
        value = _words(value)
        if isinstance(value, tuple) and not all(
            u.startswith(("https://", "http://")) for u in value
        ):
            raise ValueError("must be http(s) URLs separated by commas")
        return value

    @field_validator("cap_link_hosts", mode="before")
    @classmethod
    def _parse_hosts(cls, value: object) -> object:
        return _words(value)

    @field_validator("webhook_secret")
    @classmethod
    def _secret_shape(cls, value: SecretStr | None) -> SecretStr | None:
        # Telegram accepts 1-256 characters A-Z, a-z, 0-9, _ and - in secret_token.
        secret = value.get_secret_value() if value is not None else "x"
        if not (
            0 < len(secret) <= 256
            and all(c.isascii() and (c.isalnum() or c in "_-") for c in secret)
        ):
            raise ValueError("must be 1-256 characters of A-Z, a-z, 0-9, _ and -")
        return value

    @field_validator("telegram_bot_token", mode="before")
    @classmethod
    def _blank_token_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("telegram_bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None:
            return None
        bot_id, sep, secret = value.get_secret_value().partition(":")
        if not (sep and bot_id.isdigit() and secret):
            # Never echo the token itself: it is a secret even when malformed.
            raise ValueError("must look like 123456:ABC-DEF… (as given by @BotFather)")
        return value

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _parse_admin_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p for p in value.replace(";", ",").replace(" ", ",").split(",") if p]
            if not all(p.lstrip("-").isdigit() for p in parts):
                raise ValueError("must be Telegram user ids separated by commas, e.g. 111,222")
            return frozenset(int(p) for p in parts)
        return value

    @field_validator("default_language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        if value not in SUPPORTED_LANGUAGES:
            raise ValueError(f"must be one of {', '.join(SUPPORTED_LANGUAGES)}")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("must be an IANA time zone such as Asia/Karachi") from None
        return value

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        return async_database_url(value)

    @property
    def tz(self) -> ZoneInfo:
        """The local time zone for rendering times to people."""
        return ZoneInfo(self.timezone)

    @property
    def is_sqlite(self) -> bool:
        """Whether the embedded database is in use."""
        return self.database_url.startswith("sqlite")


def _words(value: object) -> object:
    """A comma- or space-separated variable as a tuple of its items (other values unchanged)."""
    if isinstance(value, str):
        return tuple(w.strip() for w in value.replace(" ", ",").split(",") if w.strip())
    return value


class SettingsError(Exception):
    """Configuration is missing or malformed; the message is one readable line."""


class _Environment(EnvSettingsSource):
    """Environment variables as pydantic-settings reads them, from a given mapping."""

    def __init__(self, settings_cls: type[BaseSettings], environ: Mapping[str, str]) -> None:
        self._environ = environ
        super().__init__(settings_cls)

    def _load_env_vars(self) -> Mapping[str, str | None]:
        return parse_env_vars(
            self._environ, self.case_sensitive, self.env_ignore_empty, self.env_parse_none_str
        )


def load_settings(environ: Mapping[str, str] | None = None, **overrides: object) -> Settings:
    """Build the settings from the environment (the process's unless one is given), keyword
    arguments taking precedence, turning validation errors into one clear line."""
    try:
        values = _Environment(Settings, os.environ if environ is None else environ)()
        return Settings(**{**values, **overrides})
    except ValidationError as exc:
        problems = "; ".join(
            f"{str(err['loc'][0]).upper() if err['loc'] else 'settings'}: "
            f"{str(err['msg']).removeprefix('Value error, ')}"
            for err in exc.errors()
        )
        raise SettingsError(f"Configuration error: {problems}") from None
