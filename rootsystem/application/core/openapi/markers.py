"""What an endpoint declares for its description, read without running it.

    @operation(body=ARTICLE_RULES, response=ArticleResource, status=201, summary="Create an article")
    async def store(self, request: Request) -> Response: ...

The declaration is an attribute on the endpoint function, not a registry: the route table stays
the one list of what the site serves, and `functools.wraps` (which `login_required` and
`@inject` use) carries the attribute outward whichever order the decorators are stacked in.
Everything is optional; an endpoint that declares nothing is still described from its route,
its `@inject` signature and its auth decorator, only with less detail.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from core.validation import Validator

Endpoint = TypeVar("Endpoint", bound=Callable[..., Awaitable[Any]])
ATTRIBUTE = "__nori_openapi__"
INTERNAL = "__nori_openapi_internal__"

# A response schema: a Resource class (its declared shape), or a JSON Schema written out.
ResponseShape = type | Mapping[str, Any]


@dataclass(frozen=True)
class Declared:
    """One endpoint's declaration; see `operation` for the meaning of each field."""

    body: Validator | None = None
    query: Validator | None = None
    response: ResponseShape | None = None
    many: bool = False
    paginated: bool = False
    status: int = 200
    summary: str = ""
    description: str = ""
    tags: tuple[str, ...] = ()
    errors: tuple[int, ...] = ()
    answers: Mapping[int, ResponseShape] = field(default_factory=dict)


def operation(
    *,
    body: Validator | None = None,
    query: Validator | None = None,
    response: ResponseShape | None = None,
    many: bool = False,
    paginated: bool = False,
    status: int = 200,
    summary: str = "",
    description: str = "",
    tags: Sequence[str] = (),
    errors: Sequence[int] = (),
    answers: Mapping[int, ResponseShape] | None = None,
) -> Callable[[Endpoint], Endpoint]:
    """Describe an endpoint: the `Validator` its body (or query string) goes through, the shape
    it answers with (`many` for a list, `paginated` for `page_response`'s envelope), its success
    status, and statuses it can answer that the generator cannot see (`errors=[429]` for a
    throttled endpoint), or that answer a body of their own rather than the error shape
    (`answers={503: HEALTH}`). The Validator is the one the endpoint calls, so the two cannot drift.
    """
    declared = Declared(body=body, query=query, response=response, many=many, paginated=paginated, status=status,
                        summary=summary, description=description, tags=tuple(tags), errors=tuple(errors),
                        answers=dict(answers or {}))

    def mark(endpoint: Endpoint) -> Endpoint:
        setattr(endpoint, ATTRIBUTE, declared)
        return endpoint

    return mark


def internal(endpoint: Endpoint) -> Endpoint:
    """Leave the endpoint out of the description (health probes, webhooks, admin tools)."""
    setattr(endpoint, INTERNAL, True)
    return endpoint


def declared(endpoint: Any) -> Declared:
    return getattr(endpoint, ATTRIBUTE, None) or Declared()


def is_internal(endpoint: Any) -> bool:
    return bool(getattr(endpoint, INTERNAL, False))
