"""OpsGenie and Slack clients from explicit configuration, for tests and benchmarks.

Commands reach the vendors through the registry (reconciler.connect); this builds the same
clients from configs a test or a benchmark holds, with `transport` standing in for the network.
"""

from __future__ import annotations

from typing import Any

import httpx

from reconciler.backends.base import Readers, Writers
from reconciler.backends.opsgenie import client as opsgenie
from reconciler.backends.opsgenie.client import OpsGenieReader
from reconciler.backends.opsgenie.write import OpsGenieWriter
from reconciler.backends.slack import client as slack
from reconciler.backends.slack.client import SlackReader
from reconciler.backends.slack.write import SlackWriter
from reconciler.clients.http import ReadOnlyHttp
from reconciler.clients.secrets import install_log_scrubbing

__all__ = ["Readers", "Writers", "readers", "writers"]


def readers(
    og: opsgenie.OpsGenieConfig,
    sl: slack.SlackConfig,
    transport: httpx.BaseTransport | None = None,
    **options: Any,
) -> Readers:
    install_log_scrubbing()
    og_http = opsgenie.make_http(og, transport=transport, **options)
    sl_http = slack.make_http(sl.base_url, sl.bot_token, transport=transport, **options)
    return Readers(OpsGenieReader(ReadOnlyHttp(og_http)), SlackReader(slack.read_only(sl_http)))


def writers(
    og: opsgenie.OpsGenieConfig,
    sl: slack.SlackConfig,
    transport: httpx.BaseTransport | None = None,
    **options: Any,
) -> Writers:
    install_log_scrubbing()
    return Writers(
        opsgenie_writer(og, transport, **options), slack_writer(sl, transport, **options)
    )


def opsgenie_writer(
    og: opsgenie.OpsGenieConfig, transport: httpx.BaseTransport | None = None, **options: Any
) -> OpsGenieWriter:
    return OpsGenieWriter(opsgenie.make_http(og, transport=transport, **options))


def slack_writer(
    sl: slack.SlackConfig, transport: httpx.BaseTransport | None = None, **options: Any
) -> SlackWriter:
    user_http = (
        slack.make_http(sl.base_url, sl.user_token, transport=transport, **options)
        if sl.user_token
        else None
    )
    return SlackWriter(
        slack.make_http(sl.base_url, sl.bot_token, transport=transport, **options), user_http
    )
