"""NoriModelMixin: `to_dict()` with `protected_fields`, the one way models become JSON."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from typing import Any, ClassVar

from core.serialization import primitive

Plan = tuple[tuple[str, Callable[[Any], Any] | None], ...]
_PLANS: dict[type, Plan] = {}
_PLAIN_TYPES = frozenset({str, int, float, bool})


def _time_of_day(value: Any) -> str:
    """MySQL hands TIME columns back as a timedelta; show every engine's value as `HH:MM:SS`."""
    if isinstance(value, datetime.timedelta):
        value = (datetime.datetime.min + value).time()
    return value.isoformat()


def _plan_for(cls: type) -> Plan:
    from tortoise.fields import TimeField

    meta: Any = cls._meta  # type: ignore[attr-defined]
    plan = []
    # fields_db_projection lists every column-backed field, with foreign keys as `<name>_id`;
    # relations and reverse relations are not columns, so they stay out.
    for name in meta.fields_db_projection:
        field = meta.fields_map.get(name)
        plan.append((name, _time_of_day if isinstance(field, TimeField) else None))
    return tuple(plan)


class NoriModelMixin:
    """Adds `to_dict()`; fields named in `protected_fields` never leave unless asked for.

    Which fields to emit, and how, is worked out once per class and cached, because
    `to_dict()` sits on the hot path of every JSON listing.
    """

    protected_fields: ClassVar[list[str]] = []

    def to_dict(self, exclude: Iterable[str] | None = None, include_protected: bool = False) -> dict[str, Any]:
        """Column values as JSON-safe primitives (see docs/database.md for the conversions)."""
        cls = type(self)
        plan = _PLANS.get(cls)
        if plan is None:
            plan = _PLANS[cls] = _plan_for(cls)
        skipped: set[str] = set() if include_protected else set(self.protected_fields)
        if exclude:
            skipped.update(exclude)
        values = self.__dict__
        result: dict[str, Any] = {}
        for name, convert in plan:
            if name in skipped:
                continue
            value = values.get(name)
            if value is None or value.__class__ in _PLAIN_TYPES:
                result[name] = value
            elif convert is not None:
                result[name] = convert(value)
            else:
                result[name] = primitive(value)
        return result
