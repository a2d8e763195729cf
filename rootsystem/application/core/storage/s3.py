"""Files in an S3-compatible bucket through aioboto3 (the `[s3]` extra): the one place it is touched.

    STORAGE_URL=s3://bucket?endpoint_url=https://s3.example.com&region=eu-west-1&prefix=site/

Credentials come from boto's usual chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, a profile,
an instance role), never from the URL. Files go up through aioboto3's managed transfer, which
switches to a multipart upload past `MULTIPART_THRESHOLD`, so a large file is sent in parts and
never read whole into memory; every read of the file runs in a worker thread (`ThreadedFile`),
so a large local file never holds up the event loop. Each file is stored with the Content-Type and Content-Disposition
it must be served with (`served_type`): the bucket then answers a presigned link the way the
local route does, an uploaded HTML or SVG as a download and never as a page. A custom endpoint
is addressed path-style (`endpoint/bucket/key`), which every S3-compatible server understands.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import parse_qs, quote, urlsplit

import aioboto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import ClientError

from core.filetypes import sniff_file
from core.storage.base import Content, StorageError, check_name, seconds, served_type

MULTIPART_THRESHOLD = 8 * 1024 * 1024  # S3's parts must be at least 5 MB, all but the last
MISSING = frozenset({"404", "NoSuchKey", "NotFound"})


class S3Reader:
    def __init__(self, body: Any) -> None:
        self.body = body

    async def read(self, size: int = -1) -> bytes:
        return bytes(await self.body.read(size if size >= 0 else None))


class ThreadedFile:
    """A file whose `read` is awaited and runs in a worker thread.

    aioboto3's `upload_fileobj` awaits `read` when it returns an awaitable and otherwise calls it
    on the loop, where a disk read of an 8 MB part would stall every other request.
    """

    def __init__(self, file: BinaryIO) -> None:
        self.file = file

    async def read(self, size: int = -1) -> bytes:
        return await asyncio.to_thread(self.file.read, size)


class S3Storage:
    def __init__(self, bucket: str, *, endpoint_url: str | None = None, region: str | None = None,
                 prefix: str = "") -> None:
        self.bucket = bucket
        self.endpoint_url = endpoint_url
        self.region = region
        self.prefix = prefix
        self.session = aioboto3.Session()
        style = "path" if endpoint_url else "auto"
        self.config = Config(s3={"addressing_style": style}, signature_version="s3v4")
        self.transfer = TransferConfig(multipart_threshold=MULTIPART_THRESHOLD, multipart_chunksize=MULTIPART_THRESHOLD)

    @classmethod
    def from_url(cls, url: str) -> S3Storage:
        parts = urlsplit(url)
        if not parts.netloc:
            raise StorageError("STORAGE_URL s3:// needs a bucket: s3://bucket?region=...")
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        return cls(parts.netloc, endpoint_url=query.get("endpoint_url"), region=query.get("region"),
                   prefix=query.get("prefix", ""))

    def key(self, name: str) -> str:
        return self.prefix + check_name(name)

    def client(self) -> Any:
        return self.session.client("s3", endpoint_url=self.endpoint_url, region_name=self.region, config=self.config)

    async def put(self, name: str, content: Content) -> str:
        key = self.key(name)
        file: BinaryIO = io.BytesIO(content) if isinstance(content, bytes) else (
            content.open("rb") if isinstance(content, Path) else content)
        try:
            mime, disposition = served_type(await asyncio.to_thread(sniff_file, file))
            async with self.client() as s3:
                await s3.upload_fileobj(ThreadedFile(file), self.bucket, key, Config=self.transfer,
                                        ExtraArgs={"ContentType": mime, "ContentDisposition": disposition})
        finally:
            if isinstance(content, Path):
                file.close()
        return name

    @asynccontextmanager
    async def open(self, name: str) -> AsyncIterator[S3Reader]:
        key = self.key(name)
        async with self.client() as s3:
            try:
                answer = await s3.get_object(Bucket=self.bucket, Key=key)
            except ClientError as error:
                if error.response.get("Error", {}).get("Code") in MISSING:
                    raise FileNotFoundError(name) from None
                raise
            body = answer["Body"]
            try:
                yield S3Reader(body)
            finally:
                body.close()

    async def exists(self, name: str) -> bool:
        key = self.key(name)
        async with self.client() as s3:
            try:
                await s3.head_object(Bucket=self.bucket, Key=key)
            except ClientError as error:
                if error.response.get("Error", {}).get("Code") in MISSING:
                    return False
                raise
        return True

    async def delete(self, name: str) -> None:
        key = self.key(name)
        async with self.client() as s3:
            await s3.delete_object(Bucket=self.bucket, Key=key)

    async def url(self, name: str) -> str:
        """The object's plain address: it opens only where the bucket lets anyone read it."""
        key = quote(self.key(name))
        if self.endpoint_url:
            return f"{self.endpoint_url.rstrip('/')}/{self.bucket}/{key}"
        region = f".{self.region}" if self.region else ""
        return f"https://{self.bucket}.s3{region}.amazonaws.com/{key}"

    async def temporary_url(self, name: str, expires: int | timedelta = 3600) -> str:
        key = self.key(name)
        async with self.client() as s3:
            url: str = await s3.generate_presigned_url(
                "get_object", Params={"Bucket": self.bucket, "Key": key}, ExpiresIn=seconds(expires))
        return url
