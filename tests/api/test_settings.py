"""The API, webhook and CAP settings: read from the environment's shapes, never echoing secrets."""

from __future__ import annotations

import pytest

from api.auth import identify, token_hash
from core.settings import SettingsError, load_settings

DIGEST = token_hash("partner-token")


def test_token_hashes_feeds_and_secret_are_parsed() -> None:
    settings = load_settings(
        {},
        api_tokens=f"ocha:{DIGEST}, unhcr:{DIGEST.upper()}",
        cap_feeds="https://pdma.example/feed.atom http://ndma.example/cap.xml",
        webhook_secret="abc_DEF-123",
    )
    assert settings.api_tokens == {"ocha": DIGEST, "unhcr": DIGEST}
    assert settings.cap_feeds == ("https://pdma.example/feed.atom", "http://ndma.example/cap.xml")
    assert identify("partner-token", settings.api_tokens) == "unhcr"  # the last match wins
    assert identify("partner-token2", settings.api_tokens) is None


@pytest.mark.parametrize(
    ("field", "value", "problem"),
    [
        ("api_tokens", "the-token-itself", "API_TOKENS: must be name:sha256-hex pairs"),
        ("api_admin_tokens", f"ops:{DIGEST[:-1]}z", "API_ADMIN_TOKENS: must be name:sha256-hex"),
        ("cap_feeds", "file:///etc/passwd", "CAP_FEEDS: must be http(s) URLs"),
        ("webhook_secret", "has space", "WEBHOOK_SECRET: must be 1-256 characters"),
    ],
)
def test_bad_values_name_the_variable_not_the_value(field: str, value: str, problem: str) -> None:
    with pytest.raises(SettingsError) as refused:
        load_settings({}, **{field: value})
    assert problem in str(refused.value)
    assert value not in str(refused.value)
