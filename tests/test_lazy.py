"""A package's lazily exported names: imported at the first read, then plain attributes."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.support.server import APP_DIR

PROBE = """
import sys
import core.acl
assert "core.acl.sync" not in sys.modules
sync = core.acl.sync_acl
assert "core.acl.sync" in sys.modules and "sync_acl" in vars(core.acl)  # set on the package: no second lookup
from core.acl.sync import sync_acl
assert sync is sync_acl
"""


def test_a_name_loads_its_module_at_the_first_read_and_stays() -> None:
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=APP_DIR, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


def test_an_unknown_name_is_an_attribute_error() -> None:
    import core.realtime

    with pytest.raises(AttributeError, match=r"'core\.realtime' has no attribute 'nothing_here'"):
        _ = core.realtime.nothing_here
