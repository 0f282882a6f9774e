"""The emulated OpsGenie behaves as OpsGenie does, traps included (in-process and over TCP)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from reconciler import live
from reconciler.clients.errors import AuthError, Conflict, NotFound, StillReferenced
from tests.sandbox.conftest import Sandbox

WEEK = timedelta(weeks=1)


def test_the_seed_reads_back_typed(sandbox: Sandbox) -> None:
    og = sandbox.clients.oncall
    teams = {t.name: t for t in og.teams()}
    assert set(teams) == {"Delivery", "Platform"}
    assert live.TeamMember("taylor.manager@example.com", "admin") in teams["Delivery"].members
    schedules = {s.name: s for s in og.schedules()}
    assert {"Delivery_schedule", "Platform_schedule", "Delivery_eoc_schedule"} == set(schedules)
    [rotation] = schedules["Delivery_eoc_schedule"].rotations
    assert rotation.start == datetime(2026, 1, 5, 16, tzinfo=UTC)
    escalation = next(e for e in og.escalations() if e.name == "Delivery_oncall_escalation")
    assert [(r.delay_minutes, r.recipient.name) for r in escalation.rules] == [
        (0, "Delivery_eoc_schedule"),
        (15, "taylor.manager@example.com"),
    ]


def test_a_new_team_gets_a_default_schedule_escalation_and_routing_rule(sandbox: Sandbox) -> None:
    og = sandbox.clients.oncall
    team_id = og.create_team(
        "Search",
        "search [managed by reconcile]",
        [live.TeamMember("alex.rivera@example.com", "admin")],
    )
    names = {s.name for s in og.schedules()}
    assert "Search_schedule" in names
    assert "Search_escalation" in {e.name for e in og.escalations()}
    [rule] = og.routing_rules(team_id)
    assert (rule.is_default, rule.notify_type, rule.notify_name) == (
        True,
        "escalation",
        "Search_escalation",
    )


def test_a_schedule_may_not_take_a_teams_name(sandbox: Sandbox) -> None:
    og = sandbox.clients.oncall
    team = og.team("Delivery")
    with pytest.raises(Conflict, match="already one Team with same name"):
        og.create_schedule("delivery", "x", "America/Chicago", team.id)


def test_deleting_a_referenced_schedule_is_refused_until_the_reference_goes(
    sandbox: Sandbox,
) -> None:
    og = sandbox.clients.oncall
    schedule = next(s for s in og.schedules() if s.name == "Delivery_eoc_schedule")
    escalation = next(e for e in og.escalations() if e.name == "Delivery_oncall_escalation")
    team = og.team("Delivery")
    with pytest.raises(StillReferenced, match="escalation \\[Delivery_oncall_escalation\\]"):
        og.delete_schedule(schedule.id)
    with pytest.raises(StillReferenced, match="routing rule"):
        og.delete_escalation(escalation.id)
    rule = next(r for r in og.routing_rules(team.id) if not r.is_default)
    og.delete_routing_rule(team.id, rule.id)
    og.delete_escalation(escalation.id)
    og.delete_schedule(schedule.id)
    assert "Delivery_eoc_schedule" not in {s.name for s in og.schedules()}


def test_rotation_starts_are_rounded_and_answered_in_utc_zones_canonical(sandbox: Sandbox) -> None:
    og = sandbox.clients.oncall
    team = og.team("Delivery")
    sid = og.create_schedule("Delivery_tm_schedule", "x", "US/Central", team.id)
    start = datetime(2026, 1, 6, 9, 14, tzinfo=UTC)  # :14 becomes :00
    og.create_rotation(
        sid,
        live.ScheduleRotation(
            "",
            "tm",
            "weekly",
            1,
            start,
            None,
            (live.Participant("user", "Taylor.Manager@Example.com"),),
        ),
    )
    schedule = next(s for s in og.schedules() if s.id == sid)
    assert schedule.time_zone == "America/Chicago"
    [rotation] = schedule.rotations
    assert rotation.start == datetime(2026, 1, 6, 9, 0, tzinfo=UTC)
    assert rotation.participants == (live.Participant("user", "taylor.manager@example.com"),)


def test_unknown_people_and_objects_are_refused_or_absent(sandbox: Sandbox) -> None:
    og = sandbox.clients.oncall
    assert og.team("Nope") is None
    assert og.user("nobody@example.com") is None
    with pytest.raises(NotFound):
        og.routing_rules("no-such-team")


def test_users_are_paged(sandbox: Sandbox) -> None:
    def add_users(data: dict) -> None:
        for i in range(130):
            data["opsgenie"]["users"].append(
                {
                    "id": f"extra-{i:03d}",
                    "username": f"extra{i:03d}@example.com",
                    "fullName": f"Extra {i}",
                }
            )

    sandbox.edit(add_users)
    users = sandbox.clients.oncall.users()
    assert len(users) == 26 + 130
    assert len({u.username for u in users}) == len(users)


def test_who_is_on_call_follows_the_rotation_and_overrides(sandbox: Sandbox) -> None:
    og = sandbox.clients.oncall
    schedule = next(s for s in og.schedules() if s.name == "Delivery_eoc_schedule")
    first = datetime(2026, 1, 5, 16, tzinfo=UTC)
    assert og.on_call(schedule.id, first - timedelta(minutes=1)) == []
    assert og.on_call(schedule.id, first) == ["alex.rivera@example.com"]
    assert og.on_call(schedule.id, first + WEEK) == ["casey.okafor@example.com"]

    def override(data: dict) -> None:
        data["opsgenie"]["overrides"][schedule.id] = [
            {
                "alias": "swap",
                "user": {"type": "user", "username": "devon.silva@example.com"},
                "startDate": "2026-01-12T16:00:00Z",
                "endDate": "2026-01-13T16:00:00Z",
                "rotations": [],
            }
        ]

    sandbox.edit(override)
    assert og.on_call(schedule.id, first + WEEK) == ["devon.silva@example.com"]
    assert og.on_call(schedule.id, first + WEEK + timedelta(days=1)) == ["casey.okafor@example.com"]
    [o] = og.overrides(schedule.id)
    assert o.username == "devon.silva@example.com"


def test_without_a_date_on_call_uses_the_sandbox_clock(sandbox: Sandbox) -> None:
    og = sandbox.clients.oncall
    schedule = next(s for s in og.schedules() if s.name == "Delivery_eoc_schedule")
    now = sandbox.state().now()
    assert og.on_call(schedule.id) == og.on_call(schedule.id, now)


def test_pageability_reads(sandbox: Sandbox) -> None:
    og = sandbox.clients.oncall
    assert {c.method for c in og.contacts("alex.rivera@example.com")} == {"email", "sms"}
    assert {c.method for c in og.contacts("emery.novak@example.com")} == {"email"}
    [rule] = og.notification_rules("alex.rivera@example.com")
    assert rule.action_type == "create-alert"
    assert [(st.method, st.enabled) for st in rule.steps] == [("email", True), ("sms", True)]
    found = og.user_and_contacts("alex.rivera@example.com")
    assert found is not None
    user, contacts = found
    assert not user.blocked and user.muted_until is None
    assert {(c.method, c.enabled) for c in contacts} == {("email", True), ("sms", True)}
    assert og.user_and_contacts("nobody@example.com") is None


def test_a_key_without_delete_rights_cannot_delete(sandbox: Sandbox) -> None:
    sandbox.edit(lambda data: data["opsgenie"].__setitem__("key_rights", ["read", "create_update"]))
    og = sandbox.clients.oncall
    team = og.team("Platform")
    with pytest.raises(AuthError, match="'Delete' right"):
        og.delete_team(team.id)


def test_team_members_are_replaced_added_and_removed(sandbox: Sandbox) -> None:
    og = sandbox.clients.oncall
    team = og.team("Delivery")
    og.update_team(team.id, members=[live.TeamMember("taylor.manager@example.com", "admin")])
    og.add_team_member(team.id, live.TeamMember("devon.silva@example.com", "user"))
    og.remove_team_member(team.id, "taylor.manager@example.com")
    assert og.team("Delivery").members == {live.TeamMember("devon.silva@example.com", "user")}


def test_alerts_are_read_for_a_team_and_a_window_newest_first(sandbox: Sandbox) -> None:
    from datetime import UTC, datetime

    def alerts(data: dict) -> None:
        og = data["opsgenie"]
        team = next(t["id"] for t in og["teams"] if t["name"] == "Delivery")
        og["alerts"] = [
            {
                "id": f"a{i}",
                "tinyId": str(i),
                "message": "m",
                "createdAt": f"2026-12-0{1 + i % 5}T12:00:00Z",
                "responders": [{"type": "team", "id": team}],
                "report": {"acknowledgedBy": "Blair.Chen@example.com"} if i % 2 else {},
            }
            for i in range(150)  # two pages of 100
        ]

    sandbox.edit(alerts)
    found = sandbox.clients.oncall.alerts(
        "Delivery", datetime(2026, 12, 2, tzinfo=UTC), datetime(2026, 12, 4, tzinfo=UTC)
    )
    assert len(found) == 60  # 2 and 3 December, 30 each
    assert {a.acknowledged_by for a in found} == {None, "blair.chen@example.com"}
