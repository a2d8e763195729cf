#!/usr/bin/env python3
"""Nori's command runner: `python3 nori.py` lists the commands, `python3 nori.py help CMD` explains one."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "rootsystem" / "application"))

from core.cli import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
