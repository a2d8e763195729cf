"""How much memory does a large upload cost the server? Posts 200 MB to a served site and reads its RSS.

Serves the site plus upload routes (tests/support/uploads_site.py) with uvicorn on loopback and
streams one multipart body per round to `/upload/store` (`@uploads`, then `storage().put` into a
temporary folder), the CSRF field first as a form sends it. A thread samples the server's RSS
every 10 ms; the script prints the RSS before the upload, the peak during it, and the growth.
Target: growth under 20 MB for a 200 MB file (the body is streamed to a temporary file, never
held in memory). The first round also pays for warming the process up, so rounds are repeated.

    python3 bench/uploads.py --megabytes 200 --rounds 3
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# `python3 bench/uploads.py` puts bench/ first on sys.path, where bench/http.py would shadow the
# standard library's `http` package (httpx needs it): put the project's folders there instead.
sys.path[:1] = [str(ROOT), str(ROOT / "rootsystem" / "application")]

import psutil  # noqa: E402

from tests.support.big_upload import upload  # noqa: E402
from tests.support.server import served_process  # noqa: E402

TARGET_MB = 20
MB = 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        settings = {
            "DB_ENGINE": "sqlite", "DB_NAME": str(folder / "bench.sqlite3"), "DEBUG": "false",
            "SECRET_KEY": "b" * 48, "PYTHONPATH": str(ROOT), "STORAGE_URL": (folder / "files").as_uri(),
            "UPLOAD_MAX_SIZE": str((args.megabytes + 1) * MB), "UPLOAD_MAX_FILES": "1",
        }
        with served_process(settings, folder, app="tests.support.uploads_site:app") as (process, base):
            server = psutil.Process(process.pid)
            print(f"{args.megabytes} MB per upload, {args.rounds} rounds; RSS of the uvicorn process in MB")
            growths = []
            for number in range(1, args.rounds + 1):
                started = time.perf_counter()
                answer, before, peak = upload(base, server, args.megabytes)
                elapsed = time.perf_counter() - started
                if answer.status_code != 200:
                    raise SystemExit(f"upload answered {answer.status_code}: {answer.text[:200]}")
                growths.append((peak - before) / MB)
                print(f"round {number}: before {before / MB:.1f}  peak {peak / MB:.1f}  growth {growths[-1]:.1f}  "
                      f"({args.megabytes / elapsed:.0f} MB/s)")
                for stored in (folder / "files" / "uploads").iterdir():
                    stored.unlink()
    worst = max(growths)
    print(f"worst growth {worst:.1f} MB = {worst / args.megabytes:.3f} of the upload; "
          f"target < {TARGET_MB} MB: {'met' if worst < TARGET_MB else 'NOT met'}")


if __name__ == "__main__":
    main()
