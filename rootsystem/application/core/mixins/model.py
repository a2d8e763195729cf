"""NoriModelMixin: `to_dict()` with `protected_fields`, the one way models become JSON."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from typing import Any, ClassVar

from core.compat.tortoise import read_field_comments_only_where_written
from core.serialization import primitive

read_field_comments_only_where_written()  # site models import this module before their class is built

Converter = Callable[[Any], Any]
Plan = tuple[tuple[str, Converter], ...]
# Per class: (plan without protected fields, plan with them), worked out on first use.
_PLANS: dict[type, tuple[Plan, Plan]] = {}
PLAIN_TYPES = frozenset({str, int, float, bool})  # JSON as they are: no converter needed


def _time_of_day(value: Any) -> str:
    """MySQL hands TIME columns back as a timedelta; show every engine's value as `HH:MM:SS`."""
    if isinstance(value, datetime.timedelta):
        value = (datetime.datetime.min + value).time()
    return value.isoformat()


def _iso_datetime(value: Any) -> Any:
    """The common case of a DatetimeField/DateField without `primitive()`'s type search."""
    if value.__class__ is datetime.datetime or value.__class__ is datetime.date:
        return value.isoformat()
    return primitive(value)


def converter_for(field: Any) -> Converter:
    """How one column's value becomes JSON: shared with core.resources so both write it alike."""
    from tortoise.fields import DateField, DatetimeField, TimeField

    if isinstance(field, TimeField):
        return _time_of_day
    if isinstance(field, (DatetimeField, DateField)):
        return _iso_datetime
    return primitive


def _plans_for(cls: type) -> tuple[Plan, Plan]:
    meta: Any = cls._meta  # type: ignore[attr-defined]  # a mixin: `_meta` is the Model's it is mixed into
    protected = set(getattr(cls, "protected_fields", ()))
    # fields_db_projection lists every column-backed field, with foreign keys as `<name>_id`;
    # relations and reverse relations are not columns, so they stay out.
    full = tuple((name, converter_for(meta.fields_map.get(name))) for name in meta.fields_db_projection)
    return tuple(entry for entry in full if entry[0] not in protected), full


class NoriModelMixin:
    """Adds `to_dict()`; fields named in `protected_fields` never leave unless asked for.

    Which fields to emit, and how to convert each, is worked out once per class and cached,
    because `to_dict()` sits on the hot path of every JSON listing: a call is then one loop
    over the columns with no per-call set building or type search.
    """

    protected_fields: ClassVar[list[str]] = []

    def to_dict(self, exclude: Iterable[str] | None = None, include_protected: bool = False) -> dict[str, Any]:
        """Column values as JSON-safe primitives (see docs/database.md for the conversions)."""
        cls = type(self)
        plans = _PLANS.get(cls)
        if plans is None:
            plans = _PLANS[cls] = _plans_for(cls)
        plan = plans[1] if include_protected else plans[0]
        if exclude:
            skipped = set(exclude)
            plan = tuple(entry for entry in plan if entry[0] not in skipped)
        values = self.__dict__
        result: dict[str, Any] = {}
        for name, convert in plan:
            value = values.get(name)
            if value is None or value.__class__ in PLAIN_TYPES:
                result[name] = value
            else:
                result[name] = convert(value)
        return result
