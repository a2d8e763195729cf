"""python-dotenv's parser, which it does not document as public: used here so an upgrade breaks here.

`dotenv_values` skips a line it cannot parse with a logged warning, so a mistyped `.env` line
silently leaves its setting (and every later one on that line) at the default. Its parser
reports each binding with an `error` flag and the line it starts on; we refuse such a file.
"""

from __future__ import annotations

import io

from dotenv.parser import parse_stream


def unparsable_lines(text: str) -> list[tuple[int, str]]:
    """(line number, line text) of each statement python-dotenv cannot parse, in order."""
    return [(binding.original.line, binding.original.string.strip())
            for binding in parse_stream(io.StringIO(text)) if binding.error]
