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
    """Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org)."""
    stream = stream or sys.stdout
    if os.environ.get("NO_COLOR"):
        return False
    return bool(getattr(stream, "isatty", lambda: False)())
