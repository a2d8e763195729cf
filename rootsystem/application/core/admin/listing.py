"""A list page's query from its query string: `?q=` search, filters, `?sort=`, all checked.

Policy: a filter or sort the page does not offer, or a value of the wrong type, is the client's
mistake and answers 400 with what to send, never a 500 from the database. Foreign keys shown as
columns are joined in the same statement (`select_related`), so a page costs the count and the
rows whatever its length; the related rows are never loaded one by one.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from core.admin.fields import BOOLEAN, CHOICE, DATE, DATETIME, FOREIGN_KEY, FormField, key_value
from core.admin.options import ModelAdmin
from core.booleans import coerce_bool
from core.validation.text import text_problem

SEARCH_LIMIT = 200  # characters of `?q=`: enough for any search, bounded for LIKE


@dataclass(frozen=True)
class ListState:
    """What the page was asked for, to show back in its search box, filters and sort links."""

    q: str = ""
    sort: str = ""
    filters: dict[str, str] = field(default_factory=dict)


def _bad(name: str, expected: str, raw: str) -> HTTPException:
    return HTTPException(400, f"The {name} filter takes {expected} (got {raw[:40]!r}).")


def _date(name: str, raw: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(raw)
    except ValueError:
        raise _bad(name, "a date as YYYY-MM-DD", raw) from None


def _filter(item: FormField, request: Request, filters: dict[str, str]) -> dict[str, Any]:
    """The ORM conditions one filter asks for; none when its inputs are empty."""
    params = request.query_params
    if item.kind in (DATE, DATETIME):
        conditions: dict[str, Any] = {}
        for suffix, lookup in (("from", "gte"), ("to", "lte")):
            raw = params.get(f"{item.name}__{suffix}", "")
            if raw:
                filters[f"{item.name}__{suffix}"] = raw
                day = _date(item.name, raw)
                if item.kind == DATETIME:
                    bound = datetime.time.min if suffix == "from" else datetime.time.max
                    conditions[f"{item.name}__{lookup}"] = datetime.datetime.combine(day, bound, datetime.UTC)
                else:
                    conditions[f"{item.name}__{lookup}"] = day
        return conditions
    raw = params.get(item.name, "")
    if not raw:
        return {}
    filters[item.name] = raw
    if item.kind == BOOLEAN:
        value = coerce_bool(raw)
        if value is None:
            raise _bad(item.name, "1 or 0", raw)
        return {item.name: value}
    if item.kind == CHOICE:
        if raw not in {value for value, _ in item.choices}:
            raise _bad(item.name, "one of " + ", ".join(value for value, _ in item.choices), raw)
        return {item.name: item.column.to_python_value(raw)}
    if item.kind == FOREIGN_KEY:
        try:
            return {item.name: key_value(item.related, raw)}
        except ValueError:
            raise _bad(item.name, f"the id of a {item.related.__name__}", raw) from None
    return {}


def search_condition(admin: ModelAdmin, text: str) -> Q | None:
    """Rows whose search fields contain `text` (case-insensitive, any of them); None: no search."""
    if not text or not admin.search_fields:
        return None
    return Q(*(Q(**{f"{name}__icontains": text}) for name in admin.search_fields), join_type="OR")


def search(admin: ModelAdmin, queryset: QuerySet[Any], text: str) -> QuerySet[Any]:
    condition = search_condition(admin, text)
    return queryset if condition is None else queryset.filter(condition)


def sort_order(admin: ModelAdmin, raw: str) -> tuple[str, ...]:
    """`?sort=title` or `-title` over the listed columns, the primary key breaking ties; newest first by default."""
    pk = admin.model._meta.pk_attr
    if not raw:
        return (f"-{pk}",)
    name = raw.removeprefix("-")
    if name not in admin.list_display:
        raise HTTPException(400, f"The sort parameter takes one of {', '.join(admin.list_display)}, "
                                 f"with '-' for descending (got {raw[:40]!r}).")
    return (raw,) if name == pk else (raw, pk)


def related_columns(admin: ModelAdmin) -> list[str]:
    """Relations behind the listed foreign-key columns, joined rather than fetched per row."""
    return [item.relation for item in admin.fields if item.kind == FOREIGN_KEY and item.name in admin.list_display]


def search_text(request: Request) -> str:
    """`?q=`, trimmed and bounded; text no column could hold (a NUL, a lone surrogate) is a 400."""
    text = request.query_params.get("q", "").strip()[:SEARCH_LIMIT]
    problem = text_problem(text)
    if problem is not None:
        raise HTTPException(400, f"The search text {problem}.")
    return text


def list_query(admin: ModelAdmin, queryset: QuerySet[Any], request: Request) -> tuple[QuerySet[Any], ListState]:
    params = request.query_params
    text = search_text(request)
    filters: dict[str, str] = {}
    for item in admin.list_filter:
        conditions = _filter(item, request, filters)
        if conditions:
            queryset = queryset.filter(**conditions)
    sort = params.get("sort", "")
    queryset = search(admin, queryset, text).order_by(*sort_order(admin, sort))
    joined = related_columns(admin)
    if joined:
        queryset = queryset.select_related(*joined)
    return queryset, ListState(text, sort, filters)
