"""Where a site's folders are, worked out once from where `core/` sits.

A site is a checkout of the project, so the framework knows its layout: the site's settings.py
imports these, the framework's setting defaults use them, and nothing else computes them again.
"""

from __future__ import annotations

from pathlib import Path

APPLICATION_DIR = Path(__file__).resolve().parents[1]
BASE_DIR = APPLICATION_DIR.parents[1]
TEMPLATES_DIR = BASE_DIR / "rootsystem" / "templates"
STATIC_DIR = BASE_DIR / "rootsystem" / "static"
MIGRATIONS_DIR = BASE_DIR / "migrations"
