"""The rate notation limits reads, checked without importing limits.

`@throttle("60/minute")` refuses a bad rate where the route is declared, but importing limits
(its storages, their drivers' shims, packaging) to read a rate costs a command that only lists
the routes a tenth of its time. So the declaration checks the string against the notation
limits documents, and limits itself parses it at the first request:

    COUNT "/" [N] UNIT        or        COUNT "per" [N] UNIT

with UNIT one of second, minute, hour, day, month, year (or its plural), case and spaces free,
and several rates joined by `,`, `;` or `|` (limits also takes a `:` just before the joiner).
tests/test_throttle.py holds this check against `limits.parse` on a table of rates, so a limits
release that reads rates differently breaks a test, not a site.
"""

from __future__ import annotations

import re

UNITS = frozenset({"second", "minute", "hour", "day", "month", "year"})
JOINERS = re.compile(r":?[,;|]")
ONE_RATE = re.compile(r"\s*[0-9]+\s*(?:/|per)\s*(?:[0-9]+)?\s*([a-z]+)\s*", re.IGNORECASE | re.ASCII)


def is_unit(word: str) -> bool:
    word = word.lower()
    return word in UNITS or (word.endswith("s") and word[:-1] in UNITS)


def parses_as_rate(text: object) -> bool:
    """Whether `limits.parse(text)` reads `text`: every joined part a rate in a known unit."""
    if not isinstance(text, str):
        return False
    for part in JOINERS.split(text):
        match = ONE_RATE.fullmatch(part)
        if match is None or not is_unit(match[1]):
            return False
    return True
