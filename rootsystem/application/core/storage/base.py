"""The one interface every store keeps, and the rules a stored file's name follows.

Names are relative, `/`-separated paths (`avatars/Kq3x9.png`) checked here before any store sees
them: no leading `/`, no `..` or `.` parts, no backslash or control character. A name is then the
same key on disk and in a bucket, and a name from a URL cannot reach outside the store.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from datetime import timedelta
from pathlib import Path
from typing import BinaryIO, Protocol

from core.filetypes import UNKNOWN, FileType

Content = bytes | BinaryIO | Path
MAX_NAME = 1024
BAD_CHARACTERS = re.compile(r"[\x00-\x1f\x7f\\]")
# Shown in the browser as they are; every other type is offered as a download.
INLINE = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})


class StorageError(ValueError):
    """A name a store refuses, or a STORAGE_URL it cannot be built from."""


def check_name(name: str) -> str:
    """`name` if it is a safe relative name, else StorageError."""
    parts = name.split("/")
    if not name or len(name) > MAX_NAME or BAD_CHARACTERS.search(name) or any(p in ("", ".", "..") for p in parts):
        raise StorageError(f"{name[:80]!r} is not a valid stored file name (relative, no '..' or empty parts)")
    return name


def served_type(detected: FileType) -> tuple[str, str]:
    """(Content-Type, disposition) to serve a file of `detected` type with.

    Only raster images are shown inline. HTML, SVG and XML would run script in the site's
    origin if a browser rendered them, so they are downloads typed `application/octet-stream`;
    other types keep their type but are downloads too.
    """
    if detected.mime in INLINE:
        return detected.mime, "inline"
    return (UNKNOWN if detected.is_active else detected.mime), "attachment"


class Reader(Protocol):
    async def read(self, size: int = -1) -> bytes: ...


class Storage(Protocol):
    """What `storage()` gives, whichever STORAGE_URL chose it."""

    async def put(self, name: str, content: Content) -> str:
        """Store `content` (bytes, a binary file, or a path) under `name`, replacing any; returns the name."""
        ...

    def open(self, name: str) -> AbstractAsyncContextManager[Reader]:
        """`async with store.open(name) as file: await file.read()`; FileNotFoundError when missing."""
        ...

    async def exists(self, name: str) -> bool: ...

    async def delete(self, name: str) -> None:
        """Remove `name`; a name that is not there is no error."""
        ...

    async def url(self, name: str) -> str:
        """A lasting link to the file."""
        ...

    async def temporary_url(self, name: str, expires: int | timedelta = 3600) -> str:
        """A link that stops working `expires` (seconds or timedelta) from now."""
        ...


def seconds(expires: int | timedelta) -> int:
    value = int(expires.total_seconds()) if isinstance(expires, timedelta) else int(expires)
    if value < 1:
        raise StorageError("a temporary URL must expire at least one second from now")
    return value


async def chunks(reader: Reader, size: int = 64 * 1024) -> AsyncIterator[bytes]:
    while chunk := await reader.read(size):
        yield chunk
