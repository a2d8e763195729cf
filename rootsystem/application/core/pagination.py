"""Pages of a queryset: numbered pages (`paginate`) and signed cursors (`cursor_paginate`).

Policy, before the code:
- Parameters come from the query string: `page`, `per_page`, `cursor`. A value that is not a
  whole number from 1 up, or a cursor that does not verify, is the client's mistake: 400 with a
  message saying what to send, never a 500. A `per_page` above `max_per_page` is capped rather
  than refused (the page's `meta.per_page` says what was used), so a client asking for "all"
  still gets an answer, just not an unbounded one.
- Links keep every other query parameter of the request (filters, sorting) and change only
  `page` or `cursor`, so a client follows `links.next` without rebuilding the URL.
- Numbered pages cost two queries, a COUNT and the rows; `count=False` skips the count (no
  `total`, `pages` or `last`: on a large table the count is the expensive part) and learns
  whether a next page exists by fetching one row more. A page past the end is empty, not 404.
- Numbered pages read with OFFSET, which the database walks row by row: deep pages get slow.
  Cursor pages read `WHERE key > last seen key ORDER BY key LIMIT per_page + 1`, one query that
  an index on the key answers at the same cost on page 10,000 as on page 1, and rows inserted
  meanwhile never shift a walk (no row repeated, none skipped before the cursor).
- A cursor is the last row's key values, signed with SECRET_KEY (itsdangerous, as the session
  cookie): readable base64, but a client cannot forge one to start anywhere it likes or feed
  the query values of its choosing. It names its key, so a cursor from another listing is refused.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import itsdangerous
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse
from tortoise.expressions import Q
from tortoise.models import Model
from tortoise.queryset import QuerySet

from core.serialization import primitive

M = TypeVar("M", bound=Model)
CURSOR_SALT = "nori.cursor"
# 15 digits keep page * per_page far below every engine's 64-bit OFFSET limit.
WHOLE_NUMBER = re.compile(r"[0-9]{1,15}")


@dataclass(frozen=True)
class Page(Generic[M]):
    """One page of rows and where the others are; `meta` and `links` are what JSON clients get."""

    items: list[M]
    per_page: int
    links: dict[str, str | None]
    page: int | None = None  # numbered pages only
    total: int | None = None  # numbered pages, unless the count was skipped
    pages: int | None = None
    next_cursor: str | None = None  # cursor pages only
    kind: str = "offset"  # or "cursor": which of meta's two shapes, and what the page_links macro shows

    @property
    def meta(self) -> dict[str, Any]:
        if self.kind == "cursor":
            return {"per_page": self.per_page, "next_cursor": self.next_cursor}
        return {"page": self.page, "per_page": self.per_page, "total": self.total, "pages": self.pages}


def page_response(page: Page[Any], data: list[Any] | None = None, status_code: int = 200) -> JSONResponse:
    """`{"data": [...], "meta": {...}, "links": {...}}`; `data` defaults to each row's `to_dict()`.

    Pass a resource's output (`await PostResource.many(page.items)`) to choose the fields.
    """
    rows = data if data is not None else [item.to_dict() for item in page.items]
    return JSONResponse({"data": rows, "meta": page.meta, "links": page.links}, status_code=status_code)


def _whole_number(request: Request, name: str, default: int) -> int:
    """ASCII digits only: int() would also take " 5", "+5", "1_000" and other scripts' digits."""
    raw = request.query_params.get(name)
    if raw is None:
        return default
    if not WHOLE_NUMBER.fullmatch(raw) or int(raw) < 1:
        raise HTTPException(400, f"The {name} parameter must be a whole number from 1 up (got {raw[:40]!r}).")
    return int(raw)


def _page_size(request: Request, per_page: int, max_per_page: int) -> int:
    if not 1 <= per_page <= max_per_page:
        raise ValueError(f"per_page={per_page} must be between 1 and max_per_page={max_per_page}")
    return min(_whole_number(request, "per_page", per_page), max_per_page)


def _link(request: Request, **params: Any) -> str:
    return str(request.url.include_query_params(**params))


def _without(request: Request, name: str) -> str:
    return str(request.url.remove_query_params(name))


async def paginate(
    queryset: QuerySet[M], request: Request, per_page: int = 20, max_per_page: int = 100, *, count: bool = True,
) -> Page[M]:
    """Page `?page=` of `queryset` (give it an `order_by`, or pages may overlap), `?per_page=` rows each."""
    size = _page_size(request, per_page, max_per_page)
    number = _whole_number(request, "page", 1)
    offset = (number - 1) * size
    links: dict[str, str | None] = {"first": _link(request, page=1), "prev": None, "next": None, "last": None}
    if number > 1:
        links["prev"] = _link(request, page=number - 1)
    if not count:
        rows = list(await queryset.offset(offset).limit(size + 1))
        if len(rows) > size:
            links["next"] = _link(request, page=number + 1)
        return Page(rows[:size], size, links, page=number)
    total = await queryset.count()
    pages = max(1, math.ceil(total / size))
    rows = list(await queryset.offset(offset).limit(size)) if number <= pages else []
    if number < pages:
        links["next"] = _link(request, page=number + 1)
    links["last"] = _link(request, page=pages)
    return Page(rows, size, links, page=number, total=total, pages=pages)


