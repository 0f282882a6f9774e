"""Clients for a command: against the real vendors, or the sandbox in-process."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from typing import Any

from reconciler import dates
from reconciler.backends import registry
from reconciler.backends.base import Connection, Readers, Writers
from reconciler.errors import ReconcileError
from reconciler.settings import Settings

SANDBOX_URL = "http://sandbox.invalid"  # never resolved: the transport answers in-process


def connection(settings: Settings, **options: Any) -> Connection:
    """The network, or the sandbox in-process when --sandbox (RECONCILE_SANDBOX) names one."""
    if settings.sandbox is None:
        return Connection(options=options)
    from reconciler.sandbox.emulator import Emulator
    from reconciler.sandbox.state import SandboxState
    from reconciler.sandbox.transport import SandboxTransport

    state = SandboxState.load(settings.sandbox)
    return Connection(SandboxTransport(Emulator(state)), state.data, SANDBOX_URL, options)


def readers(settings: Settings, **options: Any) -> Readers:
    via = connection(settings, **options)
    oncall = registry.on_call_backend(settings.oncall_backend)
    return Readers(oncall.reader(via), registry.chat_backend().reader(via))


def writers(settings: Settings, **options: Any) -> Writers:
    via = connection(settings, **options)
    oncall = registry.on_call_backend(settings.oncall_backend)
    return Writers(oncall.writer(via), registry.chat_backend().writer(via))


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
