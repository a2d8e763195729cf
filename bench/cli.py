#!/usr/bin/env python3
"""Wall time of `nori.py` commands, as a user starting them from a shell sees it, beside `import tortoise, starlette`.

    python3 bench/cli.py --runs 10               # the project compiled at each start, as this machine does
    python3 bench/cli.py --runs 10 --compiled    # byte-compiled first, as the Docker image ships it

Runs in a scratch copy of the project on a scratch SQLite database (never the site's own), after
`migrate:init` there, so `migrate:upgrade` is timed with nothing pending and `check` on a site
whose schema matches its migrations. Whole processes, paired: each round starts
`python3 -c "import tortoise, starlette"` and then the command, so both see the same machine
load. Prints each command's median wall time, the reference's median over the same rounds, the
median of the rounds' ratios (command / reference, each round its own pair), the same ratio in
CPU time (user + system, steadier than wall time on a busy machine) and the goal: 1.2 times the
reference for a command that leaves the database alone, 1.5 for one that reads it (`check`,
`migrate:status`, `migrate:upgrade` with nothing to do), judged on the wall-time ratio.

The scratch copy keeps its `__pycache__` folders only with `--compiled` (`compileall`, as the
image's build does); otherwise the interpreter's own PYTHONDONTWRITEBYTECODE applies, which on
machines that set it means the project's modules are compiled from source at every start.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if sys.path and Path(sys.path[0] or ".").resolve() == Path(__file__).resolve().parent:
    sys.path[:1] = [str(ROOT), str(ROOT / "rootsystem" / "application")]

from core.cli.catalog import all_commands  # noqa: E402

REFERENCE = [sys.executable, "-c", "import tortoise, starlette"]
NO_DATABASE, READS_DATABASE = 1.2, 1.5

# (arguments, goal); `{n}` becomes the run's number, so each `make:*` run writes a new file. The
# generators come last: a new model would make `check` see models without their migration.
COMMANDS: tuple[tuple[tuple[str, ...], float], ...] = (
    (("help",), NO_DATABASE),
    (("help", "routes:list"), NO_DATABASE),
    (("routes:list",), NO_DATABASE),
    (("openapi:export",), NO_DATABASE),
    (("schedule:list",), NO_DATABASE),
    (("key:generate", "--force"), NO_DATABASE),
    (("check",), READS_DATABASE),
    (("migrate:status",), READS_DATABASE),
    (("migrate:upgrade",), READS_DATABASE),
    (("make:controller", "Bench{n}"), NO_DATABASE),
    (("make:job", "BenchJob{n}"), NO_DATABASE),
    (("make:seeder", "Bench{n}"), NO_DATABASE),
    (("make:model", "BenchModel{n}"), NO_DATABASE),
)


def copy_project(site: Path) -> Path:
    """The code, seeders and empty migration folders, so the bench never writes into the repo."""
    site.mkdir()
    shutil.copy2(ROOT / "nori.py", site / "nori.py")
    shutil.copy2(ROOT / ".env.example", site / ".env.example")
    ignore = shutil.ignore_patterns("__pycache__", "*.sqlite3*", ".env")
    for part in ("rootsystem", "seeders"):
        shutil.copytree(ROOT / part, site / part, ignore=ignore)
    for app in ("framework", "models"):
        (site / "migrations" / app).mkdir(parents=True)
    return site


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(argv: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float, subprocess.CompletedProcess[str]]:
    """(wall seconds, CPU seconds, result) of one whole process."""
    cpu, start = children_cpu(), time.perf_counter()
    result = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
    return time.perf_counter() - start, children_cpu() - cpu, result


class Rounds:
    """Paired timings: `reference[i]` ran just before `command[i]`, for wall and CPU time alike."""

    def __init__(self) -> None:
        self.reference: list[tuple[float, float]] = []
        self.command: list[tuple[float, float]] = []

    def median(self, which: str, part: int) -> float:
        return statistics.median(pair[part] for pair in getattr(self, which))

    def ratio(self, part: int) -> float:
        return statistics.median(c[part] / r[part] for c, r in zip(self.command, self.reference, strict=True))


def paired(command: Callable[[int], list[str]], runs: int, env: dict[str, str],
           cwd: Path) -> tuple[Rounds, subprocess.CompletedProcess[str]]:
    """`runs` rounds of (reference, command), after one untimed round that warms the file cache."""
    timed(REFERENCE, env, cwd)
    result = timed(command(0), env, cwd)[2]
    rounds = Rounds()
    for n in range(1, runs + 1):
        rounds.reference.append(timed(REFERENCE, env, cwd)[:2])
        wall, cpu, result = timed(command(n), env, cwd)
        rounds.command.append((wall, cpu))
    return rounds, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--compiled", action="store_true",
                        help="byte-compile the scratch copy first (python -m compileall), as the Docker image does")
    parser.add_argument("--only", action="append", default=[], metavar="COMMAND", help="time only this command")
    args = parser.parse_args()
    commands, _ = all_commands(str(ROOT / "rootsystem" / "application"))
    known = set(commands) | {"help"}
    with tempfile.TemporaryDirectory(prefix="nori-cli-bench-") as tmp:
        site = copy_project(Path(tmp) / "site")
        env_file = site / ".env"
        secret = "bench-secret-" * 4
        database = Path(tmp) / "bench.sqlite3"
        env_file.write_text(f"DEBUG=true\nSECRET_KEY={secret}\nDB_ENGINE=sqlite\nDB_NAME={database}\n")
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("DB_", "DEBUG", "SECRET_KEY", "CACHE_", "NORI_ENV_FILE"))}
        init = timed([sys.executable, "nori.py", "migrate:init"], env, site)[2]
        if init.returncode:
            sys.exit(f"migrate:init failed in the scratch copy: {init.stderr.strip()}")
        if args.compiled:
            subprocess.run([sys.executable, "-m", "compileall", "-q", str(site)], check=True, capture_output=True)
        rows = ["| command | median s | reference s | ratio | CPU ratio | goal | |",
                "|---|---:|---:|---:|---:|---:|---|"]
        for words, goal in COMMANDS:
            if args.only and words[0] not in args.only:
                continue
            shown = () if words == ("help",) else words
            label = " ".join(("python3 nori.py", *shown)).replace("{n}", "N")
            if words[0] not in known:
                rows.append(f"| `{label}` | - | - | - | - | {goal} | not a command yet |")
                continue

            def argv(n: int, words: tuple[str, ...] = words) -> list[str]:
                return [sys.executable, "nori.py", *(word.replace("{n}", str(n)) for word in words)]

            rounds, result = paired(argv, args.runs, env, site)
            ratio = rounds.ratio(0)
            verdict = "ok" if ratio <= goal else "MISSED"
            if result.returncode:
                verdict += f" (exit {result.returncode}: {(result.stderr.strip().splitlines() or ['?'])[-1][:60]})"
            rows.append(f"| `{label}` | {rounds.median('command', 0):.3f} | {rounds.median('reference', 0):.3f} | "
                        f"{ratio:.2f} | {rounds.ratio(1):.2f} | {goal} | {verdict} |")
            print(rows[-1], file=sys.stderr, flush=True)
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}, "
          f"PYTHONDONTWRITEBYTECODE={os.environ.get('PYTHONDONTWRITEBYTECODE', '')!r}, "
          f"{'byte-compiled first' if args.compiled else 'no compile step'}, {args.runs} paired runs; "
          f"reference: python3 -c \"import tortoise, starlette\"\n")
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
