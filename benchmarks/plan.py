"""Benchmark: plan 100 generated teams (about 600 people, 2,000 Slack channels) against the
sandbox with 50 ms added to every request.

Prints API calls by endpoint, wall time and peak memory (goals: reads grow with teams, not with
channels or people beyond paging; under 10 s; under 200 MB). A smaller run (10 teams) is printed
beside it so the growth can be read off. Asserts nothing.

    .venv/bin/python benchmarks/plan.py [--teams 100] [--latency-ms 50] [--limits] [--backend jsm]
        [--applied]

`--applied` applies the teams first (unpaced, no latency), so the plan measured is a routine
one, as drift makes daily: it reads who is on call, the overrides, the timelines and the alerts
that a first plan of new teams does not.

`--backend jsm` plans the same teams on the sandbox's JSM Operations site instead of OpsGenie.
Beside the wall time it prints the round-trip bound: each vendor's calls over its client's
concurrency (OpsGenie 32, JSM and Slack 16), times the latency, the longer of the two; nothing
can beat it without fewer calls or more concurrency.
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PEOPLE_PER_TEAM = 6
CHANNELS = 2000


CONCURRENCY = {"opsgenie": 48, "jsm": 16, "slack": 16}  # the clients' max_workers


def _jsm_team(state: object, name: str, people: list[str]) -> None:
    """The same team on the sandbox's JSM site: accounts, the team, operations enabled."""
    from reconciler.policy.names import OWNERSHIP_MARKER
    from reconciler.sandbox.jsm.core import new_id
    from reconciler.sandbox.jsm.teams import create_defaults
    from reconciler.sandbox.seed_jsm import account_id

    site = state.data["jsm"]  # type: ignore[attr-defined]
    accounts = []
    for email in people:
        accounts.append(account_id(email.split("@")[0]))
        site["accounts"].append(
            {
                "accountId": accounts[-1],
                "emailAddress": email,
                "displayName": email,
                "active": True,
                "agent": True,
            }
        )
    team = {
        "teamId": new_id(state, "team"),  # type: ignore[arg-type]
        "displayName": name,
        "description": f"bench {OWNERSHIP_MARKER}",
        "members": accounts,
        "ops_enabled": True,
        "ops_admins": accounts[:1],
    }
    site["teams"].append(team)
    create_defaults(state, team)  # type: ignore[arg-type]


def build(
    directory: Path,
    teams: int,
    latency_ms: int,
    limits: bool = False,
    backend: str = "opsgenie",
    applied: bool = False,
) -> tuple[Path, Path]:
    """A sandbox file and a folder of policies for `teams` teams; `applied`: already applied, so
    a plan reads what a routine one does (who is on call, overrides, timelines, alerts)."""
    from reconciler.sandbox.opsgenie import create_team_defaults
    from reconciler.sandbox.seed import seed_state
    from reconciler.sandbox.seed_jsm import jsm_site
    from reconciler.sandbox.state import SandboxState

    state = seed_state()
    jsm_site(state, migrated=False)
    og, slack = state.data["opsgenie"], state.data["slack"]
    policies = directory / "policies"
    policies.mkdir()
    template = (REPO / "policies" / "delivery.yaml").read_text()
    for t in range(teams):
        people = [f"p{t:03d}x{i}@bench.example.com" for i in range(PEOPLE_PER_TEAM)]
        ids = []
        for email in people:
            uid = state.opsgenie_id("user")
            ids.append(uid)
            og["users"].append({"id": uid, "username": email, "fullName": email})
            slack["users"].append(
                {
                    "id": state.slack_id("U"),
                    "name": email.split("@")[0],
                    "email": email,
                    "real_name": email,
                }
            )
        name = f"Team{t:03d}"
        team = {
            "id": state.opsgenie_id("team"),
            "name": name,
            "description": "bench [managed by reconcile]",
            "members": [
                {"user": {"id": i, "username": e}, "role": "user"}
                for i, e in zip(ids, people, strict=True)
            ],
        }
        team["members"][0]["role"] = "admin"
        og["teams"].append(team)
        create_team_defaults(state, team)
        if backend == "jsm":
            _jsm_team(state, name, list(people))
        text = template.replace("name: Delivery", f"name: {name}")
        text = text.replace("handle: delivery-support", f"handle: team{t:03d}-support")
        text = text.replace("name: Delivery Support", f"name: Team {t:03d} Support")
        for old in (
            "taylor.manager",
            "alex.rivera",
            "blair.chen",
            "casey.okafor",
            "devon.silva",
            "emery.novak",
        ):
            text = text.replace(f"{old}@example.com", people.pop(0))
        (policies / f"team{t:03d}.yaml").write_text(text)
    for c in range(CHANNELS):
        slack["channels"].append(
            {
                "id": state.slack_id("C"),
                "name": f"bench-{c:04d}",
                "is_private": False,
                "is_archived": False,
                "purpose": "",
                "topic": "",
                "members": [slack["bot"]["user_id"]],
            }
        )
    if backend == "jsm":
        (policies / "backend").write_text("jsm")
    state.path = directory / "sandbox.json"
    state.save()
    if applied:  # before the latency and the limits: the set-up is not what is measured
        _run_child("--setup", str(state.path), str(policies))
        state = SandboxState.load(state.path)
    state.data["faults"] = {
        "seed": 1,
        "rules": [{"match": ".", "kind": "latency", "ms": latency_ms}],
    }
    if limits:  # the sandbox's model of both vendors' rate limits (sandbox/faults.py)
        state.data["rate_limits"] = {"enabled": True}
    state.save()
    return state.path, policies


