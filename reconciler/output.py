"""All user-facing output goes through here, so tests can capture it and nothing else prints.

The last guard against a leak: every line is scrubbed of known credentials on its way out,
though vendor text was already cleaned where it entered (reconciler.clients.secrets).
"""

from __future__ import annotations

import os
import sys
from typing import TextIO

from reconciler.clients.secrets import scrub


def write_line(text: str = "", stream: TextIO | None = None) -> None:
    stream = stream or sys.stdout
    stream.write(scrub(text) + "\n")


def error_line(text: str) -> None:
    write_line(text, sys.stderr)


def use_colour(stream: TextIO | None = None) -> bool:
    """Colour on a terminal; never with NO_COLOR (https://no-color.org) or --no-color; always
    with FORCE_COLOR (CI logs that render colour)."""
    stream = stream or sys.stdout
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return bool(getattr(stream, "isatty", lambda: False)())


def progress(text: str) -> None:
    """A line on stderr during long reads, for a person at a terminal only."""
    if getattr(sys.stderr, "isatty", lambda: False)():
        sys.stderr.write(f"{text}\r")
        sys.stderr.flush()
