"""Fault injection and rate limits for the emulator: by endpoint, reproducible from a seed.

A fault rule: {"match": regex on "METHOD /path", "kind": latency|429|5xx|timeout|drop|
rate_limited_200 (Slack: an HTTP 200 saying rate_limited),
"rate": 0..1, "times": how many more times (absent: no limit), "ms": for latency and timeout}.
"""

from __future__ import annotations

import random
import re
import threading
import time
from dataclasses import dataclass
from typing import Any

# Slack's tiers per minute; OpsGenie's per-domain bucket is a sandbox choice (its real numbers
# depend on the plan and are not published): 50 at once, then 10 a second.
SLACK_TIER_PER_MINUTE = {1: 60, 2: 20, 3: 50, 4: 100}
OPSGENIE_BUCKET = (50, 10.0)
# JSM Operations publishes no numbers (reference §3) [the sandbox's own choice, one bucket]
JSM_BUCKET = (50, 10.0)


@dataclass(frozen=True)
class Fault:
    kind: str
    ms: int = 0


class FaultPlan:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rng: random.Random | None = None
        self._seed: object = None

    def pick(self, config: dict[str, Any], endpoint: str) -> tuple[list[Fault], bool]:
        """The faults to apply to this request (latency may combine with one failure), and
        whether a counted rule was used up a little (the caller saves that)."""
        rules = config.get("rules") or []
        if not rules:
            return [], False
        with self._lock:
            if self._rng is None or self._seed != config.get("seed"):
                self._seed = config.get("seed")
                self._rng = random.Random(self._seed)
            chosen: list[Fault] = []
            counted = False
            for rule in rules:
                if not re.search(rule["match"], endpoint):
                    continue
                if rule.get("times") is not None and rule["times"] <= 0:
                    continue
                if self._rng.random() >= float(rule.get("rate", 1.0)):
                    continue
                if rule.get("times") is not None:
                    rule["times"] -= 1
                    counted = True
                chosen.append(Fault(rule["kind"], int(rule.get("ms", 0))))
            return chosen, counted


class RateLimiter:
    """Token buckets: Slack per method (by tier), OpsGenie per request domain."""

    def __init__(self, clock: Any = time.monotonic) -> None:
        self._lock = threading.Lock()
        self._buckets: dict[str, tuple[float, float]] = {}
        self._clock = clock

    def wait_needed(self, key: str, capacity: int, per_second: float) -> float:
        """0 if the request may go now (and takes a token); else seconds until one is free."""
        with self._lock:
            now = self._clock()
            tokens, stamp = self._buckets.get(key, (float(capacity), now))
            tokens = min(capacity, tokens + (now - stamp) * per_second)
            if tokens >= 1:
                self._buckets[key] = (tokens - 1, now)
                return 0.0
            self._buckets[key] = (tokens, now)
            return float((1 - tokens) / per_second)


def opsgenie_domain(path: str) -> str:
    if path.endswith(("/on-calls", "/next-on-calls")):
        return "schedule-oncalls"
    if path == "/v2/users":
        return "search"
    if path.startswith("/v2/alerts"):
        return "alert"
    return "configuration"
