"""The kinds of object a policy manages, and their fields that can be left unmanaged."""

from __future__ import annotations

MANAGED_FIELDS: dict[str, tuple[str, ...]] = {
    "team": ("description", "members"),
    "schedule": ("description", "time_zone", "enabled"),
    "rotation": ("participants", "shift_length", "start"),
    "escalation": ("description", "rules"),
    "routing_rule": ("criteria", "notify"),
    "slack_channel": ("purpose", "topic", "members"),
    "slack_user_group": ("name", "description", "members", "enabled"),
}
