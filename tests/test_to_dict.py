from __future__ import annotations

import base64
import datetime
import decimal
import json
import uuid

import pytest

from core.serialization import jsonable
from tests.support.models import Color, EveryField, Owner, Plain, Size


async def make_full_row() -> EveryField:
    owner = await Owner.create(name="Ada")
    row = await EveryField.create(
        day=datetime.date(2024, 2, 29),
        clock=datetime.time(13, 45, 10, tzinfo=datetime.UTC),
        span=datetime.timedelta(hours=1, seconds=5),
        data={"nested": [1, 2, {"k": "v"}]},
        token=uuid.UUID("12345678-1234-5678-1234-567812345678"),
        blob=b"\x00\xffbytes",
        color=Color.BLUE,
        size=Size.LARGE,
        owner=owner,
        badge=owner,
    )
    return await EveryField.get(id=row.id)


async def test_every_field_type_serialises_to_json(db: str) -> None:
    row = await make_full_row()
    data = row.to_dict()
    json.dumps(data)  # must not raise on any engine
    assert data["big"] == 2**40
    assert data["small"] == 7
    assert data["char"] == "text"
    assert data["flag"] is True
    assert data["price"] == "12.50"
    assert data["ratio"] == 0.25
    assert datetime.datetime.fromisoformat(data["when"]).tzinfo is not None
    assert data["day"] == "2024-02-29"
    assert data["clock"].startswith("13:45:10")
    assert data["span"] == 3605.0
    assert data["data"] == {"nested": [1, 2, {"k": "v"}]}
    assert data["token"] == "12345678-1234-5678-1234-567812345678"
    assert base64.b64decode(data["blob"]) == b"\x00\xffbytes"
    assert data["color"] == "blue"
    assert data["size"] == 2


async def test_foreign_keys_appear_as_ids_and_relations_do_not(db: str) -> None:
    row = await make_full_row()
    data = row.to_dict()
    assert data["owner_id"] == row.owner_id
    assert data["badge_id"] == row.badge_id
    for relation in ("owner", "badge", "tags"):
        assert relation not in data
    assert not any(key.startswith("_") for key in data)


async def test_nulls_stay_null(db: str) -> None:
    row = await EveryField.create()
    data = (await EveryField.get(id=row.id)).to_dict()
    for name in ("day", "clock", "span", "data", "token", "blob", "owner_id", "badge_id"):
        assert data[name] is None
    json.dumps(data)


async def test_protected_fields_are_removed_and_merged_with_exclude(db: str) -> None:
    row = await EveryField.create()
    assert "secret" not in row.to_dict()
    trimmed = row.to_dict(exclude=["char", "text"])
    assert {"secret", "char", "text"}.isdisjoint(trimmed)
    assert row.to_dict(include_protected=True)["secret"] == "hidden"
    assert "char" not in row.to_dict(exclude=["char"], include_protected=True)


async def test_user_never_shows_its_hash(db: str, factory) -> None:
    user = await factory("User", name="Ada", password_hash="$argon2id$secret", remember_token="tok")
    data = user.to_dict()
    assert "password_hash" not in data and "remember_token" not in data
    assert data["name"] == "Ada"
    assert "$argon2id$secret" not in json.dumps(jsonable([user]))


async def test_framework_serialiser_refuses_models_without_the_mixin(db: str) -> None:
    plain = await Plain.create()
    with pytest.raises(TypeError, match="does not use NoriModelMixin"):
        jsonable({"items": [plain]})


def test_jsonable_converts_nested_values() -> None:
    value = {"d": decimal.Decimal("1.10"), "t": (datetime.date(2020, 1, 2),), "c": Color.RED}
    assert jsonable(value) == {"d": "1.10", "t": ["2020-01-02"], "c": "red"}
    with pytest.raises(TypeError):
        jsonable(object())
