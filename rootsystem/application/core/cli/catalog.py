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
)


def all_commands() -> dict[str, Command]:
    return {command.name: command for command in FRAMEWORK_COMMANDS}