def setup(sandbox: str, policies: str) -> None:
    """Apply the generated teams, Slack unpaced (the sandbox's limits are off here)."""
    import contextlib
    import io
    import os

    from reconciler.backends.slack import client as slack_client
    from reconciler.clients.http import Pacer
    from reconciler.commands import apply as apply_command
    from reconciler.settings import Settings

    chosen = Path(policies, "backend")
    if chosen.exists():
        os.environ["RECONCILE_ONCALL_BACKEND"] = chosen.read_text()
    slack_client.pacer = lambda **_options: Pacer({})  # type: ignore[assignment]
    with contextlib.redirect_stdout(io.StringIO()):
        code = apply_command.run(
            Settings(sandbox=Path(sandbox)), None, [policies], None, True, False
        )
    if code != 0:
        sys.exit(f"setting up the applied teams failed: exit {code}")
    print(json.dumps({"setup": code}))


def _run_child(*args: str) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, *args], capture_output=True, text=True, check=False
    )
    if out.returncode != 0:
        sys.exit(f"benchmark child failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def child(sandbox: str, policies: str, readiness: str = "yes") -> None:
    """Runs in a fresh process so that peak memory is the plan's own."""
    import os

    chosen = Path(policies, "backend")
    if chosen.exists():
        os.environ["RECONCILE_ONCALL_BACKEND"] = chosen.read_text()
    from reconciler import connect, engine
    from reconciler.backends import registry
    from reconciler.backends.base import Readers
    from reconciler.settings import Settings

    settings = Settings(sandbox=Path(sandbox))
    via = connect.connection(settings)
    transport = via.transport  # kept to count the calls the plan made
    readers = Readers(registry.on_call_backend().reader(via), registry.chat_backend().reader(via))
    started = time.perf_counter()
    planned = engine.plan(settings, [policies], readers=readers, readiness=readiness == "yes")
    wall = time.perf_counter() - started
    calls, limited = (
        _by_endpoint(transport.emulator.calls),
        _by_endpoint(transport.emulator.limited),
    )
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "wall": wall,
                "peak_mib": peak_kib / 1024,
                "calls": calls,
                "limited": limited,
                "changes": len(planned.plan.actionable),
                "teams": len(planned.plan.teams),
            }
        )
    )


def _by_endpoint(counts: dict[str, int]) -> Counter[str]:
    found: Counter[str] = Counter()
    for endpoint, count in counts.items():
        found[re.sub(r"/(users/[^/]+|(og-)?[0-9a-f-]{36})", "/{id}", endpoint)] += count
    return found


def rate_bound(calls: dict[str, int], limited: dict[str, int], backend: str) -> float:
    """With the sandbox's limits on: the on-call calls answered, over its buckets (a burst, then
    a rate; OpsGenie's domains each their own), the slowest bucket's time. Slack's reads stay
    within their tiers' bursts here."""
    from reconciler.sandbox.faults import JSM_BUCKET, OPSGENIE_BUCKET, opsgenie_domain

    capacity, per_second = JSM_BUCKET if backend == "jsm" else OPSGENIE_BUCKET
    answered: Counter[str] = Counter()
    for endpoint, count in calls.items():
        path = endpoint.split(" ", 1)[1]
        if not path.startswith("/api/"):
            key = "jsm" if backend == "jsm" else opsgenie_domain(path)
            answered[key] += count - limited.get(endpoint, 0)
    return max((max(0, n - capacity) / per_second for n in answered.values()), default=0.0)


