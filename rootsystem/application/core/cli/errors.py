"""The error type commands raise for mistakes a user can fix, and an argument parser that agrees."""

from __future__ import annotations

import argparse
import sys
from typing import NoReturn


class CommandError(Exception):
    """A user-facing failure; `exit_code` lets a command pick a status other than 1."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


class OneLineParser(argparse.ArgumentParser):
    """argparse prints the whole usage before a mistake; we print one line that points at --help."""

    def error(self, message: str) -> NoReturn:
        print(f"{self.prog}: {message} (see --help)", file=sys.stderr)
        raise SystemExit(2)
