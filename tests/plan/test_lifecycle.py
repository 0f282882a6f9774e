"""The on-call lifecycle on the sandbox, crossing handoffs with the sandbox clock."""

from __future__ import annotations

from pathlib import Path

from tests.plan.conftest import Run, delivery, write_policy


def slack(run: Run) -> dict:
    return run.state().data["slack"]


def uid(run: Run, email: str) -> str:
    return next(u["id"] for u in slack(run)["users"] if u.get("email") == email)


def group_members(run: Run, handle: str = "delivery-support") -> set[str]:
    data = slack(run)
    group = next(g for g in data["usergroups"] if g["handle"] == handle)
    by_id = {u["id"]: u["email"] for u in data["users"]}
    return {by_id[u] for u in group["users"]}


def channel_members(run: Run, name: str) -> set[str]:
    data = slack(run)
    channel = next(c for c in data["channels"] if c["name"] == name)
    by_id = {u["id"]: u.get("email") for u in data["users"]}
    return {by_id[u] for u in channel["members"] if by_id.get(u)}


def posts(run: Run) -> list[str]:
    return [m["text"] for m in slack(run)["messages"]]


def leave_channel(run: Run, channel: str, email: str) -> None:
    user = uid(run, email)

    def edit(data: dict) -> None:
        for c in data["slack"]["channels"]:
            if c["name"] == channel:
                c["members"] = [m for m in c["members"] if m != user]

    run.edit(edit)


def test_a_monday_handoff_moves_the_group_channels_and_posts_once(run: Run) -> None:
    assert run("apply", "--auto-approve") == 0
    assert group_members(run) == {"blair.chen@example.com"}
    leave_channel(run, "prod-eng-announcements", "casey.okafor@example.com")

    assert run("sandbox", "clock", "set", "2026-12-07T15:55:00Z") == 0  # 09:55 CST
    assert run("sync") == 0
    assert run.out == ""  # quiet: nothing to do before the handoff
    assert group_members(run) == {"blair.chen@example.com"}

    assert run("sandbox", "clock", "set", "2026-12-07T16:05:00Z") == 0  # 10:05 CST
    assert run("sync") == 0
    assert "~ slack_group_members @delivery-support: updated" in run.out
    assert group_members(run) == {"casey.okafor@example.com"}
    assert "casey.okafor@example.com" in channel_members(run, "prod-eng-announcements")
    assert "blair.chen@example.com" not in channel_members(run, "incidents")  # join_and_leave
    assert "blair.chen@example.com" in channel_members(run, "delivery")  # join_and_stay
    [post] = posts(run)
    blair, casey = uid(run, "blair.chen@example.com"), uid(run, "casey.okafor@example.com")
    taylor = uid(run, "taylor.manager@example.com")
    assert f"Engineer On-Call: <@{blair}> → <@{casey}>" in post
    assert f"Technical Manager: <@{taylor}>" in post
    assert "https://docs.example.com/delivery/on-call-handoff-notes" in post

    assert run("sync") == 0
    assert run.out == ""
    assert len(posts(run)) == 1  # running twice does not post twice
    assert run("plan") == 0 and "No changes." in run.out


def test_someone_who_rejoins_after_the_handoff_is_left_alone(run: Run) -> None:
    assert run("apply", "--auto-approve") == 0
    assert run("sandbox", "clock", "set", "2026-12-07T16:05:00Z") == 0
    assert run("sync") == 0
    blair = uid(run, "blair.chen@example.com")

    def rejoin(data: dict) -> None:
        for c in data["slack"]["channels"]:
            if c["name"] == "incidents":
                c["members"].append(blair)

    run.edit(rejoin)
    assert run("sandbox", "clock", "set", "2026-12-07T18:00:00Z") == 0
    assert run("sync") == 0 and run.out == ""
    assert "blair.chen@example.com" in channel_members(run, "incidents")


def test_the_handoff_after_the_march_change_is_at_ten_local(run: Run) -> None:
    assert run("sandbox", "clock", "set", "2027-03-10T15:00:00Z") == 0
    assert run("apply", "--auto-approve") == 0
    before = group_members(run)
    assert run("sandbox", "clock", "set", "2027-03-15T14:55:00Z") == 0  # 09:55 CDT
    assert run("sync") == 0 and run.out == ""
    assert run("sandbox", "clock", "set", "2027-03-15T15:05:00Z") == 0  # 10:05 CDT
    assert run("sync") == 0
    after = group_members(run)
    assert after != before and len(after) == 1
    [post] = posts(run)
    assert "(Mon 2027-03-15 10:00 CDT)" in post


def test_an_override_moves_the_group_to_the_overrides_person(run: Run) -> None:
    assert run("apply", "--auto-approve") == 0
    state = run.state()
    og = state.data["opsgenie"]
    schedule = next(s for s in og["schedules"] if s["name"] == "Delivery_eoc_schedule")
    og["overrides"][schedule["id"]] = [
        {
            "alias": "cover",
            "user": {"type": "user", "username": "emery.novak@example.com"},
            "startDate": "2026-12-02T00:00:00Z",
            "endDate": "2026-12-03T00:00:00Z",
            "rotations": [],
        }
    ]
    state.save()
    assert run("sync") == 0
    assert group_members(run) == {"emery.novak@example.com"}


def test_fixed_members_and_nobody_on_call(run: Run, tmp_path: Path) -> None:
    policy = delivery(
        **{
            "    when_nobody_on_call: keep\n": "    when_nobody_on_call: disable\n"
            "    fixed_members: [taylor.manager@example.com]\n"
        }
    )
    folder = write_policy(tmp_path, policy)
    assert run("apply", "--policies", folder, "--auto-approve") == 0
    assert group_members(run) == {"blair.chen@example.com", "taylor.manager@example.com"}

    def nobody(data: dict) -> None:
        for s in data["opsgenie"]["schedules"]:
            if s["name"] == "Delivery_eoc_schedule":
                for p in s["rotations"][0]["participants"]:
                    p.clear()
                    p["type"] = "none"

    run.edit(nobody)
    assert run("sync", folder) == 0
    group = next(g for g in slack(run)["usergroups"] if g["handle"] == "delivery-support")
    assert group["enabled"] is False


def test_readiness_flags_people_who_cannot_be_paged_or_reached(run: Run) -> None:
    casey = uid(run, "casey.okafor@example.com")
    run.edit(
        lambda d: d["slack"].__setitem__(
            "users", [u for u in d["slack"]["users"] if u["id"] != casey]
        )
    )
    readiness = {r["person"]: r for r in run.json("plan")["readiness"]}
    assert "no enabled sms, voice or mobile contact" in " ".join(
        readiness["emery.novak@example.com"]["problems"]
    )
    assert "no active Slack account with the email casey.okafor@example.com" in " ".join(
        readiness["casey.okafor@example.com"]["problems"]
    )
    assert "alex.rivera@example.com" not in readiness


def test_readiness_is_an_error_for_whoever_is_on_call_next(run: Run) -> None:
    # In the applied rotation devon holds December 14-21 and emery follows.
    assert run("apply", "--auto-approve") == 0
    assert run("sandbox", "clock", "set", "2026-12-15T12:00:00Z") == 0
    assert run("plan") == 1
    assert "error: Delivery: emery.novak@example.com (on call next)" in run.out
    assert "1 readiness error(s)" in run.err
