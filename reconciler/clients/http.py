"""The HTTP layer both vendor clients share.

Timeouts and pooled connections (httpx); bounded parallel reads; retries with exponential backoff
and full jitter on connection errors, timeouts and 5xx, for requests safe to repeat; 429 honoured
for every request (the vendor did not act on it) using the vendor's own wait header; pacing by
token bucket so large reads do not provoke 429s; one debug line per request, never a credential.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx

from reconciler import __version__
from reconciler.clients.errors import RateLimited, TransportError, WriteNotAllowed
from reconciler.clients.secrets import scrub, scrub_answer

log = logging.getLogger("reconciler.http")
T = TypeVar("T")
R = TypeVar("R")

USER_AGENT = f"reconcile/{__version__} (+on-call rotations as code)"


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4  # tries in all for connection errors, timeouts and 5xx
    backoff_base: float = 0.5
    backoff_cap: float = 8.0
    rate_limit_attempts: int = 6  # 429s waited out before giving up
    max_rate_limit_wait: float = 120.0

    def backoff(self, attempt: int, rng: random.Random) -> float:
        """Full jitter: uniform in [0, min(cap, base * 2**attempt)]."""
        return rng.uniform(0, min(self.backoff_cap, self.backoff_base * 2**attempt))


class Pacer:
    """Token buckets by key (a Slack method, an OpsGenie request domain): bursts allowed, the
    long-run rate kept, and a throttle waited out by every thread together.

    A key with no rate goes unpaced until the vendor first throttles it. An adaptive pacer
    (OpsGenie, whose limits depend on the account's plan and are not published) then learns a
    rate: half the rate it was sent at, halved again at each later throttle, and raised by a
    tenth for every RECOVER_EVERY seconds without one (additive increase, multiplicative
    decrease), so a pace that halving took below the real limit climbs back to it. Quiet
    seconds count too, as the vendor's bucket refills in them; but never past the rate last
    throttled, which is known to be too fast.
    """

    MIN_RATE = 0.5  # requests a second: the floor an adaptive key is never slowed below
    RECOVER_EVERY = 5.0  # seconds without a throttle before a learned rate is raised

    def __init__(
        self,
        rates: Mapping[str, tuple[int, float]],  # key -> (burst capacity, tokens per second)
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        *,
        adaptive: bool = False,
    ) -> None:
        self._rates = dict(rates)
        self._tokens = {key: float(cap) for key, (cap, _) in self._rates.items()}
        self._stamp = {key: clock() for key in self._rates}
        self._held: dict[str, float] = {}  # key -> when its throttle ends
        self._sent: dict[str, deque[float]] = {}  # key -> send times in the last second
        self._clock, self._sleep = clock, sleep
        self._adaptive = adaptive
        self._calm: dict[str, float] = {}  # learned keys: when their rate last changed
        self._ceiling: dict[str, float] = {}  # learned keys: the rate last throttled
        self._lock = threading.Lock()
        self._released = threading.Condition(self._lock)

    def acquire(self, key: str | None) -> None:
        if key is None:
            return
        while True:
            with self._released:
                held = self._held.get(key, 0.0) - self._clock()
                if held > 0:  # a throttle: wait with the others until its leader is done
                    self._released.wait(timeout=held)
                    continue
                wait = self._take(key, self._clock())
            if wait <= 0:
                return
            self._sleep(wait)

    def _take(self, key: str, now: float) -> float:
        """0 when a request may go now (its token taken), else how long to wait."""
        if key not in self._rates:
            if self._adaptive:  # kept only until a rate is learned from it
                sent = self._sent.setdefault(key, deque())
                while sent and sent[0] <= now - 1.0:
                    sent.popleft()
                sent.append(now)
            return 0.0
        if key in self._calm and now - self._calm[key] >= self.RECOVER_EVERY:
            self._recover(key, now)
        capacity, per_second = self._rates[key]
        elapsed = max(0.0, now - self._stamp[key])
        self._tokens[key] = min(capacity, self._tokens[key] + elapsed * per_second)
        self._stamp[key] = max(now, self._stamp[key])
        if self._tokens[key] >= 1 - 1e-9:  # a hair short is float rounding, not a wait
            self._tokens[key] = max(0.0, self._tokens[key] - 1)
            return 0.0
        return (1 - self._tokens[key]) / per_second

    def throttled(self, key: str, seconds: float) -> bool:
        """The vendor said wait: hold the key for every thread, and (adaptive) slow it down once
        per throttle, not once for each request that was already in flight. True for the
        thread that leads the wait (it sleeps, then calls `release`); the rest wait in acquire."""
        with self._lock:
            now = self._clock()
            if self._held.get(key, 0.0) > now:
                return False  # already held: these answers are the same throttle
            self._held[key] = now + seconds
            if self._adaptive:
                self._slow_down(key, now, seconds)
            return True

    def release(self, key: str) -> None:
        with self._released:
            self._held.pop(key, None)
            if key in self._stamp:
                self._stamp[key] = min(self._stamp[key], self._clock())
            self._released.notify_all()

    def _slow_down(self, key: str, now: float, seconds: float) -> None:
        if key in self._rates:
            known = self._rates[key][1]
        else:  # the rate it was sent at, over the last second or since the first request
            sent = self._sent.get(key) or deque([now])
            known = len(sent) / min(1.0, max(0.05, now - sent[0]))
        rate = max(self.MIN_RATE, known / 2)
        self._ceiling[key] = known
        self._rates[key] = (max(1, int(rate)), rate)
        self._tokens[key] = 0.0
        self._stamp[key] = now + seconds
        self._calm[key] = now + seconds
        log.info("%s: paced at %.1f requests a second after a throttle", key, rate)

    def _recover(self, key: str, now: float) -> None:
        """A step for each whole RECOVER_EVERY since the rate last changed, up to the ceiling."""
        _, rate = self._rates[key]
        steps = int((now - self._calm[key]) // self.RECOVER_EVERY)
        for _ in range(steps):
            rate = min(self._ceiling[key], rate + max(0.5, rate / 10))
        self._rates[key] = (max(1, int(rate)), rate)
        self._calm[key] += steps * self.RECOVER_EVERY
        log.debug("%s: pace raised to %.1f requests a second", key, rate)


@dataclass(frozen=True)
class VendorRules:
    """What differs between vendors: their name, how they say 'wait', what else is retryable."""

    vendor: str
    rate_limit_wait: Callable[[httpx.Response], float | None]
    retryable_answer: Callable[[httpx.Response], bool] = lambda _response: False
    # An answer that says "rate limited" without a 429 (Slack's chat.postMessage can): the
    # vendor did not act on it, so it is waited out like a 429, for writes too.
    limited_answer: Callable[[httpx.Response], bool] = lambda _response: False
    # The pacing key of a request the caller did not name one for (OpsGenie: its domain).
    pace_key: Callable[[str, str], str | None] = lambda _method, _path: None


class Http:
    """One vendor's connection pool and request policy. Holds the credentials' headers."""

    def __init__(
        self,
        base_url: str,
        headers: Mapping[str, str],
        rules: VendorRules,
        *,
        transport: httpx.BaseTransport | None = None,
        retry: RetryPolicy | None = None,
        pacer: Pacer | None = None,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
        timeout: float = 30.0,
        max_workers: int = 16,  # reads of many small objects; 429s are waited out
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.rules = rules
        self.retry = retry or RetryPolicy()
        self.pacer = pacer
        self.max_workers = max_workers
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._client = httpx.Client(
            base_url=self.base_url,
            headers={"User-Agent": USER_AGENT, "Accept": "application/json", **headers},
            transport=transport,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            limits=httpx.Limits(max_connections=max_workers, max_keepalive_connections=max_workers),
            follow_redirects=False,
        )
        self.calls: dict[str, int] = {}  # "GET /v2/teams" -> count, for benchmarks and tests
        self._calls_lock = threading.Lock()

    def __repr__(self) -> str:  # the client's headers hold a credential: never show them
        return f"Http({self.rules.vendor!r}, {self.base_url!r})"

    def close(self) -> None:
        self._client.close()

    def send(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        data: Mapping[str, Any] | None = None,
        idempotent: bool,
        pace_key: str | None = None,
        operation: str | None = None,
    ) -> httpx.Response:
        operation = operation or f"{method} {path}"
        pace_key = pace_key or self.rules.pace_key(method, path)
        attempt = rate_limited = 0
        while True:
            if self.pacer is not None:
                self.pacer.acquire(pace_key)
            started = time.perf_counter()
            try:
                response = self._client.request(method, path, params=params, json=json, data=data)
            except httpx.TransportError as exc:
                attempt += 1
                if idempotent and attempt < self.retry.attempts:
                    log.debug("%s: %s; retrying", operation, type(exc).__name__)
                    self._sleep(self.retry.backoff(attempt, self._rng))
                    continue
                raise TransportError(
                    self.rules.vendor,
                    operation,
                    f"{type(exc).__name__}: {scrub(str(exc)) or 'no answer'}",
                    hint=f"after {attempt} attempt(s)"
                    if idempotent
                    else "not retried: not safe to repeat",
                ) from None
            self._count(method, path)
            response = _scrubbed(response)
            log.debug(
                "%s %s -> %s in %.0f ms%s",
                method,
                scrub(str(response.request.url)),
                response.status_code,
                (time.perf_counter() - started) * 1000,
                _request_id_note(response),
            )
            if response.status_code == 429 or self.rules.limited_answer(response):
                rate_limited += 1
                if rate_limited <= self.retry.rate_limit_attempts:
                    wait = self.rules.rate_limit_wait(response)
                    wait = self.retry.backoff(rate_limited, self._rng) if wait is None else wait
                    wait = min(wait, self.retry.max_rate_limit_wait) + self._rng.uniform(0, 0.25)
                    log.info(
                        "%s: rate limited by %s; waiting %.1f s", operation, self.rules.vendor, wait
                    )
                    if self.pacer is None or pace_key is None:
                        self._sleep(wait)
                    elif self.pacer.throttled(pace_key, wait):  # every thread waits, together
                        try:
                            self._sleep(wait)
                        finally:
                            self.pacer.release(pace_key)
                    else:  # caught in a throttle another request leads: not this one's wait
                        rate_limited -= 1
                    continue
                raise RateLimited(
                    self.rules.vendor,
                    operation,
                    "still rate limited after waiting as told",
                    status=429,
                    hint=f"{rate_limited - 1} wait(s)",
                )
            retryable = (response.status_code >= 500 and response.status_code != 501) or (
                self.rules.retryable_answer(response)
            )
            if retryable and idempotent:
                attempt += 1
                if attempt < self.retry.attempts:
                    self._sleep(self.retry.backoff(attempt, self._rng))
                    continue
            return response

    def parallel(self, fn: Callable[[T], R], items: Iterable[T]) -> list[R]:
        """`fn` over `items` with bounded concurrency, results in order; the first error wins."""
        items = list(items)
        if len(items) <= 1 or self.max_workers <= 1:
            return [fn(item) for item in items]
        with ThreadPoolExecutor(max_workers=self.max_workers) as pool:
            return list(pool.map(fn, items))

    def _count(self, method: str, path: str) -> None:
        with self._calls_lock:
            key = f"{method} {path}"
            self.calls[key] = self.calls.get(key, 0) + 1


def _scrubbed(response: httpx.Response) -> httpx.Response:
    """The answer with any credential the vendor echoed back removed, before anyone reads it."""
    cleaned = scrub_answer(response.content)
    if cleaned is None:
        return response
    headers = [
        (name, value)
        for name, value in response.headers.multi_items()
        if name.lower() not in ("content-length", "content-encoding", "transfer-encoding")
    ]
    return httpx.Response(
        response.status_code,
        headers=[(name, scrub(value)) for name, value in headers],
        content=cleaned,
        request=response.request,
    )


def _request_id_note(response: httpx.Response) -> str:
    rid = response.headers.get("X-Request-ID") or response.headers.get("x-slack-req-id")
    return f" (request id {rid})" if rid else ""


class ReadOnlyHttp:
    """All that `plan` and `drift` hold: GET, and for Slack only the read methods.

    There is no other way to send a request through this object, so a plan cannot write.
    """

    def __init__(
        self,
        http: Http,
        allowed: Callable[[str], bool] = lambda _path: True,
        read_posts: Callable[[str], bool] = lambda _path: False,
    ) -> None:
        self._http = http
        self._allowed = allowed
        self._read_posts = read_posts  # reads some APIs make by POST (a JSM team's members)
        self.rules = http.rules
        self.calls = http.calls

    def __repr__(self) -> str:
        return f"ReadOnly{self._http!r}"

    def get(
        self,
        path: str,
        params: Mapping[str, Any] | None = None,
        *,
        pace_key: str | None = None,
        operation: str | None = None,
    ) -> httpx.Response:
        if not self._allowed(path):
            raise WriteNotAllowed(f"{path} is not a read; the read-only client refuses it")
        return self._http.send(
            "GET", path, params=params, idempotent=True, pace_key=pace_key, operation=operation
        )

    def read_post(self, path: str, body: Any) -> httpx.Response:
        """A read the vendor makes a POST (the Teams API lists members so): only for the paths
        the reader named when it was made, so nothing else can be posted through it."""
        if not self._read_posts(path):
            raise WriteNotAllowed(f"POST {path} is not a read; the read-only client refuses it")
        return self._http.send("POST", path, json=body, idempotent=True)

    def parallel(self, fn: Callable[[T], R], items: Iterable[T]) -> list[R]:
        return self._http.parallel(fn, items)

    def close(self) -> None:
        self._http.close()


class VendorReader:
    """What every vendor reader shares: it holds a ReadOnlyHttp and nothing that can write."""

    def __init__(self, http: ReadOnlyHttp) -> None:
        self._http = http

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._http!r})"

    @property
    def calls(self) -> dict[str, int]:
        return self._http.calls

    def close(self) -> None:
        self._http.close()

    def parallel(self, fn: Callable[[T], R], items: Iterable[T]) -> list[R]:
        """Reads of many objects at once, with the client's bounded concurrency."""
        return self._http.parallel(fn, items)
