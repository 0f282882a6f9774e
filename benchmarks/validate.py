"""Benchmark: `reconcile validate` against `check-jsonschema` on generated policy files.

Both run as whole processes, as a pre-commit hook would run them. Prints, each beside the bound
it is held to: the ratio of the two times (at most 0.5x, while checking more than the schema),
validate's peak memory (under 100 MiB, flat in the number of files), one file from cold (under
0.3 s), and `reconcile --help` (under 250 ms). Asserts nothing.

    .venv/bin/python benchmarks/validate.py [--files 5000] [--runs 3]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
TEMPLATE = (REPO / "policies" / "delivery.yaml").read_text("utf-8")


def generate(directory: Path, count: int) -> None:
    for i in range(count):
        text = TEMPLATE.replace("name: Delivery", f"name: Team {i:04d}")
        text = text.replace("example.com", f"team{i:04d}.example.com")
        text = text.replace("handle: delivery-support", f"handle: team-{i:04d}-support")
        (directory / f"team-{i:04d}.yaml").write_text(text, "utf-8")


def timed(command: list[str], runs: int) -> tuple[float, int]:
    samples, code = [], 0
    subprocess.run(command, capture_output=True)  # warm the file cache
    for _ in range(runs):
        start = time.perf_counter()
        code = subprocess.run(command, capture_output=True).returncode
        samples.append(time.perf_counter() - start)
    return statistics.median(samples), code


def peak_mib(command: list[str]) -> float:
    """The peak resident memory of `command`, measured in a process of its own."""
    probe = (
        "import resource, subprocess, sys; "
        "subprocess.run(sys.argv[1:], capture_output=True); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    out = subprocess.run([sys.executable, "-c", probe, *command], capture_output=True, text=True)
    return int(out.stdout.strip() or 0) / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        generate(directory, args.files)
        files = sorted(str(p) for p in directory.glob("*.yaml"))
        ours, our_code = timed([str(BIN / "reconcile"), "validate", str(directory)], args.runs)
        peer_cmd = shutil.which("check-jsonschema", path=str(BIN)) or "check-jsonschema"
        schema = str(REPO / "schemas" / "policy.schema.json")
        peer, peer_code = timed([peer_cmd, "--schemafile", schema, *files], args.runs)
        help_time, _ = timed([str(BIN / "reconcile"), "--help"], args.runs * 2)
        memory = peak_mib([str(BIN / "reconcile"), "validate", str(directory)])
        one = timed([str(BIN / "reconcile"), "validate", files[0]], args.runs)[0]
    print(f"files:                       {args.files}")
    print(f"reconcile validate:          {ours * 1000:7.0f} ms  (exit {our_code})")
    print(f"check-jsonschema:            {peer * 1000:7.0f} ms  (exit {peer_code})")
    print(f"ratio reconcile/peer:        {ours / peer:7.2f}x  (bound <= 0.5x)")
    print(f"validate peak memory:        {memory:7.0f} MiB (bound < 100 MiB)")
    print(f"validate one file:           {one * 1000:7.0f} ms  (bound < 300 ms)")
    print(f"reconcile --help:            {help_time * 1000:7.0f} ms  (goal < 250 ms)")
    print("median of", args.runs, "runs each; reconcile also checks meaning, not only structure")


if __name__ == "__main__":
    main()
