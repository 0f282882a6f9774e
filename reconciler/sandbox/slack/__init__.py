"""The emulated Slack Web API (see core.py for what it is faithful to)."""

from reconciler.sandbox.slack import channels, groups, people  # noqa: F401 - registers methods
from reconciler.sandbox.slack.core import handle

__all__ = ["handle"]
