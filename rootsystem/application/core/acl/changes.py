"""Changing grants: roles to users, permissions to roles.

Each change drops the current request's cached grants, so the rest of the request sees it;
other requests load fresh grants anyway. A change to the roles of the request's own user gives
its session a new id (core.auth.sessions.privileges_changed).
"""

from __future__ import annotations

from typing import Any

from core.acl.grants import check_permission_name, forget_grants, user_id_of
from core.auth.sessions import privileges_changed


async def find_role(role: Any) -> Any:
    """A Role from a name or a Role; a missing name is an error that says how to create it."""
    from core.models import Role

    if isinstance(role, Role):
        return role
    found = await Role.get_or_none(name=role)
    if found is None:
        raise LookupError(f"Role {role!r} does not exist: create it (Role.create or acl:sync) first")
    return found


async def assign_role(user: Any, role: Any) -> None:
    """Give `user` the role (a name or a Role); assigning a role twice is harmless."""
    from core.models import UserRole

    role = await find_role(role)
    await UserRole.get_or_create(user_id=user_id_of(user), role=role)
    forget_grants()
    privileges_changed(user_id_of(user))


async def revoke_role(user: Any, role: Any) -> bool:
    """Take the role away; returns False when the user did not hold it."""
    from core.models import UserRole

    role = await find_role(role)
    removed = await UserRole.filter(user_id=user_id_of(user), role=role).delete()
    forget_grants()
    if removed:
        privileges_changed(user_id_of(user))
    return bool(removed)


async def grant(role: Any, *permissions: str) -> None:
    """Give the role these permissions, creating Permission rows that do not exist yet."""
    from core.models import Permission

    for name in permissions:
        check_permission_name(name)
    role = await find_role(role)
    rows = [(await Permission.get_or_create(name=name))[0] for name in permissions]
    if rows:
        await role.permissions.add(*rows)
    forget_grants()


async def revoke(role: Any, *permissions: str) -> None:
    """Remove these permissions from the role (the Permission rows stay for other roles)."""
    from core.models import Permission

    role = await find_role(role)
    rows = await Permission.filter(name__in=list(permissions))
    if rows:
        await role.permissions.remove(*rows)
    forget_grants()
