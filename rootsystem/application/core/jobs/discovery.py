"""Find the jobs: the framework's own, and every module in `rootsystem/application/jobs/`, no wiring."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

from core.jobs.spec import Job, registered_jobs
from core.settings import settings

SITE_PACKAGE = "jobs"
# Framework modules that declare jobs (a queued `send_mail`), so every worker runs them too.
FRAMEWORK_JOBS = ("core.mail.jobs",)


def discover_jobs() -> dict[str, Job]:
    for name in FRAMEWORK_JOBS:
        importlib.import_module(name)
    directory = Path(settings.APPLICATION_DIR) / SITE_PACKAGE
    for module in pkgutil.iter_modules([str(directory)]):
        if not module.name.startswith("_"):
            importlib.import_module(f"{SITE_PACKAGE}.{module.name}")
    return registered_jobs()
