"""Starlette's private APIs the framework relies on, each behind one name."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import jinja2
from starlette.templating import _TemplateResponse

# The response `render()` gives: tests read its `.template` and `.context`, as with Starlette's own.
TemplateResponse = _TemplateResponse


def template_response(
    template: jinja2.Template, context: dict[str, Any], *, status_code: int = 200,
    headers: Mapping[str, str] | None = None,
) -> TemplateResponse:
    """A response rendering `template` with exactly `context` (`starlette.templating._TemplateResponse`).

    `Jinja2Templates.TemplateResponse` would look the template up again and run the context
    processors a second time; `render()` has done both already, and only the private class takes
    a template and a finished context.
    """
    return _TemplateResponse(template, context, status_code=status_code, headers=headers)
