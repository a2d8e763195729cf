"""`@inject`: controller arguments taken from the request and converted to their annotated types.

    class ArticleController:
        @inject
        async def show(self, request: Request, id: int, preview: bool = False) -> Response: ...

Each parameter is looked up by name in the path parameters, then the body (a JSON object or a
form), then the query string. A value that does not convert, or a missing parameter without a
default, is the client's mistake: 422 with `{"errors": {"name": ["reason"]}}`, never a 500.
Annotations are resolved at the first call, so `from __future__ import annotations` and types
defined later in the module both work.
"""

from __future__ import annotations

import enum
import functools
import inspect
import math
import types
import typing
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar, cast

from starlette.datastructures import FormData, QueryParams, UploadFile
from starlette.requests import HTTPConnection, Request

from core.booleans import coerce_bool
from core.http.bodies import request_body
from core.validation.errors import ValidationError
from core.validation.files import is_empty_file
from core.validation.text import text_problem

Endpoint = TypeVar("Endpoint", bound=Callable[..., Awaitable[Any]])
_MISSING = object()
INJECTED = "__nori_injected__"


class ConversionError(ValueError):
    """The reason a value does not fit its parameter, worded for the client."""


@dataclass(frozen=True)
class Param:
    name: str
    annotation: Any
    default: Any
    is_request: bool


