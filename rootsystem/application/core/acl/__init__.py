"""Access control: roles hold permissions, users hold roles. See docs/acl.md.

    from core.acl import require_permission, user_has_permission, assign_role, grant
"""

from core.acl.changes import assign_role, grant, revoke, revoke_role
from core.acl.decorators import require_permission, require_role
from core.acl.grants import user_has_permission, user_has_role, user_permissions, user_roles
from core.acl.sync import sync_acl

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
