"""The migration map and the paging comparison, on hand-made snapshots (no vendor)."""

from __future__ import annotations

from datetime import UTC, datetime

from reconciler import live
from reconciler.plan.desired import DesiredTeam
from reconciler.plan.migration import Snapshot, handoffs, map_team, paged
from tests.core.test_pure_core import team as _team_of


def _team() -> DesiredTeam:
    return _team_of()


def _schedule(sid: str, name: str, team: str | None = "Delivery") -> live.Schedule:
    return live.Schedule(sid, name, "", "America/Chicago", True, team)


def _escalation(eid: str, name: str, delay: int) -> live.Escalation:
    eoc = live.Recipient("schedule", "Delivery_eoc_schedule")
    tm = live.Recipient("user", "taylor.manager@example.com")
    rules = (
        live.EscalationRule(0, "if-not-acked", "default", eoc),
        live.EscalationRule(delay, "if-not-acked", "default", tm),
    )
    return live.Escalation(eid, name, "", "Delivery", rules)


def test_each_declared_object_gets_its_status() -> None:
    team = _team()
    source = Snapshot(
        "OpsGenie",
        [live.Team("t1", "Delivery", "", frozenset())],
        [_schedule("s1", "Delivery_eoc_schedule")],
        [_escalation("e1", "Delivery_oncall_escalation", 10)],
    )
    target = Snapshot(
        "JSM",
        [live.Team("a", "Delivery", "", frozenset())],
        [
            _schedule("x1", "Delivery_eoc_schedule"),
            _schedule("x2", "Delivery_eoc_schedule"),
            _schedule("x3", "Hand-made"),
            _schedule("x4", "Delivery_eoc_schedule", team="Platform"),  # another team's
        ],
        [],
    )
    rows = {(r.kind, r.name): r for r in map_team(team, source, target, {})}
    assert rows[("team", "Delivery")].status == "matched"
    assert rows[("schedule", "Delivery_eoc_schedule")].status == "ambiguous"
    assert rows[("escalation", "Delivery_oncall_escalation")].status == "missing"
    assert rows[("schedule", "Hand-made")].status == "extra"
    assert rows[("person", "alex.rivera@example.com")].status == "unmapped"


def test_paging_is_asked_of_each_side_by_its_own_ids() -> None:
    team = _team()
    now = datetime(2027, 1, 20, 18, tzinfo=UTC)
    [first, second] = handoffs(team, now, 2)
    assert first > now and (second - first).days == 7
    side = Snapshot(
        "X",
        [],
        [_schedule("s9", "Delivery_eoc_schedule")],
        [_escalation("e9", "Delivery_oncall_escalation", 15)],
    )
    asked: list[str] = []

    def on_call(schedule_id: str, at: datetime) -> list[str]:
        asked.append(schedule_id)
        return ["blair.chen@example.com"]

    found = paged(team, side, on_call, first)
    assert set(asked) == {"s9"}
    assert found.on_call == ("blair.chen@example.com",)
    assert found.steps == (
        (0, ("blair.chen@example.com",)),
        (15, ("taylor.manager@example.com",)),
    )
    assert "15m: taylor.manager@example.com" in found.describe()