def optional_type(annotation: Any) -> tuple[Any, bool]:
    """(inner type, accepts None) for `X | None` and `Optional[X]`."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        if len(args) == 1 and len(typing.get_args(annotation)) == 2:
            return args[0], True
    return annotation, False


def convert(value: Any, annotation: Any) -> Any:
    """`value` (text from a URL or form, or a JSON value) as `annotation`; raises ConversionError."""
    if annotation is inspect.Parameter.empty or annotation is Any:
        return value
    inner, nullable = optional_type(annotation)
    if value is None or (nullable and (value == "" or is_empty_file(value))):  # a blank field or file input
        if nullable:
            return None
        raise ConversionError("must not be empty")
    origin = typing.get_origin(inner)
    if origin in (list, tuple, set, frozenset):
        item_type = (typing.get_args(inner) or (Any,))[0]
        items = value if isinstance(value, list | tuple) else [value]
        return list(convert(item, item_type) for item in items) if origin is list else origin(
            convert(item, item_type) for item in items
        )
    if origin is dict or inner is dict:
        if not isinstance(value, dict):
            raise ConversionError("must be an object")
        return value
    converter = CONVERTERS.get(inner)
    if converter is not None:
        return converter(value)
    if isinstance(inner, type) and issubclass(inner, enum.Enum):
        return _enum(value, inner)
    raise TypeError(f"@inject cannot convert to {inner!r}; use str, int, float, bool, Decimal, date, "
                    "datetime, UUID, UploadFile, an Enum, list[...] or dict")


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return str(value)
    raise ConversionError("must be text")


def _str(value: Any) -> str:
    """Text as the validator accepts it: no NUL or other control characters (`core.validation.text`)."""
    text = _text(value)
    problem = text_problem(text)
    if problem is not None:
        raise ConversionError(problem)
    return text


def _file(value: Any) -> UploadFile:
    """A file part of a multipart form (core.http.uploads); a text field of that name is not one."""
    if isinstance(value, UploadFile):
        return value
    raise ConversionError("must be a file")


def _bool(value: Any) -> bool:
    parsed = coerce_bool(value)
    if parsed is not None:
        return parsed
    raise ConversionError(f"must be true or false (also 1/0, yes/no, on/off), got {value!r}")


def _int(value: Any) -> int:
    if isinstance(value, bool):
        raise ConversionError(f"must be an integer, got {value!r}")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and len(value) <= 40:
        try:
            return int(value.strip())
        except ValueError:
            pass
    raise ConversionError(f"must be an integer, got {value!r}")


def _float(value: Any) -> float:
    if isinstance(value, bool):
        raise ConversionError(f"must be a number, got {value!r}")
    try:
        number = float(value) if isinstance(value, int | float | str) and len(str(value)) <= 100 else None
    except ValueError:
        number = None
    if number is None or not math.isfinite(number):
        raise ConversionError(f"must be a finite number, got {value!r}")
    return number


def _decimal(value: Any) -> Decimal:
    try:
        number = Decimal(_text(value).strip())
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise ConversionError(f"must be a decimal number, got {value!r}")
    return number


def _parsed(kind: type, parse: Callable[[str], Any], wording: str) -> Callable[[Any], Any]:
    def convert_one(value: Any) -> Any:
        if isinstance(value, kind):
            return value
        try:
            return parse(_text(value).strip())
        except ValueError:
            raise ConversionError(f"must be {wording}, got {value!r}") from None

    return convert_one


def _enum(value: Any, enum_type: type[enum.Enum]) -> enum.Enum:
    for member in enum_type:
        if member.value == value or str(member.value) == str(value):
            return member
    choices = ", ".join(str(member.value) for member in enum_type)
    raise ConversionError(f"must be one of {choices}, got {value!r}")


CONVERTERS: dict[Any, Callable[[Any], Any]] = {
    str: _str,
    bool: _bool,
    int: _int,
    float: _float,
    Decimal: _decimal,
    date: _parsed(date, date.fromisoformat, "a date (YYYY-MM-DD)"),
    datetime: _parsed(datetime, datetime.fromisoformat, "a date and time (ISO 8601)"),
    uuid.UUID: _parsed(uuid.UUID, uuid.UUID, "a UUID"),
    UploadFile: _file,
}


def _is_request_type(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, HTTPConnection)


def plan(function: Callable[..., Any]) -> list[Param]:
    """The parameters to fill, with their annotations resolved (once, at the first call)."""
    hints = typing.get_type_hints(function)
    params = []
    for parameter in inspect.signature(function).parameters.values():
        if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
            continue
        annotation = hints.get(parameter.name, parameter.annotation)
        is_request = _is_request_type(annotation) or (
            parameter.name == "request" and annotation is inspect.Parameter.empty
        )
        params.append(Param(parameter.name, annotation, parameter.default, is_request))
    return params


def _lookup(name: str, many: bool, request: Request, body: Any) -> Any:
    if name in request.path_params:
        return request.path_params[name]
    for source in (body, request.query_params):
        if source is None or name not in source:
            continue
        if many and isinstance(source, FormData | QueryParams):
            return source.getlist(name)
        return source[name]
    return _MISSING


def inject(endpoint: Endpoint) -> Endpoint:
    """Fill the endpoint's parameters from the request, converted to their annotations."""
    original = inspect.unwrap(endpoint)
    cached: list[list[Param]] = []

    @functools.wraps(endpoint)
    async def injected(*args: Any, **kwargs: Any) -> Any:
        if not cached:
            cached.append(plan(original))
        params = cached[0]
        position = next((i for i, arg in enumerate(args) if isinstance(arg, HTTPConnection)), None)
        if position is None:
            raise TypeError("@inject: the endpoint was not called with a request")
        request = args[position]
        leading = args[:position]  # `self` of a controller method
        body: Any = None
        body_read = False
        errors: dict[str, list[str]] = {}
        values: dict[str, Any] = {}
        for param in params[len(leading):]:
            if param.name in kwargs:
                continue
            if param.is_request:
                values[param.name] = request
                continue
            if not body_read and param.name not in request.path_params:
                body, body_read = await request_body(request), True
            many = typing.get_origin(optional_type(param.annotation)[0]) in (list, tuple, set, frozenset)
            raw = _lookup(param.name, many, request, body)
            if raw is _MISSING:
                if param.default is inspect.Parameter.empty:
                    errors[param.name] = ["is required"]
                else:
                    values[param.name] = param.default
                continue
            try:
                values[param.name] = convert(raw, param.annotation)
            except ConversionError as reason:
                errors[param.name] = [str(reason)]
        if errors:
            raise ValidationError(errors)
        return await endpoint(*leading, **kwargs, **values)

    setattr(injected, INJECTED, original)  # the OpenAPI generator reads its parameters from here
    return cast(Endpoint, injected)
