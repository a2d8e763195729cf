"""The framework's own tests use the same kit a site does, plus a test-only model app."""

from __future__ import annotations

import pytest

pytest_plugins = ["core.testing.plugin"]


@pytest.fixture(scope="session")
def nori_extra_apps() -> dict[str, tuple[str, ...]]:
    return {"testapp": ("tests.support.models",)}
