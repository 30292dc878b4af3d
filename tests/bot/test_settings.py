"""Configuration: one object from the environment, one readable line when it is wrong."""

import pytest

from core.settings import Settings, SettingsError, load_settings
from storage.db import DEFAULT_DATABASE_URL

SECRET = "123:very-secret-token"


def test_defaults_without_any_environment() -> None:
    settings = load_settings({})
    assert settings.telegram_bot_token is None
    assert settings.database_url == DEFAULT_DATABASE_URL
    assert settings.timezone == "Asia/Karachi"
    assert settings.admin_ids == frozenset()


def test_values_from_the_environment() -> None:
    settings = load_settings(
        {
            "TELEGRAM_BOT_TOKEN": SECRET,
            "ADMIN_IDS": "111, 222",
            "DATABASE_URL": "postgres://u:p@db/khabardar",
            "DEFAULT_LANGUAGE": "ur",
        }
    )
    assert settings.admin_ids == frozenset({111, 222})
    assert settings.database_url == "postgresql+asyncpg://u:p@db/khabardar"
    assert settings.default_language == "ur"
    assert SECRET not in repr(settings)  # the token is a SecretStr


def test_settings_built_in_code_take_only_what_they_are_given() -> None:
    environ = {"HTTP_PORT": "8080", "DELIVERY_RATE": "1", "TELEGRAM_BOT_TOKEN": "x"}
    assert load_settings(environ, telegram_bot_token=None).http_port == 8080
    settings = Settings(database_url="sqlite:///x.db")
    assert settings.http_port is None and settings.delivery_rate == 30.0
    assert settings.telegram_bot_token is None


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("ADMIN_IDS", "12,abc", "ADMIN_IDS: must be Telegram user ids"),
        ("TIMEZONE", "Mars/Olympus", "TIMEZONE: must be an IANA time zone"),
        ("TELEGRAM_BOT_TOKEN", "not-a-token", "TELEGRAM_BOT_TOKEN: must look like"),
        ("DATABASE_URL", "mysql://x", "DATABASE_URL: must be a sqlite"),
        ("DEFAULT_LANGUAGE", "fr", "DEFAULT_LANGUAGE: must be one of en, ur, ps"),
    ],
)
def test_malformed_values_give_one_clear_line(name: str, value: str, expected: str) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings({name: value})
    message = str(caught.value)
    assert "\n" not in message and expected in message
    assert value not in message or name != "TELEGRAM_BOT_TOKEN"  # never echo a token


def test_pashto_can_be_the_default_language() -> None:
    from core.i18n import Catalogs

    settings = load_settings({"DEFAULT_LANGUAGE": "ps"})
    catalogs = Catalogs.load(settings.default_language)
    assert catalogs.default == "ps" and catalogs.pick("fr") == "ps" and catalogs.pick("en") == "en"
