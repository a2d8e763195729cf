"""`validate(data, rules)`: every rule, readable errors, and unique/exists on each engine."""

from __future__ import annotations

import pytest

from core.validation import RuleError, ValidationError, Validator, validate
from core.validation.rules import MAX_REGEX_INPUT


async def errors_of(data: dict, rules: dict) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as raised:
        await validate(data, rules)
    return raised.value.errors


@pytest.mark.parametrize(("rules", "good", "bad", "message"), [
    ("required", "x", "", "The field field is required."),
    ("string", "x", 5, "must be text"),
    ("integer", "42", "4.5", "must be a whole number"),
    ("integer", -3, True, "must be a whole number"),
    ("numeric", "4.5", "NaN", "must be a finite number"),
    ("numeric", 1e3, "Infinity", "must be a finite number"),
    ("numeric", "-2", "abc", "must be a number"),
    ("boolean", "no", "maybe", "must be true or false"),
    ("email", "ada@example.com", "ada@", "valid email address"),
    ("url", "https://example.com/x", "ftp://example.com", "valid http or https URL"),
    ("min:3", "abc", "ab", "at least 3 characters"),
    ("max:3", "abc", "abcd", "not be greater than 3 characters"),
    ("integer|min:18", "18", "17", "at least 18."),
    ("numeric|between:1,2", "1.5", "2.5", "between 1 and 2."),
    ("between:2,3", "ab", "a", "between 2 and 3 characters"),
    ("in:red,blue", "red", "green", "one of: red, blue"),
    ("not_in:admin,root", "ada", "root", "is not allowed"),
    ("date", "2024-02-29", "2023-02-29", "valid date"),
    ("date|before:2024-01-01", "2023-12-31", "2024-01-01", "before 2024-01-01"),
    ("date|after:today", "2999-01-01", "2000-01-01", "after today"),
    ("alpha", "Ñandú", "abc1", "only contain letters."),
    ("alpha_num", "abc1", "abc-1", "letters and numbers"),
])
async def test_rules(rules: str, good: object, bad: object, message: str) -> None:
    assert "field" in await validate({"field": good}, {"field": rules})
    found = await errors_of({"field": bad}, {"field": rules})
    assert message in found["field"][0], found


async def test_type_rules_convert_and_optional_fields_may_be_absent() -> None:
    clean = await validate({"age": "42", "price": "9.5", "agree": "yes", "note": ""},
                           {"age": "integer", "price": "numeric", "agree": "boolean", "note": "string|max:5",
                            "missing": "email"})
    assert clean == {"age": 42, "price": 9.5, "agree": True, "note": None}


async def test_nullable_required_accepts_an_explicit_null_only() -> None:
    assert await validate({"parent": None}, {"parent": "required|nullable|integer"}) == {"parent": None}
    assert "required" in (await errors_of({}, {"parent": "required|nullable|integer"}))["parent"][0]


async def test_confirmed_same_and_field_references() -> None:
    rules = {"password": "required|confirmed", "email2": "same:email", "end": "date|after:start"}
    ok = {"password": "s3cret", "password_confirmation": "s3cret", "email": "a@b.co", "email2": "a@b.co",
          "start": "2024-01-01", "end": "2024-01-02"}
    await validate(ok, rules)
    found = await errors_of({**ok, "password_confirmation": "x", "email2": "c@d.co", "end": "2023-12-31"}, rules)
    assert found == {
        "password": ["The password confirmation does not match."],
        "email2": ["The email2 field must match email."],
        "end": ["The end field must be a date after start."],
    }


async def test_regex_takes_pipes_in_list_form_and_bounds_its_input() -> None:
    rules = {"code": ["required", "regex:^(AB|CD)[0-9]{2}$"]}
    await validate({"code": "CD12"}, rules)
    assert "format is invalid" in (await errors_of({"code": "EF12"}, rules))["code"][0]
    evil = {"code": ["regex:^(a+)+$"]}
    found = await errors_of({"code": "a" * (MAX_REGEX_INPUT + 1) + "!"}, evil)
    assert "longer than" in found["code"][0]


async def test_all_failing_fields_are_reported_with_readable_messages() -> None:
    found = await errors_of({"first_name": "", "email": "nope"}, {"first_name": "required", "email": "email"})
    assert found == {"first_name": ["The first name field is required."],
                     "email": ["The email field must be a valid email address."]}


@pytest.mark.parametrize("rules", ["requird", "max", "between:1", "max:abc", "unique:users", "unique:us-ers,email",
                                   "regex:([a-z"])
def test_bad_rules_fail_at_definition(rules: str) -> None:
    with pytest.raises(RuleError):
        Validator({"field": rules})


async def test_unique_and_exists_query_the_database(db: str, factory) -> None:
    ada = await factory("User", email="ada@example.com")
    rules = {"email": "required|email|unique:users,email"}
    assert "already been taken" in (await errors_of({"email": "ada@example.com"}, rules))["email"][0]
    await validate({"email": "bob@example.com"}, rules)
    await validate({"email": "ada@example.com"}, {"email": f"unique:users,email,{ada.id}"})
    await validate({"owner": str(ada.id)}, {"owner": "required|integer|exists:users,id"})
    await validate({"owner": str(ada.id)}, {"owner": "exists:users,id"})  # text converted to the column type
    assert "invalid" in (await errors_of({"owner": "999999"}, {"owner": "exists:users,id"}))["owner"][0]
    assert "invalid" in (await errors_of({"owner": "abc"}, {"owner": "exists:users,id"}))["owner"][0]
    # parameterised: a quote in the value is data, not SQL
    injection = "x' OR '1'='1"
    await validate({"email": injection}, {"email": "unique:users,email"})
    assert "invalid" in (await errors_of({"email": injection}, {"email": "exists:users,email"}))["email"][0]


async def test_unique_on_an_unknown_table_is_a_programming_error(db: str) -> None:
    with pytest.raises(RuleError, match="no model uses table"):
        await validate({"x": "1"}, {"x": "unique:nowhere,x"})
