"""What a user may do: roles and permissions, loaded once per request.

A user's roles and their permissions come from one query and are kept on the request, so a
page that checks ten permissions costs one lookup, and a revoked grant is gone by the user's
next request. Permission names use dot notation (`articles.edit`); a grant of `articles.*`
covers every `articles.` permission and `*` covers everything (a superuser role).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from starlette.requests import HTTPConnection

from core.http.context import current_request

PERMISSION_NAME = re.compile(r"\*|[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*(\.\*)?")
ROLE_NAME = re.compile(r"[A-Za-z0-9_.-]+")
_CACHE_KEY = "nori_acl"


def check_permission_name(name: str) -> str:
    if not isinstance(name, str) or len(name) > 100 or not PERMISSION_NAME.fullmatch(name):
        raise ValueError(
            f"{name!r} is not a permission name: use dot notation such as 'articles.edit', 'articles.*' or '*'"
        )
    return name


def check_role_name(name: str) -> str:
    if not isinstance(name, str) or len(name) > 100 or not ROLE_NAME.fullmatch(name):
        raise ValueError(f"{name!r} is not a role name: use letters, digits, '_', '-' or '.' (e.g. 'editor')")
    return name


@dataclass(frozen=True)
class Grants:
    """The role names and permission patterns one user holds."""

    roles: frozenset[str]
    permissions: frozenset[str]

    def allows(self, permission: str) -> bool:
        granted = self.permissions
        if not granted:
            return False
        if "*" in granted or permission in granted:
            return True
        parts = permission.split(".")
        return any(".".join(parts[:depth]) + ".*" in granted for depth in range(1, len(parts)))


def user_id_of(user: Any) -> int:
    """The integer id the link table stores; a user object or an id is accepted."""
    value = getattr(user, "pk", user)
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"ACL user ids are integers (the user_roles table), got {value!r}")
    return value


def is_active(user: Any) -> bool:
    """Users with `status` false (disabled accounts) hold no permissions, whatever their roles."""
    return bool(getattr(user, "status", True))


def _cache(request: HTTPConnection | None) -> dict[int, Grants] | None:
    if request is None:
        return None
    return request.scope.setdefault("state", {}).setdefault(_CACHE_KEY, {})


async def load_grants(user: Any, request: HTTPConnection | None = None) -> Grants:
    """The user's roles and permissions, from the request's cache or one query."""
    from core.models import UserRole

    user_id = user_id_of(user)
    cache = _cache(request if request is not None else current_request())
    if cache is not None and user_id in cache:
        return cache[user_id]
    pairs = await UserRole.filter(user_id=user_id).values_list("role__name", "role__permissions__name")
    grants = Grants(
        roles=frozenset(role for role, _ in pairs if role is not None),
        permissions=frozenset(permission for _, permission in pairs if permission is not None),
    )
    if cache is not None:
        cache[user_id] = grants
    return grants


def forget_grants(request: HTTPConnection | None = None) -> None:
    """Drop this request's cached grants, so a change made during the request is seen at once."""
    request = request if request is not None else current_request()
    if request is not None:
        request.scope.get("state", {}).pop(_CACHE_KEY, None)


async def user_has_permission(user: Any, permission: str) -> bool:
    """True when an active `user` holds `permission` through one of their roles (wildcards count)."""
    if user is None or not is_active(user):
        return False
    return (await load_grants(user)).allows(permission)


async def user_has_role(user: Any, role: str) -> bool:
    if user is None or not is_active(user):
        return False
    return role in (await load_grants(user)).roles


async def user_roles(user: Any) -> list[str]:
    """Names of the roles `user` holds, sorted (held even while the account is inactive)."""
    return sorted((await load_grants(user)).roles)


async def user_permissions(user: Any) -> list[str]:
    """The permission patterns an active `user` holds, sorted; wildcards appear as granted."""
    if not is_active(user):
        return []
    return sorted((await load_grants(user)).permissions)
