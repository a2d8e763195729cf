"""The list of commands: name, one-line summary and the module that implements it.

Kept as plain data (no dataclasses, no typing) so printing the help imports nothing but this
file: on machines that compile every module from source, each import shows in `nori.py`'s time.

Site commands live in `rootsystem/application/commands/`. Each module declares itself with two
string constants the listing reads from the source text, without importing the module:

    COMMAND = "report:daily"
    SUMMARY = "Mail yesterday's sales report"

`COMMAND` defaults to the file name and `SUMMARY` to the first line of the module docstring.
"""

from __future__ import annotations

import os
import re


class Command:
    """One runnable command; `module` is imported only when the command runs."""

    __slots__ = ("module", "name", "origin", "summary")

    def __init__(self, name: str, summary: str, module: str, origin: str = "framework") -> None:
        self.name = name
        self.summary = summary
        self.module = module
        self.origin = origin

    def __repr__(self) -> str:
        return f"Command({self.name!r}, {self.module!r})"


FRAMEWORK_COMMANDS = (
    Command("serve", "Run the development server (uvicorn); reloads on changes when DEBUG is on", "core.cli.serve"),
    Command("shell", "Async Python shell with the ORM open and every registered model loaded", "core.cli.shell"),
    Command("routes:list", "List the site's routes: path, methods and name", "core.cli.routes"),
    Command("openapi:export", "Print the OpenAPI 3.1 description of the site's routes (JSON, stdout)",
            "core.cli.openapi_export"),
    Command("make:model", "Create a model in models/ and register it in models/__init__.py", "core.cli.make_model"),
    Command("make:seeder", "Create a seeder in seeders/ and add it to SEEDERS", "core.cli.make_seeder"),
    Command("make:job", "Create a background job in jobs/ (found by the worker, no wiring)", "core.cli.make_job"),
    Command("make:controller", "Create a controller in modules/", "core.cli.make_controller"),
    Command("make:admin-user", "Create a user with the admin role (admin.*): make:admin-user EMAIL [--password-stdin]",
            "core.cli.make_admin_user"),
    Command("db:seed", "Run the seeders listed in seeders/database_seeder.py", "core.cli.seed"),
    Command("audit:purge", "Delete audit log rows older than --days (default 90)", "core.cli.audit"),
    Command("acl:sync", "Create the permissions and roles the site declares in acl.py", "core.cli.acl"),
    Command("tokens:create", "Create a personal access token: tokens:create USER --name N --scope S (printed once)",
            "core.cli.tokens_create"),
    Command("tokens:revoke", "Revoke a personal access token by its id", "core.cli.tokens_revoke"),
    Command("migrate:init", "Create and apply the initial migrations of both apps", "core.cli.migrate_init"),
    Command("migrate:make", "Write migrations for changed models: migrate:make 'add posts' (--check: CI gate)",
            "core.cli.migrate_make"),
    Command("migrate:upgrade", "Apply pending migrations (framework first; --to FILE stops after FILE)",
            "core.cli.migrate_upgrade"),
    Command("migrate:downgrade", "Revert the N most recent migrations (--steps N, default 1) or those after --to FILE",
            "core.cli.migrate_downgrade"),
    Command("migrate:sql", "Print the SQL of pending migrations (or of one FILE) on this engine; runs nothing",
            "core.cli.migrate_sql"),
    Command("migrate:status", "List applied and pending migrations per app", "core.cli.migrate_status"),
    Command("migrate:squash", "Fold an app's migrations up to a file into one: migrate:squash --to FILE",
            "core.cli.migrate_squash"),
    Command("migrate:fresh", "Drop every table and re-apply all migrations (DEBUG only)", "core.cli.migrate_fresh"),
    Command("key:generate", "Write a new random SECRET_KEY into .env (created from .env.example if missing)",
            "core.cli.key_generate"),
    Command("cache:clear", "Forget the site's cached values: all, --tag T (repeatable) or --prefix P",
            "core.cli.cache_clear"),
    Command("queue:work", "Run queued jobs from Redis (--queue Q, --concurrency N); SIGTERM finishes running jobs",
            "core.cli.queue_work"),
    Command("queue:status", "Jobs queued, running, scheduled and failed, per queue", "core.cli.queue_status"),
    Command("queue:failed", "List the jobs that used every attempt (--queue Q): id, job, exception",
            "core.cli.queue_failed"),
    Command("queue:retry", "Dispatch failed jobs again and delete their records: queue:retry ID|all",
            "core.cli.queue_retry"),
    Command("queue:forget", "Delete one failed job's record: queue:forget ID", "core.cli.queue_forget"),
    Command("queue:flush", "Delete every failed job's record (--queue Q); asks first unless --force",
            "core.cli.queue_flush"),
    Command("schedule:list", "List the jobs declared with cron=: queue, cron and next run (UTC)",
            "core.cli.schedule_list"),
    Command("check", "Pre-deploy checks: settings, database, models, migrations, schema drift", "core.cli.check"),
)

