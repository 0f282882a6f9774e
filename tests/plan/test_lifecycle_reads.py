"""The lifecycle's reads scale with teams by going many at once: the outgoing shifts' alerts of
every team whose hand-off post is due, and each shared channel's history once."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from reconciler import live
from reconciler.plan.build import desired_teams
from reconciler.plan.lifecycle_read import LifecycleState, TeamOnCall, _posted
from reconciler.plan.observe import LiveState
from reconciler.policy.policy_set import load_policies
from tests.plan.conftest import DELIVERY

T = TypeVar("T")
NOW = datetime(2027, 1, 6, 12, tzinfo=UTC)
ME = live.SlackIdentity("UBOT", "T1", "BBOT", None)


def _parallel(fn: Callable[[Any], T], items: Iterable[Any]) -> list[T]:
    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(fn, items))


class OnCall:
    def __init__(self, together: threading.Barrier) -> None:
        self.together = together
        self.parallel = _parallel

    def alerts(self, team: str, start: datetime, end: datetime) -> list[live.Alert]:
        self.together.wait()  # passes only when the teams' reads are in flight at once
        return []


class Chat:
    def __init__(self) -> None:
        self.read: list[str] = []
        self.parallel = _parallel

    def history(self, channel: str, since: float) -> list[live.Message]:
        self.read.append(channel)
        return []


def test_alerts_of_every_team_due_a_post_are_read_at_once_and_a_shared_channel_once() -> None:
    [loaded] = load_policies([str(DELIVERY)]).policies
    [team] = desired_teams([loaded])
    other = replace(team, name="Delivery Two")  # the same hand-off channel, another team
    teams = [team, other]
    state = LiveState(NOW, slack_identity=ME)
    channel = team.policy.handoff_notes.channel  # type: ignore[union-attr]
    state.channels = {channel: live.Channel("C1", channel, False, False, True, "", "")}
    start = NOW - timedelta(hours=2)  # within the day a hand-off post is due
    result = LifecycleState(
        on_call={
            t.name: TeamOnCall(shift_start=start, previous_start=start - timedelta(days=7))
            for t in teams
        }
    )
    chat = Chat()
    _posted(chat, OnCall(threading.Barrier(2, timeout=5)), teams, state, result)  # type: ignore[arg-type]
    assert [result.on_call[t.name].alerts for t in teams] == [[], []]
    assert chat.read == ["C1"]
    late = LifecycleState(
        on_call={
            t.name: TeamOnCall(shift_start=NOW - timedelta(days=2), previous_start=start)
            for t in teams
        }
    )
    chat.read.clear()
    _posted(chat, OnCall(threading.Barrier(1)), teams, state, late)  # type: ignore[arg-type]
    assert chat.read == [] and late.on_call["Delivery"].alerts is None  # no post due: no reads


def test_who_is_on_call_is_read_with_the_readers_own_concurrency() -> None:
    """OpsGenie's reader reads 48 at once; a pool of its own here would hold it to fewer."""
    from reconciler.plan.lifecycle_read import whos_on_call

    [loaded] = load_policies([str(DELIVERY)]).policies
    teams = desired_teams([loaded])
    spread: list[int] = []

    class Reader:
        def parallel(self, fn: Callable[[Any], T], items: Iterable[Any]) -> list[T]:
            items = list(items)
            spread.append(len(items))
            return [fn(item) for item in items]

    found = whos_on_call(Reader(), teams, LiveState(NOW))  # type: ignore[arg-type]
    assert spread == [1] and found == {"Delivery": TeamOnCall()}  # no schedule: nobody
