"""Find the site's jobs: every module in `rootsystem/application/jobs/` is imported, no wiring."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

from core.jobs.spec import Job, registered_jobs
from core.settings import settings

SITE_PACKAGE = "jobs"


def discover_jobs() -> dict[str, Job]:
    directory = Path(settings.APPLICATION_DIR) / SITE_PACKAGE
    for module in pkgutil.iter_modules([str(directory)]):
        if not module.name.startswith("_"):
            importlib.import_module(f"{SITE_PACKAGE}.{module.name}")
    return registered_jobs()
