"""The pure core called directly on hand-built live states: desired state, the diff, safety, the
lifecycle and plan building. No client, no sandbox, no I/O; milliseconds each."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from reconciler import live
from reconciler.backends.base import Capabilities
from reconciler.plan import operations as ops
from reconciler.plan.build import make_plan
from reconciler.plan.desired import DesiredTeam, desired_team
from reconciler.plan.lifecycle import diff_lifecycle
from reconciler.plan.lifecycle_read import LifecycleState, TeamOnCall
from reconciler.plan.objects import Target, diff_object
from reconciler.plan.observe import LiveState
from reconciler.plan.oncall_diff import diff_team
from reconciler.plan.safety import guard
from reconciler.policy.loader import load_bytes
from reconciler.policy.structure import validate_structure
from tests.plan.conftest import delivery

NOW = datetime(2026, 12, 7, 16, 5, tzinfo=UTC)  # Monday 10:05 CST


def team(text: str | None = None) -> DesiredTeam:
    policy, problems = validate_structure(load_bytes((text or delivery()).encode(), "p.yaml"))
    assert policy is not None, problems
    return desired_team(policy, "p.yaml")


def converged(want: DesiredTeam) -> LiveState:
    """The live state a finished apply leaves: every declared object, owned, as declared."""
    state = LiveState(NOW)
    state.teams[want.name.lower()] = live.Team("t-1", want.name, want.description, want.members)
    changes, _ = diff_team(want, LiveState(NOW), NOW)
    for change in changes:
        op = change.operation
        if isinstance(op, ops.CreateSchedule):
            desired = next(s for s in want.schedules if s.name == op.name)
            rotation = next(
                c.operation
                for c in changes
                if isinstance(c.operation, ops.CreateRotation) and c.operation.schedule == op.name
            )
            assert isinstance(rotation, ops.CreateRotation)
            body = rotation.rotation
            state.schedules[op.name.lower()] = live.Schedule(
                f"s-{op.name}",
                op.name,
                op.description,
                op.time_zone,
                True,
                want.name,
                (
                    live.ScheduleRotation(
                        f"r-{op.name}",
                        desired.rotation.name,
                        body["type"],
                        body["length"],
                        datetime.fromisoformat(body["start"]).astimezone(UTC),
                        None,
                        tuple(live.Participant("user", p) for p in body["participants"]),
                    ),
                ),
            )
        elif isinstance(op, ops.CreateEscalation):
            state.escalations[op.name.lower()] = live.Escalation(
                "e-1", op.name, op.description, want.name, want.escalation_rules
            )
    state.routing_rules[want.name.lower()] = [replace(want.routing_rule, id="rr-1")]
    return state


def test_a_team_from_nothing_is_created_in_full() -> None:
    want = team()
    changes, impacts = diff_team(want, LiveState(NOW), NOW)
    assert [(c.kind, c.action) for c in changes] == [
        ("team", "create"),
        ("schedule", "create"),
        ("rotation", "create"),
        ("escalation", "create"),
        ("routing_rule", "create"),
    ]
    assert len(impacts) == 1


def test_a_converged_state_is_all_no_ops() -> None:
    want = team()
    changes, _ = diff_team(want, converged(want), NOW)
    assert {c.action for c in changes} == {"no-op"}


def test_an_unowned_team_is_a_blocked_clash_and_nothing_below_it_is_touched() -> None:
    want = team()
    state = LiveState(NOW)
    state.teams[want.name.lower()] = live.Team("t-9", want.name, "made by hand", frozenset())
    changes, _ = diff_team(want, state, NOW)
    [clash] = changes
    assert clash.blocked and "ownership marker" in clash.blocked


def test_an_edited_escalation_is_an_update_with_typed_operation() -> None:
    want = team()
    state = converged(want)
    esc = state.escalations[want.escalation_name.lower()]
    state.escalations[want.escalation_name.lower()] = replace(
        esc, description="x [managed by reconcile]"
    )
    changes, _ = diff_team(want, state, NOW)
    [update] = [c for c in changes if c.action != "no-op"]
    assert isinstance(update.operation, ops.UpdateEscalation)
    assert update.operation.description == want.escalation_description
    assert update.operation.rules is None  # only what differs is sent


def test_the_one_object_diff() -> None:
    target = Target("v", "thing", "x", "T")

    def made() -> live.Team:
        raise AssertionError("not called")

    created = diff_object(
        target,
        exists=False,
        before=lambda: {},
        after={"a": 1},
        create=lambda: target.no_op("made"),
        update=lambda f: target.no_op("updated"),
    )
    assert created.reason == "made"
    clash = diff_object(
        target, exists=True, owned=False, before=lambda: {}, after={}, create=made, update=made
    )
    assert clash.blocked
    same = diff_object(
        target, exists=True, before=lambda: {"a": 1}, after={"a": 1}, create=made, update=made
    )
    assert same.action == "no-op"
    skipped = diff_object(
        target,
        exists=True,
        before=lambda: {"a": 1},
        after={"a": 2},
        skip=frozenset({"a"}),
        create=made,
        update=made,
    )
    assert skipped.action == "no-op"


def test_safety_blocks_deletes_beyond_the_threshold() -> None:
    want = team()
    deletes = [
        target.no_op()
        for target in [Target("opsgenie", "schedule", f"s{i}", want.name) for i in range(9)]
    ]
    deletes = [replace(c, action="delete") for c in deletes]
    guarded = guard(want, deletes, owned=9)
    assert all(c.blocked for c in guarded)


def test_the_lifecycle_moves_the_group_does_the_duty_and_posts() -> None:
    want = team()
    state = converged(want)
    state.channels = {
        c.name: live.Channel(f"C{i}", c.name, False, False, True, c.purpose or "", "")
        for i, c in enumerate(want.channels)
    }
    state.groups = {
        "delivery-support": live.UserGroup(
            "S1", "delivery-support", "Delivery Support", "", True, frozenset({"U-blair"})
        )
    }
    users = {
        e: live.SlackUser(f"U-{e.split('.')[0]}", e, e, False, False, False)
        for e in (
            "blair.chen@example.com",
            "casey.okafor@example.com",
            "taylor.manager@example.com",
        )
    }
    shift = datetime(2026, 12, 7, 16, 0, tzinfo=UTC)
    incidents = next(c for c in state.channels.values() if c.name == "incidents")
    life = LifecycleState(
        on_call={
            want.name: TeamOnCall(
                shift_start=shift,
                eoc_now=["casey.okafor@example.com"],
                eoc_before=["blair.chen@example.com"],
            )
        },
        slack_by_email=dict(users),
        slack_by_id={u.id: u for u in users.values()},
        channel_members={incidents.id: frozenset({"U-blair"})},
    )
    changes, _ = diff_lifecycle(want, state, life)
    kinds = {c.kind: c for c in changes}
    group = kinds["slack_group_members"].operation
    assert isinstance(group, ops.SlackGroupMembers) and group.users == ["U-casey"]
    duty = [c.operation for c in changes if c.kind == "channel_duty"]
    assert any(isinstance(d, ops.ChannelDuty) and d.kick == ["U-blair"] for d in duty)
    post = kinds["handoff_post"].operation
    assert isinstance(post, ops.HandoffPost) and "<@U-casey>" in post.text


def test_plan_building_names_the_vendors_defaults_as_its_capabilities_say() -> None:
    want = team()
    state = converged(want)
    state.schedules["delivery_schedule"] = live.Schedule(
        "s-d", "Delivery_schedule", "", "UTC", True, want.name
    )
    plan = make_plan(
        [want],
        state,
        NOW,
        capabilities=Capabilities(label="Acme", default_objects=lambda t: [f"{t}_schedule"]),
    )
    assert plan.empty
    [default] = [u for u in plan.unmanaged if u.name == "Delivery_schedule"]
    assert default.why == "Acme's default for team Delivery"
