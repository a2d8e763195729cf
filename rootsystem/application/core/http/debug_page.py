"""The DEBUG answer to an unhandled exception: our own traceback page, or JSON for JSON clients.

Starlette's debug page styles itself inline, which the site's Content-Security-Policy blocks,
and it answers every client that does not ask for HTML with plain text. This page is a template
styled by the site's stylesheet, and a JSON client gets `{"error", "status", "exception",
"traceback"}`. It is used only when DEBUG is on: it shows source code and exception messages.
"""

from __future__ import annotations

import linecache
import logging
import traceback
from dataclasses import dataclass
from pathlib import Path

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from core.http.negotiation import wants_json

logger = logging.getLogger("nori.errors")
TEMPLATE = "errors/debug.html"
CONTEXT_LINES = 3
PROJECT = str(Path(__file__).resolve().parents[4])
FRAMEWORK = str(Path(__file__).resolve().parents[1])


@dataclass(frozen=True)
class Frame:
    """One traceback entry with the source around its line; `ours` marks the site's own code.

    Frames of the framework and of installed libraries fold to one line on the page, so the
    site's frames and the innermost one (where it broke) stand out.
    """

    filename: str
    lineno: int
    function: str
    first_lineno: int
    lines: tuple[str, ...]
    ours: bool


def frames(exc: BaseException) -> list[Frame]:
    """The frames of `exc`'s traceback, innermost last, each with a few lines of source."""
    found = []
    for summary in traceback.extract_tb(exc.__traceback__):
        lineno = summary.lineno or 0
        first = max(lineno - CONTEXT_LINES, 1)
        lines = tuple(linecache.getline(summary.filename, number).rstrip("\n")
                      for number in range(first, lineno + CONTEXT_LINES + 1))
        ours = (summary.filename.startswith(PROJECT) and not summary.filename.startswith(FRAMEWORK)
                and "site-packages" not in summary.filename)
        found.append(Frame(summary.filename, lineno, summary.name, first, lines, ours))
    return found


def traceback_lines(exc: BaseException) -> list[str]:
    """The traceback as Python prints it (chained exceptions included), one string per line."""
    return "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)).splitlines()


def debug_response(request: Request, exc: BaseException, headers: dict[str, str]) -> Response:
    """The traceback as JSON or as the debug page; plain text if the page itself fails to render."""
    described = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    if wants_json(request):
        return JSONResponse({"error": "Internal Server Error", "status": 500, "exception": described,
                             "traceback": traceback_lines(exc)}, status_code=500, headers=headers)
    from core.views import render

    context = {"exception": described, "exception_type": type(exc).__name__, "frames": frames(exc),
               "traceback": "\n".join(traceback_lines(exc)), "method": request.method, "path": request.url.path}
    try:
        return render(request, TEMPLATE, context, status_code=500, headers=headers)
    except Exception:  # a broken template must not hide the error the developer is looking for
        logger.exception("debug template %s failed", TEMPLATE)
        return PlainTextResponse(context["traceback"], status_code=500, headers=headers)
