"""The built-in rules. Each checks one value: it returns the value, or raises `Fail` with the message.

The type rules `integer`, `numeric` and `boolean`, and `email`, return the value converted: later
rules of the same field see it (so `integer|min:18` compares numbers, and `email|unique:users,email`
looks up the address in its normal form) and `validate` returns it. The others, `date` included,
return the value as they got it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from core.booleans import coerce_bool
from core.validation.emails import mixed_scripts, normalise_email
from core.validation.errors import RuleError

MAX_REGEX_INPUT = 1000
MAX_EMAIL_INPUT = 1000  # an address has at most 254 characters; longer input is not normalised first
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}")
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
# The local part: anything but `@`, whitespace and control characters; the domain: ASCII labels.
EMAIL = re.compile(rf"[^@\s\x00-\x1f\x7f-\x9f]{{1,64}}@{_LABEL}(?:\.{_LABEL})+")
INTEGER = re.compile(r"[+-]?\d{1,30}")
TYPE_RULES = frozenset({"integer", "numeric"})
# isinstance() targets as tuples: a union written in the call (`str | list`) is built anew each call.
SIZED = (str, list, tuple, dict)
COLLECTIONS = (list, tuple, dict)
NUMBERS = (int, float, Decimal)
REALS = (int, float)


class Fail(Exception):
    """Raised by a rule: the message, with `{field}` standing for the field's label."""


class Context(NamedTuple):
    """What a rule may look at besides its value (read-only; a tuple, as one is made per field
    and request, and a tuple is the cheapest read-only record to make)."""

    field: str
    data: Mapping[str, Any]
    numeric: bool  # the field has integer or numeric, so sizes compare values, not lengths


Check = Callable[[Any, tuple[str, ...], Context], Any]


def label(field: str) -> str:
    return field.replace("_", " ")


def size_of(value: Any, context: Context) -> float:
    if context.numeric and isinstance(value, NUMBERS):
        return float(value)
    if isinstance(value, SIZED):
        return len(value)
    if isinstance(value, REALS):
        return float(value)
    raise Fail("The {field} field has no size to compare.")


def _unit(context: Context, value: Any) -> str:
    if context.numeric:
        return ""
    return " items" if isinstance(value, COLLECTIONS) else " characters"


def number(param: str) -> float:
    try:
        return float(param)
    except ValueError:
        raise RuleError(f"{param!r} is not a number") from None


def check_string(value: Any, params: tuple[str, ...], ctx: Context) -> Any:
    if not isinstance(value, str):
        raise Fail("The {field} field must be text.")
    return value


def check_integer(value: Any, params: tuple[str, ...], ctx: Context) -> int:
    if isinstance(value, bool):
        raise Fail("The {field} field must be a whole number.")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and INTEGER.fullmatch(value.strip()):
        return int(value.strip())
    raise Fail("The {field} field must be a whole number.")


def check_numeric(value: Any, params: tuple[str, ...], ctx: Context) -> int | float:
    if isinstance(value, bool):
        raise Fail("The {field} field must be a number.")
    if isinstance(value, int):
        return value
    try:
        result = float(Decimal(str(value).strip()) if isinstance(value, str) else value)
    except (InvalidOperation, ValueError, TypeError):
        raise Fail("The {field} field must be a number.") from None
    if not math.isfinite(result):
        raise Fail("The {field} field must be a finite number.")
    return result


def check_boolean(value: Any, params: tuple[str, ...], ctx: Context) -> bool:
    parsed = coerce_bool(value)
    if parsed is not None:
        return parsed
    raise Fail("The {field} field must be true or false.")


def check_email(value: Any, params: tuple[str, ...], ctx: Context) -> str:
    """The address in its normal form (`core.validation.emails`), so lookalikes compare equal."""
    address = normalise_email(value) if isinstance(value, str) and len(value) <= MAX_EMAIL_INPUT else ""
    if len(address) > 254 or not EMAIL.fullmatch(address):
        raise Fail("The {field} field must be a valid email address.")
    if mixed_scripts(address.rpartition("@")[0]):
        raise Fail("The {field} field mixes letters of different scripts (such as Latin and Cyrillic) before the @.")
    return address


