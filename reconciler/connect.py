"""Clients for a command: against the real vendors, or the sandbox in-process."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from typing import Any

from reconciler import dates
from reconciler.backends import factory
from reconciler.backends.opsgenie import client as opsgenie
from reconciler.backends.slack import client as slack
from reconciler.clients.secrets import Secret
from reconciler.errors import ReconcileError
from reconciler.settings import Settings

SANDBOX_URL = "http://sandbox.invalid"  # never resolved: the transport answers in-process


def sandbox_parts(settings: Settings) -> tuple[Any, opsgenie.OpsGenieConfig, slack.SlackConfig]:
    from reconciler.sandbox.emulator import Emulator
    from reconciler.sandbox.state import SandboxState
    from reconciler.sandbox.transport import SandboxTransport

    assert settings.sandbox is not None
    state = SandboxState.load(settings.sandbox)
    og = state.data["opsgenie"]
    sl = state.data["slack"]
    og_config = opsgenie.OpsGenieConfig(SANDBOX_URL, Secret(og["api_key"]))
    user = sl.get("user_token") or {}
    sl_config = slack.SlackConfig(
        f"{SANDBOX_URL}/api",
        Secret(sl["bot"]["token"]),
        Secret(user["token"]) if user.get("token") else None,
    )
    return SandboxTransport(Emulator(state)), og_config, sl_config


def readers(settings: Settings, **options: Any) -> factory.Readers:
    if settings.sandbox is not None:
        transport, og_config, sl_config = sandbox_parts(settings)
        return factory.readers(og_config, sl_config, transport=transport, **options)
    return factory.readers(
        opsgenie.OpsGenieConfig.from_env(), slack.SlackConfig.from_env(), **options
    )


def writers(settings: Settings, **options: Any) -> factory.Writers:
    if settings.sandbox is not None:
        transport, og_config, sl_config = sandbox_parts(settings)
        return factory.writers(og_config, sl_config, transport=transport, **options)
    return factory.writers(
        opsgenie.OpsGenieConfig.from_env(), slack.SlackConfig.from_env(), **options
    )


def now(settings: Settings) -> datetime:
    """The time commands reason about: RECONCILE_NOW if set (rehearsals against a served
    sandbox), the sandbox's clock when running it in-process, else the real time."""
    pinned = os.environ.get("RECONCILE_NOW")
    if pinned:
        try:
            when = datetime.fromisoformat(pinned)
        except ValueError:
            raise ReconcileError(f"RECONCILE_NOW={pinned!r} is not an ISO 8601 instant") from None
        when = when if when.tzinfo else when.replace(tzinfo=UTC)
        problem = dates.out_of_range(when, "RECONCILE_NOW")
        if problem:
            raise ReconcileError(problem)
        return when
    if settings.sandbox is not None:
        from reconciler.sandbox.state import SandboxState

        return SandboxState.load(settings.sandbox).now()
    return datetime.now(UTC)
