"""core/cli/one_shot.py: the collector waits while a command builds the app, and the build is frozen."""

from __future__ import annotations

import gc

from core.cli.one_shot import collector_paused


def test_the_collector_waits_for_the_build_and_skips_it_afterwards() -> None:
    frozen = gc.get_freeze_count()
    try:
        with collector_paused():
            assert not gc.isenabled()
            built = [{"route": n} for n in range(100)]
        assert gc.isenabled()
        assert gc.get_freeze_count() >= frozen + len(built)
    finally:
        gc.unfreeze()


def test_a_collector_that_was_off_stays_off() -> None:
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.unfreeze()
        gc.enable()
