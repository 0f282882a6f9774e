"""The emulated Slack Web API (see core.py for what it is faithful to)."""

from reconciler.sandbox.slack import (  # noqa: F401 - registers methods
    channels,
    groups,
    messages,
    people,
)
from reconciler.sandbox.slack.core import READS, TIER, credentials_refused, handle, transport_error

__all__ = ["READS", "TIER", "credentials_refused", "handle", "transport_error"]
