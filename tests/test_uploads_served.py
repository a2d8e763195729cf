"""A large upload to the site under uvicorn: the server's memory stays flat while it streams to disk.

A memory bound, not a timing: 100 MB through the CSRF check, `@uploads` and `storage().put`
must grow the server's RSS by less than 20 MB (bench/uploads.py measures about 2 MB for 200 MB).
"""

from __future__ import annotations

from pathlib import Path

import psutil

from tests.support.big_upload import upload
from tests.support.server import ROOT, served_process

MB = 2**20


def test_a_100_mb_upload_grows_the_server_by_less_than_20_mb(tmp_path: Path) -> None:
    settings = {
        "DB_ENGINE": "sqlite", "DB_NAME": str(tmp_path / "site.sqlite3"), "DEBUG": "false", "SECRET_KEY": "u" * 48,
        "PYTHONPATH": str(ROOT), "STORAGE_URL": (tmp_path / "files").as_uri(),
        "UPLOAD_MAX_SIZE": str(101 * MB), "UPLOAD_MAX_FILES": "1",
    }
    with served_process(settings, tmp_path, app="tests.support.uploads_site:app") as (process, base):
        server = psutil.Process(process.pid)
        upload(base, server, 1)  # warm: the first request imports and allocates what every later one reuses
        answer, before, peak = upload(base, server, 100)
        assert answer.status_code == 200, answer.text
        (stored,) = answer.json()["stored"]
        assert (tmp_path / "files" / stored).stat().st_size == 100 * MB
        too_big, _, _ = upload(base, server, 102)
        assert too_big.status_code == 413 and "larger than the limit of 101 MB" in too_big.json()["error"]
    assert peak - before < 20 * MB, f"RSS grew {(peak - before) / MB:.1f} MB"