def check_url(value: Any, params: tuple[str, ...], ctx: Context) -> Any:
    parts = urlsplit(value) if isinstance(value, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname or " " in value:
        raise Fail("The {field} field must be a valid http or https URL.")
    return value


def check_min(value: Any, params: tuple[str, ...], ctx: Context) -> Any:
    if size_of(value, ctx) < number(params[0]):
        raise Fail(f"The {{field}} field must be at least {params[0]}{_unit(ctx, value)}.")
    return value


def check_max(value: Any, params: tuple[str, ...], ctx: Context) -> Any:
    if size_of(value, ctx) > number(params[0]):
        raise Fail(f"The {{field}} field must not be greater than {params[0]}{_unit(ctx, value)}.")
    return value


def check_between(value: Any, params: tuple[str, ...], ctx: Context) -> Any:
    if not number(params[0]) <= size_of(value, ctx) <= number(params[1]):
        raise Fail(f"The {{field}} field must be between {params[0]} and {params[1]}{_unit(ctx, value)}.")
    return value


def check_in(value: Any, params: tuple[str, ...], ctx: Context) -> Any:
    if str(value) not in params:
        raise Fail(f"The {{field}} field must be one of: {', '.join(params)}.")
    return value


def check_not_in(value: Any, params: tuple[str, ...], ctx: Context) -> Any:
    if str(value) in params:
        raise Fail("The selected {field} is not allowed.")
    return value


def check_regex(value: Any, params: tuple[str, ...], ctx: Context) -> Any:
    if not isinstance(value, str):
        raise Fail("The {field} field must be text.")
    if len(value) > MAX_REGEX_INPUT:  # bounds the work a pattern can be made to do
        raise Fail(f"The {{field}} field must not be longer than {MAX_REGEX_INPUT} characters.")
    if re.search(",".join(params), value) is None:
        raise Fail("The {field} field format is invalid.")
    return value


def check_confirmed(value: Any, params: tuple[str, ...], ctx: Context) -> Any:
    if ctx.data.get(f"{ctx.field}_confirmation") != value:
        raise Fail("The {field} confirmation does not match.")
    return value


def check_same(value: Any, params: tuple[str, ...], ctx: Context) -> Any:
    if ctx.data.get(params[0]) != value:
        raise Fail(f"The {{field}} field must match {label(params[0])}.")
    return value


def parse_moment(value: Any) -> datetime | None:
    """An ISO date or datetime as an aware datetime (naive ones read as UTC), or None."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        text = value.strip()
        try:
            if "T" in text or " " in text:
                moment = datetime.fromisoformat(text)
            else:
                day = date.fromisoformat(text)
                moment = datetime(day.year, day.month, day.day)
        except ValueError:
            return None
    else:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def check_date(value: Any, params: tuple[str, ...], ctx: Context) -> Any:
    if parse_moment(value) is None:
        raise Fail("The {field} field must be a valid date (YYYY-MM-DD).")
    return value


def reference_moment(param: str, ctx: Context) -> datetime:
    """`today`, `tomorrow`, `yesterday`, an ISO date, or the name of another field."""
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    relative = {"today": today, "tomorrow": today + timedelta(days=1), "yesterday": today - timedelta(days=1)}
    if param in relative:
        return relative[param]
    moment = parse_moment(ctx.data.get(param)) if param in ctx.data else parse_moment(param)
    if moment is None:
        raise Fail(f"The {{field}} field cannot be compared with {label(param)}.")
    return moment


def check_before(value: Any, params: tuple[str, ...], ctx: Context) -> Any:
    moment = parse_moment(value)
    if moment is None or not moment < reference_moment(params[0], ctx):
        raise Fail(f"The {{field}} field must be a date before {label(params[0])}.")
    return value


def check_after(value: Any, params: tuple[str, ...], ctx: Context) -> Any:
    moment = parse_moment(value)
    if moment is None or not moment > reference_moment(params[0], ctx):
        raise Fail(f"The {{field}} field must be a date after {label(params[0])}.")
    return value


def check_alpha(value: Any, params: tuple[str, ...], ctx: Context) -> Any:
    if not isinstance(value, str) or not value.isalpha():
        raise Fail("The {field} field must only contain letters.")
    return value


def check_alpha_num(value: Any, params: tuple[str, ...], ctx: Context) -> Any:
    if not isinstance(value, str) or not value.isalnum():
        raise Fail("The {field} field must only contain letters and numbers.")
    return value


@dataclass(frozen=True)
class RuleSpec:
    check: Check | None  # None for rules handled by the validator itself (required, nullable, unique...)
    min_params: int = 0
    max_params: int | None = 0


RULES: dict[str, RuleSpec] = {
    "required": RuleSpec(None),
    "nullable": RuleSpec(None),
    "string": RuleSpec(check_string),
    "integer": RuleSpec(check_integer),
    "numeric": RuleSpec(check_numeric),
    "boolean": RuleSpec(check_boolean),
    "email": RuleSpec(check_email),
    "url": RuleSpec(check_url),
    "min": RuleSpec(check_min, 1, 1),
    "max": RuleSpec(check_max, 1, 1),
    "between": RuleSpec(check_between, 2, 2),
    "in": RuleSpec(check_in, 1, None),
    "not_in": RuleSpec(check_not_in, 1, None),
    "regex": RuleSpec(check_regex, 1, None),
    "confirmed": RuleSpec(check_confirmed),
    "same": RuleSpec(check_same, 1, 1),
    "date": RuleSpec(check_date),
    "before": RuleSpec(check_before, 1, 1),
    "after": RuleSpec(check_after, 1, 1),
    "alpha": RuleSpec(check_alpha),
    "alpha_num": RuleSpec(check_alpha_num),
    "unique": RuleSpec(None, 2, 3),
    "exists": RuleSpec(None, 2, 2),
}
