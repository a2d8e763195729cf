"""The framework's own tests use the same kit a site does, plus a test-only model app."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ["core.testing.plugin"]


@pytest.fixture(scope="session")
def nori_extra_apps() -> dict[str, tuple[str, ...]]:
    """Test-only models: `tests/support/models.py` plus every `tests/support/*_models.py`."""
    support = Path(__file__).parent / "support"
    feature_modules = sorted(f"tests.support.{path.stem}" for path in support.glob("*_models.py"))
    return {"testapp": ("tests.support.models", *feature_modules)}
