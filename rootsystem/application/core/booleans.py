"""The words Nori reads as booleans, shared by settings, typed injection and validation."""

from __future__ import annotations

from typing import Any

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off"})


def parse_bool_word(text: str) -> bool | None:
    """True or False for a boolean word (any case, surrounding spaces ignored), else None."""
    word = text.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None


def coerce_bool(value: Any) -> bool | None:
    """A bool for a bool, 0/1 or a boolean word (form and query values arrive as text), else None."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        return parse_bool_word(value)
    return None
