"""The cycle collector paused while a command builds the app it describes and then exits.

Building the app (`routes:list`, `openapi:export`) imports the framework, the site's models and
controllers: a few hundred thousand objects that live until the process ends, and no garbage
worth collecting. Their allocations still trigger Python's full collections, two or three per
command, each walking every one of them (10-25 ms apiece, a fifth of such a command's time)
to free nothing. So the collector waits until the build is done, and what was built is then
frozen (`gc.freeze`, as GC_FREEZE does for a served app in core/serving.py), so that the
collections that follow skip it. Nothing is collected first, unlike serving: the process ends
right after, so what little garbage the build left is freed with it.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()
