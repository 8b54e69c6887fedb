"""Fuzzing at a larger budget: how many hostile inputs each entry point survives.

Run: ``.venv/bin/python bench/fuzz_counts.py [--scale N]``. Not part of the test
run. Runs the Hypothesis fuzz tests (interaction import: parser, service,
upload pages; scorecard loader: pure and pages) with every example budget
multiplied by N (default 5; the test run uses 1) and prints the tally of inputs
tried per entry point. Target: every entry point survives every input (no
unhandled exception, no 500, no partial write).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TESTS = [
    "tests/scorecards/test_fuzz_load.py",
    "tests/qa_app/interactions/test_fuzz_parsing.py",
    "tests/qa_app/interactions/test_fuzz_import.py",
    "tests/qa_app/scorecards/test_fuzz_upload.py",
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=5.0, help="example budget multiplier")
    args = parser.parse_args()
    env = os.environ | {"QA_FUZZ_SCALE": str(args.scale), "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *TESTS]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    lines = result.stdout.splitlines()
    start = next((i for i, line in enumerate(lines) if "hostile inputs tried" in line), None)
    if start is not None:
        print(f"Fuzzing at {args.scale:g} x the test budget:")
        print("\n".join(lines[start:]))
    else:
        print(result.stdout[-3000:])
    print("target: every input handled (no exception, no 500, no partial write):",
          "met" if result.returncode == 0 else "NOT MET")  # fmt: skip
    return result.returncode


if __name__ == "__main__":
    raise SystemExit(main())
