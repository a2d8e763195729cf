"""`key:generate [--force]`: write a strong SECRET_KEY into `.env`, creating it from `.env.example`.

It reads and edits the file as text and never imports `settings`: the command exists for the
moment the settings refuse to load (DEBUG off and no key), and it keeps every other line, comment
and blank of the file as the user wrote it.
"""

from __future__ import annotations

import argparse
import os
import re
from pathlib import Path

from core.cli.errors import CommandError
from core.cli.scaffold import PROJECT, relative

SETTING = "SECRET_KEY"
_ASSIGNMENT = re.compile(rf"^[ \t]*(?:export[ \t]+)?{SETTING}[ \t]*=(.*)$", re.MULTILINE)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--force", action="store_true", help="replace the key .env already has (logs everyone out)")


def current_key(text: str) -> str:
    """The value `.env` text gives SECRET_KEY, read as the settings read it (python-dotenv), or ''."""
    import io

    from dotenv import dotenv_values

    return (dotenv_values(stream=io.StringIO(text)).get(SETTING) or "").strip()


def with_key(text: str, key: str) -> str:
    """`text` with its SECRET_KEY line set to `key`: the first assignment replaced, or a line appended."""
    line = f"{SETTING}={key}"
    if _ASSIGNMENT.search(text):
        return _ASSIGNMENT.sub(lambda _: line, text, count=1)
    separator = "" if not text or text.endswith("\n") else "\n"
    return f"{text}{separator}{line}\n"


def run(args: argparse.Namespace) -> int:
    from core.conf import env_file_path
    from core.secrets import is_placeholder, new_secret_key

    path = env_file_path(PROJECT)
    example = PROJECT / ".env.example"
    created = not path.exists()
    text = example.read_text(encoding="utf-8") if created and example.is_file() else ""
    if not created:
        text = path.read_text(encoding="utf-8")
        existing = current_key(text)
        if not is_placeholder(existing) and not args.force:
            raise CommandError(f"{relative(path)} already has a SECRET_KEY; replacing it logs everyone out and "
                               "invalidates signed links: add --force to replace it")
    write_private(path, with_key(text, new_secret_key()))
    source = f" from {relative(example)}" if created and example.is_file() else ""
    print(f"{'Created' if created else 'Updated'} {relative(path)}{source} with a new SECRET_KEY")
    if SETTING in os.environ:
        print(f"Note: {SETTING} is also set in this shell's environment, which wins over {relative(path)}")
    return 0


def write_private(path: Path, text: str) -> None:
    """Write `text` to `path`, readable by its owner only when the file is new (it holds secrets)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)
