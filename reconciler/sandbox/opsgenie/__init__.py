"""The emulated OpsGenie REST API v2 (see core.py for what it is faithful to)."""

from reconciler.sandbox.opsgenie import escalations, people, schedules  # noqa: F401 - routes
from reconciler.sandbox.opsgenie.core import credentials_refused, handle, transport_error
from reconciler.sandbox.opsgenie.people import create_team_defaults

__all__ = ["create_team_defaults", "credentials_refused", "handle", "transport_error"]
