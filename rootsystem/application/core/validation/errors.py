"""The exceptions of validation: bad rules (a programming error) and bad data (the user's)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class RuleError(ValueError):
    """A rule set that cannot be right: unknown rule name, missing or malformed parameters."""


class ValidationError(Exception):
    """Data that broke rules: `errors` maps each field to readable messages.

    Raised out of a controller it becomes a 422: `{"errors": {...}}` for JSON clients, and for
    a submitted form a redirect back with the errors and the input (`core.validation.responses`).
    """

    def __init__(self, errors: Mapping[str, list[str]], data: Mapping[str, Any] | None = None) -> None:
        self.errors = {field: list(messages) for field, messages in errors.items()}
        self.data = dict(data or {})
        super().__init__("; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in self.errors.items()))
