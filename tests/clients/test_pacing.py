"""The pacer: throttles waited out together, and OpsGenie's rate learned from the first one."""

from __future__ import annotations

import pytest

from reconciler.backends.opsgenie import client as opsgenie
from reconciler.clients.http import Pacer
from reconciler.errors import ReconcileError


class Clock:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_one_request_leads_a_throttle_and_the_rest_wait_with_it() -> None:
    clock = Clock()
    pacer = Pacer({}, clock, clock.sleep, adaptive=True)
    assert pacer.throttled("configuration", 1.0) is True
    assert pacer.throttled("configuration", 1.0) is False  # the same throttle, already held
    assert pacer.throttled("search", 1.0) is True  # another domain has its own bucket
    pacer.release("configuration")
    assert pacer.throttled("configuration", 1.0) is True


def test_an_adaptive_pacer_learns_half_the_rate_it_was_throttled_at() -> None:
    clock = Clock()
    pacer = Pacer({}, clock, clock.sleep, adaptive=True)
    for _ in range(100):  # 100 requests in half a second, unpaced
        pacer.acquire("configuration")
        clock.now += 0.005
    assert clock.slept == []
    pacer.throttled("configuration", 1.0)
    pacer.release("configuration")
    for _ in range(11):
        pacer.acquire("configuration")
    # 200 a second was too many: 100 a second now, from an empty bucket
    assert sum(clock.slept) == pytest.approx(0.11, abs=0.011)


def test_each_later_throttle_halves_the_rate_once() -> None:
    clock = Clock()
    pacer = Pacer({"configuration": (10, 10.0)}, clock, clock.sleep, adaptive=True)
    pacer.throttled("configuration", 1.0)
    pacer.throttled("configuration", 1.0)  # in flight before the hold: no second halving
    pacer.release("configuration")
    for _ in range(6):
        pacer.acquire("configuration")
    assert sum(clock.slept) == pytest.approx(6 / 5.0)


def test_a_learned_rate_climbs_back_while_nothing_throttles() -> None:
    clock = Clock()
    pacer = Pacer({"configuration": (1, 8.0)}, clock, clock.sleep, adaptive=True)
    pacer.throttled("configuration", 1.0)  # 8 a second was too many: 4 now
    pacer.release("configuration")
    clock.now += Pacer.RECOVER_EVERY + 1  # calm for a while
    clock.slept.clear()
    for _ in range(10):
        pacer.acquire("configuration")
    # raised once (4 -> 4.5 a second) after the calm spell: a burst of 4, then 6 at 4.5 a second
    assert sum(clock.slept) == pytest.approx(6 / 4.5, rel=0.02)
    pacer.throttled("configuration", 1.0)  # and a throttle halves it again
    pacer.release("configuration")
    clock.slept.clear()
    for _ in range(3):
        pacer.acquire("configuration")
    assert sum(clock.slept) == pytest.approx(3 / 2.25, rel=0.02)


def test_a_quiet_spell_restores_a_learned_rate_but_never_past_the_rate_throttled() -> None:
    clock = Clock()
    pacer = Pacer({"configuration": (1, 8.0)}, clock, clock.sleep, adaptive=True)
    pacer.throttled("configuration", 1.0)  # 8 a second was too many: 4 now
    pacer.release("configuration")
    clock.now += 20 * Pacer.RECOVER_EVERY  # nothing sent: the vendor's bucket refilled
    for _ in range(10):
        pacer.acquire("configuration")
    # back to 8 a second (a burst of 8, then 2 at 8 a second), not one step (4.5) nor past 8
    assert sum(clock.slept) == pytest.approx(2 / 8.0, rel=0.02)


def test_a_fixed_pacer_holds_but_keeps_its_rate() -> None:
    clock = Clock()
    pacer = Pacer({"chat.postMessage": (1, 1.0)}, clock, clock.sleep)
    pacer.acquire("chat.postMessage")
    assert pacer.throttled("chat.postMessage", 30.0) is True
    pacer.release("chat.postMessage")
    pacer.acquire("chat.postMessage")
    assert clock.slept == [pytest.approx(1.0)]


@pytest.mark.parametrize(
    ("method", "path", "domain"),
    [
        ("GET", "/v2/schedules/abc/on-calls", "schedule-oncalls"),
        ("GET", "/v2/schedules/abc/next-on-calls", "schedule-oncalls"),
        ("GET", "/v2/users", "search"),
        ("GET", "/v2/users/a%40b.c/notification-rules", "configuration"),
        ("POST", "/v2/users", "configuration"),
        ("GET", "/v2/teams", "configuration"),
    ],
)
def test_opsgenie_requests_count_against_their_domain(method: str, path: str, domain: str) -> None:
    assert opsgenie.request_domain(method, path) == domain


def test_a_known_opsgenie_rate_paces_from_the_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RECONCILE_OPSGENIE_RATE", "2")
    clock = Clock()
    pacer = opsgenie.pacer()
    pacer._clock, pacer._sleep = clock, clock.sleep
    pacer._stamp = dict.fromkeys(pacer._stamp, clock.now)
    for _ in range(4):
        pacer.acquire("configuration")
    assert sum(clock.slept) == pytest.approx(1.0)  # a burst of 2, then 2 a second


@pytest.mark.parametrize("value", ["fast", "0", "-3", "nan"])
def test_a_bad_opsgenie_rate_is_one_line(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("RECONCILE_OPSGENIE_RATE", value)
    with pytest.raises(ReconcileError, match="RECONCILE_OPSGENIE_RATE"):
        opsgenie.pacer()
