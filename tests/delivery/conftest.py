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
    """The shared test settings; a `paced` test gets the production send rate.

    `paced(second=0.1)` is for a test that shortens the fake's second (fake.faults.second):
    the bot then sends at production's rate per *fake* second, ten times as many per real one.
    `paced(concurrency=4)` bounds the sends in flight, for a test that counts what they cost.
    """
    marker = request.node.get_closest_marker("paced")
    if marker is None:
        return settings
    paced: dict[str, object] = {
        "delivery_rate": PRODUCTION_RATE / float(marker.kwargs.get("second", 1.0))
    }
    if "concurrency" in marker.kwargs:
        paced["delivery_concurrency"] = int(marker.kwargs["concurrency"])

    def make(**overrides: object) -> Settings:
        return settings(**{**paced, **overrides})

    return make
