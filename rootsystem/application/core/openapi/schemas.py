"""JSON Schemas from what the code already declares: validation rules, `@inject` parameters,
Resources and the framework's error bodies.

A schema here describes what the server accepts, as closely as JSON Schema can say it, never
more loosely: a client generated from it sends only requests that pass the first checks.
Where a rule has no JSON Schema counterpart (`unique`, `confirmed`'s comparison, `before:today`)
the schema says it in the field's description and the server's 422 stays the authority.
"""

from __future__ import annotations

import enum
import inspect
import typing
import uuid
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from starlette.datastructures import UploadFile

from core.http.inject import Param, optional_type
from core.validation.validator import Rule, Validator

Schema = dict[str, Any]

STRING_RULES = frozenset({"string", "email", "url", "regex", "alpha", "alpha_num", "date", "before", "after"})
FORMATS = {"email": "email", "url": "uri", "date": "date"}
FILE_RULES = frozenset({"file", "file_max", "file_types", "image"})
# A file part of a multipart body, as OpenAPI 3.1 names it (and the `format` older tools read).
BINARY: Schema = {"type": "string", "format": "binary", "contentMediaType": "application/octet-stream"}
NOTES = {
    "unique": "must not be taken already",
    "exists": "must name an existing record",
    "confirmed": "must match `{field}_confirmation`",
    "alpha": "letters only",
    "alpha_num": "letters and digits only",
}

ERROR: Schema = {
    "type": "object",
    "description": "Every refusal but a validation one: `core.http.errors.error_response`.",
    "properties": {"error": {"type": "string"}, "status": {"type": "integer"}},
    "required": ["error", "status"],
}
VALIDATION_ERROR: Schema = {
    "type": "object",
    "description": "422: each field that failed, with readable messages (`core.validation.responses`).",
    "properties": {
        "errors": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
    },
    "required": ["errors"],
}


def _nullable(schema: Schema) -> Schema:
    kind = schema.get("type")
    if kind is None:
        return schema
    return {**schema, "type": [kind, "null"]}


def rule_schema(field: str, rules: Sequence[Rule]) -> Schema:
    """One field's schema from its parsed rules (`core.validation.rules`)."""
    names = {rule.name for rule in rules}
    if names & FILE_RULES:
        return _nullable(_file_schema(rules)) if "nullable" in names else _file_schema(rules)
    schema: Schema = {}
    if "integer" in names:
        schema["type"] = "integer"
    elif "numeric" in names:
        schema["type"] = "number"
    elif "boolean" in names:
        schema["type"] = "boolean"
    elif names & STRING_RULES:
        schema["type"] = "string"
    numeric = schema.get("type") in ("integer", "number")
    low, high = ("minimum", "maximum") if numeric else ("minLength", "maxLength")
    notes = []
    for rule in rules:
        if rule.name in FORMATS and schema.get("type") == "string":
            schema["format"] = FORMATS[rule.name]
        elif rule.name in ("min", "max", "between") and (numeric or schema.get("type") == "string"):
            bounds = {"min": (rule.params[0], None), "max": (None, rule.params[0])}.get(rule.name, rule.params)
            for key, value in zip((low, high), bounds, strict=True):
                if value is not None:
                    schema[key] = _number(value, whole=not numeric or schema["type"] == "integer")
        elif rule.name == "in":
            schema["enum"] = [_number(value, whole=schema["type"] == "integer") if numeric else value
                              for value in rule.params]
        elif rule.name == "regex":
            schema["pattern"] = rule.params[0]
        elif rule.name in ("before", "after", "same"):
            notes.append(f"{rule.name} {rule.params[0]}")
        elif rule.name in NOTES:
            notes.append(NOTES[rule.name].format(field=field))
    if schema.get("type") == "string" and "required" in names:
        schema["minLength"] = max(1, schema.get("minLength", 1))  # an empty string counts as missing
    if schema.get("type") == "string":
        notes.append("no control characters")
    if notes:
        schema["description"] = "; ".join(notes)
    return _nullable(schema) if "nullable" in names else schema


def _file_schema(rules: Sequence[Rule]) -> Schema:
    """A file field (core/validation/files.py): its type and size limits, read from the content, said in words."""
    notes = []
    for rule in rules:
        if rule.name == "file_max":
            notes.append(f"at most {rule.params[0]} KB")
        elif rule.name == "file_types":
            notes.append(f"of type {', '.join(rule.params)}")
        elif rule.name == "image":
            notes.append("an image (PNG, JPEG, GIF or WebP)" + (
                f" of at most {'x'.join(rule.params)} pixels" if rule.params else ""))
    return BINARY | ({"description": "; ".join(notes)} if notes else {})


def is_binary(schema: Schema) -> bool:
    """Whether an object schema has a file field, so it can only be sent as multipart/form-data."""
    return any(field.get("format") == "binary" for field in schema.get("properties", {}).values())


def _number(text: str, *, whole: bool) -> int | float:
    value = float(text)
    return int(value) if whole and value.is_integer() else value


