"""Readiness says "pageable" only when OpsGenie will page: blocked and muted users, a step whose own
contact is disabled, and new-alert rules limited to some hours or some alerts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.vendor_truth.conftest import Cli

ON_CALL_NOW = "blair.chen@example.com"  # at the seed's clock


def _user(data: dict[str, Any]) -> dict[str, Any]:
    return next(u for u in data["opsgenie"]["users"] if u["username"] == ON_CALL_NOW)


def _blocked(data: dict[str, Any]) -> None:
    _user(data)["blocked"] = True


def _muted(data: dict[str, Any]) -> None:
    _user(data)["mutedUntil"] = "2026-12-09T00:00:00Z"


def _step_contact_disabled(data: dict[str, Any]) -> None:
    """The sms step's own contact is disabled; a voice contact is enabled but no step uses it."""
    uid = _user(data)["id"]
    contacts = data["opsgenie"]["contacts"][uid]
    for contact in contacts:
        if contact["method"] == "sms":
            contact["status"] = {"enabled": False, "disabledReason": "bounced"}
    contacts.append(
        {
            "id": "c0ffee00-0000-4000-8000-000000000001",
            "method": "voice",
            "to": "1-555-0999",
            "status": {"enabled": True},
        }
    )


def _rule(data: dict[str, Any]) -> dict[str, Any]:
    return data["opsgenie"]["notification_rules"][_user(data)["id"]][0]


def _office_hours(data: dict[str, Any]) -> None:
    _rule(data)["timeRestriction"] = {
        "type": "weekday-and-time-of-day",
        "restrictions": [
            {
                "startDay": "monday",
                "startHour": 9,
                "startMin": 0,
                "endDay": "friday",
                "endHour": 17,
                "endMin": 0,
            }
        ],
    }


def _p1_only(data: dict[str, Any]) -> None:
    _rule(data)["criteria"] = {
        "type": "match-any-condition",
        "conditions": [{"field": "priority", "operation": "equals", "expectedValue": "P1"}],
    }


CASES: dict[str, tuple[Callable[[dict[str, Any]], None], str]] = {
    "blocked": (_blocked, "the user is blocked"),
    "muted": (_muted, "notifications are muted until 2026-12-09 00:00 UTC"),
    "step contact disabled": (
        _step_contact_disabled,
        "no enabled new-alert notification rule that texts, calls or pushes to an enabled phone",
    ),
    "office hours": (_office_hours, "pages only monday 09:00 to friday 17:00"),
    "P1 only": (_p1_only, "pages only alerts where priority equals P1"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_person_on_call_now_is_not_pageable(cli: Cli, case: str) -> None:
    change, message = CASES[case]
    assert cli("plan", cli.policies) == 0, cli.out + cli.err  # pageable as seeded
    cli.edit(change)
    assert cli("plan", cli.policies) == 1
    line = next(x for x in cli.out.splitlines() if ON_CALL_NOW in x and "error" in x)
    assert message in line, line
    assert "readiness error" in cli.err


def test_a_muting_that_has_ended_is_no_problem(cli: Cli) -> None:
    cli.edit(lambda data: _user(data).__setitem__("mutedUntil", "2026-11-01T00:00:00Z"))
    assert cli("plan", cli.policies) == 0, cli.out
