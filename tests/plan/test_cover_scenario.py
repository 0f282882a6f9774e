"""Cover as code, end to end on the sandbox: a one-week cover and a swap become exactly the
overrides they ask for, re-planning is a no-op, the on-call group and the hand-off post follow
the cover at the handoff, and an override made by hand is listed and left alone."""

from __future__ import annotations

from pathlib import Path

from tests.plan.conftest import Run, cover, delivery, write_policy
from tests.plan.test_lifecycle import group_members, posts, uid

COVER = cover("emery.novak@example.com")


def overrides(run: Run) -> list[dict]:
    og = run.state().data["opsgenie"]
    schedule = next(s for s in og["schedules"] if s["name"] == "Delivery_eoc_schedule")
    return list(og["overrides"].get(schedule["id"], []))


def by_hand(data: dict) -> None:
    og = data["opsgenie"]
    schedule = next(s for s in og["schedules"] if s["name"] == "Delivery_eoc_schedule")
    og["overrides"].setdefault(schedule["id"], []).append(
        {
            "alias": "dentist-by-hand",
            "user": {"type": "user", "username": "taylor.manager@example.com"},
            "startDate": "2027-02-02T15:00:00Z",
            "endDate": "2027-02-02T18:00:00Z",
            "rotations": [],
        }
    )


def test_a_cover_and_a_swap_are_planned_applied_and_followed(run: Run, tmp_path: Path) -> None:
    policies = write_policy(tmp_path, delivery() + COVER)
    run.edit(by_hand)
    assert run("plan", policies, "--no-readiness") == 0
    assert "+ override Delivery_eoc_schedule/away 1 from 2026-12-21" in run.out
    assert (
        "Mon 2026-12-21 10:00 CST (16:00 UTC)  emery.novak@example.com -> blair.chen@example.com"
        " (cover: holiday)" in run.out
    )
    assert "Mon 2027-01-04 10:00 CST (16:00 UTC)  blair.chen@example.com -> casey.okafor" in run.out
    assert "override Delivery_eoc_schedule: taylor.manager@example.com" in run.out  # unmanaged

    assert run("apply", "--policies", policies, "--auto-approve") == 0, run.out
    ours = [o for o in overrides(run) if o["alias"].startswith("reconcile-")]
    assert sorted((o["user"]["username"], o["startDate"], o["endDate"]) for o in ours) == [
        ("blair.chen@example.com", "2026-12-21T16:00:00Z", "2026-12-28T16:00:00Z"),
        ("blair.chen@example.com", "2027-01-11T16:00:00Z", "2027-01-18T16:00:00Z"),
        ("casey.okafor@example.com", "2027-01-04T16:00:00Z", "2027-01-11T16:00:00Z"),
    ]
    assert any(o["alias"] == "dentist-by-hand" for o in overrides(run))
    assert run("plan", policies, "--no-readiness", "--detailed-exitcode") == 0, run.out

    assert run("sandbox", "clock", "set", "2026-12-21T16:05:00Z") == 0  # 10:05 CST
    assert run("sync", policies) == 0
    assert group_members(run) == {"blair.chen@example.com"}  # emery is away: blair covers
    devon, blair = uid(run, "devon.silva@example.com"), uid(run, "blair.chen@example.com")
    assert f"Engineer On-Call: <@{devon}> → <@{blair}>" in posts(run)[-1]

    assert run("sandbox", "clock", "set", "2026-12-28T16:05:00Z") == 0  # the cover ends
    assert run("sync", policies) == 0
    assert group_members(run) == {"alex.rivera@example.com"}
    alex = uid(run, "alex.rivera@example.com")
    assert f"Engineer On-Call: <@{blair}> → <@{alex}>" in posts(run)[-1]
    assert run("plan", policies, "--no-readiness", "--detailed-exitcode") == 0, run.out


def test_a_cover_taken_out_of_the_policy_is_undone(run: Run, tmp_path: Path) -> None:
    policies = write_policy(tmp_path, delivery() + COVER)
    assert run("apply", "--policies", policies, "--auto-approve") == 0
    write_policy(tmp_path, delivery())
    assert run("plan", policies, "--no-readiness") == 0
    assert run.out.count("- override Delivery_eoc_schedule/reconcile-") == 3
    assert run("apply", "--policies", policies, "--auto-approve") == 0
    assert overrides(run) == []


def test_the_hand_off_post_counts_the_shifts_alerts_and_suggests_a_recovery_day(
    run: Run, tmp_path: Path
) -> None:
    policy = delivery().replace(
        "  channel: delivery\n", "  channel: delivery\n  recovery_day_after: 3\n"
    )
    policies = write_policy(tmp_path, policy)
    assert run("apply", "--policies", policies, "--auto-approve") == 0

    def alerts(data: dict) -> None:
        og = data["opsgenie"]
        delivery_id = next(t["id"] for t in og["teams"] if t["name"] == "Delivery")
        platform_id = next(t["id"] for t in og["teams"] if t["name"] == "Platform")
        made = [  # blair's shift: Mon 2026-11-30 10:00 CST to Mon 2026-12-07 10:00 CST
            ("2026-11-30T15:00:00Z", delivery_id, None),  # before the shift
            ("2026-12-01T03:00:00Z", delivery_id, "blair.chen@example.com"),
            ("2026-12-03T09:00:00Z", delivery_id, "blair.chen@example.com"),
            ("2026-12-05T22:00:00Z", delivery_id, "taylor.manager@example.com"),
            ("2026-12-06T01:00:00Z", platform_id, "blair.chen@example.com"),  # another team's
        ]
        og["alerts"] = [
            {
                "id": f"a{i}",
                "tinyId": str(i),
                "message": "disk full",
                "status": "closed",
                "acknowledged": by is not None,
                "createdAt": at,
                "responders": [{"type": "team", "id": team}],
                "report": {"acknowledgedBy": by} if by else {},
            }
            for i, (at, team, by) in enumerate(made)
        ]

    run.edit(alerts)
    assert run("sandbox", "clock", "set", "2026-12-07T16:05:00Z") == 0
    assert run("sync", policies) == 0
    blair = uid(run, "blair.chen@example.com")
    post = posts(run)[-1]
    assert f"Alerts last shift: 3 received, 2 acknowledged by <@{blair}>" in post
    assert f":zzz: 3 alerts is an eventful week: <@{blair}>, take a recovery day" in post


def test_schedule_live_shows_an_override_made_by_hand(run: Run, tmp_path: Path) -> None:
    policies = write_policy(tmp_path, delivery())
    assert run("apply", "--policies", policies, "--auto-approve") == 0
    run.edit(by_hand)
    assert run("schedule", policies, "--from", "2027-02-01T17:00", "--weeks", "2", "--live") == 0
    assert (
        "Tue 2027-02-02 09:00 CST  [15:00 UTC]  taylor.manager@example.com  "
        "(TM taylor.manager@example.com)  cover for" in run.out
    ), run.out
    assert "(override made by hand)" in run.out
    assert run("schedule", policies, "--from", "2027-02-01T17:00", "--weeks", "2") == 0
    assert "override made by hand" not in run.out  # offline: the policy alone
