"""The framework's own models (Tortoise app `framework`, migrations in `migrations/framework/`).

They register themselves, so a site gets audit logging, the ACL and job failure records without listing them.
"""

from core.compat.tortoise import read_field_comments_only_where_written

read_field_comments_only_where_written()  # before the first model class below is built

from core.models.api_token import ApiToken  # noqa: E402
from core.models.audit_log import AuditLog  # noqa: E402
from core.models.failed_job import FailedJob  # noqa: E402
from core.models.permission import Permission  # noqa: E402
from core.models.recovery_code import RecoveryCode  # noqa: E402
from core.models.refresh_token import RefreshToken  # noqa: E402
from core.models.remember_token import RememberToken  # noqa: E402
from core.models.role import Role  # noqa: E402
from core.models.session import Session  # noqa: E402
from core.models.social_account import SocialAccount  # noqa: E402
from core.models.user_role import UserRole  # noqa: E402
from core.registry import register_model  # noqa: E402

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
