"""Injected faults and vendor rate limits, as the clients meet them (in-process and over TCP)."""

from __future__ import annotations

import pytest

from reconciler.backends.opsgenie import client as opsgenie
from reconciler.clients.errors import ServerError, TransportError
from tests.sandbox.conftest import Sandbox


def faults(*rules: dict, seed: int = 1):
    def edit(data: dict) -> None:
        data["faults"] = {"seed": seed, "rules": list(rules)}

    return edit


def test_injected_5xx_is_retried_through(sandbox: Sandbox) -> None:
    sandbox.edit(faults({"match": "GET /v2/teams$", "kind": "5xx", "times": 1}))
    assert {t.name for t in sandbox.clients.oncall.teams()} == {"Delivery", "Platform"}


def test_5xx_on_every_try_surfaces_as_an_error(sandbox: Sandbox) -> None:
    sandbox.edit(faults({"match": "GET /v2/escalations", "kind": "5xx"}))
    with pytest.raises(ServerError):
        sandbox.clients.oncall.escalations()


def test_a_dropped_connection_is_retried_for_reads(sandbox: Sandbox) -> None:
    sandbox.edit(faults({"match": "GET /api/usergroups.list", "kind": "drop", "times": 2}))
    assert sandbox.clients.slack.user_groups()


def test_a_dropped_write_is_not_retried(sandbox: Sandbox) -> None:
    sandbox.edit(faults({"match": "POST /api/conversations.create", "kind": "drop", "times": 1}))
    with pytest.raises(TransportError, match="not safe to repeat"):
        sandbox.clients.slack.create_channel("new-channel")


def test_injected_429_is_waited_out(sandbox: Sandbox) -> None:
    sandbox.edit(faults({"match": "GET /api/conversations.list", "kind": "429", "times": 1}))
    assert sandbox.clients.slack.channels()


def test_faults_follow_their_seed(sandbox: Sandbox) -> None:
    def run(seed: int) -> list[str]:
        sandbox.edit(faults({"match": "GET /v2/schedules", "kind": "5xx", "rate": 0.6}, seed=seed))
        outcomes = []
        for _ in range(8):
            try:
                sandbox.clients.oncall.schedules()
                outcomes.append("ok")
            except ServerError:
                outcomes.append("5xx")
        return outcomes

    first = run(42)
    other = run(7)
    assert run(42) == first  # the same seed, the same run
    assert {"ok", "5xx"} == set(first + other)


def test_vendor_rate_limits_answer_429_with_the_vendors_headers(sandbox: Sandbox) -> None:
    if sandbox.emulator is None:
        pytest.skip("the bucket is measured in real time; exercised in-process")
    ticks = [0.0]
    sandbox.emulator.limiter._clock = lambda: ticks[0]
    sandbox.edit(lambda data: data["rate_limits"].__setitem__("enabled", True))
    http = sandbox.clients.slack._write_http
    waits = []

    def sleep(seconds: float) -> None:  # the client waits; the emulator's clock moves on
        waits.append(seconds)
        ticks[0] += seconds

    http._sleep = sleep
    for _ in range(25):  # Tier 2: 20 at once, then one each 3 seconds
        sandbox.clients.slack.user_groups()
    assert waits and all(w >= 3 for w in waits)


def test_opsgenie_rate_limits_answer_429_with_its_headers(sandbox: Sandbox) -> None:
    if sandbox.emulator is None:
        pytest.skip("the bucket is measured in real time; exercised in-process")
    ticks = [0.0]
    sandbox.emulator.limiter._clock = lambda: ticks[0]
    sandbox.edit(lambda data: data["rate_limits"].__setitem__("enabled", True))
    http = sandbox.clients.oncall._write_http
    waits = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        ticks[0] += seconds

    http._sleep = sleep
    for _ in range(60):  # 50 at once, then 10 a second
        sandbox.clients.oncall.escalations()
    assert waits and all(1 <= w <= 1.25 for w in waits)
    throttled = [r for _, r in sandbox.recording.exchanges if r.status_code == 429]
    assert throttled
    assert throttled[0].headers["X-RateLimit-State"] == "THROTTLED"
    assert throttled[0].headers["X-RateLimit-Period-In-Sec"] == "1"
    # the emulator counts what its limits refused, for the benchmarks' bound
    assert sandbox.emulator.limited == {"GET /v2/escalations": len(throttled)}


def test_parallel_opsgenie_reads_wait_out_a_throttle_together(sandbox: Sandbox) -> None:
    """Sixteen readers against a small bucket: without shared pacing they retry in a stampede
    and give up; with it, the first throttle holds them all and the pacer learns a rate."""
    if sandbox.emulator is None:
        pytest.skip("the bucket is measured in real time; exercised in-process")
    sandbox.edit(
        lambda data: data["rate_limits"].update({"enabled": True, "opsgenie_bucket": [5, 200.0]})
    )
    oncall = sandbox.clients.oncall
    oncall._write_http.pacer = opsgenie.pacer()  # what make_http gives a real run
    answers = oncall._write_http.parallel(lambda _: oncall.escalations(), range(300))
    assert len(answers) == 300
    throttled = [r for _, r in sandbox.recording.exchanges if r.status_code == 429]
    assert throttled  # the bucket was met, and waited out
    assert len(throttled) < 60
