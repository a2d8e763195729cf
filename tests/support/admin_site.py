"""The site with the admin test models registered, served by the browser test of the admin.

Serve it with `uvicorn tests.support.admin_site:app` from `rootsystem/application` with the
project root on PYTHONPATH; the shipped site's models and routes are left untouched.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import settings
from core.database import tortoise_config
from core.kernel import create_app
from core.registry import register_model
from tests.support.admin_models import ADMIN_MODELS


def admin_config() -> dict[str, Any]:
    """The site's Tortoise configuration plus the admin test models, as the app tests/conftest.py names."""
    return tortoise_config(replace(settings.DATABASE, extra_apps={"testapp": ("tests.support.admin_models",)}))


for name, model in ADMIN_MODELS.items():
    register_model(name, model)
app = create_app(tortoise_config=admin_config())
