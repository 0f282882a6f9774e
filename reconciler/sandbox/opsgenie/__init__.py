"""The emulated OpsGenie REST API v2 (see core.py for what it is faithful to)."""

from reconciler.sandbox.opsgenie import (  # noqa: F401 - routes
    alerts,
    escalations,
    people,
    schedules,
    timeline,
)
from reconciler.sandbox.opsgenie.core import credentials_refused, handle, transport_error
from reconciler.sandbox.opsgenie.people import create_team_defaults

__all__ = ["create_team_defaults", "credentials_refused", "handle", "transport_error"]
