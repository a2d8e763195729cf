"""`validate(data, rules)`: declarative checks in the Nori (and Laravel) rule syntax.

    clean = await validate(form, {"email": "required|email|max:255|unique:users,email",
                                  "age": "nullable|integer|between:18,130"})

Rules are parsed when the `Validator` is built, so a misspelt rule name fails loudly the first
time the code runs instead of silently passing every value. A rule whose parameter contains
`|` (a regex) goes in the list form: `{"code": ["required", "regex:^(AB|CD)[0-9]+$"]}`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from core.validation.errors import RuleError, ValidationError
from core.validation.files import FILE_RULES, is_empty_file
from core.validation.rules import IDENTIFIER, SIZED, TYPE_RULES, Check, Context, Fail, label, number
from core.validation.rules import RULES as BUILT_IN
from core.validation.text import text_problem

SIZE_RULES = {"min": 1, "max": 1, "between": 2, "file_max": 1, "image": 2}  # numeric parameters
RULES = {**BUILT_IN, **FILE_RULES}
RuleSet = Mapping[str, "str | Sequence[str]"]


@dataclass(frozen=True)
class Rule:
    name: str
    params: tuple[str, ...] = ()


def parse_rule(field: str, text: str) -> Rule:
    name, _, rest = text.strip().partition(":")
    spec = RULES.get(name)
    if spec is None:
        known = ", ".join(sorted(RULES))
        raise RuleError(f"unknown validation rule {name!r} for field {field!r}; known rules: {known}")
    if name == "regex":
        try:
            re.compile(rest)
        except re.error as error:
            raise RuleError(f"regex rule for field {field!r} does not compile: {error}") from None
        return Rule(name, (rest,))
    params = tuple(part.strip() for part in rest.split(",")) if rest else ()
    if len(params) < spec.min_params or (spec.max_params is not None and len(params) > spec.max_params):
        wanted = spec.min_params if spec.max_params == spec.min_params else f"{spec.min_params}+"
        raise RuleError(f"rule {name!r} for field {field!r} takes {wanted} parameter(s), got {len(params)}")
    if name in SIZE_RULES:
        for param in params:
            try:
                number(param)
            except RuleError as error:
                raise RuleError(f"rule {name!r} for field {field!r}: {error}") from None
    if name in ("unique", "exists"):
        for identifier in params[:2]:
            if not IDENTIFIER.fullmatch(identifier):
                raise RuleError(f"rule {name!r} for field {field!r}: {identifier!r} is not a table or column name")
    return Rule(name, params)


def parse_rules(rules: RuleSet) -> dict[str, tuple[Rule, ...]]:
    parsed = {}
    for field, spec in rules.items():
        items = spec.split("|") if isinstance(spec, str) else list(spec)
        parsed[field] = tuple(parse_rule(field, item) for item in items if item.strip())
    return parsed


def _is_empty(value: Any) -> bool:
    if value.__class__ is str:  # most values of most forms: no type search
        return not value
    return value is None or (isinstance(value, SIZED) and len(value) == 0) or is_empty_file(value)


def _as_mapping(data: Any) -> Mapping[str, Any]:
    """JSON objects and Starlette's FormData/QueryParams alike (one value per key)."""
    if data is None:
        return {}
    if not isinstance(data, Mapping):
        raise ValidationError({"_": ["The request body must be an object of fields."]})
    return dict(data.items())  # FormData's items() is its own dict's: no lookup per key


DATABASE_RULES = frozenset({"unique", "exists"})


