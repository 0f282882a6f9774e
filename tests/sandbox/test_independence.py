"""The sandbox is our independent model of the vendors: it must not borrow the clients' beliefs."""

from __future__ import annotations

import ast
from pathlib import Path

SANDBOX = Path(__file__).resolve().parents[2] / "reconciler" / "sandbox"


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
    return found


def _borrowed(module: str) -> bool:
    """The clients' plumbing, or any backend (their clients, tables, parsing)."""
    return module.startswith(("reconciler.clients", "reconciler.backends"))


def test_the_sandbox_imports_nothing_from_the_clients() -> None:
    files = sorted(SANDBOX.rglob("*.py"))
    assert len(files) > 10
    offenders = {
        str(path.relative_to(SANDBOX)): sorted(m for m in _imports(path) if _borrowed(m))
        for path in files
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_the_check_would_see_an_import_from_the_clients(tmp_path: Path) -> None:
    sample = tmp_path / "x.py"
    sample.write_text(
        "from reconciler.backends.slack.client import TIERS\nimport reconciler.clients\n"
    )
    assert _imports(sample) == {"reconciler.backends.slack.client", "reconciler.clients"}
