"""Access control: roles hold permissions, users hold roles. See docs/acl.md.

    from core.acl import require_permission, user_has_permission, assign_role, grant

Each name loads its module when first asked for: the admin's pages read grants
(core.acl.grants) without loading the decorators, the changes and the sync with them.
"""

from typing import TYPE_CHECKING

from core.lazy import lazy_exports

if TYPE_CHECKING:
    from core.acl.changes import assign_role, grant, revoke, revoke_role
    from core.acl.decorators import require_permission, require_role
    from core.acl.grants import user_has_permission, user_has_role, user_permissions, user_roles
    from core.acl.sync import sync_acl

MODULE_OF = {
    "assign_role": "changes", "grant": "changes", "revoke": "changes", "revoke_role": "changes",
    "require_permission": "decorators", "require_role": "decorators",
    "user_has_permission": "grants", "user_has_role": "grants", "user_permissions": "grants", "user_roles": "grants",
    "sync_acl": "sync",
}

__all__ = [
    "assign_role",
    "grant",
    "require_permission",
    "require_role",
    "revoke",
    "revoke_role",
    "sync_acl",
    "user_has_permission",
    "user_has_role",
    "user_permissions",
    "user_roles",
]

__getattr__ = lazy_exports(__name__, MODULE_OF)