@dataclass(frozen=True)
class FieldPlan:
    """One field's rules, prepared when the `Validator` is built: which flags it has and which
    checks run in which order, so a request only runs the checks. A field with no database rule
    is checked without a coroutine (most fields of most forms)."""

    field: str
    required: bool
    nullable: bool
    numeric: bool  # integer or numeric: sizes compare values, not lengths
    steps: tuple[tuple[Check | None, Rule], ...]  # in the declared order; None: a database rule
    queries: bool

    @classmethod
    def of(cls, field: str, rules: tuple[Rule, ...]) -> FieldPlan:
        names = {rule.name for rule in rules}
        steps = tuple((RULES[rule.name].check, rule) for rule in rules
                      if RULES[rule.name].check is not None or rule.name in DATABASE_RULES)
        return cls(field, "required" in names, "nullable" in names, bool(names & TYPE_RULES), steps,
                   bool(names & DATABASE_RULES))

    def check(self, values: Mapping[str, Any]) -> Any:
        """The field's clean value when it has no database rule; raises `Fail`."""
        value, context = self._prepare(values)
        if context is not None:
            for check, rule in self.steps:
                if check is not None:  # always, without a database rule
                    value = check(value, rule.params, context)
        return value

    async def check_with_queries(self, values: Mapping[str, Any]) -> Any:
        value, context = self._prepare(values)
        if context is not None:
            for check, rule in self.steps:
                if check is None:
                    await check_database(rule, value)
                else:
                    value = check(value, rule.params, context)
        return value

    def _prepare(self, values: Mapping[str, Any]) -> tuple[Any, Context | None]:
        """The value and its context; no context when it is empty (and allowed to be)."""
        value = values.get(self.field)
        if _is_empty(value):
            if self.required and not (self.nullable and self.field in values and value is None):
                raise Fail("The {field} field is required.")
            return None, None
        problem = text_problem(value)  # before any rule: no rule, and no query, sees a NUL
        if problem is not None:
            raise Fail(f"The {{field}} field {problem}.")
        return value, Context(field=self.field, data=values, numeric=self.numeric)


class Validator:
    """A parsed rule set; build it once (e.g. at module level) and call `validate` per request."""

    def __init__(self, rules: RuleSet) -> None:
        self.rules = parse_rules(rules)
        self.plans = tuple(FieldPlan.of(field, parsed) for field, parsed in self.rules.items())

    async def validate(self, data: Any) -> dict[str, Any]:
        """The validated fields, converted (`integer` gives int...); raises ValidationError."""
        values = _as_mapping(data)
        errors: dict[str, list[str]] = {}
        clean: dict[str, Any] = {}
        for plan in self.plans:
            try:
                outcome = await plan.check_with_queries(values) if plan.queries else plan.check(values)
            except Fail as failure:
                errors[plan.field] = [str(failure).format(field=label(plan.field))]
                continue
            if plan.field in values:
                clean[plan.field] = outcome
        if errors:
            raise ValidationError(errors, values)
        return clean


async def validate(data: Any, rules: RuleSet | Validator) -> dict[str, Any]:
    """Check `data` against `rules`; returns the clean values or raises ValidationError."""
    validator = rules if isinstance(rules, Validator) else Validator(rules)
    return await validator.validate(data)


def model_for(table: str, column: str) -> tuple[type[Any], str]:
    """The model mapped to `table` and its field stored in `column`, so the query goes through
    the ORM: parameterised, with the value converted to the column's type, on every engine."""
    from tortoise import Tortoise

    for models in Tortoise.apps.values():
        for model in models.values():
            meta = model._meta
            if meta.db_table != table:
                continue
            for name, db_column in meta.fields_db_projection.items():
                if db_column == column:
                    return model, name
            raise RuleError(f"table {table!r} has no column {column!r}")
    raise RuleError(f"no model uses table {table!r}")


async def check_database(rule: Rule, value: Any) -> None:
    model, name = model_for(rule.params[0], rule.params[1])
    try:
        converted = model._meta.fields_map[name].to_python_value(value)
    except (TypeError, ValueError, ArithmeticError):
        raise Fail("The {field} field is invalid.") from None
    query = model.filter(**{name: converted})
    if rule.name == "unique":
        if len(rule.params) == 3 and rule.params[2]:
            pk_field = model._meta.fields_map[model._meta.pk_attr]
            try:
                query = query.exclude(pk=pk_field.to_python_value(rule.params[2]))
            except (TypeError, ValueError):
                raise RuleError(f"unique rule: {rule.params[2]!r} is not a valid id of {model.__name__}") from None
        if await query.exists():
            raise Fail("The {field} has already been taken.")
    elif not await query.exists():
        raise Fail("The selected {field} is invalid.")
