"""The migration tools as a user runs them: real `nori.py migrate:*` processes on every engine.

`migrate:sql`, `--check`, `--fake`, `--to` and the destructive-step confirmation, plus the
pending-migration warning at start-up. Database state is read in-process, which is cheap.
"""

from __future__ import annotations

import subprocess
import sys


def test_the_migrations_layer_raises_its_own_errors_not_the_clis() -> None:
    """A deploy script calling `operations` must not need the command line's modules."""
    probe = ("import sys; from core.migrations import operations; "
             "print(sorted(name for name in sys.modules if name.startswith('core.cli')))")
    result = subprocess.run([sys.executable, "-c", probe], cwd="rootsystem/application",
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
