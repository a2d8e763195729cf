"""Make the database hold the permissions and roles a site declares (used by `acl:sync`).

Declaring the ACL in one file keeps it reviewable and repeatable across environments; the
sync only adds what is missing (and refreshes descriptions), so running it twice is a no-op.
Grants present in the database but no longer declared are left alone: removing access is a
decision, made with `revoke()`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from core.acl.grants import check_permission_name, check_role_name


@dataclass
class SyncReport:
    permissions_created: list[str] = field(default_factory=list)
    descriptions_updated: list[str] = field(default_factory=list)
    roles_created: list[str] = field(default_factory=list)
    grants_added: list[tuple[str, str]] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.permissions_created or self.descriptions_updated or self.roles_created or self.grants_added)


def wildcard_description(name: str) -> str:
    return "Every permission" if name == "*" else f"Every {name[:-2]} permission"


def normalise(
    permissions: Mapping[str, str] | Iterable[str], roles: Mapping[str, Iterable[str]]
) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Validate the declaration; every error names the entry and how to fix it."""
    declared = dict(permissions) if isinstance(permissions, Mapping) else {name: "" for name in permissions}
    for name, description in declared.items():
        check_permission_name(name)
        if name.endswith("*"):
            raise ValueError(f"PERMISSIONS declares {name!r}: wildcards are granted in ROLES, not declared")
        if not isinstance(description, str):
            raise ValueError(f"PERMISSIONS[{name!r}] must be a description string")
    wanted: dict[str, list[str]] = {}
    for role, granted in roles.items():
        check_role_name(role)
        if isinstance(granted, str):
            raise ValueError(f"ROLES[{role!r}] must be a list of permission names, not the string {granted!r}")
        wanted[role] = list(granted)
        for name in wanted[role]:
            check_permission_name(name)
            if not name.endswith("*") and name not in declared:
                raise ValueError(f"role {role!r} grants {name!r}, which PERMISSIONS does not declare")
    return declared, wanted


async def sync_acl(permissions: Mapping[str, str] | Iterable[str], roles: Mapping[str, Iterable[str]]) -> SyncReport:
    """Create missing permissions, roles and grants; returns what it did."""
    from core.models import Permission, Role

    declared, wanted = normalise(permissions, roles)
    wildcards = {name for granted in wanted.values() for name in granted if name.endswith("*")}
    descriptions = {**{name: wildcard_description(name) for name in wildcards}, **declared}
    report = SyncReport()
    existing = {row.name: row for row in await Permission.filter(name__in=list(descriptions))}
    for name, description in descriptions.items():
        row = existing.get(name)
        if row is None:
            existing[name] = await Permission.create(name=name, description=description)
            report.permissions_created.append(name)
        elif name in declared and description and row.description != description:
            row.description = description
            await row.save(update_fields=["description"])
            report.descriptions_updated.append(name)
    for role_name, granted in wanted.items():
        role, created = await Role.get_or_create(name=role_name)
        if created:
            report.roles_created.append(role_name)
        # Tortoise 1.1 types values_list(flat=True) as tuples; it returns the values themselves.
        names: list[str] = await role.permissions.all().values_list("name", flat=True)  # type: ignore[assignment]
        held = set(names)
        missing = [name for name in dict.fromkeys(granted) if name not in held]
        if missing:
            await role.permissions.add(*(existing[name] for name in missing))
            report.grants_added.extend((role_name, name) for name in missing)
    return report
