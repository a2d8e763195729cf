"""The error type commands raise for mistakes a user can fix: printed as one line, no traceback."""


class CommandError(Exception):
    """A user-facing failure; `exit_code` lets a command pick a status other than 1."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code
