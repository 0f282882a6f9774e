"""OpsGenie as it is: owner teams, routing rule restrictions and order, safe rotation replaces."""

from __future__ import annotations

from typing import Any

from tests.plan.conftest import delivery
from tests.vendor_truth.conftest import Cli


def _team_id(data: dict[str, Any], name: str) -> str:
    return next(t["id"] for t in data["opsgenie"]["teams"] if t["name"] == name)


def test_schedule_and_escalation_moved_to_another_team_are_moved_back(cli: Cli) -> None:
    assert cli.apply() == 0
    assert cli.converged()

    def move(data: dict[str, Any]) -> None:
        platform = {"id": _team_id(data, "Platform"), "name": "Platform"}
        for kind, name in (
            ("schedules", "Delivery_eoc_schedule"),
            ("escalations", "Delivery_oncall_escalation"),
        ):
            next(o for o in data["opsgenie"][kind] if o["name"] == name)["ownerTeam"] = platform

    cli.edit(move)
    plan = cli.plan_json()
    moved = {
        c["name"] for c in plan["changes"] if any(f["field"] == "owner_team" for f in c["fields"])
    }
    assert moved == {"Delivery_eoc_schedule", "Delivery_oncall_escalation"}
    assert cli.apply() == 0, cli.out + cli.err
    assert cli.converged(), cli.out
    data = cli.state().data["opsgenie"]
    delivery_id = _team_id(cli.state().data, "Delivery")
    for kind in ("schedules", "escalations"):
        for obj in data[kind]:
            if obj["name"] in ("Delivery_eoc_schedule", "Delivery_oncall_escalation"):
                assert obj["ownerTeam"]["id"] == delivery_id


def _rules(data: dict[str, Any]) -> list[dict[str, Any]]:
    return data["opsgenie"]["routing_rules"][_team_id(data, "Delivery")]


RULE = "Delivery on-call"


def test_a_time_restriction_added_by_hand_is_seen_and_removed(cli: Cli) -> None:
    assert cli.apply() == 0

    def restrict(data: dict[str, Any]) -> None:
        rule = next(r for r in _rules(data) if r["name"] == RULE)
        rule["timeRestriction"] = {
            "type": "time-of-day",
            "restriction": {"startHour": 9, "startMin": 0, "endHour": 17, "endMin": 0},
        }

    cli.edit(restrict)
    plan = cli.plan_json()
    [change] = [
        c for c in plan["changes"] if c["kind"] == "routing_rule" and c["action"] != "no-op"
    ]
    assert change["action"] == "replace"
    assert {"field": "time_restriction", "before": "09:00-17:00 every day", "after": None} in (
        change["fields"]
    )
    assert cli("plan", cli.policies) == 0 and "09:00-17:00 every day" in cli.out
    assert cli.apply() == 0, cli.out + cli.err
    assert cli.converged(), cli.out
    rules = _rules(cli.state().data)
    ours = [r for r in rules if r["name"] == RULE]
    assert len(ours) == 1 and "timeRestriction" not in ours[0] and ours[0]["order"] == 0


def test_a_rule_moved_above_ours_is_put_back_with_change_order(cli: Cli) -> None:
    assert cli.apply() == 0

    def insert_above(data: dict[str, Any]) -> None:
        rules = _rules(data)
        default = next(r for r in rules if r.get("isDefault"))
        rules.insert(
            0,
            {
                "id": "b1c9a8d2-0000-4000-8000-000000000001",
                "name": "Night shift (by hand)",
                "isDefault": False,
                "order": 0,
                "criteria": {"type": "match-all"},
                "timezone": "America/Chicago",
                "notify": dict(default["notify"]),
            },
        )
        for i, rule in enumerate(rules):
            rule["order"] = i

    cli.edit(insert_above)
    plan = cli.plan_json()
    [change] = [
        c for c in plan["changes"] if c["kind"] == "routing_rule" and c["action"] != "no-op"
    ]
    assert change["action"] == "update"
    assert change["fields"] == [{"field": "order", "before": 1, "after": 0}]
    assert "another rule was moved above it" in change["reason"]
    assert cli.apply() == 0, cli.out + cli.err
    assert cli.converged(), cli.out
    rules = _rules(cli.state().data)
    assert [r["name"] for r in rules][:2] == [RULE, "Night shift (by hand)"]


