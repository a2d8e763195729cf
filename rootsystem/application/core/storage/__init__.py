"""Stored files behind one interface: `await storage().put(name, content)`, `open`, `exists`,
`delete`, `url` and `temporary_url`, on the store STORAGE_URL names.

- `file:///path` (the default: `storage/files` of the site, git-ignored): a local folder, served
  by signed links at `/storage/...` (core/storage/serve.py);
- `s3://bucket?endpoint_url=...&region=...&prefix=...`: an S3-compatible bucket (the `[s3]` extra).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from core.settings import settings
from core.storage.base import Storage, StorageError, check_name
from core.storage.local import LocalStorage

__all__ = ["LocalStorage", "Storage", "StorageError", "check_name", "open_storage", "storage"]


def open_storage(url: str, *, secret: str) -> Storage:
    """The store a STORAGE_URL names; StorageError for a scheme there is none of."""
    scheme = urlsplit(url).scheme
    if scheme == "file":
        path = unquote(urlsplit(url).path)
        if not path.startswith("/"):
            raise StorageError(f"STORAGE_URL {url!r}: a file:// URL needs an absolute path (file:///srv/files)")
        return LocalStorage(Path(path), secret=secret)
    if scheme == "s3":
        try:
            from core.storage.s3 import S3Storage
        except ImportError:
            raise StorageError("STORAGE_URL s3:// needs aioboto3: pip install 'nori-site[s3]'") from None
        return S3Storage.from_url(url)
    raise StorageError(f"STORAGE_URL {url!r}: the scheme must be file:// or s3://")


@lru_cache(maxsize=4)
def _store(url: str, secret: str) -> Storage:
    return open_storage(url, secret=secret)


def storage() -> Storage:
    """The site's store, built once per STORAGE_URL."""
    return _store(settings.STORAGE_URL, settings.SECRET_KEY)
