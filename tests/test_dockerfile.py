"""The Dockerfile, checked for hadolint's main rules (no container runtime here to build it):
a pinned base, a non-root user, no package cache left behind, an exec-form entry point."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DOCKERFILE = (REPO / "Dockerfile").read_text()
LINES = [
    line.strip() for line in DOCKERFILE.splitlines() if line.strip() and not line.startswith("#")
]


def test_every_base_is_pinned_to_a_full_version() -> None:
    bases = [line.split()[1] for line in LINES if line.startswith("FROM ")]
    assert bases
    for base in bases:
        assert ":" in base and not base.endswith(":latest"), base  # hadolint DL3006, DL3007
        assert re.search(r":\d+\.\d+\.\d+", base), f"{base} is not pinned to a full version"


def test_it_runs_as_a_non_root_user() -> None:
    users = [line.split()[1] for line in LINES if line.startswith("USER ")]
    assert users and users[-1] not in ("root", "0")  # hadolint DL3002
    last_from = max(i for i, line in enumerate(LINES) if line.startswith("FROM "))
    assert any(line.startswith("USER ") for line in LINES[last_from:])


def test_pip_leaves_no_cache_and_pins_what_it_fetches() -> None:
    for line in (joined for joined in DOCKERFILE.replace("\\\n", " ").splitlines()):
        if "pip install" in line:
            assert "--no-cache-dir" in line, line  # hadolint DL3042
            fetched = re.findall(r'"([A-Za-z0-9_.-]+)(==[^"]+)?"', line)
            for name, version in fetched:
                assert version, f"{name} is not pinned"  # hadolint DL3013
    assert "apt-get" not in DOCKERFILE or "rm -rf /var/lib/apt/lists" in DOCKERFILE


def test_the_entry_point_is_reconcile_in_exec_form() -> None:
    assert 'ENTRYPOINT ["reconcile"]' in LINES  # hadolint DL3025: JSON form


def test_it_builds_and_runs_where_a_container_runtime_exists(tmp_path: Path) -> None:
    docker = shutil.which("docker")
    if docker is None or subprocess.run([docker, "info"], capture_output=True).returncode != 0:
        pytest.skip("no container runtime on this machine: the Dockerfile is checked statically")
    subprocess.run([docker, "build", "-t", "reconcile:test", str(REPO)], check=True)
    out = subprocess.run(
        [docker, "run", "--rm", "reconcile:test", "--version"], check=True, capture_output=True
    )
    assert b"reconcile, version" in out.stdout
