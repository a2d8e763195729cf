"""File writing shared by the `make:*` generators: project paths, no overwrites, relative names."""

from __future__ import annotations

from pathlib import Path

from core.cli import APPLICATION_DIR
from core.cli.errors import CommandError

APPLICATION = Path(APPLICATION_DIR)
PROJECT = APPLICATION.parent.parent


def relative(path: Path) -> str:
    """A path as the user sees it from the project root."""
    try:
        return str(path.relative_to(PROJECT))
    except ValueError:
        return str(path)


def write_new(path: Path, text: str) -> None:
    """Create `path` with `text`; an existing file is never touched (exit 1 says which)."""
    if path.exists():
        raise CommandError(f"{relative(path)} already exists; not overwriting it (delete it first to regenerate)")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as handle:
        handle.write(text)
