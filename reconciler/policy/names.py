"""The one naming convention for what reconcile creates in OpsGenie and Slack.

OpsGenie's own defaults for a new team are `<team>_schedule` and `<team>_escalation`; ours differ
so the two can never be confused. Schedules and teams share one namespace in OpsGenie (a schedule
may not be named like any team), which `checks.py` enforces across all policy files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

OWNERSHIP_MARKER = "[managed by reconcile]"


def _slug(team: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", team.strip())


@dataclass(frozen=True)
class Names:
    """Our names for a team's objects; `chosen` holds the names a policy takes over instead
    (management.names: OpsGenie's defaults, or a team's own)."""

    team: str
    chosen: dict[str, str | None] = field(default_factory=dict, compare=False)

    def _name(self, key: str, default: str) -> str:
        return self.chosen.get(key) or default

    @property
    def eoc_schedule(self) -> str:
        return self._name("engineer_schedule", f"{_slug(self.team)}_eoc_schedule")

    @property
    def eoc_rotation(self) -> str:
        return self._name("engineer_rotation", "engineer-on-call")

    @property
    def tm_schedule(self) -> str:
        return self._name("manager_schedule", f"{_slug(self.team)}_tm_schedule")

    @property
    def tm_rotation(self) -> str:
        return self._name("manager_rotation", "technical-manager")

    @property
    def escalation(self) -> str:
        return self._name("escalation", f"{_slug(self.team)}_oncall_escalation")

    @property
    def routing_rule(self) -> str:
        return self._name("routing_rule", f"{_slug(self.team)} on-call")


def owned_description(text: str | None) -> str:
    """A description carrying the ownership marker, which is how reconcile knows what it owns."""
    text = (text or "").strip()
    return f"{text} {OWNERSHIP_MARKER}".strip()


def is_owned(description: str | None) -> bool:
    return OWNERSHIP_MARKER in (description or "")
