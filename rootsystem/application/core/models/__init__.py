"""The framework's own models (Tortoise app `framework`, migrations in `migrations/framework/`).

They register themselves, so a site gets audit logging, the ACL and job failure records without listing them.
"""

from core.models.api_token import ApiToken
from core.models.audit_log import AuditLog
from core.models.failed_job import FailedJob
from core.models.permission import Permission
from core.models.recovery_code import RecoveryCode
from core.models.refresh_token import RefreshToken
from core.models.remember_token import RememberToken
from core.models.role import Role
from core.models.session import Session
from core.models.social_account import SocialAccount
from core.models.user_role import UserRole
from core.registry import register_model

register_model("ApiToken", ApiToken)
register_model("AuditLog", AuditLog)
register_model("FailedJob", FailedJob)
register_model("Permission", Permission)
register_model("RecoveryCode", RecoveryCode)
register_model("RefreshToken", RefreshToken)
register_model("RememberToken", RememberToken)
register_model("Role", Role)
register_model("Session", Session)
register_model("SocialAccount", SocialAccount)
register_model("UserRole", UserRole)

__all__ = ["ApiToken", "AuditLog", "FailedJob", "Permission", "RecoveryCode", "RefreshToken", "RememberToken", "Role",
           "Session", "SocialAccount", "UserRole"]
