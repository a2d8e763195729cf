"""The admin: list, search, edit and trash pages for every registered model. See docs/admin.md.

    from core.admin import admin_action, register_admin
"""

from core.admin.options import ModelAdmin, admin_action, admin_models, register_admin

__all__ = ["ModelAdmin", "admin_action", "admin_models", "register_admin"]
