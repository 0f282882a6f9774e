"""The distribution as a user gets it: build, install clean, run. Called by `./dev smoke` (CI).

Not a pytest test, on purpose: a clean install takes its dependencies from the package index,
and no test may reach the network. Each check prints one line; the last line is the count.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import venv
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
GOOD = REPO / "tests" / "policy" / "good" / "minimal.yaml"


def run(*args: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )
    if done.returncode != 0:
        raise AssertionError(
            f"{' '.join(map(str, args))}: exit {done.returncode}\n"
            f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        )
    return done.stdout


def build(out: Path) -> tuple[Path, Path]:
    run(sys.executable, "-m", "build", "--no-isolation", "--outdir", out, REPO)
    [wheel] = out.glob("*.whl")
    [sdist] = out.glob("*.tar.gz")
    return wheel, sdist


def clean_venv(where: Path, package: Path) -> Path:
    venv.EnvBuilder(with_pip=True, clear=True).create(where)
    python = where / "bin" / "python"
    run(python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", package)
    return where / "bin" / "reconcile"


def check_wheel_contents(wheel: Path) -> None:
    import zipfile

    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in (
        "reconciler/policy/policy.schema.json",
        "reconciler/sandbox/seed.py",
        "reconciler/py.typed",
    ):
        assert needed in names, f"{needed} is not in the wheel"
    licences = [n for n in names if n.endswith("LICENSE")]
    assert licences, "no licence file in the wheel"


def check_installed(reconcile: Path, work: Path) -> None:
    from reconciler import __version__

    assert run(reconcile, "--version").strip().endswith(__version__)
    run(reconcile, "validate", GOOD)
    policies = work / "policies"
    policies.mkdir()
    shutil.copy(
        REPO / "tests" / "fixtures" / "policies" / "delivery.yaml", policies / "delivery.yaml"
    )
    run(reconcile, "sandbox", "init", work / "sandbox.json", cwd=work)
    out = run(reconcile, "--sandbox", work / "sandbox.json", "plan", "--no-readiness", cwd=work)
    assert "Plan:" in out, out[-500:]


def check_pre_commit_from_a_consumer(work: Path) -> None:
    """A repository that refers to this one by a real revision, as the README shows."""
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "PRE_COMMIT_HOME": str(work / "cache")}
    source = work / "reconcile-src"
    run("git", "clone", "--quiet", REPO, source, env=env)
    if run("git", "-C", REPO, "status", "--porcelain", env=env).strip():
        print("smoke: note: the working tree has uncommitted changes; the hook runs HEAD")
    rev = run("git", "-C", source, "rev-parse", "HEAD", env=env).strip()
    consumer = work / "team-policies"
    (consumer / "policies").mkdir(parents=True)
    run("git", "init", "--quiet", consumer, env=env)
    (consumer / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {source}\n    rev: {rev}\n    hooks:\n      - id: reconcile-validate\n"
    )
    good = consumer / "policies" / "team.yaml"
    good.write_text(GOOD.read_text())
    run("git", "-C", consumer, "add", ".", env=env)
    pre_commit = Path(sys.executable).parent / "pre-commit"
    run(pre_commit, "run", "--all-files", cwd=consumer, env=env)
    good.write_text(GOOD.read_text().replace("shift_length: 1w", "shift_length: 1 week"))
    run("git", "-C", consumer, "add", ".", env=env)
    done = subprocess.run(
        [str(pre_commit), "run", "--all-files"],
        cwd=consumer,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 1 and "is not a duration" in done.stdout, done.stdout[-2000:]


def main() -> int:
    passed = failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        wheel, sdist = build(root / "dist")
        checks: list[tuple[str, Callable[[], None]]] = [
            (
                "the wheel holds the schema, the seed and the licence",
                lambda: check_wheel_contents(wheel),
            ),
            (
                "the wheel installs clean and runs",
                lambda: check_installed(clean_venv(root / "venv-wheel", wheel), _fresh(root / "w")),
            ),
            (
                "the sdist installs clean and runs",
                lambda: check_installed(clean_venv(root / "venv-sdist", sdist), _fresh(root / "s")),
            ),
            (
                "the pre-commit hook runs from a consumer repository",
                lambda: check_pre_commit_from_a_consumer(_fresh(root / "p")),
            ),
        ]
        for name, check in checks:
            try:
                check()
            except Exception as exc:  # report every check, then fail
                failed += 1
                print(f"smoke: FAILED: {name}: {exc}")
            else:
                passed += 1
                print(f"smoke: ok: {name}")
    print(f"smoke: {passed} passed, {failed} failed")
    return 1 if failed else 0


def _fresh(path: Path) -> Path:
    path.mkdir(parents=True)
    return path


if __name__ == "__main__":
    sys.exit(main())
