"""GC_FREEZE and GC_THRESHOLD: applied by the gunicorn worker once the app has started."""

from __future__ import annotations

import gc
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from core.serving import tune_gc
from tests.support.server import APP_DIR, ROOT, free_port, site_environment


def served_gc_state(settings: dict[str, str], tmp_path: Path) -> dict[str, Any]:
    """What the collector of a real gunicorn worker (core.worker.NoriWorker) looks like once serving."""
    port = free_port()
    log = tmp_path / f"gunicorn-{port}.log"
    argv = [sys.executable, "-m", "gunicorn", "tests.support.gc_site:app", "--chdir", str(APP_DIR),
            "--pythonpath", str(ROOT), "--worker-class", "core.worker.NoriWorker", "--workers", "1",
            "--bind", f"127.0.0.1:{port}"]
    with log.open("wb") as out:
        process = subprocess.Popen(argv, env=site_environment({"SECRET_KEY": "k" * 48, **settings}, tmp_path),
                                   stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, log.read_text()
            try:
                return httpx.get(f"http://127.0.0.1:{port}/gc", timeout=1).json()
            except httpx.TransportError:
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.1)
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_the_worker_freezes_and_raises_the_threshold_after_start_up(tmp_path: Path) -> None:
    state = served_gc_state({"GC_FREEZE": "true", "GC_THRESHOLD": "50000"}, tmp_path)
    assert state["threshold"] == [50000, *gc.get_threshold()[1:]]
    assert state["frozen"] > 0
    # the lifespan ran first, with the collector as Python set it: what start-up built is frozen
    assert state["during_startup"] == {"threshold": list(gc.get_threshold()), "frozen": 0}


def test_by_default_the_worker_leaves_the_collector_alone(tmp_path: Path) -> None:
    state = served_gc_state({}, tmp_path)
    assert state["threshold"] == list(gc.get_threshold())
    assert state["frozen"] == 0


@pytest.fixture
def restored_gc() -> Any:
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


@pytest.mark.usefixtures("restored_gc")
def test_a_zero_threshold_keeps_pythons_own() -> None:
    before = gc.get_threshold()
    tune_gc(freeze=False, threshold=0)
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
