"""The site's permissions and roles; `python3 nori.py acl:sync` creates whatever is missing.

Permissions use dot notation (`<area>.<action>`). A role may grant `<area>.*` (every permission
of the area) or `*` (everything: a superuser role).
"""

PERMISSIONS: dict[str, str] = {
    "users.view": "See the user list and profiles",
    "users.edit": "Edit and disable users",
}

ROLES: dict[str, list[str]] = {
    "admin": ["*"],
    "staff": ["users.view"],
}
