"""Plain-text tables for commands that list things: columns padded to their widest cell.

The last column is left unpadded, so a line never ends in spaces and a long last cell (an
exception, a date) does not widen the others.
"""

from __future__ import annotations

from collections.abc import Sequence


def print_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    lines = [header, *rows]
    widths = [max(len(line[column]) for line in lines) for column in range(len(header) - 1)]
    for line in lines:
        print("  ".join([*(cell.ljust(width) for cell, width in zip(line, widths, strict=False)), line[-1]]))
