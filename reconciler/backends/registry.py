"""Which backends exist, by name. Adding one is a line here (and its package).

Backends load only when asked for, so `reconcile --help` and `validate` import no vendor code.
The on-call backend is RECONCILE_ONCALL_BACKEND's (default: opsgenie); the chat backend, Slack.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable

from reconciler.backends.base import ChatBackend, OnCallBackend
from reconciler.errors import ReconcileError

_ON_CALL: dict[str, Callable[[], OnCallBackend]] = {}
_CHAT: dict[str, Callable[[], ChatBackend]] = {}
DEFAULT_ON_CALL = "opsgenie"
DEFAULT_CHAT = "slack"


def register_on_call(name: str, load: Callable[[], OnCallBackend]) -> None:
    _ON_CALL[name] = load


def register_chat(name: str, load: Callable[[], ChatBackend]) -> None:
    _CHAT[name] = load


def _module_attr(module: str, attr: str = "BACKEND") -> Callable[[], object]:
    return lambda: getattr(importlib.import_module(module), attr)


def on_call_backend(name: str | None = None) -> OnCallBackend:
    chosen = name or os.environ.get("RECONCILE_ONCALL_BACKEND") or DEFAULT_ON_CALL
    if chosen not in _ON_CALL:
        known = ", ".join(sorted(_ON_CALL))
        raise ReconcileError(f"no on-call backend {chosen!r}; there are: {known}")
    return _ON_CALL[chosen]()


def chat_backend(name: str | None = None) -> ChatBackend:
    chosen = name or DEFAULT_CHAT
    if chosen not in _CHAT:
        raise ReconcileError(f"no chat backend {chosen!r}; there are: {', '.join(sorted(_CHAT))}")
    return _CHAT[chosen]()


register_on_call("opsgenie", _module_attr("reconciler.backends.opsgenie.backend"))  # type: ignore[arg-type]
register_on_call("jsm", _module_attr("reconciler.backends.jsm.backend"))  # type: ignore[arg-type]
register_chat("slack", _module_attr("reconciler.backends.slack.backend"))  # type: ignore[arg-type]
