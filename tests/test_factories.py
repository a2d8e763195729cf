from __future__ import annotations

import pytest

from models.user import User
from tests.support.models import EveryField


async def test_factory_fills_required_fields_and_keeps_overrides(db: str, factory) -> None:
    user = await factory("User", name="Ada")
    assert user.name == "Ada"
    assert user.slug and user.email and user.password_hash
    assert await User.filter(id=user.id).exists()


async def test_unique_fields_stay_unique(db: str, factory) -> None:
    users = [await factory("User") for _ in range(5)]
    assert len({user.slug for user in users}) == 5


async def test_factory_accepts_a_model_class(db: str, factory) -> None:
    row = await factory(EveryField, char="given")
    assert row.char == "given"


async def test_unknown_model_name_is_a_lookup_error(db: str, factory) -> None:
    with pytest.raises(LookupError, match="Did you mean 'User'"):
        await factory("Usr")
