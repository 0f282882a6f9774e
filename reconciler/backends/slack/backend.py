"""Slack as the chat backend: a bot token (and an admin's user token) from the environment or
the sandbox, and its part of the diff (channels, the on-call group)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from reconciler.backends.base import Connection
from reconciler.backends.factory import slack_writer
from reconciler.backends.slack.client import SlackConfig, SlackReader, make_http, read_only
from reconciler.backends.slack.diff import diff_slack
from reconciler.backends.slack.write import SlackWriter
from reconciler.clients.secrets import Secret, install_log_scrubbing

if TYPE_CHECKING:
    from reconciler.plan.changes import Change
    from reconciler.plan.desired import DesiredTeam
    from reconciler.plan.observe import LiveState


class SlackBackend:
    name = "slack"

    def _config(self, connection: Connection) -> SlackConfig:
        if connection.sandbox is not None:
            assert connection.base_url is not None
            slack = connection.sandbox["slack"]
            user = slack.get("user_token") or {}
            return SlackConfig(
                f"{connection.base_url}/api",
                Secret(slack["bot"]["token"]),
                Secret(user["token"]) if user.get("token") else None,
            )
        return SlackConfig.from_env()

    def reader(self, connection: Connection) -> SlackReader:
        install_log_scrubbing()
        config = self._config(connection)
        http = make_http(
            config.base_url, config.bot_token, transport=connection.transport, **connection.options
        )
        return SlackReader(read_only(http))

    def writer(self, connection: Connection) -> SlackWriter:
        install_log_scrubbing()
        return slack_writer(self._config(connection), connection.transport, **connection.options)

    def diff(self, team: DesiredTeam, state: LiveState) -> list[Change]:
        return diff_slack(team, state)


BACKEND = SlackBackend()
