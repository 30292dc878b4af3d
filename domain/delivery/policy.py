"""How long delivery waits: retries, Telegram's pauses, per-chat spacing, leases and ticks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from domain.delivery.pacing import GROUP_CHAT_INTERVAL, PRIVATE_CHAT_INTERVAL


@dataclass(frozen=True, slots=True)
class DeliveryPolicy:
    """Every wait of the delivery engine, built once in the composition root.

    The defaults are production's; tests pass one measured in milliseconds.
    """

    # A send that reached Telegram and keeps failing (5xx, timeouts: each may have been
    # delivered, so a retry may repeat it) is given up after this many claims: with the
    # backoff below, about two minutes of trying on average and at most about four, so the
    # operator's report says "failed" while the alert still matters. A send that never reached
    # Telegram (refused, DNS, connect timeout: an outage) costs no attempt and waits it out
    # until its alert expires.
    max_attempts: int = 8
    backoff_base: timedelta = timedelta(seconds=2)
    backoff_cap: timedelta = timedelta(minutes=5)
    # Telegram's retry_after is honoured in full; a 429 without one waits a second. Its
    # retry_after is whole seconds, so a little extra avoids landing on its edge.
    retry_after_default: timedelta = timedelta(seconds=1)
    retry_after_margin: timedelta = timedelta(seconds=0.1)
    # Minimum gaps between bulk messages to one chat (Telegram's rule of thumb).
    private_chat_interval: timedelta = timedelta(seconds=PRIVATE_CHAT_INTERVAL)
    group_chat_interval: timedelta = timedelta(seconds=GROUP_CHAT_INTERVAL)
    # An edit whose original copy is still on its way is tried again after this.
    edit_defer: timedelta = timedelta(seconds=1)
    # How long a worker holds claimed rows without renewing them (DELIVERY_LEASE_SECONDS).
    lease: timedelta = timedelta(seconds=30)
    # How often an idle sender looks for rows that became due (retries after their backoff).
    idle_poll: timedelta = timedelta(seconds=1)
    # Rows a sender recorded itself (a retry, a deferred edit, a chat's next message after its
    # gap) are claimed when they fall due, not at the next look; those falling due within this
    # of each other are claimed together, so that a storm of retries is not a claim per row.
    due_batching: timedelta = timedelta(milliseconds=100)
    # Ticks. Dispatch is also woken at once by wake_dispatch(); its interval is the safety net.
    # Progress edits every 2 s are the throttle on operators' live messages.
    dispatch_interval: timedelta = timedelta(seconds=2)
    progress_interval: timedelta = timedelta(seconds=2)
    expiry_interval: timedelta = timedelta(seconds=30)
    quiet_hours_interval: timedelta = timedelta(seconds=30)
    retention_interval: timedelta = timedelta(hours=1)
    quiet_note_interval: timedelta = timedelta(minutes=1)  # residents' daily all-quiet note
