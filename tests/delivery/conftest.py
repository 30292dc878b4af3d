"""Delivery tests marked `paced` run at Telegram's own rate: pacing is what they are about."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from core.settings import Settings

PRODUCTION_RATE = 30.0


@pytest.fixture
def settings(
    settings: Callable[..., Settings], request: pytest.FixtureRequest
) -> Callable[..., Settings]:
    """The shared test settings; a `paced` test gets the production send rate."""
    if request.node.get_closest_marker("paced") is None:
        return settings

    def make(**overrides: object) -> Settings:
        return settings(**{"delivery_rate": PRODUCTION_RATE, **overrides})

    return make
