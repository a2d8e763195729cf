"""Jinja2 views: one environment for the site's templates, with autoescape always on."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from starlette.requests import Request

from core.settings import settings

if TYPE_CHECKING:
    from starlette.templating import Jinja2Templates

    from core.compat.starlette import TemplateResponse

ContextProcessor = Callable[[Request], dict[str, Any]]
_context_processors: list[ContextProcessor] = []


def add_context_processor(processor: ContextProcessor) -> None:
    """Let framework features (sessions, CSRF, flash) add template variables without coupling."""
    if processor not in _context_processors:
        _context_processors.append(processor)


@lru_cache(maxsize=1)
def templates() -> Jinja2Templates:
    """Built on first use so commands that never render pay nothing for Jinja2, not even its import."""
    import jinja2
    from starlette.templating import Jinja2Templates

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(settings.TEMPLATES_DIR)),
        autoescape=True,
        auto_reload=False,
    )
    return Jinja2Templates(env=env, context_processors=_context_processors)


def render(
    request: Request,
    template: str,
    context: Mapping[str, Any] | None = None,
    *,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
) -> TemplateResponse:
    """Render `template` with `context`; the request is always available to the template.

    The context processors' globals come first, so a value the controller passes under the
    same name (`errors`, `current_user`...) wins over the framework's.
    """
    from core.compat.starlette import template_response

    values: dict[str, Any] = {"request": request}
    for processor in _context_processors:
        values.update(processor(request))
    values.update(context or {})
    return template_response(templates().get_template(template), values, status_code=status_code, headers=headers)