@dataclass(frozen=True)
class KeyPart:
    name: str
    descending: bool
    field: Any  # the Tortoise field, to turn a cursor's value back into the column's type

    @property
    def spec(self) -> str:
        return f"-{self.name}" if self.descending else self.name


def _key_parts(model: type[Model], key: str | Sequence[str]) -> tuple[KeyPart, ...]:
    """The key's columns, checked: own non-null columns, the last one (or an earlier one) unique."""
    names = (key,) if isinstance(key, str) else tuple(key)
    meta = model._meta
    parts = []
    for spec in names:
        name = spec.removeprefix("-")
        model_field = meta.fields_map.get(name)
        if model_field is None or name not in meta.fields_db_projection:
            raise ValueError(f"cursor key {name!r} is not a column of {model.__name__}")
        if model_field.null:
            raise ValueError(f"cursor key {name!r} of {model.__name__} is nullable: NULLs have no place in key order")
        parts.append(KeyPart(name, spec.startswith("-"), model_field))
    if not any(part.field.pk or part.field.unique for part in parts):
        raise ValueError(f"cursor key {names} of {model.__name__} is not unique: end it with the primary key")
    return tuple(parts)


def _after(parts: Sequence[KeyPart], values: Sequence[Any]) -> Q:
    """Rows after `values` in key order: k1 > v1 OR (k1 = v1 AND k2 > v2) OR ... (mirrored for DESC)."""
    alternatives = []
    for index, part in enumerate(parts):
        equal = {parts[i].name: values[i] for i in range(index)}
        beyond = {f"{part.name}__{'lt' if part.descending else 'gt'}": values[index]}
        alternatives.append(Q(**equal, **beyond))
    return alternatives[0] if len(alternatives) == 1 else Q(*alternatives, join_type=Q.OR)


def _signer() -> itsdangerous.URLSafeSerializer:
    from core.settings import settings

    return _serializer(settings.SECRET_KEY)  # read per call: a changed key takes effect at once


@functools.lru_cache(maxsize=4)
def _serializer(secret_key: str) -> itsdangerous.URLSafeSerializer:
    """Built once per key: itsdangerous serializes a probe value in every constructor (to learn
    whether its serializer gives text), which was two JSON encodings per page (bench/api.py)."""
    return itsdangerous.URLSafeSerializer(secret_key, salt=CURSOR_SALT)


def _encode_cursor(parts: Sequence[KeyPart], row: Model) -> str:
    after = [primitive(getattr(row, part.name)) for part in parts]
    return str(_signer().dumps({"key": [part.spec for part in parts], "after": after}))


def cursor_for(row: Model, key: str | Sequence[str] = "id") -> str:
    """The cursor of a walk by `key` that resumes right after `row` (a link to "older than this")."""
    return _encode_cursor(_key_parts(type(row), key), row)


def _decode_cursor(parts: Sequence[KeyPart], token: str) -> list[Any]:
    bad = HTTPException(400, "The cursor parameter is not one this listing gave out: start again from links.first.")
    try:
        payload = _signer().loads(token)
    except itsdangerous.BadData:
        raise bad from None
    if not isinstance(payload, dict) or payload.get("key") != [part.spec for part in parts]:
        raise bad
    after = payload.get("after")
    if not isinstance(after, list) or len(after) != len(parts):
        raise bad
    try:
        return [part.field.to_python_value(value) for part, value in zip(parts, after, strict=True)]
    except (TypeError, ValueError):  # signed by us for a column whose type has since changed
        raise bad from None


async def cursor_paginate(
    queryset: QuerySet[M], request: Request, key: str | Sequence[str] = "id", per_page: int = 20,
    max_per_page: int = 100,
) -> Page[M]:
    """The `?per_page=` rows after `?cursor=`, ordered by `key`: a unique column, or columns ending in one.

    `key="-id"` walks newest first; `key=("created_at", "id")` walks by time, ties broken by id.
    The key's order replaces any `order_by` of the queryset; an index on the key keeps pages cheap.
    """
    parts = _key_parts(queryset.model, key)
    size = _page_size(request, per_page, max_per_page)
    token = request.query_params.get("cursor")
    query = queryset.order_by(*(part.spec for part in parts))
    if token is not None:
        query = query.filter(_after(parts, _decode_cursor(parts, token)))
    rows = list(await query.limit(size + 1))
    links: dict[str, str | None] = {"first": _without(request, "cursor"), "next": None}
    next_cursor = None
    if len(rows) > size:
        rows = rows[:size]
        next_cursor = _encode_cursor(parts, rows[-1])
        links["next"] = _link(request, cursor=next_cursor)
    return Page(rows, size, links, next_cursor=next_cursor, kind="cursor")
