"""`acl:sync`: create the permissions and roles the site declares (in `acl.py` by default).

    PERMISSIONS = {"articles.edit": "Edit any article", ...}
    ROLES = {"editor": ["articles.*"], "admin": ["*"]}
"""

from __future__ import annotations

import argparse
import importlib
from typing import Any

from core.cli.errors import CommandError
from core.settings import settings

DEFAULT_MODULE = "acl"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--module", default=DEFAULT_MODULE,
                        help=f"module declaring PERMISSIONS and ROLES (default {DEFAULT_MODULE}, "
                             "i.e. rootsystem/application/acl.py)")


def load_declaration(module_name: str) -> tuple[Any, Any]:
    """PERMISSIONS and ROLES as the module declares them; `sync_acl` checks their shape."""
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name != module_name:
            raise
        raise CommandError(
            f"no module {module_name!r}: declare PERMISSIONS and ROLES in rootsystem/application/{module_name}.py"
        ) from None
    permissions = getattr(module, "PERMISSIONS", None)
    roles = getattr(module, "ROLES", {})
    if permissions is None:
        raise CommandError(f"{module_name} has no PERMISSIONS: add PERMISSIONS = {{'articles.edit': '...'}}")
    if not isinstance(roles, dict):
        raise CommandError(f"{module_name}.ROLES must be a dict of role name to a list of permissions")
    return permissions, roles


async def run(args: argparse.Namespace) -> int:
    from core.acl.sync import sync_acl
    from core.database import orm

    permissions, roles = load_declaration(args.module)
    try:
        async with orm(settings.TORTOISE_ORM):
            report = await sync_acl(permissions, roles)
    except ValueError as error:
        raise CommandError(f"{args.module}: {error}") from None
    for name in report.permissions_created:
        print(f"created permission {name}")
    for name in report.descriptions_updated:
        print(f"updated description of {name}")
    for name in report.roles_created:
        print(f"created role {name}")
    for role, name in report.grants_added:
        print(f"granted {name} to {role}")
    if report.changed:
        print(f"ACL in sync: {len(report.permissions_created)} permissions, {len(report.roles_created)} roles "
              f"and {len(report.grants_added)} grants created.")
    else:
        print("ACL already in sync: nothing to create.")
    return 0
