"""Benchmark: apply N generated teams from scratch against the sandbox, 50 ms a request.

Prints the Slack writes by method, the wall time, and beside it the bound Slack's tiers hold an
apply to: each method's calls beyond its burst, at its tier's rate (the sandbox's model,
sandbox/faults.py). Methods are paced apart, so the bound is the slowest method's time; the sum
(every method one after another) is printed too. With `--limits` both vendors' limits are on,
and any 429 that is not waited out fails the run. Asserts nothing.

    .venv/bin/python benchmarks/apply.py [--teams 100] [--latency-ms 50] [--limits]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from plan import build  # the same generated teams as the plan benchmark


def child(sandbox: str, policies: str) -> None:
    from reconciler import connect, engine
    from reconciler.commands import apply as apply_command
    from reconciler.settings import Settings

    made = []
    real = connect.connection

    def keeping(*args, **kwargs):  # type: ignore[no-untyped-def]
        via = real(*args, **kwargs)
        made.append(via.transport)
        return via

    connect.connection = keeping  # type: ignore[assignment]
    phases: list[tuple[str, float]] = []
    timed(engine, "plan", phases)
    timed(apply_command.Applier, "apply", phases)
    settings = Settings(sandbox=Path(sandbox))
    started = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        code = apply_command.run(settings, None, [policies], None, True, False)
    wall = time.perf_counter() - started
    calls: Counter[str] = Counter()
    limited: Counter[str] = Counter()  # refused by the limits, and made again
    for transport in made:
        calls.update(transport.emulator.calls)
        limited.update(transport.emulator.limited)
    print(
        json.dumps(
            {"wall": wall, "code": code, "calls": calls, "limited": limited, "phases": phases}
        )
    )


def timed(owner: object, name: str, phases: list[tuple[str, float]]) -> None:
    """Wrap `owner.name` so each call's wall time is kept, in order: where an apply's time goes."""
    real = getattr(owner, name)

    def wrapper(*args, **kwargs):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        try:
            return real(*args, **kwargs)
        finally:
            phases.append((name, time.perf_counter() - started))

    setattr(owner, name, wrapper)


def tier_bound(calls: dict[str, int], limited: dict[str, int]) -> tuple[float, float]:
    """(slowest method, every method in turn) in seconds, for the Slack writes made: those
    answered, not a 429's second try."""
    from reconciler.sandbox.faults import SLACK_TIER_PER_MINUTE
    from reconciler.sandbox.slack import READS, TIER

    times = []
    for endpoint, count in calls.items():
        _, path = endpoint.split(" ", 1)
        name = path.removeprefix("/api/")
        if not path.startswith("/api/") or name in READS:
            continue
        per_minute = SLACK_TIER_PER_MINUTE[TIER.get(name, 3)]
        answered = count - limited.get(endpoint, 0)
        times.append(max(0, answered - per_minute) / per_minute * 60)
    return max(times, default=0.0), sum(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--teams", type=int, default=100)
    parser.add_argument("--latency-ms", type=int, default=50)
    parser.add_argument("--limits", action="store_true")
    parser.add_argument("--child", nargs=2)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    with tempfile.TemporaryDirectory() as tmp:
        sandbox, policies = build(Path(tmp), args.teams, args.latency_ms, args.limits)
        done = subprocess.run(
            [sys.executable, __file__, "--child", str(sandbox), str(policies)],
            capture_output=True,
            text=True,
            check=False,
        )
    if done.returncode != 0:
        sys.exit(f"benchmark child failed:\n{done.stderr}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    writes: Counter[str] = Counter()
    for endpoint, count in result["calls"].items():
        if endpoint.startswith(("POST", "PATCH", "DELETE", "PUT")) or "/api/" in endpoint:
            writes[re.sub(r"/(og-)?[0-9a-f-]{36}", "/{id}", endpoint)] += count
    for endpoint in sorted(writes):
        print(f"{endpoint:50} {writes[endpoint]:>8}")
    slowest, serial = tier_bound(result["calls"], result["limited"])
    ratio = f"  (ratio {result['wall'] / slowest:.2f}x)" if slowest else ""
    for name, seconds in result["phases"]:
        print(f"{'  phase: ' + name + ' (s)':50} {seconds:>8.1f}")
    print(f"{'429s waited out (counted above)':50} {sum(result['limited'].values()):>8}")
    print(f"{'apply exit code':50} {result['code']:>8}  (0: no failure, 429s included)")
    print(f"{'wall time (s)':50} {result['wall']:>8.1f}")
    print(f"{'Slack tier bound, slowest method (s)':50} {slowest:>8.1f}{ratio}  (bound 1.2x)")
    print(f"{'Slack tier bound, methods one after another (s)':50} {serial:>8.1f}")
    print(
        f"{args.teams} teams from scratch, {args.latency_ms} ms a request"
        + (", both vendors' limits on" if args.limits else "")
    )


if __name__ == "__main__":
    main()
