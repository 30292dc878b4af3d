"""Small measuring tools for the benchmark: resident memory and percentiles."""

from __future__ import annotations

import asyncio
import contextlib
import math
from pathlib import Path

_STATUS = Path("/proc/self/status")


def rss_mib() -> float:
    """This process's resident memory now (Linux)."""
    for line in _STATUS.read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return math.nan


class RssSampler:
    """The peak resident memory of this process while a phase runs (sampled every 50 ms)."""

    def __init__(self) -> None:
        self.peak_mib = 0.0
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self.peak_mib = rss_mib()
        self._task = asyncio.create_task(self._sample())

    def stop(self) -> None:
        self.peak_mib = max(self.peak_mib, rss_mib())
        if self._task is not None:
            self._task.cancel()

    async def _sample(self) -> None:
        with contextlib.suppress(asyncio.CancelledError):
            while True:
                self.peak_mib = max(self.peak_mib, rss_mib())
                await asyncio.sleep(0.05)


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]
