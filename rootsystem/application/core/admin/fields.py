"""The admin's view of a model's columns: which can be edited, as what input, under which rules.

Derived from the Tortoise fields alone, so a model needs no admin code. What is never offered:
the primary key (the database makes it), columns the ORM fills itself (`auto_now`,
`auto_now_add`), `deleted_at` (the trash pages own it), a tree's `parent` after creation (only
`move_to()` may change it, since it checks for cycles) and every protected field.
"""

from __future__ import annotations

import datetime
import decimal
from dataclasses import dataclass
from enum import Enum
from typing import Any

from tortoise import fields as orm
from tortoise.fields.data import CharEnumFieldInstance, IntEnumFieldInstance

TEXT, TEXTAREA, INTEGER, NUMBER, BOOLEAN, DATE, DATETIME, CHOICE, FOREIGN_KEY = (
    "text", "textarea", "integer", "number", "boolean", "date", "datetime", "choice", "fk")
FILTER_KINDS = frozenset({BOOLEAN, CHOICE, FOREIGN_KEY, DATE, DATETIME})
INTEGER_FIELDS = (orm.IntField, orm.BigIntField, orm.SmallIntField)


@dataclass(frozen=True)
class FormField:
    """One editable column: `name` is the attribute (`section_id` for a foreign key)."""

    name: str
    label: str
    kind: str
    required: bool
    column: Any  # the Tortoise field that converts the submitted text
    choices: tuple[tuple[str, str], ...] = ()
    related: Any = None  # the model a foreign key points to
    relation: str = ""  # a foreign key's relation name (`section`)
    max_length: int | None = None
    unique: bool = False
    tree_parent: bool = False

    def rules(self, model: Any, pk: Any = None) -> list[str]:
        """The validation rules the column itself implies; `Admin.rules` adds to or replaces them."""
        rules = ["required" if self.required else "nullable"]
        if self.kind in (TEXT, TEXTAREA):
            rules.append("string")
            if self.max_length:
                rules.append(f"max:{self.max_length}")
        elif self.kind == INTEGER or (self.kind == FOREIGN_KEY and _integer_key(self.related)):
            column = self.column if self.kind == INTEGER else self.related._meta.pk
            rules += ["integer", "between:{ge},{le}".format(**column.constraints)]
        elif self.kind == NUMBER:
            rules.append("numeric")
        elif self.kind == BOOLEAN:
            rules.append("boolean")
        elif self.kind in (DATE, DATETIME):
            rules.append("date")
        elif self.kind == CHOICE:
            rules.append("in:" + ",".join(value for value, _ in self.choices))
        if self.kind == FOREIGN_KEY:
            rules.append(f"exists:{self.related._meta.db_table},{self.related._meta.pk.source_field or 'id'}")
        if self.unique:
            table, column = model._meta.db_table, model._meta.fields_db_projection[self.name]
            rules.append(f"unique:{table},{column}" + ("" if pk is None else f",{pk}"))
        return rules

    def convert(self, value: Any) -> Any:
        """A validated form value as the column's Python value; ValueError if it is not one."""
        if value is None or value == "":
            if self.kind in (TEXT, TEXTAREA) and not self.column.null:
                return ""
            return None
        if self.kind == BOOLEAN:
            return bool(value)
        if self.kind == DATE:
            return datetime.date.fromisoformat(str(value)[:10])
        if self.kind == DATETIME:
            moment = datetime.datetime.fromisoformat(str(value))
            return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)
        try:
            return self.column.to_python_value(value)
        except (TypeError, ArithmeticError, decimal.InvalidOperation) as error:
            raise ValueError(str(error)) from None


def key_value(model: Any, raw: Any) -> Any:
    """A primary key from text, or ValueError; an integer key beyond its column's range is not one."""
    column = model._meta.pk
    try:
        value = column.to_python_value(raw)
    except (TypeError, ArithmeticError) as error:
        raise ValueError(str(error)) from None
    bounds = getattr(column, "constraints", {})
    if isinstance(value, int) and not bounds.get("ge", value) <= value <= bounds.get("le", value):
        raise ValueError(f"{value} is out of range for {model.__name__}'s key")
    return value


def _integer_key(model: Any) -> bool:
    return isinstance(model._meta.pk, INTEGER_FIELDS)


def _label(name: str) -> str:
    return name.removesuffix("_id").replace("_", " ").capitalize()


def _kind(column: Any) -> str | None:
    if isinstance(column, orm.BooleanField):
        return BOOLEAN
    if isinstance(column, (CharEnumFieldInstance, IntEnumFieldInstance)):
        return CHOICE
    if isinstance(column, orm.TextField):
        return TEXTAREA
    if isinstance(column, orm.CharField):
        return TEXT
    if isinstance(column, INTEGER_FIELDS):
        return INTEGER
    if isinstance(column, (orm.FloatField, orm.DecimalField)):
        return NUMBER
    if isinstance(column, orm.DatetimeField):
        return DATETIME
    if isinstance(column, orm.DateField):
        return DATE
    return None  # JSON, binary, UUID, time...: shown, not edited


def _choices(column: Any) -> tuple[tuple[str, str], ...]:
    enum_type: type[Enum] = column.enum_type
    return tuple((str(member.value), member.name.replace("_", " ").capitalize()) for member in enum_type)


def form_fields(model: Any, protected: frozenset[str]) -> list[FormField]:
    """The editable columns of `model`, in declaration order."""
    from core.mixins.tree import NoriTreeMixin

    meta = model._meta
    tree = issubclass(model, NoriTreeMixin)
    found = []
    for name in meta.fields_db_projection:
        column = meta.fields_map[name]
        if name in protected or column.pk or getattr(column, "auto_now", False) or getattr(
                column, "auto_now_add", False) or name == "deleted_at":
            continue
        reference = getattr(column, "reference", None)
        if reference is not None:
            relation = next(key for key, value in meta.fields_map.items() if value is reference)
            found.append(FormField(
                name, _label(name), FOREIGN_KEY, not reference.null, column, related=reference.related_model,
                relation=relation, tree_parent=tree and relation == "parent"))
            continue
        kind = _kind(column)
        if kind is None:
            continue
        text = kind in (TEXT, TEXTAREA)
        required = not column.null and kind != BOOLEAN and not (text and column.default is not None)
        found.append(FormField(
            name, _label(name), kind, required, column, choices=_choices(column) if kind == CHOICE else (),
            max_length=getattr(column, "max_length", None), unique=bool(column.unique)))
    return found


def column_names(model: Any, protected: frozenset[str]) -> list[str]:
    """The columns a list page may show or sort by: every column-backed field but protected ones."""
    return [name for name in model._meta.fields_db_projection if name not in protected]


def searchable(fields: list[FormField]) -> list[str]:
    """Text columns, which `?q=` searches by default."""
    return [item.name for item in fields if item.kind in (TEXT, TEXTAREA)]


def filterable(fields: list[FormField]) -> list[FormField]:
    """Booleans, choices, foreign keys and dates, which get a filter by default."""
    return [item for item in fields if item.kind in FILTER_KINDS and not item.tree_parent]
