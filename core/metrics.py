"""Prometheus metrics shared by the bot, the delivery engine and the HTTP /metrics endpoint.

One registry per process (not the global default), so tests can build several applications
without "duplicated timeseries" errors.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from prometheus_client import CollectorRegistry, Counter, Gauge


@dataclass
class Metrics:
    """The service's counters and gauges, registered on their own registry."""

    registry: CollectorRegistry = field(default_factory=CollectorRegistry)

    def __post_init__(self) -> None:
        r = self.registry
        self.deliveries = Counter(
            "khabardar_deliveries_total", "Deliveries by outcome", ["outcome"], registry=r
        )
        self.messages_sent = Counter(
            "khabardar_messages_sent_total", "Messages sent to Telegram", ["kind"], registry=r
        )
        self.throttled = Counter(
            "khabardar_telegram_429_total",
            "429 Too Many Requests answers from Telegram",
            registry=r,
        )
        self.handler_errors = Counter(
            "khabardar_handler_errors_total", "Update handlers that raised", registry=r
        )
        # Kept apart from handler errors: a dropped connection or a Telegram 5xx is weather,
        # not a bug, and alerting on it would bury the real failures.
        self.network_errors = Counter(
            "khabardar_telegram_network_errors_total",
            "Network errors, timeouts and 5xx answers talking to Telegram",
            ["where"],
            registry=r,
        )
        self.database_errors = Counter(
            "khabardar_database_errors_total",
            "Database connections lost, refused or locked past their wait",
            ["where"],
            registry=r,
        )
        self.telegram_reached_at: datetime | None = None
        self.telegram_reached = Gauge(
            "khabardar_telegram_last_reached_timestamp_seconds",
            "When the bot last got an answer from Telegram (Unix time; 0: not yet)",
            registry=r,
        )
        self.telegram_reached.set_function(
            lambda: self.telegram_reached_at.timestamp() if self.telegram_reached_at else 0.0
        )
        self.queue_depth = Gauge(
            "khabardar_delivery_queue_depth", "Deliveries waiting to be sent", registry=r
        )

    def reached_telegram(self) -> None:
        """Note that Telegram just answered a request (any HTTP status: it is reachable)."""
        self.telegram_reached_at = datetime.now(UTC)