# The names Django and Laravel users type, mapped to ours: each runs its target and is listed in the help.
ALIASES = (
    ("runserver", "serve"),
    ("tinker", "shell"),
    ("route:list", "routes:list"),
    ("routes", "routes:list"),
    ("make:migration", "migrate:make"),
    ("makemigrations", "migrate:make"),
    ("migrate", "migrate:upgrade"),
    ("db:migrate", "migrate:upgrade"),
    ("migrate:rollback", "migrate:downgrade"),
    ("showmigrations", "migrate:status"),
    ("seed", "db:seed"),
)

SITE_PACKAGE = "commands"
_CONSTANT = re.compile(r"^(COMMAND|SUMMARY)\s*(?::\s*str\s*)?=\s*(['\"])(.*?)\2\s*$", re.MULTILINE)
_DOCSTRING = re.compile(r"\A\s*(?:#[^\n]*\n\s*)*[rRuU]?(?:\"\"\"|''')\s*([^\n]*?)\s*(?:\"\"\"|''')?\s*$", re.MULTILINE)


def site_commands(directory: str) -> list[Command]:
    """The commands declared by the modules in the site's `commands/` folder, read as text."""
    found: list[Command] = []
    try:
        entries = sorted(os.scandir(directory), key=lambda entry: entry.name)
    except FileNotFoundError:
        return found
    for entry in entries:
        stem, ext = os.path.splitext(entry.name)
        if ext != ".py" or stem.startswith("_") or not entry.is_file():
            continue
        with open(entry.path, encoding="utf-8") as handle:
            source = handle.read()
        constants = {match.group(1): match.group(3) for match in _CONSTANT.finditer(source)}
        docstring = _DOCSTRING.match(source)
        summary = constants.get("SUMMARY") or (docstring.group(1) if docstring else "")
        found.append(Command(constants.get("COMMAND", stem), summary, f"{SITE_PACKAGE}.{stem}", origin=entry.path))
    return found


def all_commands(application_dir: str) -> tuple[dict[str, Command], list[str]]:
    """Every command by name (aliases included), and a warning for each site command that reuses a taken name.

    Framework commands and their aliases win a clash, so a site file can never shadow
    `migrate:upgrade` (or `migrate`) by accident. An alias maps to its target's `Command`, whose
    `name` stays the real one: `commands[key].name != key` tells an alias apart.
    """
    commands = {command.name: command for command in FRAMEWORK_COMMANDS}
    commands.update({alias: commands[target] for alias, target in ALIASES})
    warnings = []
    for command in site_commands(os.path.join(application_dir, SITE_PACKAGE)):
        taken = commands.get(command.name)
        if taken is not None:
            warnings.append(f"{command.origin}: command name {command.name!r} is already taken by {taken.module}; "
                            "rename its COMMAND")
            continue
        commands[command.name] = command
    return commands, warnings
