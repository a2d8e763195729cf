"""Files on the local disk under one folder, served by the framework's `/storage/` route.

Writes go to a temporary file in the same folder and are renamed into place, so a reader never
sees half a file. Disk calls run in a worker thread (anyio) so a slow disk does not stall the
event loop. The files are never under the static mount: they are served only through the signed
route (core/storage/serve.py), which types them from their content.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote

from anyio import to_thread

from core.storage.base import Content, check_name, seconds
from core.storage.signing import signature

ROUTE = "/storage"


class LocalReader:
    def __init__(self, file: BinaryIO) -> None:
        self.file = file

    async def read(self, size: int = -1) -> bytes:
        return await to_thread.run_sync(self.file.read, size)


def _write(target: Path, content: Content) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
    try:
        with os.fdopen(handle, "wb") as out:
            if isinstance(content, bytes):
                out.write(content)
            elif isinstance(content, Path):
                with content.open("rb") as source:
                    shutil.copyfileobj(source, out)
            else:
                content.seek(0)
                shutil.copyfileobj(content, out)
        os.replace(temporary, target)
    except BaseException:
        os.unlink(temporary)
        raise


class LocalStorage:
    def __init__(self, root: Path, *, secret: str) -> None:
        self.root = root.resolve()
        self.secret = secret

    def path(self, name: str) -> Path:
        """The file for `name`, which cannot be outside the root (`check_name`, then resolved)."""
        path = (self.root / check_name(name)).resolve()
        if not path.is_relative_to(self.root):  # a symlink inside the folder pointing out of it
            raise FileNotFoundError(name)
        return path

    async def put(self, name: str, content: Content) -> str:
        await to_thread.run_sync(_write, self.path(name), content)
        return name

    @asynccontextmanager
    async def open(self, name: str) -> AsyncIterator[LocalReader]:
        path = self.path(name)
        file = await to_thread.run_sync(path.open, "rb")
        try:
            yield LocalReader(file)
        finally:
            file.close()

    async def exists(self, name: str) -> bool:
        return await to_thread.run_sync(self.path(name).is_file)

    async def delete(self, name: str) -> None:
        await to_thread.run_sync(lambda: self.path(name).unlink(missing_ok=True))

    def _link(self, name: str, expires: int) -> str:
        check_name(name)
        return f"{ROUTE}/{quote(name)}?expires={expires}&signature={signature(self.secret, name, expires)}"

    async def url(self, name: str) -> str:
        return self._link(name, 0)

    async def temporary_url(self, name: str, expires: int | timedelta = 3600) -> str:
        return self._link(name, int(time.time()) + seconds(expires))
