"""A named env file that is missing, unreadable or unparsable stops every command with one line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.conf import Env, SettingError

ROOT = Path(__file__).resolve().parents[2]


def nori(args: list[str], env_file: Path) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("DB_", "DEBUG", "SECRET_KEY"))}
    environ["NORI_ENV_FILE"] = str(env_file)
    return subprocess.run([sys.executable, "nori.py", *args], cwd=ROOT, env=environ, capture_output=True,
                          text=True, timeout=60)


@pytest.mark.parametrize("command", [["serve", "--no-reload"], ["check"], ["migrate:status"]])
def test_a_missing_named_env_file_stops_the_command(command: list[str], tmp_path: Path) -> None:
    default_db = ROOT / "db.sqlite3"
    existed = default_db.exists()
    result = nori(command, tmp_path / "typo.env")
    assert result.returncode == 1
    # check reports on stdout, as it does for every finding; the other commands say one line on stderr
    lines = (result.stdout if command == ["check"] else result.stderr).strip().splitlines()
    assert len(lines) == 1 and f"{tmp_path / 'typo.env'} cannot be read" in lines[0], result.stderr
    assert default_db.exists() == existed, "no development database is created"


def test_an_unreadable_env_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SettingError, match="cannot be read"):
        Env(tmp_path, {}, required=True)  # a folder: exists, but is no file to read


def test_an_unparsable_line_names_the_file_and_line(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("DEBUG=false\nSECRET_KEY=x\nthis is not a setting\n")
    with pytest.raises(SettingError, match=rf"{env_file}:3: cannot parse 'this is not a setting'"):
        Env(env_file, {})
    result = nori(["check"], env_file)
    assert result.returncode == 1 and f"{env_file}:3" in result.stdout


def test_without_a_named_file_a_missing_env_is_no_error(tmp_path: Path) -> None:
    assert Env(tmp_path / ".env", {"A": "1"}).str("A") == "1"
