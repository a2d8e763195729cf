#!/usr/bin/env python3
"""Wall time of everyday `nori.py` commands, as a user starting them from a shell sees it.

    python3 bench/cli.py --runs 10

Runs in a scratch copy of the project on a scratch SQLite database (never the site's own), after
`migrate:init` there, so `migrate:upgrade` is timed with nothing pending and `check` on a site
whose schema matches its migrations. Each command runs once untimed, then `--runs` times; prints
median and fastest wall times as a markdown table beside `python3 -c pass`, the interpreter's own
start-up.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if sys.path and Path(sys.path[0] or ".").resolve() == Path(__file__).resolve().parent:
    sys.path[:1] = [str(ROOT), str(ROOT / "rootsystem" / "application")]

from core.cli.catalog import all_commands  # noqa: E402

COMMANDS = (["help"], ["routes:list"], ["migrate:upgrade"], ["check"])


def copy_project(site: Path) -> Path:
    """The code, seeders and empty migration folders, so the bench never writes into the repo."""
    site.mkdir()
    shutil.copy2(ROOT / "nori.py", site / "nori.py")
    ignore = shutil.ignore_patterns("__pycache__", "*.sqlite3*", ".env")
    for part in ("rootsystem", "seeders"):
        shutil.copytree(ROOT / part, site / part, ignore=ignore)
    for app in ("framework", "models"):
        (site / "migrations" / app).mkdir(parents=True)
    return site


def timed(argv: list[str], env: dict[str, str], cwd: Path) -> tuple[float, subprocess.CompletedProcess[str]]:
    start = time.perf_counter()
    result = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
    return time.perf_counter() - start, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    commands, _ = all_commands(str(ROOT / "rootsystem" / "application"))
    known = set(commands) | {"help"}
    with tempfile.TemporaryDirectory(prefix="nori-cli-bench-") as tmp:
        site = copy_project(Path(tmp) / "site")
        env_file = Path(tmp) / "bench.env"
        secret = "bench-secret-" * 4
        database = Path(tmp) / "bench.sqlite3"
        env_file.write_text(f"DEBUG=true\nSECRET_KEY={secret}\nDB_ENGINE=sqlite\nDB_NAME={database}\n")
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DB_", "DEBUG", "SECRET_KEY"))}
        env["NORI_ENV_FILE"] = str(env_file)
        init = timed([sys.executable, "nori.py", "migrate:init"], env, site)[1]
        if init.returncode:
            sys.exit(f"migrate:init failed in the scratch copy: {init.stderr.strip()}")
        rows = ["| command | median s | fastest s | runs | exit |", "|---|---:|---:|---:|---:|"]
        for label, argv in [("python3 -c pass", [sys.executable, "-c", "pass"])] + [
            (f"python3 nori.py {' '.join(c)}", [sys.executable, "nori.py", *c]) for c in COMMANDS
        ]:
            if argv[1] == "nori.py" and argv[2] not in known:
                rows.append(f"| `{label}` | - | - | 0 | not a command yet |")
                continue
            timed(argv, env, site)  # untimed: warms the file cache
            times = []
            for _ in range(args.runs):
                seconds, result = timed(argv, env, site)
                times.append(seconds)
            note = str(result.returncode)
            if result.returncode:
                note += f" ({(result.stderr.strip().splitlines() or ['?'])[-1][:60]})"
            rows.append(f"| `{label}` | {statistics.median(times):.3f} | {min(times):.3f} | {args.runs} | {note} |")
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}, "
          f"PYTHONDONTWRITEBYTECODE={os.environ.get('PYTHONDONTWRITEBYTECODE', '')!r}\n")
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