def validator_schema(validator: Validator) -> Schema:
    """An object schema for a Validator's fields; `confirmed` adds its `_confirmation` twin."""
    properties: dict[str, Schema] = {}
    required: list[str] = []
    for field, rules in validator.rules.items():
        names = {rule.name for rule in rules}
        properties[field] = rule_schema(field, rules)
        if "required" in names and "nullable" not in names:
            required.append(field)
        if "confirmed" in names:
            twin = f"{field}_confirmation"
            properties[twin] = {key: value for key, value in properties[field].items() if key != "description"}
            if field in required:
                required.append(twin)
    return _object(properties, required)


def _object(properties: dict[str, Schema], required: list[str]) -> Schema:
    schema: Schema = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    return schema


def annotation_schema(annotation: Any) -> Schema:
    """The schema of an `@inject` parameter's annotation (the types `core.http.inject.convert` takes)."""
    if annotation is inspect.Parameter.empty or annotation is Any:
        return {}
    inner, nullable = optional_type(annotation)
    origin = typing.get_origin(inner)
    if origin in (list, tuple, set, frozenset):
        item = (typing.get_args(inner) or (Any,))[0]
        schema: Schema = {"type": "array", "items": annotation_schema(item)}
    elif origin is dict or inner is dict:
        schema = {"type": "object"}
    elif isinstance(inner, type) and issubclass(inner, enum.Enum):
        schema = {"enum": [member.value for member in inner]}
    else:
        schema = dict(SCALARS.get(inner, {}))
    return _nullable(schema) if nullable else schema


SCALARS: dict[Any, Schema] = {
    str: {"type": "string", "description": "no control characters"},
    bool: {"type": "boolean"},
    int: {"type": "integer"},
    float: {"type": "number"},
    Decimal: {"type": "string", "format": "decimal"},
    date: {"type": "string", "format": "date"},
    datetime: {"type": "string", "format": "date-time"},
    uuid.UUID: {"type": "string", "format": "uuid"},
    UploadFile: BINARY,
}


def params_schema(params: Sequence[Param]) -> Schema:
    """An object schema for `@inject` parameters; those without a default are required."""
    properties = {param.name: annotation_schema(param.annotation) for param in params}
    required = [param.name for param in params if param.default is inspect.Parameter.empty]
    return _object(properties, required)


def resource_schema(resource: type[Any], components: dict[str, Schema]) -> Schema:
    """A `$ref` to the Resource's shape, added to `components` (nested Resources too) once each.

    Reads the same declaration `Resource.dump` emits from: its fields (typed by the model's
    columns), renamed ones under their new name, relations as nested objects or arrays, and
    computed fields typed by their return annotation when it is a plain type.
    """
    name = resource.__name__
    if name not in components:
        components[name] = {}  # claimed first, so a resource that nests itself ends
        meta = resource.model._meta
        properties: dict[str, Schema] = {}
        for field in resource.fields:
            properties[resource.renamed.get(field, field)] = column_schema(meta.fields_map[field])
        many = meta.backward_fk_fields | meta.m2m_fields
        for relation, nested in resource.relations.items():
            reference = resource_schema(nested, components)
            if relation in many:
                properties[resource.renamed.get(relation, relation)] = {"type": "array", "items": reference}
            else:
                nullable = getattr(meta.fields_map.get(relation), "null", False)
                properties[resource.renamed.get(relation, relation)] = (
                    {"oneOf": [reference, {"type": "null"}]} if nullable else reference
                )
        for computed_name, function in resource._computed.items():
            returned = typing.get_type_hints(function).get("return", Any)
            properties[computed_name] = annotation_schema(returned)
        components[name] = {"type": "object", "properties": properties, "required": list(properties)}
    return {"$ref": f"#/components/schemas/{name}"}


def column_schema(field: Any) -> Schema:
    """A Tortoise column as `to_dict()` writes it (`core.mixins.model.converter_for`)."""
    from tortoise import fields

    schema: Schema
    if isinstance(field, fields.BooleanField):
        schema = {"type": "boolean"}
    elif isinstance(field, fields.IntField | fields.BigIntField | fields.SmallIntField):
        schema = {"type": "integer"}
    elif isinstance(field, fields.FloatField):
        schema = {"type": "number"}
    elif isinstance(field, fields.DecimalField):
        schema = {"type": "string", "format": "decimal"}  # core.serialization writes Decimal as text, exactly
    elif isinstance(field, fields.DatetimeField):
        schema = {"type": "string", "format": "date-time"}
    elif isinstance(field, fields.DateField):
        schema = {"type": "string", "format": "date"}
    elif isinstance(field, fields.UUIDField):
        schema = {"type": "string", "format": "uuid"}
    elif isinstance(field, fields.CharField):
        schema = {"type": "string", "maxLength": field.max_length}
    elif isinstance(field, fields.TextField | fields.TimeField):
        schema = {"type": "string"}
    else:
        schema = {}
    return _nullable(schema) if getattr(field, "null", False) else schema
