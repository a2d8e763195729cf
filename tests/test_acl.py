"""ACL API: roles to users, permissions to roles, wildcards, inactive users, caching per request."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from core.acl import (
    assign_role,
    grant,
    revoke,
    revoke_role,
    user_has_permission,
    user_has_role,
    user_permissions,
    user_roles,
)
from core.auth.identity import current_user, set_user_loader
from core.kernel import create_app
from core.models import Permission, Role, UserRole


async def editor_setup(factory: Any) -> Any:
    user = await factory("User")
    await Role.create(name="editor")
    await grant("editor", "articles.edit", "articles.view")
    await assign_role(user, "editor")
    return user


async def test_role_grants_its_permissions(factory: Any) -> None:
    user = await editor_setup(factory)
    assert await user_has_permission(user, "articles.edit")
    assert not await user_has_permission(user, "articles.delete")
    assert not await user_has_permission(user, "users.edit")
    assert await user_roles(user) == ["editor"]
    assert await user_has_role(user, "editor") and not await user_has_role(user, "admin")
    assert await user_permissions(user) == ["articles.edit", "articles.view"]


async def test_users_without_roles_have_nothing(factory: Any) -> None:
    user = await factory("User")
    assert await user_roles(user) == []
    assert not await user_has_permission(user, "articles.view")
    assert not await user_has_permission(None, "articles.view")


async def test_wildcards(factory: Any) -> None:
    writer, admin = await factory("User"), await factory("User")
    await Role.create(name="writer")
    await Role.create(name="admin")
    await grant("writer", "articles.*")
    await grant("admin", "*")
    await assign_role(writer, "writer")
    await assign_role(admin, "admin")
    assert await user_has_permission(writer, "articles.edit")
    assert await user_has_permission(writer, "articles.comments.delete")
    assert not await user_has_permission(writer, "articlesx.edit")
    assert not await user_has_permission(writer, "users.edit")
    assert await user_has_permission(admin, "users.edit") and await user_has_permission(admin, "anything.at.all")


async def test_roles_combine(factory: Any) -> None:
    user = await editor_setup(factory)
    await Role.create(name="moderator")
    await grant("moderator", "comments.delete")
    await assign_role(user, "moderator")
    assert await user_roles(user) == ["editor", "moderator"]
    assert await user_has_permission(user, "comments.delete") and await user_has_permission(user, "articles.edit")


async def test_assign_twice_is_harmless_and_revoke_removes(factory: Any) -> None:
    user = await editor_setup(factory)
    await assign_role(user, "editor")
    assert await UserRole.filter(user_id=user.id).count() == 1
    assert await revoke_role(user, "editor") is True
    assert await revoke_role(user, "editor") is False
    assert not await user_has_permission(user, "articles.edit")


async def test_revoking_a_permission_from_the_role(factory: Any) -> None:
    user = await editor_setup(factory)
    await revoke("editor", "articles.edit")
    assert not await user_has_permission(user, "articles.edit")
    assert await user_has_permission(user, "articles.view")
    assert await Permission.filter(name="articles.edit").exists()  # the permission itself stays


async def test_inactive_user_has_no_permissions(factory: Any) -> None:
    user = await editor_setup(factory)
    user.status = False
    assert not await user_has_permission(user, "articles.edit")
    assert not await user_has_role(user, "editor")
    assert await user_permissions(user) == []
    assert await user_roles(user) == ["editor"]  # still held, for when the account comes back


async def test_bad_names_and_missing_roles_are_clear_errors(factory: Any) -> None:
    user = await factory("User")
    with pytest.raises(LookupError, match="Role 'ghost' does not exist"):
        await assign_role(user, "ghost")
    await Role.create(name="editor")
    with pytest.raises(ValueError, match="not a permission name"):
        await grant("editor", "articles edit")
    with pytest.raises(TypeError, match="integers"):
        await assign_role("not-an-id", "editor")


async def test_deleting_a_role_removes_it_from_users(factory: Any) -> None:
    user = await editor_setup(factory)
    await (await Role.get(name="editor")).delete()
    assert await user_roles(user) == []


@pytest.fixture
async def acl_client(db: str) -> Any:
    from models.user import User

    async def loader(request: Any) -> Any:
        user_id = request.headers.get("x-user")
        return await User.get_or_none(id=int(user_id)) if user_id else None

    async def check(request: Request) -> JSONResponse:
        user = await current_user(request)
        first = await user_has_permission(user, "articles.edit")
        await UserRole.filter(user_id=user.id).delete()  # behind the API's back: the request keeps its grants
        second = await user_has_permission(user, "articles.edit")
        return JSONResponse({"first": first, "second": second})

    previous_loader = set_user_loader(loader)
    app = create_app(routes=[Route("/check", check)])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
        yield http
    set_user_loader(previous_loader)


async def test_grants_load_once_per_request_and_revocation_shows_next_request(
    acl_client: httpx.AsyncClient, factory: Any
) -> None:
    user = await editor_setup(factory)
    first = await acl_client.get("/check", headers={"X-User": str(user.id)})
    assert first.json() == {"first": True, "second": True}
    second = await acl_client.get("/check", headers={"X-User": str(user.id)})
    assert second.json() == {"first": False, "second": False}
