"""limits' rate-string grammar, checked without importing limits.

`@throttle("60/minute")` refuses a bad rate where the route is declared, but importing limits
(its storages, their drivers' shims, packaging) to read a rate costs a command that only lists
the routes a tenth of its time. So the declaration checks the string against the grammar of
`limits.parse`, copied here from limits/util.py (5.x), and limits itself parses it at the first
request. tests/test_throttle.py compares the two on a table of rates, so a limits release that
changes its grammar breaks a test, not a site.
"""

from __future__ import annotations

import re

# limits.util.SEPARATORS, SINGLE_EXPR and EXPR (its `(:?` is theirs: an optional colon).
SEPARATORS = re.compile(r"[,;|]{1}")
SINGLE_EXPR = re.compile(
    r"""
    \s*([0-9]+)
    \s*(/|\s*per\s*)
    \s*([0-9]+)?
    \s*([a-z]+)
    \s*
    """,
    re.IGNORECASE | re.VERBOSE,
)
EXPR = re.compile(
    rf"^{SINGLE_EXPR.pattern}(:?{SEPARATORS.pattern}{SINGLE_EXPR.pattern})*$",
    re.IGNORECASE | re.VERBOSE,
)
# limits.limits.TIME_TYPES' names; each also in the plural (RateLimitItem.check_granularity_string).
GRANULARITIES = frozenset({"year", "month", "day", "hour", "minute", "second"})


def is_granularity(word: str) -> bool:
    word = word.lower()
    return word in GRANULARITIES or (word.endswith("s") and word[:-1] in GRANULARITIES)


def parses_as_rate(text: object) -> bool:
    """Whether `limits.parse(text)` would succeed: the whole string in its grammar, every unit known."""
    if not (isinstance(text, str) and EXPR.match(text)):
        return False
    parts = (SINGLE_EXPR.match(part) for part in SEPARATORS.split(text))
    return all(is_granularity(match.group(4)) for match in parts if match)
