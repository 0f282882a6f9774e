"""Apply runs the on-call backend's changes beside Slack's, so neither waits for the other, and
still reports in one order; a failure stops only its own lane."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from reconciler.apply.executor import Applier
from reconciler.backends.base import Writers
from reconciler.errors import ReconcileError
from reconciler.plan import operations as ops
from reconciler.plan.changes import Change, Plan
from reconciler.plan.observe import LiveState

STEP = 0.3  # seconds each fake write takes


class Slow:
    """A vendor whose writes take STEP seconds, recording when each began and ended."""

    def __init__(self, log: list[tuple[str, str, float]], fail: bool = False) -> None:
        self.log, self.fail = log, fail

    def _write(self, name: str) -> None:
        self.log.append((name, "start", time.monotonic()))
        time.sleep(STEP)
        self.log.append((name, "end", time.monotonic()))
        if self.fail:
            raise ReconcileError(f"{name} refused")

    def update_team(self, team_id: str, **_: Any) -> None:
        self._write(f"team {team_id}")

    def set_purpose(self, channel_id: str, purpose: str) -> None:
        self._write(f"purpose {channel_id}")

    def close(self) -> None:
        pass


def _plan() -> Plan:
    oncall = [
        Change(
            "opsgenie",
            "team",
            f"T{i}",
            f"T{i}",
            "update",
            "r",
            operation=ops.UpdateTeam(team=f"T{i}", team_id=f"t{i}", description="d"),
        )
        for i in range(2)
    ]
    return Plan(teams=["T0", "T1"], changes=oncall + _channels(2))


def _channels(count: int) -> list[Change]:
    return [
        Change(
            "slack",
            "slack_channel",
            f"#c{i}",
            "T0",
            "update",
            "r",
            operation=ops.SlackChannel(name=f"c{i}", channel_id=f"C{i}", purpose="p"),
        )
        for i in range(count)
    ]


def test_the_lanes_overlap_and_report_in_one_order() -> None:
    log: list[tuple[str, str, float]] = []
    lines: list[str] = []
    writers = Writers(Slow(log), Slow(log))  # type: ignore[arg-type]
    started = time.monotonic()
    outcome = Applier(writers, LiveState(datetime.now(UTC)), lines.append).apply(_plan())
    wall = time.monotonic() - started
    assert outcome.failed is None and len(outcome.done) == 4
    assert wall < 3 * STEP  # four writes of STEP each, two at a time: about 2 * STEP
    first_slack = min(t for name, edge, t in log if edge == "start" and name.startswith("purpose"))
    last_team = max(t for name, edge, t in log if edge == "end" and name.startswith("team"))
    assert first_slack < last_team  # Slack did not wait for the on-call lane
    assert [line.split(":")[0] for line in lines] == [
        "~ team T0",
        "~ team T1",
        "~ slack_channel #c0",
        "~ slack_channel #c1",
    ]


def test_a_failure_stops_only_its_own_lane() -> None:
    log: list[tuple[str, str, float]] = []
    writers = Writers(Slow(log), Slow(log, fail=True))  # type: ignore[arg-type]
    outcome = Applier(writers, LiveState(datetime.now(UTC)), lambda _line: None).apply(_plan())
    assert outcome.failed is not None and outcome.failed.name == "#c0"
    assert [c.name for c in outcome.done] == ["T0", "T1"]  # the on-call lane went on
    assert [c.name for c in outcome.skipped] == ["#c1"]


def _plan_of(on_call: int, slack: int) -> Plan:
    whole = _plan()
    oncall = [c for c in whole.changes if c.vendor != "slack"][:1] * on_call
    return Plan(teams=["T0"], changes=oncall + _channels(slack))


def test_the_on_call_lane_says_it_is_done_while_slack_still_writes() -> None:
    log: list[tuple[str, str, float]] = []
    seen: list[list[str]] = []
    writers = Writers(Slow(log), Slow(log))  # type: ignore[arg-type]

    def done() -> None:
        seen.append([name for name, edge, _ in log if edge == "end"])

    outcome = Applier(writers, LiveState(datetime.now(UTC)), lambda _line: None).apply(
        _plan_of(on_call=1, slack=3), on_call_done=done
    )
    assert outcome.failed is None and len(seen) == 1
    assert "team t0" in seen[0]  # the on-call change was made
    assert sum(name.startswith("purpose") for name in seen[0]) < 3  # Slack's were still going


def test_no_on_call_changes_means_done_before_slack_begins_and_a_failure_means_never() -> None:
    log: list[tuple[str, str, float]] = []
    calls: list[int] = []
    writers = Writers(Slow(log), Slow(log))  # type: ignore[arg-type]
    Applier(writers, LiveState(datetime.now(UTC)), lambda _line: None).apply(
        _plan_of(on_call=0, slack=1), on_call_done=lambda: calls.append(len(log))
    )
    assert calls == [0]
    failing = Writers(Slow(log, fail=True), Slow(log))  # type: ignore[arg-type]
    outcome = Applier(failing, LiveState(datetime.now(UTC)), lambda _line: None).apply(
        _plan_of(on_call=1, slack=1), on_call_done=lambda: calls.append(-1)
    )
    assert outcome.failed is not None and calls == [0]


def test_slack_changes_go_channels_first_then_team_by_team() -> None:
    from reconciler.apply.executor import by_team

    def change(kind: str, team: str) -> Change:
        return Change("slack", kind, f"{kind}-{team}", team, "create", "r")

    ordered = by_team(
        [
            change("slack_channel", "A"),
            change("slack_user_group", "A"),
            change("slack_user_group", "B"),
            change("slack_group_members", "A"),
            change("slack_group_members", "B"),
        ]
    )
    assert [c.name for c in ordered] == [
        "slack_channel-A",
        "slack_user_group-A",
        "slack_group_members-A",  # the two Tier 2 methods alternate
        "slack_user_group-B",
        "slack_group_members-B",
    ]
