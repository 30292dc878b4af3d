"""Service configuration, read once from the environment into one typed object."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

SUPPORTED_LANGUAGES = ("en", "ur")
DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./data/khabardar.db"


class Settings(BaseSettings):
    """Everything the service needs to know about its environment."""

    # No env_file: secrets come from the real environment only, never from a file in the tree.
    model_config = SettingsConfigDict(extra="ignore", frozen=True)

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
        # Accept the URLs people paste (postgres://, sqlite:///...) and pick the async drivers.
        for prefix, driver in (
            ("postgres://", "postgresql+asyncpg://"),
            ("postgresql://", "postgresql+asyncpg://"),
            ("sqlite:///", "sqlite+aiosqlite:///"),
        ):
            if value.startswith(prefix):
                return driver + value[len(prefix) :]
        if not value.startswith(("postgresql+asyncpg://", "sqlite+aiosqlite://")):
            raise ValueError("must be a sqlite:/// or postgresql:// URL")
        return value

    @property
    def tz(self) -> ZoneInfo:
        """The local time zone for rendering times to people."""
        return ZoneInfo(self.timezone)

    @property
    def is_sqlite(self) -> bool:
        """Whether the embedded database is in use."""
        return self.database_url.startswith("sqlite")


class SettingsError(Exception):
    """Configuration is missing or malformed; the message is one readable line."""


def load_settings(**overrides: object) -> Settings:
    """Build the settings from the environment, turning validation errors into one clear line."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        problems = "; ".join(
            f"{str(err['loc'][0]).upper() if err['loc'] else 'settings'}: "
            f"{str(err['msg']).removeprefix('Value error, ')}"
            for err in exc.errors()
        )
        raise SettingsError(f"Configuration error: {problems}") from None
