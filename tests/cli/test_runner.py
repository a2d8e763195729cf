"""The runner as a user meets it: `python3 nori.py`, help, typos, errors, site commands."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from core.cli.catalog import ALIASES, FRAMEWORK_COMMANDS, all_commands, site_commands
from tests.support.site_copy import ROOT, copy_site, nori


def run_root(*args: str) -> subprocess.CompletedProcess[str]:
    """Read-only commands can run against the project itself."""
    return subprocess.run([sys.executable, "nori.py", *args], cwd=ROOT, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("form", [(), ("help",), ("--help",), ("-h",)])
def test_help_lists_every_command_grouped_by_prefix(form: tuple[str, ...]) -> None:
    result = run_root(*form)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    for command in FRAMEWORK_COMMANDS:
        assert sum(1 for line in lines if line.split()[:1] == [command.name]) == 1, command.name
    assert "make:" in lines and "db:" in lines and "routes:" in lines
    make_header = lines.index("make:")
    assert lines[make_header + 1].split()[0].startswith("make:")


def test_unknown_command_suggests_the_closest_and_exits_2() -> None:
    result = run_root("mak:model")
    assert result.returncode == 2
    assert result.stderr.strip() == "Unknown command 'mak:model'. Did you mean 'make:model'?"
    far = run_root("frobnicate")
    assert far.returncode == 2 and "Run 'python3 nori.py' to list the commands." in far.stderr


def test_help_lists_every_alias_beside_its_command() -> None:
    listing = run_root().stdout.splitlines()
    aliases = listing[listing.index("Aliases (the Django and Laravel names run ours):") + 1:]
    for alias, target in ALIASES:
        assert any(line.endswith(f" → {target}") and alias in line.split(" → ")[0].strip().split(", ")
                   for line in aliases), alias


@pytest.mark.parametrize(("alias", "target"), [("makemigrations", "migrate:make"), ("make:migration", "migrate:make"),
                                                ("migrate", "migrate:upgrade"), ("db:migrate", "migrate:upgrade"),
                                                ("tinker", "shell"), ("route:list", "routes:list")])
def test_django_and_laravel_names_run_our_command(alias: str, target: str) -> None:
    result = run_root(alias, "--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout == run_root(target, "--help").stdout


def test_an_alias_runs_its_command() -> None:
    routes = run_root("route:list")
    assert routes.returncode == 0, routes.stderr
    assert routes.stdout == run_root("routes:list").stdout and "/login" in routes.stdout


def test_a_near_alias_suggests_the_command_it_stands_for() -> None:
    result = run_root("makemigration")
    assert result.returncode == 2
    assert result.stderr.strip() == "Unknown command 'makemigration'. Did you mean 'migrate:make'?"


@pytest.mark.parametrize("name", [command.name for command in FRAMEWORK_COMMANDS])
def test_every_command_has_help(name: str) -> None:
    result = run_root(name, "--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"usage: python3 nori.py {name}")
    assert run_root("help", name).stdout == result.stdout


def test_bad_option_is_one_line_on_stderr() -> None:
    result = run_root("serve", "--port", "eighty")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "python3 nori.py serve: argument --port: invalid int value: 'eighty' (see --help)"
    ]


SITE_COMMAND = '''"""Greets someone: a site command used by the tests."""

COMMAND = "hello:greet"
SUMMARY = "Say hello to someone"


def configure(parser):
    parser.add_argument("who")
    parser.add_argument("--shout", action="store_true")


async def run(args):
    text = f"Hello, {args.who}!"
    print(text.upper() if args.shout else text)
    return 0
'''

FAILING_COMMAND = '''"""Breaks on purpose."""

def run(args):
    raise RuntimeError("kaput at line one\\nsecond line")
'''

USER_ERROR_COMMAND = '''"""Refuses politely."""
from core.cli.errors import CommandError

def run(args):
    raise CommandError("the widget is not configured: set WIDGET_URL in .env", exit_code=3)
'''

NOT_IMPORTED_FOR_HELP = '''"""Imported only when run."""
raise SystemExit("this module was imported")
'''


def test_site_commands_are_listed_without_import_and_run(tmp_path: Path) -> None:
    site = copy_site(tmp_path)
    commands = site / "rootsystem" / "application" / "commands"
    (commands / "greet.py").write_text(SITE_COMMAND)
    (commands / "explode.py").write_text(FAILING_COMMAND)
    (commands / "lazy.py").write_text(NOT_IMPORTED_FOR_HELP)
    listing = nori(site)
    assert listing.returncode == 0, listing.stderr
    assert "hello:" in listing.stdout.splitlines()
    assert any(line.split()[:1] == ["hello:greet"] and "Say hello to someone" in line
               for line in listing.stdout.splitlines())
    lines = listing.stdout.splitlines()
    assert any(line.split()[:1] == ["lazy"] and "Imported only when run." in line for line in lines)
    greeted = nori(site, "hello:greet", "Ada", "--shout")
    assert (greeted.returncode, greeted.stdout) == (0, "HELLO, ADA!\n")
    assert "--shout" in nori(site, "hello:greet", "--help").stdout
    assert nori(site, "lazy").stderr.strip() == "this module was imported"


def test_failures_are_one_line_unless_verbose(tmp_path: Path) -> None:
    site = copy_site(tmp_path)
    commands = site / "rootsystem" / "application" / "commands"
    (commands / "explode.py").write_text(FAILING_COMMAND)
    (commands / "refuse.py").write_text(USER_ERROR_COMMAND)
    failed = nori(site, "explode")
    assert failed.returncode == 1
    assert failed.stderr.strip().splitlines()[-1] == (
        "explode: RuntimeError: kaput at line one (run with --verbose for the traceback)")
    assert "Traceback" not in failed.stderr
    verbose = nori(site, "explode", "--verbose")
    assert verbose.returncode == 1 and "Traceback (most recent call last)" in verbose.stderr
    refused = nori(site, "refuse")
    assert refused.returncode == 3
    assert refused.stderr.strip().splitlines()[-1] == "refuse: the widget is not configured: set WIDGET_URL in .env"


def test_a_bad_setting_is_reported_as_one_line(tmp_path: Path) -> None:
    site = copy_site(tmp_path)
    result = nori(site, "routes:list", settings={"DB_ENGINE": "oracle"})
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "routes:list: DB_ENGINE='oracle' is not allowed: use one of sqlite, mysql, postgres")


def test_site_command_cannot_shadow_a_framework_command(tmp_path: Path) -> None:
    (tmp_path / "commands").mkdir()
    (tmp_path / "commands" / "serve_again.py").write_text('COMMAND = "serve"\nSUMMARY = "mine"\n')
    commands, warnings = all_commands(str(tmp_path))
    assert commands["serve"].module == "core.cli.serve"
    assert len(warnings) == 1 and "'serve' is already taken by core.cli.serve" in warnings[0]


def test_site_command_cannot_shadow_an_alias(tmp_path: Path) -> None:
    (tmp_path / "commands").mkdir()
    (tmp_path / "commands" / "migrate.py").write_text('"""Mine."""\n')
    commands, warnings = all_commands(str(tmp_path))
    assert commands["migrate"].module == "core.cli.migrate_upgrade"
    assert len(warnings) == 1 and "'migrate' is already taken by core.cli.migrate_upgrade" in warnings[0]


def test_declaration_defaults_to_file_name_and_docstring(tmp_path: Path) -> None:
    (tmp_path / "report.py").write_text('"""Mail the daily report."""\n\nimport heavy_thing\n')
    (tmp_path / "_private.py").write_text('COMMAND = "hidden"\n')
    [command] = site_commands(str(tmp_path))
    assert (command.name, command.summary, command.module) == ("report", "Mail the daily report.", "commands.report")


def test_help_imports_no_heavy_module() -> None:
    """The listing must not pay for what commands use: no ORM, web stack, server, argparse or asyncio."""
    result = subprocess.run([sys.executable, "-X", "importtime", "nori.py"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0
    imported = {line.split("|")[-1].strip() for line in result.stderr.splitlines() if line.startswith("import time:")}
    assert "core.cli.catalog" in imported
    heavy = {"tortoise", "starlette", "uvicorn", "jinja2", "argparse", "asyncio", "settings", "core.cli.serve"}
    assert heavy & imported == set()
