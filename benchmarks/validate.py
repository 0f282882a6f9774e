"""Benchmark: `reconcile validate` against `check-jsonschema` on 500 generated policy files.

Both run as whole processes, as a pre-commit hook would run them; the figure that matters is the
ratio (goal: at most 1.0x while checking more) and the absolute time (goal: under 1 s). Also times
`reconcile --help` (goal: under 250 ms). Prints its figures; asserts nothing.

    .venv/bin/python benchmarks/validate.py [--files 500] [--runs 5]
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=500)
    parser.add_argument("--runs", type=int, default=5)
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
    print(f"files:                       {args.files}")
    print(f"reconcile validate:          {ours * 1000:7.0f} ms  (exit {our_code})")
    print(f"check-jsonschema:            {peer * 1000:7.0f} ms  (exit {peer_code})")
    print(f"ratio reconcile/peer:        {ours / peer:7.2f}x  (goal <= 1.0x)")
    print(f"reconcile --help:            {help_time * 1000:7.0f} ms  (goal < 250 ms)")
    print("median of", args.runs, "runs each; reconcile also checks meaning, not only structure")


if __name__ == "__main__":
    main()
