"""The admin's test kit: its models registered, users holding chosen admin permissions, logged-in clients."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from core.acl import assign_role, grant
from core.admin.options import forget_admins
from core.auth.passwords import hash_password
from core.models import Role
from core.registry import register_model, unregister_model
from models.user import User
from tests.support.admin_models import ADMIN_MODELS
from tests.support.web import csrf_token

PASSWORD = "correct horse"
_numbers = itertools.count(1)


@contextmanager
def admin_models_registered(models: dict[str, Any] = ADMIN_MODELS) -> Iterator[None]:
    for name, model in models.items():
        register_model(name, model)
    forget_admins()
    try:
        yield
    finally:
        for name in models:
            unregister_model(name)
        forget_admins()


async def user_with(*permissions: str, name: str = "Ada") -> User:
    """A user whose one role holds `permissions` (none: a user without any)."""
    number = next(_numbers)
    user = await User.create(slug=f"u{number}", name=name, email=f"u{number}@example.com",
                             password_hash=await hash_password(PASSWORD))
    if permissions:
        role = await Role.create(name=f"role{number}")
        await grant(role, *permissions)
        await assign_role(user, role)
    return user


def client_for(app: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


async def log_in(client: httpx.AsyncClient, user: User) -> None:
    token = await csrf_token(client)
    response = await client.post("/login", data={"csrf_token": token, "email": user.email, "password": PASSWORD})
    assert response.status_code == 303, response.text
