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
    Command("audit:purge", "Delete audit log rows older than --days (default 90)", "core.cli.audit"),
    Command("acl:sync", "Create the permissions and roles the site declares in acl.py", "core.cli.acl"),
)


def all_commands() -> dict[str, Command]:
    return {command.name: command for command in FRAMEWORK_COMMANDS}
