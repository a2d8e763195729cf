"""audit:purge deletes rows older than --days in batches, counts with --dry-run."""

from __future__ import annotations

import argparse
import datetime
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import settings
from core.cli.audit import configure, purge, run
from core.models import AuditLog

ROOT = Path(__file__).resolve().parents[1]


async def seed(days_ago: list[int]) -> None:
    now = datetime.datetime.now(datetime.UTC)
    await AuditLog.bulk_create(
        [AuditLog(action=f"age-{days}", created_at=now - datetime.timedelta(days=days, minutes=1)) for days in days_ago]
    )


async def test_purge_deletes_only_older_rows_in_batches(db: str) -> None:
    await seed([1, 10, 89, 91, 200, 365, 400])
    assert await purge(90, batch_size=2) == 4
    assert sorted(await AuditLog.all().values_list("action", flat=True)) == ["age-1", "age-10", "age-89"]


async def test_dry_run_deletes_nothing(db: str) -> None:
    await seed([5, 100, 120])
    assert await purge(90, dry_run=True) == 2
    assert await AuditLog.all().count() == 3


def options(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    configure(parser)
    return parser.parse_args(argv)


async def test_command_prints_the_count(db: str, nori_db_config: dict[str, Any], monkeypatch: Any,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    await seed([1, 30, 40])
    monkeypatch.setattr(settings, "TORTOISE_ORM", nori_db_config)
    assert await run(options("--days", "20", "--dry-run")) == 0
    assert capsys.readouterr().out.strip() == "Would delete 2 audit rows older than 20 days (dry run, nothing deleted)."
    assert await run(options("--days", "20")) == 0
    assert capsys.readouterr().out.strip() == "Deleted 2 audit rows older than 20 days."
    assert await AuditLog.all().values_list("action", flat=True) == ["age-1"]
    assert await run(options()) == 0
    assert capsys.readouterr().out.strip() == "Deleted 0 audit rows older than 90 days."


def purge_command(tmp_path: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "empty.env").write_text("")
    environ = {**os.environ, "NORI_ENV_FILE": str(tmp_path / "empty.env"), "SECRET_KEY": "s" * 40}
    return subprocess.run([sys.executable, "nori.py", "audit:purge", *argv], cwd=ROOT,
                          capture_output=True, text=True, env=environ, timeout=60)


def test_negative_days_is_one_line_error(tmp_path: Path) -> None:
    result = purge_command(tmp_path, "--days", "-3")
    assert result.returncode != 0
    assert result.stderr.strip().count("\n") == 0 and "--days cannot be negative" in result.stderr


def test_days_beyond_the_calendar_is_one_line_error(tmp_path: Path) -> None:
    result = purge_command(tmp_path, "--days", "999999999999")
    assert result.returncode == 1
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("audit:purge: --days 999999999999 goes back before the year 1: use at most 7")
    assert "Error" not in line
