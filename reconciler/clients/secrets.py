"""Credentials that cannot leak: no repr, no str, scrubbed from every log record.

Tokens come from the environment only. A Secret shows itself as '***'; the one way to its value
is `reveal()`, called where the Authorization header is built. Every Secret created registers its
value with a logging filter that scrubs it from any record, whatever logger emits it.
"""

from __future__ import annotations

import logging
import os
import threading

_known: set[str] = set()
_lock = threading.Lock()
MASK = "***"
MIN_SCRUBBED = 8  # shorter values are not credible credentials


class Secret:
    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value
        if len(value) >= MIN_SCRUBBED:  # scrubbing "k" from every line would mangle output
            with _lock:
                _known.add(value)

    def reveal(self) -> str:
        return self._value

    def __bool__(self) -> bool:
        return bool(self._value)

    def __repr__(self) -> str:
        return f"Secret({MASK!r})"

    __str__ = __repr__

    def __reduce__(self) -> object:  # never pickled into a plan file or a cache
        raise TypeError("a Secret cannot be serialised")


def from_env(name: str) -> Secret | None:
    value = os.environ.get(name, "").strip()
    return Secret(value) if value else None


def scrub(text: str) -> str:
    """`text` with every known secret replaced by '***'."""
    with _lock:
        secrets = sorted(_known, key=len, reverse=True)
    for value in secrets:
        if value in text:
            text = text.replace(value, MASK)
    return text


class ScrubbingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = scrub(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def install_log_scrubbing() -> None:
    """Attach the filter to the root handlers and to our loggers (idempotent)."""
    for logger in (
        logging.getLogger(),
        logging.getLogger("reconciler"),
        logging.getLogger("httpx"),
    ):
        if not any(isinstance(f, ScrubbingFilter) for f in logger.filters):
            logger.addFilter(ScrubbingFilter())
        for handler in logger.handlers:
            if not any(isinstance(f, ScrubbingFilter) for f in handler.filters):
                handler.addFilter(ScrubbingFilter())
