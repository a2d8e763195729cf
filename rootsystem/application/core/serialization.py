"""Conversion of model values to JSON-safe primitives.

`primitive()` is shared by `to_dict()` and the audit log's change records, so a value is written
the same way in both. `jsonable()` is for a site that builds a JSON body from models itself.
"""

from __future__ import annotations

import base64
import datetime
import decimal
import enum
import uuid
from collections.abc import Callable, Mapping
from typing import Any

Converter = Callable[[Any], Any]


def _iso(value: datetime.date | datetime.time) -> str:
    return value.isoformat()


def _duration(value: datetime.timedelta) -> float:
    return value.total_seconds()


def _b64(value: bytes) -> str:
    return base64.b64encode(value).decode("ascii")


def _enum_value(value: enum.Enum) -> Any:
    return primitive(value.value)


CONVERTERS: dict[type, Converter] = {
    datetime.datetime: _iso,
    datetime.date: _iso,
    datetime.time: _iso,
    datetime.timedelta: _duration,
    decimal.Decimal: str,
    uuid.UUID: str,
    bytes: _b64,
    bytearray: _b64,
    memoryview: lambda value: _b64(bytes(value)),
}
PLAIN = (str, int, float, bool, type(None))


def primitive(value: Any) -> Any:
    """Turn one value into something `json.dumps` accepts; containers are walked."""
    if isinstance(value, PLAIN):
        return value
    if isinstance(value, enum.Enum):
        return _enum_value(value)
    for kind in type(value).__mro__:
        converter = CONVERTERS.get(kind)
        if converter is not None:
            return converter(value)
    if isinstance(value, Mapping):
        return {str(key): primitive(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [primitive(item) for item in value]
    raise TypeError(f"Cannot convert {type(value).__name__} to a JSON value")


def jsonable(value: Any) -> Any:
    """Like `primitive`, but models go through `to_dict()`, the only way they may reach a client.

    A model without `to_dict()` is refused rather than dumped field by field: dumping would
    leak whatever it holds (password hashes, tokens) the day someone forgets the mixin.
    """
    to_dict = getattr(value, "to_dict", None)
    if to_dict is not None and callable(to_dict):
        return to_dict()
    if _is_model(value):
        raise TypeError(
            f"{type(value).__name__} does not use NoriModelMixin, so it has no to_dict() and "
            "protected_fields: add the mixin or build the dict yourself"
        )
    if isinstance(value, Mapping):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [jsonable(item) for item in value]
    return primitive(value)


def _is_model(value: Any) -> bool:
    from tortoise.models import Model

    return isinstance(value, Model)
