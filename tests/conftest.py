"""The framework's own tests use the same kit a site does, plus a test-only model app."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

pytest_plugins = ["core.testing.plugin"]


@pytest.fixture(scope="session")
def nori_extra_apps() -> dict[str, tuple[str, ...]]:
    """Test-only models: `tests/support/models.py` plus every `tests/support/*_models.py`."""
    support = Path(__file__).parent / "support"
    feature_modules = sorted(f"tests.support.{path.stem}" for path in support.glob("*_models.py"))
    modules = ("tests.support.models", *feature_modules)
    refuse_clashing_models(modules)
    return {"testapp": modules}


def refuse_clashing_models(modules: tuple[str, ...]) -> None:
    """One app holds every test module, and Tortoise lets a second model of the same name (or
    table) replace the first without a word: the tests of the first then fail far away."""
    from tortoise.models import Model

    seen: dict[str, str] = {}
    for name in modules:
        for value in vars(importlib.import_module(name)).values():
            if not (isinstance(value, type) and issubclass(value, Model) and value.__module__ == name):
                continue
            if value._meta.abstract:
                continue
            for key in (value.__name__, f"table {value._meta.db_table or value.__name__.lower()}"):
                if seen.setdefault(key, name) != name:
                    raise pytest.UsageError(f"{name} and {seen[key]} both declare {key} in the test app")
