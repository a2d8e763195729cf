"""The list of commands: name, one-line summary and the module that implements it.

Kept as plain data so printing the help imports nothing but this file.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Command:
    name: str
    summary: str
    module: str


FRAMEWORK_COMMANDS = (
    Command("serve", "Run the development server (uvicorn)", "core.cli.serve"),
    Command("migrate:init", "Create and apply the initial migrations of both apps", "core.cli.migrate_init"),
    Command("migrate:make", "Write migrations for changed models: migrate:make 'add posts'", "core.cli.migrate_make"),
    Command("migrate:upgrade", "Apply pending migrations (framework first)", "core.cli.migrate_upgrade"),
    Command("migrate:downgrade", "Revert the N most recent migrations (--steps N, default 1)",
            "core.cli.migrate_downgrade"),
    Command("migrate:status", "List applied and pending migrations per app", "core.cli.migrate_status"),
    Command("migrate:fresh", "Drop every table and re-apply all migrations (DEBUG only)", "core.cli.migrate_fresh"),
    Command("check", "Pre-deploy checks: settings, database, models, migrations, schema drift", "core.cli.check"),
)


def all_commands() -> dict[str, Command]:
    return {command.name: command for command in FRAMEWORK_COMMANDS}
