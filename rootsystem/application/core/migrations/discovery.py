"""Models a site defined but did not wire: the silent empty-migration trap.

Tortoise (and so the migrations) only see the models `models/__init__.py` imports, and the
name-based features only see the ones it registers. A model file nobody imports produces no
migration and no error, so `migrate:make` warns about it and `check` fails on it.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from typing import Any

from core.database import SITE_MODULES


def _is_model(value: Any) -> bool:
    from tortoise.models import Model

    return inspect.isclass(value) and issubclass(value, Model) and value is not Model and not value._meta.abstract


def unimported_models(package: str = SITE_MODULES[0]) -> list[str]:
    """One message per model class defined in a module of `package` that the package does not expose."""
    pkg = importlib.import_module(package)
    visible = {id(value) for value in vars(pkg).values() if _is_model(value)}
    folder = package.replace(".", "/")
    findings = []
    for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda info: info.name):
        module = importlib.import_module(f"{package}.{info.name}")
        for name, value in vars(module).items():
            if _is_model(value) and value.__module__ == module.__name__ and id(value) not in visible:
                findings.append(
                    f"{folder}/{info.name}.py defines {name}, which {folder}/__init__.py does not import "
                    "(migrations will not see it)"
                )
    return findings


def unregistered_models(package: str = SITE_MODULES[0]) -> list[str]:
    """One message per model the package exposes without a `register_model(...)` for it."""
    from core.registry import registered_models

    pkg = importlib.import_module(package)
    registered = {id(cls) for cls in registered_models().values()}
    folder = package.replace(".", "/")
    return [
        f"{name} is imported but not registered: add register_model({name!r}, {name}) to {folder}/__init__.py"
        for name, value in sorted(vars(pkg).items())
        if _is_model(value) and id(value) not in registered
    ]
