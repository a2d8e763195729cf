"""Model factories driven by the registry: `await factory('User', name='Ada')`.

Every required field you leave out gets a valid value of its type; unique fields get values
no other call in the process has produced, so tests never collide on a unique index.
"""

from __future__ import annotations

import datetime
import decimal
import enum
import itertools
import uuid
from typing import Any

from tortoise import fields
from tortoise.fields.relational import ForeignKeyFieldInstance

from core.registry import get_model

_counter = itertools.count(1)


def _text(name: str, number: int, max_length: int | None) -> str:
    if "email" in name:
        value = f"user{number}@example.com"
    elif "url" in name:
        value = f"https://example.com/{number}"
    else:
        value = f"{name}-{number}"
    return value[-max_length:] if max_length and len(value) > max_length else value


def _value_for(name: str, field: fields.Field, number: int) -> Any:
    """A valid value for one data field; the order matters because field classes inherit."""
    enum_type = getattr(field, "enum_type", None)
    if enum_type is not None and issubclass(enum_type, enum.Enum):
        return next(iter(enum_type))
    if isinstance(field, fields.BooleanField):
        return True
    if isinstance(field, fields.SmallIntField):
        return number % 32000
    if isinstance(field, fields.IntField):
        return number
    if isinstance(field, fields.DecimalField):
        return decimal.Decimal(number % 10**4) / 100
    if isinstance(field, fields.FloatField):
        return float(number) / 2
    if isinstance(field, fields.DatetimeField):
        return datetime.datetime.now(datetime.UTC)
    if isinstance(field, fields.DateField):
        return datetime.date.today()
    if isinstance(field, fields.TimeField):
        return datetime.time(12, number % 60)
    if isinstance(field, fields.TimeDeltaField):
        return datetime.timedelta(seconds=number)
    if isinstance(field, fields.UUIDField):
        return uuid.uuid4()
    if isinstance(field, fields.BinaryField):
        return f"bytes-{number}".encode()
    if isinstance(field, fields.JSONField):
        return {"n": number}
    if isinstance(field, fields.CharField):
        return _text(name, number, field.max_length)
    if isinstance(field, fields.TextField):
        return _text(name, number, None)
    raise TypeError(f"factory cannot fill {name} ({type(field).__name__}); pass it explicitly")


def _needs_value(field: fields.Field) -> bool:
    if field.pk and field.generated:
        return False
    automatic = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    return not (field.null or field.default is not None or automatic)


async def build_values(model: type[Any], overrides: dict[str, Any]) -> dict[str, Any]:
    meta = model._meta
    values = dict(overrides)
    number = next(_counter)
    for name in meta.fk_fields | meta.o2o_fields:
        relation: ForeignKeyFieldInstance = meta.fields_map[name]
        if name in values or relation.source_field in values or not _needs_value(relation):
            continue
        values[name] = await create(relation.related_model, {})
    for name in meta.db_fields:
        field = meta.fields_map.get(name)
        if field is None or name in values or not _needs_value(field):
            continue
        values[name] = _value_for(name, field, number)
    return values


async def create(model: type[Any], overrides: dict[str, Any]) -> Any:
    return await model.create(**await build_values(model, overrides))


async def factory(model_name: str | type[Any], /, **overrides: Any) -> Any:
    """Create and save one instance of the registered model `model_name` (or of a model class)."""
    model = get_model(model_name) if isinstance(model_name, str) else model_name
    return await create(model, overrides)
