"""Clients from configuration: read-only for plan and drift, writers for apply and sync.

`transport` lets the sandbox stand in for both vendors in-process (no socket); everything else
about the clients, retries and paging included, is the same as against the real APIs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import httpx

from reconciler.backends.opsgenie import client as opsgenie
from reconciler.backends.opsgenie.client import OpsGenieReader
from reconciler.backends.opsgenie.write import OpsGenieWriter
from reconciler.backends.slack import client as slack
from reconciler.backends.slack.client import SlackReader
from reconciler.backends.slack.write import SlackWriter
from reconciler.clients.http import ReadOnlyHttp
from reconciler.clients.secrets import install_log_scrubbing


class ReadSide(Protocol):
    """What a plan reads through: readers, or writers (which can read too)."""

    @property
    def oncall(self) -> OpsGenieReader: ...

    @property
    def slack(self) -> SlackReader: ...

    def close(self) -> None: ...


@dataclass
class Readers:
    oncall: OpsGenieReader
    slack: SlackReader

    def close(self) -> None:
        self.oncall.close()
        self.slack.close()


@dataclass
class Writers:
    oncall: OpsGenieWriter
    slack: SlackWriter

    def close(self) -> None:
        self.oncall.close()
        self.slack.close()


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
    user_http = (
        slack.make_http(sl.base_url, sl.user_token, transport=transport, **options)
        if sl.user_token
        else None
    )
    return Writers(
        OpsGenieWriter(opsgenie.make_http(og, transport=transport, **options)),
        SlackWriter(
            slack.make_http(sl.base_url, sl.bot_token, transport=transport, **options), user_http
        ),
    )