def test_an_interrupted_routing_rule_replace_is_cleaned_up(cli: Cli) -> None:
    assert cli.apply() == 0

    def restrict_and_fail_deletes(data: dict[str, Any]) -> None:
        rule = next(r for r in _rules(data) if r["name"] == RULE)
        rule["timeRestriction"] = {
            "type": "weekday-and-time-of-day",
            "restrictions": [
                {
                    "startDay": "monday",
                    "startHour": 8,
                    "startMin": 0,
                    "endDay": "friday",
                    "endHour": 18,
                    "endMin": 0,
                }
            ],
        }
        data["faults"] = {
            "seed": 1,
            "rules": [{"match": "DELETE /v2/teams/", "kind": "5xx", "times": 4}],
        }

    cli.edit(restrict_and_fail_deletes)
    assert cli.apply() == 1
    ours = [r for r in _rules(cli.state().data) if r["name"] == RULE]
    assert len(ours) == 2  # the new one was made first: alerts stayed routed
    assert ours[0]["order"] == 0 and "timeRestriction" not in ours[0]
    plan = cli.plan_json()
    deletes = [
        c for c in plan["changes"] if c["kind"] == "routing_rule" and c["action"] == "delete"
    ]
    assert [c["name"] for c in deletes] == [f"{RULE} (a second copy)"]
    assert cli.apply() == 0, cli.out + cli.err
    assert cli.converged()


def _on_call_now(cli: Cli) -> list[str]:
    from reconciler.sandbox.rotation_engine import on_call

    state = cli.state()
    og = state.data["opsgenie"]
    schedule = next(s for s in og["schedules"] if s["name"] == "Delivery_eoc_schedule")
    usernames = {u["id"]: u["username"] for u in og["users"]}
    return on_call(schedule, og["overrides"].get(schedule["id"], []), state.now(), usernames)


def test_a_failed_rotation_replace_never_leaves_the_schedule_paging_nobody(cli: Cli) -> None:
    def restrict(data: dict[str, Any]) -> None:
        schedule = next(
            s for s in data["opsgenie"]["schedules"] if s["name"] == "Delivery_eoc_schedule"
        )
        schedule["rotations"][0]["timeRestriction"] = {
            "type": "time-of-day",
            "restriction": {"startHour": 0, "startMin": 0, "endHour": 23, "endMin": 30},
        }
        data["faults"] = {
            "seed": 1,
            "rules": [{"match": "POST /v2/schedules/[^/]+/rotations", "kind": "5xx", "times": 1}],
        }

    cli.edit(restrict)
    before = _on_call_now(cli)
    assert before
    plan = cli.plan_json()
    [rotation] = [c for c in plan["changes"] if c["kind"] == "rotation" and c["action"] != "no-op"]
    assert rotation["action"] == "replace"
    assert cli.apply() == 1
    assert "rotation Delivery_eoc_schedule/engineer-on-call: FAILED" in cli.out
    assert _on_call_now(cli) == before  # the old rotation is still there
    assert cli.apply() == 0, cli.out + cli.err  # the fault is used up: the replace completes
    assert cli.converged()
    assert _on_call_now(cli) == before


def test_a_change_of_shift_type_is_an_update_not_a_replace(cli: Cli) -> None:
    assert cli.apply() == 0
    weekly = "    shift_length: 1w"
    text = delivery()
    assert weekly in text
    cli.policy(text.replace(weekly, "    shift_length: 1d").replace("      weekday: monday\n", ""))
    plan = cli.plan_json()
    rotations = [c for c in plan["changes"] if c["kind"] == "rotation" and c["action"] != "no-op"]
    assert [c["action"] for c in rotations] == ["update"], rotations
    assert cli.apply() == 0, cli.out + cli.err  # today's handoff duties follow in the run
    assert "~ rotation Delivery_eoc_schedule/engineer-on-call: updated" in cli.out
    after = cli.plan_json()
    assert not [c for c in after["changes"] if c["kind"] == "rotation" and c["action"] != "no-op"]
