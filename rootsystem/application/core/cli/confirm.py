"""Questions before a step that can cost data, asked only where a person can answer them.

With DEBUG on (a development database) or stdin not a terminal (a deploy script, a container's
migrate service) nothing is asked and the command proceeds, so scripts never hang on a prompt.
"""

from __future__ import annotations

import sys

from core.settings import settings


def can_ask() -> bool:
    """True with DEBUG off and stdin a terminal: someone is there, and the database may be production."""

    return not settings.DEBUG and sys.stdin.isatty()


def ask(question: str) -> bool:
    """The answer to a yes/no question; anything but y or yes is a no."""
    return input(f"{question} [y/N] ").strip().lower() in ("y", "yes")
