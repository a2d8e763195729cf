"""S3 storage against a real S3 endpoint: moto's server on 127.0.0.1, started here.

The same interface as the local store, a file past the multipart threshold sent in parts, and
presigned links fetched over HTTP with the headers stored beside the object.
"""

from __future__ import annotations

import io
import os
import threading
from collections.abc import Iterator

import httpx
import pytest
from moto.server import ThreadedMotoServer

from core.storage import StorageError, open_storage
from core.storage.s3 import MULTIPART_THRESHOLD, S3Storage
from tests.support.files import HTML, PDF, SVG, png
from tests.support.smtp import free_port

CREDENTIALS = {"AWS_ACCESS_KEY_ID": "nori-test", "AWS_SECRET_ACCESS_KEY": "nori-test-secret",
               "AWS_DEFAULT_REGION": "us-east-1"}


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    saved = {key: os.environ.get(key) for key in CREDENTIALS}
    os.environ.update(CREDENTIALS)
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@pytest.fixture
async def store(endpoint: str) -> S3Storage:
    bucket = f"nori-{os.getpid()}-{free_port()}"
    store = open_storage(f"s3://{bucket}?endpoint_url={endpoint}&region=us-east-1&prefix=site/", secret="unused")
    assert isinstance(store, S3Storage)
    async with store.client() as s3:
        await s3.create_bucket(Bucket=bucket)
    return store


async def test_put_open_exists_delete(store: S3Storage) -> None:
    assert await store.put("docs/a.pdf", PDF) == "docs/a.pdf"
    await store.put("docs/b.pdf", io.BytesIO(PDF))
    for name in ("docs/a.pdf", "docs/b.pdf"):
        assert await store.exists(name)
        async with store.open(name) as file:
            assert await file.read() == PDF
    async with store.client() as s3:
        listed = await s3.list_objects_v2(Bucket=store.bucket)
    assert sorted(item["Key"] for item in listed["Contents"]) == ["site/docs/a.pdf", "site/docs/b.pdf"]
    await store.delete("docs/a.pdf")
    await store.delete("docs/a.pdf")
    assert not await store.exists("docs/a.pdf")
    with pytest.raises(FileNotFoundError):
        async with store.open("docs/a.pdf"):
            pass
    with pytest.raises(StorageError):
        await store.put("../escape", b"x")


async def test_a_large_file_goes_up_in_parts(store: S3Storage) -> None:
    big = png(8, 8) + os.urandom(MULTIPART_THRESHOLD + 3 * 1024 * 1024)
    await store.put("big.png", io.BytesIO(big))
    async with store.client() as s3:
        head = await s3.head_object(Bucket=store.bucket, Key="site/big.png")
    assert head["ETag"].strip('"').endswith("-2")  # S3 names a multipart object's ETag by its part count
    assert head["ContentLength"] == len(big)
    async with store.open("big.png") as file:
        assert await file.read() == big


class RecordingFile(io.BytesIO):
    """A file that notes the thread each read runs in."""

    def __init__(self, content: bytes) -> None:
        super().__init__(content)
        self.threads: list[int] = []

    def read(self, size: int | None = -1) -> bytes:
        self.threads.append(threading.get_ident())
        return super().read(size)


async def test_the_file_is_read_off_the_event_loop(store: S3Storage) -> None:
    big = png(8, 8) + os.urandom(MULTIPART_THRESHOLD + 1024 * 1024)
    file = RecordingFile(big)
    await store.put("big.png", file)
    assert len(file.threads) > 2 and threading.get_ident() not in file.threads
    async with store.open("big.png") as stored:
        assert await stored.read() == big


async def test_presigned_links_are_fetched_with_the_stored_headers(store: S3Storage) -> None:
    await store.put("cat.png", png(3, 3))
    await store.put("page.png", HTML)
    await store.put("logo.svg", SVG)
    async with httpx.AsyncClient() as client:
        image = await client.get(await store.temporary_url("cat.png", expires=60))
        assert image.status_code == 200 and image.content == png(3, 3)
        assert image.headers["content-type"] == "image/png" and image.headers["content-disposition"] == "inline"
        for name, content in (("page.png", HTML), ("logo.svg", SVG)):
            answer = await client.get(await store.temporary_url(name, expires=60))
            assert answer.status_code == 200 and answer.content == content
            assert answer.headers["content-type"] == "application/octet-stream"
            assert answer.headers["content-disposition"] == "attachment"
        missing = await client.get(await store.temporary_url("nothing.png", expires=60))
        assert missing.status_code == 404
    assert "X-Amz-Expires=60" in await store.temporary_url("cat.png", expires=60)


async def test_url_is_the_object_address(store: S3Storage, endpoint: str) -> None:
    assert await store.url("a b.png") == f"{endpoint}/{store.bucket}/site/a%20b.png"
    aws = S3Storage("bucket", region="eu-west-1")
    assert await aws.url("x.png") == "https://bucket.s3.eu-west-1.amazonaws.com/x.png"
