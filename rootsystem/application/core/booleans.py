"""The words Nori reads as booleans, shared by settings, typed injection and validation."""

from __future__ import annotations

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
