"""Credentials that cannot leak: no repr, no str, scrubbed from vendor text and every log line.

Tokens come from the environment only. A Secret shows itself as '***'; the one way to its value
is `reveal()`, called where the Authorization header is built. Every Secret created registers its
value here, and is then scrubbed:
- from every vendor answer, before anything parses it (`scrub_answer`): a vendor may echo a
  credential back in any text (Slack's `warning`, `error`, `needed`, `response_metadata`, a
  purpose, OpsGenie's `message`), and what a client parses is stored, rendered, saved in plan
  files and even posted, so it is cleaned once, where it enters;
- from every log line, by a formatter on the handler the CLI installs (a filter on a logger does
  not see records of its child loggers) and a filter on the loggers of anyone else's handlers.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import threading
from typing import Any

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

    def __reduce__(self) -> str | tuple[Any, ...]:  # never pickled into a plan file or a cache
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


def _known_forms() -> list[tuple[str, bytes, bytes]]:
    with _lock:
        values = sorted(_known, key=len, reverse=True)
    # JSON may write '/' as '\/' and non-ASCII as \uXXXX: look for the escaped form too.
    return [(v, v.encode(), json.dumps(v)[1:-1].encode()) for v in values]


def scrub_data(data: Any) -> Any:
    """`data` (parsed JSON) with every known secret removed from every string in it."""
    if isinstance(data, str):
        return scrub(data)
    if isinstance(data, dict):
        return {scrub_data(k): scrub_data(v) for k, v in data.items()}
    if isinstance(data, list):
        return [scrub_data(v) for v in data]
    return data


def scrub_answer(content: bytes) -> bytes | None:
    """A vendor answer's bytes with every known secret removed, or None if it holds none.

    Checked on the raw bytes first (a few `in` tests an answer); only an answer that holds a
    secret is parsed, cleaned string by string, and written again.
    """
    forms = _known_forms()
    if not any(raw in content or escaped in content for _, raw, escaped in forms):
        return None
    try:
        data = json.loads(content)
    except ValueError:
        text = content.decode("utf-8", errors="replace")
        return scrub(text).encode("utf-8")
    return json.dumps(scrub_data(data)).encode("utf-8")


class ScrubbingFormatter(logging.Formatter):
    """Scrubs the whole formatted line, exception text included, whatever logger it came from."""

    def format(self, record: logging.LogRecord) -> str:
        return scrub(super().format(record))


def configure_logging(level: str | None) -> None:
    """The CLI's one log handler (stderr), at RECONCILE_LOG's level; quiet when unset."""
    if not level:
        return
    numeric = logging.getLevelName(level.upper())
    if not isinstance(numeric, int):
        raise ValueError(f"RECONCILE_LOG={level!r} is not a level: debug, info or warning")
    root = logging.getLogger()
    if not any(isinstance(h.formatter, ScrubbingFormatter) for h in root.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(ScrubbingFormatter("%(levelname)s %(name)s: %(message)s"))
        handler.addFilter(ScrubbingFilter())
        root.addHandler(handler)
    root.setLevel(numeric)


def _scrub_record(record: logging.LogRecord) -> None:
    message = record.getMessage()
    cleaned = scrub(message)
    if cleaned != message:
        record.msg, record.args = cleaned, None


class ScrubbingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        _scrub_record(record)
        return True


_factory_lock = threading.Lock()
_factory_installed = False


def install_log_scrubbing() -> None:
    """Scrub every log record where it is made, whatever logger makes it (idempotent).

    A filter on a logger does not see its child loggers' records, and a filter on a handler
    misses handlers added later; the record factory sees every record before any of them.
    """
    global _factory_installed
    with _factory_lock:
        if _factory_installed:
            return
        make = logging.getLogRecordFactory()

        def scrubbing_factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
            record = make(*args, **kwargs)
            _scrub_record(record)
            return record

        logging.setLogRecordFactory(scrubbing_factory)
        _factory_installed = True
