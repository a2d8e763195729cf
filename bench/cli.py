"""Wall time of `python3 nori.py` commands, median of N runs, beside a bare interpreter start.

    python3 bench/cli.py                      # help, routes:list, and migrate:upgrade/check when they exist
    python3 bench/cli.py --runs 21 "routes:list" "db:seed --class user_seeder"

Each command is one argument (split on spaces). Prints a markdown table: median and best seconds,
the ratio to `python3 -c pass` (the floor any command pays) and the exit status of the last run.
"""

from __future__ import annotations

import argparse
import shlex
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "rootsystem" / "application"))

from core.cli.catalog import all_commands  # noqa: E402  (after the path set-up, like nori.py)

DEFAULTS = ("", "routes:list", "migrate:upgrade", "check")


def timed(argv: list[str], runs: int) -> tuple[list[float], int]:
    times, status = [], 0
    for _ in range(runs):
        started = time.perf_counter()
        status = subprocess.run(argv, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
        times.append(time.perf_counter() - started)
    return times, status


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("commands", nargs="*", help="commands to time (default: help, routes:list, migrate:upgrade, "
                                                    "check; those not in the catalog are skipped)")
    parser.add_argument("--runs", type=int, default=11)
    options = parser.parse_args()
    known, _ = all_commands(str(ROOT / "rootsystem" / "application"))
    wanted = options.commands or [c for c in DEFAULTS if not c or c.split()[0] in known]
    baseline, _ = timed([sys.executable, "-c", "pass"], options.runs)
    floor = statistics.median(baseline)
    print(f"{options.runs} runs each, {sys.executable} {sys.version.split()[0]}\n")
    print("| command | median s | best s | ratio to python3 -c pass | exit |")
    print("|---|---:|---:|---:|---:|")
    print(f"| `python3 -c pass` | {floor:.3f} | {min(baseline):.3f} | 1.00 | 0 |")
    for command in wanted:
        times, status = timed([sys.executable, "nori.py", *shlex.split(command)], options.runs)
        median = statistics.median(times)
        label = f"python3 nori.py {command}".strip()
        print(f"| `{label}` | {median:.3f} | {min(times):.3f} | {median / floor:.2f} | {status} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
