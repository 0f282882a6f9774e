"""JSM Operations as an on-call backend: reached with an Atlassian account's email and API token,
from the environment, or the sandbox's site."""

from __future__ import annotations

import os

from reconciler.backends.base import Capabilities, Connection
from reconciler.backends.jsm.client import JsmConfig, make_http, read_only
from reconciler.backends.jsm.reader import JsmReader
from reconciler.backends.jsm.write import JsmWriter
from reconciler.clients.secrets import Secret, install_log_scrubbing
from reconciler.errors import ReconcileError


def _default_objects(team: str) -> list[str]:
    """What enabling operations makes for a team (reference §4.6) [named as OpsGenie names them:
    JSM's names are not documented]."""
    return [f"{team}_schedule", f"{team}_escalation", "Default Routing Rule"]


class JsmBackend:
    name = "jsm"
    capabilities = Capabilities(
        label="JSM Operations",
        clears_restrictions_in_place=False,  # not documented either way: never relied on
        default_objects=_default_objects,
        member_roles=False,  # the Teams API has members, not roles; admins are set at enable-ops
        reads_others_contacts=False,  # contacts are the caller's own (reference §2.9)
    )

    def config(self, connection: Connection) -> JsmConfig:
        if connection.sandbox is not None:
            assert connection.base_url is not None
            site = connection.sandbox.get("jsm")
            if site is None:
                raise ReconcileError("this sandbox has no JSM Operations site")
            cred = site["credentials"][0]
            return JsmConfig(
                f"{connection.base_url}/jsm/ops/api/{site['cloud_id']}",
                connection.base_url,
                cred["email"],
                Secret(cred["token"]),
                site["org_id"],
            )
        return JsmConfig.from_env(connection.transport)

    def reader(self, connection: Connection) -> JsmReader:
        install_log_scrubbing()
        config = self.config(connection)
        ops, site = make_http(config, transport=connection.transport, **connection.options)
        return JsmReader(*read_only(ops, site), config.org_id, config.email)

    def writer(self, connection: Connection) -> JsmWriter:
        install_log_scrubbing()
        config = self.config(connection)
        ops, site = make_http(config, transport=connection.transport, **connection.options)
        return JsmWriter(ops, site, config.org_id, config.email, poll_wait=_poll_wait(connection))


def _poll_wait(connection: Connection) -> float:
    """Seconds between polls of enable-ops: none in-process (the sandbox's clock is its own);
    RECONCILE_JSM_POLL_SECONDS for a served sandbox; 2 against the real site."""
    if connection.sandbox is not None:
        return 0.0
    raw = os.environ.get("RECONCILE_JSM_POLL_SECONDS", "").strip()
    try:
        wait = float(raw) if raw else 2.0
    except ValueError:
        wait = -1.0
    if not 0 <= wait <= 60:
        raise ReconcileError(f"RECONCILE_JSM_POLL_SECONDS={raw!r}: expected seconds, 0 to 60")
    return wait


BACKEND = JsmBackend()
