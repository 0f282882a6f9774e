"""The emulated Jira Service Management Operations site (see core.py for what it is faithful to)."""

from reconciler.sandbox.jsm import escalations, schedules, teams  # noqa: F401 - routes
from reconciler.sandbox.jsm.core import credentials_refused, handle, is_jsm_path, transport_error

__all__ = ["credentials_refused", "handle", "is_jsm_path", "transport_error"]