def run(
    teams: int,
    latency_ms: int,
    readiness: bool = True,
    limits: bool = False,
    backend: str = "opsgenie",
    applied: bool = False,
) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        sandbox, policies = build(Path(tmp), teams, latency_ms, limits, backend, applied)
        flag = "yes" if readiness else "no"
        return _run_child("--child", str(sandbox), str(policies), flag)


def bound(calls: dict[str, int], latency_ms: int, backend: str) -> float:
    """The round-trip bound: each vendor's calls over its client's concurrency, times the
    latency; the two vendors are read at the same time, so the longer one is the bound."""
    chat = sum(n for e, n in calls.items() if " /api/" in e)
    oncall = sum(calls.values()) - chat
    longest = max(chat / CONCURRENCY["slack"], oncall / CONCURRENCY[backend])
    return longest * latency_ms / 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--teams", type=int, default=100)
    parser.add_argument("--latency-ms", type=int, default=50)
    parser.add_argument("--limits", action="store_true", help="both vendors' rate limits on")
    parser.add_argument("--backend", choices=["opsgenie", "jsm"], default="opsgenie")
    parser.add_argument(
        "--applied",
        action="store_true",
        help="the teams applied first: the plan a routine run makes, not a first one",
    )
    parser.add_argument("--child", nargs=3)
    parser.add_argument("--setup", nargs=2)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    if args.setup:
        setup(*args.setup)
        return
    same = {"limits": args.limits, "backend": args.backend, "applied": args.applied}
    small = run(max(1, args.teams // 10), args.latency_ms, **same)
    big = run(args.teams, args.latency_ms, **same)
    print(f"{'endpoint':45} {small['teams']:>6} teams {big['teams']:>6} teams")
    for endpoint in sorted(set(small["calls"]) | set(big["calls"])):
        few, many = small["calls"].get(endpoint, 0), big["calls"].get(endpoint, 0)
        print(f"{endpoint:45} {few:>12} {many:>12}")
    totals = sum(small["calls"].values()), sum(big["calls"].values())
    print(f"{'total API calls':45} {totals[0]:>12} {totals[1]:>12}")
    print(
        f"{'wall time (s)':45} {small['wall']:>12.2f} {big['wall']:>12.2f}"
        "  (goal < 20 s at 1,000 teams)"
    )
    bounds = [bound(r["calls"], args.latency_ms, args.backend) for r in (small, big)]
    print(
        f"{'round-trip bound (s)':45} {bounds[0]:>12.2f} {bounds[1]:>12.2f}"
        + (f"  (ratio {big['wall'] / bounds[1]:.2f}x)" if bounds[1] else "")
    )
    if args.limits:
        rates = [rate_bound(r["calls"], r["limited"], args.backend) for r in (small, big)]
        print(
            f"{'rate-limit bound (s)':45} {rates[0]:>12.2f} {rates[1]:>12.2f}"
            + (f"  (ratio {big['wall'] / rates[1]:.2f}x)" if rates[1] else "")
        )
        refused = sum(small["limited"].values()), sum(big["limited"].values())
        print(f"{'429s waited out (counted in the calls)':45} {refused[0]:>12} {refused[1]:>12}")
    print(
        f"{'peak memory (MiB, whole process)':45} {small['peak_mib']:>12.0f} "
        f"{big['peak_mib']:>12.0f}  (goal < 200 MB)"
    )
    print(f"{'changes planned':45} {small['changes']:>12} {big['changes']:>12}")
    lean = run(args.teams, args.latency_ms, readiness=False, **same)
    lean_calls = sum(lean["calls"].values())
    print(f"{'with --no-readiness: calls, wall (s)':45} {lean_calls:>25} {lean['wall']:>8.2f}")
    print(
        f"people {big['teams'] * PEOPLE_PER_TEAM}, Slack channels {CHANNELS}, "
        f"{args.latency_ms} ms added to every request, on-call backend {args.backend}"
        + (", both vendors' rate limits on" if args.limits else "")
        + (", the teams applied first" if args.applied else ", the teams new")
    )


if __name__ == "__main__":
    main()
