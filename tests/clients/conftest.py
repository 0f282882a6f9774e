"""Client tests run against respx; every exchange is checked against the vendors' specs."""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

import pytest
import respx

from reconciler.backends.opsgenie import client as opsgenie
from reconciler.backends.opsgenie.client import OpsGenieReader
from reconciler.backends.opsgenie.write import OpsGenieWriter
from reconciler.backends.slack import client as slack
from reconciler.backends.slack.client import SlackReader
from reconciler.backends.slack.write import SlackWriter
from reconciler.clients.http import Pacer, ReadOnlyHttp, RetryPolicy
from reconciler.clients.secrets import Secret
from tests.contract import check_exchange

OG_URL = "https://og.test"
SLACK_URL = "https://slack.test/api"
OG_KEY = "og-key-0123456789-SECRET"
BOT_TOKEN = "xoxb-bot-0123456789-SECRET"
USER_TOKEN = "xoxp-user-0123456789-SECRET"


class Sleeps(list[float]):
    """Stands in for time.sleep: records the waits instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def api() -> Iterator[respx.MockRouter]:
    with respx.mock(assert_all_called=False) as router:
        yield router
        problems = [
            problem
            for call in router.calls
            for problem in check_exchange(call.request, call.optional_response)
        ]
        assert not problems, "contract violations:\n" + "\n".join(problems)


def _options(sleeps: Sleeps) -> dict[str, Any]:
    return {
        "sleep": sleeps,
        "rng": random.Random(7),
        "retry": RetryPolicy(attempts=3, rate_limit_attempts=3),
    }


@pytest.fixture
def og_http(sleeps: Sleeps) -> opsgenie.Http:
    config = opsgenie.OpsGenieConfig(OG_URL, Secret(OG_KEY))
    return opsgenie.make_http(config, **_options(sleeps))


@pytest.fixture
def og_reader(og_http: opsgenie.Http) -> OpsGenieReader:
    return OpsGenieReader(ReadOnlyHttp(og_http))


@pytest.fixture
def og_writer(og_http: opsgenie.Http) -> OpsGenieWriter:
    return OpsGenieWriter(og_http)


def _slack_http(token: str, sleeps: Sleeps) -> slack.Http:
    no_wait = Pacer({}, sleep=sleeps)
    return slack.make_http(SLACK_URL, Secret(token), pacer=no_wait, **_options(sleeps))


@pytest.fixture
def slack_reader(sleeps: Sleeps) -> SlackReader:
    return SlackReader(slack.read_only(_slack_http(BOT_TOKEN, sleeps)))


@pytest.fixture
def slack_writer(sleeps: Sleeps) -> SlackWriter:
    return SlackWriter(_slack_http(BOT_TOKEN, sleeps), _slack_http(USER_TOKEN, sleeps))


def og(data: Any, status: int = 200, **extra: Any) -> dict[str, Any]:
    """An OpsGenie answer envelope."""
    return {"data": data, "took": 0.01, "requestId": f"req-{status}", **extra}


def og_error(message: str, status: int, **extra: Any) -> dict[str, Any]:
    return {"message": message, "took": 0.0, "requestId": f"req-{status}", **extra}
