#!/usr/bin/env python3
"""The bench site under the uvicorn options `nori.py serve` and the gunicorn worker give it.

    cd rootsystem/application && PYTHONPATH=../.. python3 -m bench.serve_site PORT

`bench/http.py --served` starts this beside the site under uvicorn's own command line, so the
two ways of serving the same app run in the same rounds: core/serving.py turns uvicorn's proxy
header rewriting and its `Server` header off and bounds request heads.
"""

from __future__ import annotations

import sys

import uvicorn

from core.serving import uvicorn_options

if __name__ == "__main__":
    uvicorn.run("bench.nori_app:app", port=int(sys.argv[1]), log_level="info", access_log=False, **uvicorn_options())
