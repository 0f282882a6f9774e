"""OpsGenie as an on-call backend: reached with an API key, from the environment or the sandbox."""

from __future__ import annotations

from reconciler.backends.base import Capabilities, Connection
from reconciler.backends.factory import opsgenie_writer
from reconciler.backends.opsgenie.client import (
    OpsGenieConfig,
    OpsGenieReader,
    make_http,
)
from reconciler.backends.opsgenie.write import OpsGenieWriter
from reconciler.clients.http import ReadOnlyHttp
from reconciler.clients.secrets import Secret, install_log_scrubbing


def _default_objects(team: str) -> list[str]:
    """What OpsGenie makes with every new team (reference 3.3)."""
    return [f"{team}_schedule", f"{team}_escalation", f"Default Routing Rule ({team})"]


class OpsGenieBackend:
    name = "opsgenie"
    capabilities = Capabilities(
        label="OpsGenie",
        clears_restrictions_in_place=False,  # not documented either way: never relied on
        default_objects=_default_objects,
    )

    def _config(self, connection: Connection) -> OpsGenieConfig:
        if connection.sandbox is not None:
            assert connection.base_url is not None
            return OpsGenieConfig(
                connection.base_url, Secret(connection.sandbox["opsgenie"]["api_key"])
            )
        return OpsGenieConfig.from_env()

    def reader(self, connection: Connection) -> OpsGenieReader:
        install_log_scrubbing()
        http = make_http(
            self._config(connection), transport=connection.transport, **connection.options
        )
        return OpsGenieReader(ReadOnlyHttp(http))

    def writer(self, connection: Connection) -> OpsGenieWriter:
        install_log_scrubbing()
        return opsgenie_writer(self._config(connection), connection.transport, **connection.options)


BACKEND = OpsGenieBackend()
