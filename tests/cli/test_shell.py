"""`shell`: top-level await with the models loaded, piped and interactive."""

from __future__ import annotations

import os
import pty
import select
import sys
import time
from pathlib import Path

import pytest

from tests.support.server import site_environment
from tests.support.site_copy import ROOT, copy_site, database_environment, fresh_database, nori

SCRIPT = """print(await User.all().count())
ada = await User.create(slug="ada", name="Ada", email="ada@example.com", password_hash="!")
for user in await User.filter(slug="ada"):
    print("found", user.name)

print(sorted(name for name in ("User", "Role", "Permission", "AuditLog") if name in globals()))
"""


def test_piped_shell_runs_awaits_against_the_models(nori_engine: str, tmp_path: Path) -> None:
    db = fresh_database(nori_engine, "_shell", tmp_path)
    site = copy_site(tmp_path)
    result = nori(site, "shell", settings=database_environment(db), stdin=SCRIPT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["0", "found Ada", "['AuditLog', 'Permission', 'Role', 'User']"]
    banner = [line for line in result.stderr.splitlines() if "Models: " in line]  # kept out of piped output
    assert banner and {"AuditLog", "Permission", "Role", "Session", "User"} <= set(
        banner[0].split("Models: ")[1].split(", "))
    again = nori(site, "shell", settings=database_environment(db), stdin="print(await User.all().count())\n")
    assert again.stdout == "1\n"


BLOCK_THEN_STATEMENT = """for n in range(2):
    print("in the loop", n)
print("after the loop")
await User.all().count()
41 + 1
"""


def test_piped_shell_runs_its_input_as_one_script(tmp_path: Path) -> None:
    """A block followed by a statement is one script, and expression values are not echoed."""
    db = fresh_database("sqlite", "_shell", tmp_path)
    result = nori(copy_site(tmp_path), "shell", settings=database_environment(db), stdin=BLOCK_THEN_STATEMENT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["in the loop 0", "in the loop 1", "after the loop"]
    assert "Error" not in result.stderr


def test_piped_shell_stops_at_the_first_error_and_exits_1(tmp_path: Path) -> None:
    db = fresh_database("sqlite", "_shell", tmp_path)
    result = nori(copy_site(tmp_path), "shell", settings=database_environment(db),
                  stdin="print('before')\nawait User.get(slug='nobody')\nprint('never runs')\n")
    assert result.returncode == 1
    assert result.stdout == "before\n"
    traceback = result.stderr[result.stderr.index("Traceback (most recent call last):"):]
    assert traceback.splitlines()[1:3] == ['  File "<stdin>", line 2, in <module>', "    await User.get(slug='nobody')"]
    assert "DoesNotExist" in traceback.splitlines()[-1]
    assert "core/cli/shell.py" not in traceback


def test_piped_shell_with_a_syntax_error_runs_nothing(tmp_path: Path) -> None:
    db = fresh_database("sqlite", "_shell", tmp_path)
    result = nori(copy_site(tmp_path), "shell", settings=database_environment(db),
                  stdin="print('first')\nif True:\nprint('unindented')\n")
    assert result.returncode == 1
    assert result.stdout == ""
    assert '  File "<stdin>", line 3' in result.stderr and "IndentationError" in result.stderr


def talk(command: list[str], cwd: Path, env: dict[str, str], lines: list[bytes], wait: float = 30) -> str:
    """Drive an interactive program through a pseudo-terminal; returns everything it printed."""
    pid, fd = pty.fork()
    if pid == 0:  # pragma: no cover - the child
        os.chdir(cwd)
        os.execve(command[0], command, env)
    output = b""
    pending = list(lines)
    deadline = time.monotonic() + wait
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.2)
            if ready:
                try:
                    output += os.read(fd, 65536)
                except OSError:
                    break
            elif pending and (b"In [" in output or b">>> " in output):
                os.write(fd, pending.pop(0))
                time.sleep(0.5)
    finally:
        os.close(fd)
        os.waitpid(pid, 0)
    return output.decode(errors="replace")


@pytest.mark.parametrize("variant", ["ipython", "plain"])
def test_interactive_shell_awaits_on_a_terminal(variant: str, tmp_path: Path) -> None:
    if variant == "ipython":
        pytest.importorskip("IPython")
    db = fresh_database("sqlite", "_shell", tmp_path)
    env = site_environment({"DEBUG": "true", "SECRET_KEY": "s" * 40, **database_environment(db)}, tmp_path)
    env["TERM"] = "dumb"
    extra = ["--plain"] if variant == "plain" else []
    output = talk([sys.executable, "nori.py", "shell", *extra], ROOT, env,
                  [b"print('count=%d' % await User.all().count())\n", b"exit()\n"])
    banner = [line for line in output.splitlines() if "Models: " in line]
    assert banner and {"AuditLog", "Permission", "RecoveryCode", "Role", "Session", "User"} <= set(
        banner[0].split("Models: ")[1].strip().split(", "))
    assert "count=0" in output
    assert ("In [" in output) == (variant == "ipython")


def test_shell_fails_in_one_line_when_the_database_is_unreachable(tmp_path: Path) -> None:
    settings = {"DB_ENGINE": "postgres", "DB_HOST": "127.0.0.1", "DB_PORT": "1", "DB_NAME": "nowhere"}
    result = nori(copy_site(tmp_path), "shell", settings=settings, stdin="print(1)\n")
    assert result.returncode == 1
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("shell: cannot reach the database (postgres postgres@127.0.0.1:1/nowhere): ")
