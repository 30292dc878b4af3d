"""Which delivered alerts make a sound: routine ones arrive silently, grave ones always ring.

A service that rings for every routine notice gets muted, and then the Extreme one is missed.
"""

from __future__ import annotations

from datetime import timedelta

from domain.alerts import Alert, MsgType, Severity, Urgency

# "🔕 I'm safe — mute updates for an hour".
MUTE_FOR = timedelta(hours=1)


def is_routine(alert: Alert) -> bool:
    """Minor or Moderate, and not Immediate: worth reading, not worth waking anyone for."""
    content = alert.content
    return content.severity <= Severity.MODERATE and content.urgency is not Urgency.IMMEDIATE


def rings(alert: Alert, *, muted: bool = False) -> bool:
    """Whether this alert is sent with a notification sound to a chat. Cancels and Extreme
    alerts always ring; so do Immediate ones unless the chat muted the alert's updates;
    routine alerts, and updates of an alert the chat muted, arrive silently."""
    if alert.msg_type is MsgType.CANCEL or alert.content.severity is Severity.EXTREME:
        return True
    if muted and alert.msg_type is MsgType.UPDATE:
        return False
    return not is_routine(alert)
