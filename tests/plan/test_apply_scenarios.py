"""apply: exactly the reviewed plan or nothing, safely, in order, converging after failures."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from reconciler.sandbox.rotation_engine import on_call
from tests.plan.conftest import Run, delivery, write_policy


def on_call_now(run: Run, schedule: str = "Delivery_eoc_schedule") -> list[str]:
    state = run.state()
    og = state.data["opsgenie"]
    found = next(s for s in og["schedules"] if s["name"] == schedule)
    usernames = {u["id"]: u["username"] for u in og["users"]}
    return on_call(found, og["overrides"].get(found["id"], []), state.now(), usernames)


def test_apply_then_plan_converges(run: Run) -> None:
    assert run("apply", "--auto-approve") == 0
    assert "Apply complete! Resources: 0 added, 8 changed, 0 destroyed." in run.out
    assert run("plan") == 0
    assert "No changes." in run.out


def test_a_saved_plan_is_applied_exactly(run: Run, tmp_path: Path) -> None:
    saved = tmp_path / "plan.json"
    assert run("plan", "--out", str(saved)) == 0
    assert run("apply", str(saved)) == 0  # no question asked: the plan was reviewed
    assert "Apply complete!" in run.out
    assert run("apply", str(saved)) == 1  # the same plan again is stale now
    assert "stale" in run.err


def test_a_plan_made_stale_by_live_changes_is_refused(run: Run, tmp_path: Path) -> None:
    saved = tmp_path / "plan.json"
    assert run("plan", "--out", str(saved)) == 0

    def someone_edits(data: dict) -> None:
        for channel in data["slack"]["channels"]:
            if channel["name"] == "delivery":
                channel["purpose"] = "changed by hand"

    run.edit(someone_edits)
    before = run.path.read_bytes()
    assert run("apply", str(saved)) == 1
    assert "the plan is stale: OpsGenie or Slack changed" in run.err
    assert run.path.read_bytes() == before  # nothing was changed


def test_a_plan_made_stale_by_a_policy_edit_is_refused(run: Run, tmp_path: Path) -> None:
    folder = write_policy(tmp_path, delivery())
    saved = tmp_path / "plan.json"
    assert run("plan", folder, "--out", str(saved)) == 0
    write_policy(tmp_path, delivery(**{"acknowledge_within: 5m": "acknowledge_within: 6m"}))
    assert run("apply", str(saved)) == 1
    assert "the policy files changed" in run.err


def test_an_edited_plan_file_is_refused(run: Run, tmp_path: Path) -> None:
    saved = tmp_path / "plan.json"
    assert run("plan", "--out", str(saved)) == 0
    data = json.loads(saved.read_text())
    for change in data["plan"]["changes"]:
        if change["kind"] == "team":
            change["operation"]["members"] = [["mallory@example.com", "admin"]]
    saved.write_text(json.dumps(data))
    assert run("apply", str(saved)) == 1
    assert "was modified after it was made" in run.err


def test_a_plan_file_holds_no_secrets(run: Run, tmp_path: Path) -> None:
    saved = tmp_path / "plan.json"
    assert run("plan", "--out", str(saved)) == 0
    text = saved.read_text()
    state = run.state().data
    for secret in (
        state["opsgenie"]["api_key"],
        state["slack"]["bot"]["token"],
        state["slack"]["user_token"]["token"],
    ):
        assert secret not in text


def test_apply_asks_and_takes_only_yes(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("no\n"))
    before = run.path.read_bytes()
    assert run("apply") == 1
    assert "apply cancelled" in run.err
    assert run.path.read_bytes() == before


def test_thresholds_block_and_force_overrides(run: Run, tmp_path: Path) -> None:
    strict = delivery() + "management:\n  thresholds:\n    max_updates: 2\n"
    folder = write_policy(tmp_path, strict)
    plan = run.json("plan", folder)
    blocked = [c for c in plan["changes"] if c["blocked"]]
    assert len(blocked) == 7
    assert "7 updates exceed the limit of 2" in blocked[0]["blocked"]
    assert run("plan", folder) == 0
    assert "7 blocked: apply refuses them unless --force." in run.out
    assert run("apply", "--policies", folder, "--auto-approve") == 0
    # Only the on-call group's members: they follow the rotation, not the thresholds.
    assert "Apply complete! Resources: 0 added, 1 changed, 0 destroyed." in run.out
    assert "not attempted" in run.out
    assert run("apply", "--policies", folder, "--auto-approve", "--force") == 0
    assert "7 changed" in run.out


def test_deletes_need_the_opt_in_and_spare_protected_objects(run: Run, tmp_path: Path) -> None:
    tm_rotation = delivery(
        **{
            "    person: taylor.manager@example.com\n": "    rotation:\n"
            "      participants: [taylor.manager@example.com]\n"
            "      shift_length: 1w\n"
            "      handoff: {weekday: monday, time: '10:00', time_zone: America/Chicago}\n"
            "      first_handoff: 2026-01-05\n",
        }
    )
    folder = write_policy(tmp_path, tm_rotation)
    assert run("apply", "--policies", folder, "--auto-approve") == 0
    assert "schedule Delivery_tm_schedule: created" in run.out
    # Back to a person: the TM schedule is no longer declared.
    folder = write_policy(tmp_path, delivery())
    plan = run.json("plan", folder)
    kept = next(c for c in plan["changes"] if c["name"] == "Delivery_tm_schedule")
    assert kept["action"] == "no-op" and "delete_undeclared is off" in kept["reason"]
    protected = delivery() + (
        "management:\n  delete_undeclared: true\n  protected: ['schedule:Delivery_tm_schedule']\n"
    )
    folder = write_policy(tmp_path, protected)
    plan = run.json("plan", folder)
    gone = next(c for c in plan["changes"] if c["name"] == "Delivery_tm_schedule")
    assert gone["action"] == "delete" and "is protected" in gone["blocked"]
    folder = write_policy(tmp_path, delivery() + "management:\n  delete_undeclared: true\n")
    assert run("apply", "--policies", folder, "--auto-approve") == 0
    assert "- schedule Delivery_tm_schedule: destroyed" in run.out
    names = {s["name"] for s in run.state().data["opsgenie"]["schedules"]}
    assert "Delivery_tm_schedule" not in names


def test_a_failure_midway_stops_says_what_was_done_and_a_rerun_converges(
    run: Run, tmp_path: Path
) -> None:
    fresh = delivery(
        **{
            "name: Delivery\n": "name: Search\n",
            "handle: delivery-support": "handle: search-support",
            "name: Delivery Support": "name: Search Support",
        }
    )
    folder = write_policy(tmp_path, fresh)
    run.edit(
        lambda d: d["faults"].__setitem__(
            "rules", [{"match": "POST /v2/escalations", "kind": "5xx", "times": 1}]
        )
    )
    assert run("apply", "--policies", folder, "--auto-approve") == 1
    assert "+ team Search: created" in run.out
    assert "+ schedule Search_eoc_schedule: created" in run.out
    assert "escalation Search_oncall_escalation: FAILED" in run.out
    assert "Apply stopped at the first error." in run.out
    assert "not attempted:" in run.out and "+ routing_rule Search on-call" in run.out
    assert run("apply", "--policies", folder, "--auto-approve") == 0
    assert "+ escalation Search_oncall_escalation: created" in run.out
    assert "team Search: created" not in run.out  # already there: not created twice
    og = run.state().data["opsgenie"]
    assert [t["name"] for t in og["teams"]].count("Search") == 1
    assert [s["name"] for s in og["schedules"]].count("Search_eoc_schedule") == 1
    assert [e["name"] for e in og["escalations"]].count("Search_oncall_escalation") == 1
    assert run("plan", folder) == 0 and "No changes." in run.out


@pytest.mark.parametrize(
    "participants",
    [
        "[alex.rivera@example.com, blair.chen@example.com, casey.okafor@example.com, "
        "devon.silva@example.com, emery.novak@example.com, taylor.manager@example.com]",  # add
        "[alex.rivera@example.com, blair.chen@example.com, casey.okafor@example.com]",  # remove
        "[emery.novak@example.com, devon.silva@example.com, casey.okafor@example.com, "
        "blair.chen@example.com, alex.rivera@example.com]",  # reorder
    ],
    ids=["add", "remove", "reorder"],
)
def test_rotation_changes_keep_who_is_on_call_now(
    run: Run, tmp_path: Path, participants: str
) -> None:
    assert run("apply", "--auto-approve") == 0
    before = on_call_now(run)
    text = delivery()
    start = text.index("    participants:\n")
    end = text.index("    shift_length: 1w")
    folder = write_policy(
        tmp_path, text[:start] + f"    participants: {participants}\n" + text[end:]
    )
    plan = run.json("plan", folder)
    [impact] = plan["on_call_impact"]
    assert impact["now_before"] == impact["now_after"] == before[0]
    assert run("apply", "--policies", folder, "--auto-approve") == 0
    assert on_call_now(run) == before
    assert run("plan", folder) == 0 and "No changes." in run.out


@pytest.mark.parametrize(
    "when",
    [
        "2027-03-12T15:00:00+00:00",
        "2027-03-15T15:00:00+00:00",
        "2027-11-05T15:00:00+00:00",
        "2027-11-08T17:00:00+00:00",
    ],
    ids=["before-march", "after-march", "before-november", "after-november"],
)
def test_plans_on_both_sides_of_a_daylight_saving_change(run: Run, when: str) -> None:
    run.edit(lambda d: d["meta"].__setitem__("now", when))
    assert run("apply", "--auto-approve") == 0
    plan = run.json("plan")
    assert [c for c in plan["changes"] if c["action"] != "no-op"] == []
    schedule = next(
        s for s in run.state().data["opsgenie"]["schedules"] if s["name"] == "Delivery_eoc_schedule"
    )
    start = datetime.fromisoformat(schedule["rotations"][0]["startDate"].replace("Z", "+00:00"))
    local = start.astimezone(__import__("zoneinfo").ZoneInfo("America/Chicago"))
    assert (local.weekday(), local.hour, local.minute) == (0, 10, 0)
    now = datetime.fromisoformat(when)
    assert timedelta(0) <= now - start < timedelta(weeks=1)
    assert start.tzinfo is not None and start.astimezone(UTC).hour in (15, 16)


def test_removing_the_person_on_call_hands_over_now_and_says_so(run: Run, tmp_path: Path) -> None:
    assert run("apply", "--auto-approve") == 0
    [current] = on_call_now(run)
    text = delivery()
    start = text.index("    participants:\n")
    end = text.index("    shift_length: 1w")
    roster = [p.strip().removeprefix("- ") for p in text[start:end].splitlines()[1:]]
    kept = [p for p in roster if p != current]
    folder = write_policy(
        tmp_path, text[:start] + f"    participants: [{', '.join(kept)}]\n" + text[end:]
    )
    [impact] = run.json("plan", folder)["on_call_impact"]
    assert impact["now_before"] == current and impact["now_after"] in kept
    assert run("plan", folder) == 0
    assert f"is no longer rostered: {impact['now_after']} takes over now" in run.out


def test_a_time_restriction_added_by_hand_is_replaced_away(run: Run) -> None:
    assert run("apply", "--auto-approve") == 0

    def restrict(data: dict) -> None:
        for s in data["opsgenie"]["schedules"]:
            if s["name"] == "Delivery_eoc_schedule":
                s["rotations"][0]["timeRestriction"] = {
                    "type": "time-of-day",
                    "restriction": {"startHour": 9, "startMin": 0, "endHour": 17, "endMin": 0},
                }

    run.edit(restrict)
    plan = run.json("plan")
    [change] = [c for c in plan["changes"] if c["kind"] == "rotation"]
    assert change["action"] == "replace"
    assert "cannot clear those in place" in change["reason"]
    before = on_call_now(run)
    assert run("apply", "--auto-approve") == 0
    assert on_call_now(run) == before
    assert run("plan") == 0 and "No changes." in run.out
