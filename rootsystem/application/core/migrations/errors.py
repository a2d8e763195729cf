"""The error the migrations layer raises for a step it cannot take as asked.

Commands, tests and deploy scripts all call `operations`, so its refusals are a type of its own
rather than the CLI's: the CLI prints one as one line and exits with its `exit_code`.
"""

from __future__ import annotations


class MigrationError(Exception):
    """A migration step was refused or failed; the message says what was wrong and what to run."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code
