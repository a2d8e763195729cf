"""Which characters text input may hold: the policy every validated field and `@inject` apply.

Refused: NUL and the other C0 control characters, DEL and the C1 controls (U+0080-U+009F), and
lone surrogates (U+D800-U+DFFF, which are not text at all). PostgreSQL refuses NUL in a text
column, terminals and log viewers act on the others, and none of them is typed by a person.
Allowed: tab, line feed and carriage return, because a textarea submits them (`\\r\\n` between
lines) and a field cannot know whether it came from one. Everything else is left to the rules.
"""

from __future__ import annotations

import re
from typing import Any

FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
ALLOWED_ASCII = bytes(range(0x20, 0x7F)) + b"\t\n\r"  # every ASCII character FORBIDDEN leaves alone


def text_problem(value: Any) -> str | None:
    """Why `value` (text, or lists and objects holding text) is not acceptable, as the end of a
    sentence about the field ("must not contain ..."); None when it is. Other types pass."""
    if value.__class__ is str:  # a form field's value: no stack
        return _string_problem(value)
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            problem = _string_problem(node)
            if problem is not None:
                return problem
        elif isinstance(node, dict):
            stack.extend(node)
            stack.extend(node.values())
        elif isinstance(node, (list, tuple)):
            stack.extend(node)
    return None


def _string_problem(text: str) -> str | None:
    if text.isascii():  # most input: one pass in C over a table of the allowed bytes finds the rest
        if not text.encode("ascii").translate(None, ALLOWED_ASCII):
            return None
    elif text.isprintable():  # printable text holds none of the refused characters
        return None
    found = FORBIDDEN.search(text)  # the regex, several times slower, names the culprit
    return None if found is None else _reason(found.group())


def _reason(char: str) -> str:
    if "\ud800" <= char <= "\udfff":
        return "is not valid Unicode text (it has a lone surrogate)"
    return f"must not contain control characters (found U+{ord(char):04X})"
