"""Helpers shared by test packages."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def served_sandbox(path: Path, env: dict[str, str] | None = None) -> Iterator[str]:
    """`reconcile sandbox serve --port 0` on `path` as its own process; yields its address."""
    env = {**(env if env is not None else os.environ), "PYTHONUNBUFFERED": "1"}
    command = [
        sys.executable,
        "-m",
        "reconciler",
        "--sandbox",
        str(path),
        "sandbox",
        "serve",
        "--port",
        "0",
    ]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if "serving on" not in line:
            process.kill()
            _, err = process.communicate(timeout=10)
            raise AssertionError(f"sandbox serve did not start: {line}{err}")
        address = line.strip().rsplit(" ", 1)[-1]
        assert address.startswith("http://127.0.0.1:"), address
        yield address
    finally:
        if process.poll() is None:
            process.terminate()
        process.communicate(timeout=10)  # also closes the pipes
