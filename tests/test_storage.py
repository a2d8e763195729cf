"""Local storage: the interface on a folder, and the signed `/storage/` route that serves it."""

from __future__ import annotations

import io
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from core.kernel import create_app
from core.settings import settings
from core.storage import LocalStorage, StorageError, open_storage, storage
from core.storage.signing import signature
from tests.support.files import HTML, PDF, SVG, png

JSON = {"Accept": "application/json"}


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> LocalStorage:
    monkeypatch.setattr(settings, "STORAGE_URL", (tmp_path / "files").as_uri())
    local = storage()
    assert isinstance(local, LocalStorage) and local.root == (tmp_path / "files").resolve()
    return local


@pytest.fixture
async def web(db: str, store: LocalStorage) -> AsyncIterator[httpx.AsyncClient]:
    from routes import routes

    app = create_app(routes=routes)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
        client.headers.update(JSON)
        yield client


async def test_put_open_exists_delete(store: LocalStorage, tmp_path: Path) -> None:
    source = tmp_path / "source.pdf"
    source.write_bytes(PDF)
    assert await store.put("docs/a.pdf", PDF) == "docs/a.pdf"
    await store.put("docs/b.pdf", io.BytesIO(PDF))
    await store.put("docs/c.pdf", source)
    for name in ("docs/a.pdf", "docs/b.pdf", "docs/c.pdf"):
        assert await store.exists(name)
        async with store.open(name) as file:
            assert await file.read() == PDF
    await store.put("docs/a.pdf", b"replaced")
    async with store.open("docs/a.pdf") as file:
        assert await file.read(3) == b"rep" and await file.read() == b"laced"
    await store.delete("docs/a.pdf")
    await store.delete("docs/a.pdf")  # already gone: no error
    assert not await store.exists("docs/a.pdf")
    with pytest.raises(FileNotFoundError):
        async with store.open("docs/a.pdf"):
            pass
    assert sorted(p.name for p in (store.root / "docs").iterdir()) == ["b.pdf", "c.pdf"]  # no temporary left


@pytest.mark.parametrize("name", ["../settings.py", "/etc/passwd", "a/../../b", "a//b", "a\\..\\b", "", "x\x00y",
                                  "./a"])
async def test_names_that_could_leave_the_folder_are_refused(store: LocalStorage, name: str) -> None:
    with pytest.raises(StorageError):
        await store.put(name, b"x")
    with pytest.raises(StorageError):
        await store.url(name)


def test_storage_url_must_name_a_known_store() -> None:
    with pytest.raises(StorageError, match="file:// or s3://"):
        open_storage("ftp://host/files", secret="s")
    with pytest.raises(StorageError, match="absolute path"):
        open_storage("file:relative", secret="s")


def test_a_bad_storage_url_stops_the_start_up(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "STORAGE_URL", "ftp://host/files")
    with pytest.raises(StorageError, match="the scheme must be file:// or s3://"):
        create_app(routes=[])


async def test_url_and_temporary_url_serve_the_file(web: httpx.AsyncClient, store: LocalStorage) -> None:
    await store.put("img/cat.png", png(3, 3))
    lasting = await store.url("img/cat.png")
    assert lasting.startswith("/storage/img/cat.png?expires=0&signature=")
    for url in (lasting, await store.temporary_url("img/cat.png", expires=60)):
        answer = await web.get(url)
        assert answer.status_code == 200 and answer.content == png(3, 3)
        assert answer.headers["content-type"] == "image/png"
        assert answer.headers["content-disposition"] == "inline; filename*=UTF-8''cat.png"
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert "sandbox" in answer.headers["content-security-policy"]


async def test_expired_tampered_and_missing_links(web: httpx.AsyncClient, store: LocalStorage) -> None:
    await store.put("a.pdf", PDF)
    past = int(time.time()) - 10
    expired = await web.get(f"/storage/a.pdf?expires={past}&signature={signature(settings.SECRET_KEY, 'a.pdf', past)}")
    assert expired.status_code == 403 and expired.json()["error"] == "The link has expired."
    url = await store.temporary_url("a.pdf", expires=60)
    tampered = url[:-4] + ("0000" if not url.endswith("0000") else "1111")
    assert (await web.get(tampered)).status_code == 403
    assert (await web.get(url.replace("a.pdf", "b.pdf", 1))).status_code == 403  # the signature names a.pdf
    longer = url.replace("expires=", "expires=9", 1)
    assert (await web.get(longer)).status_code == 403  # a later expiry is not the signed one
    assert (await web.get("/storage/a.pdf")).status_code == 403
    await store.delete("a.pdf")
    assert (await web.get(url)).status_code == 404


async def test_a_signed_traversal_is_still_refused(web: httpx.AsyncClient, store: LocalStorage) -> None:
    name = "../../rootsystem/application/settings.py"
    answer = await web.get(f"/storage/{name}?expires=0&signature={signature(settings.SECRET_KEY, name, 0)}")
    assert answer.status_code == 404


@pytest.mark.parametrize(("content", "stored_as"), [(HTML, "page.png"), (SVG, "logo.svg"), (HTML, "x.html")])
async def test_html_and_svg_are_downloads_never_pages(web: httpx.AsyncClient, store: LocalStorage,
                                                      content: bytes, stored_as: str) -> None:
    await store.put(stored_as, content)
    answer = await web.get(await store.url(stored_as))
    assert answer.status_code == 200 and answer.content == content
    assert answer.headers["content-type"] == "application/octet-stream"
    assert answer.headers["content-disposition"].startswith("attachment;")
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["content-security-policy"].startswith("default-src 'none'")


async def test_a_pdf_keeps_its_type_but_is_a_download(web: httpx.AsyncClient, store: LocalStorage) -> None:
    await store.put("r.pdf", PDF)
    answer = await web.get(await store.url("r.pdf"))
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.headers["content-disposition"] == "attachment; filename*=UTF-8''r.pdf"


def test_the_default_folder_is_git_ignored_and_outside_the_static_mount() -> None:
    import subprocess

    import settings as site

    folder = Path(site.STORAGE_URL.removeprefix("file://"))
    assert folder == site.BASE_DIR / "storage" / "files" and not folder.is_relative_to(site.STATIC_DIR)
    ignored = subprocess.run(["git", "check-ignore", "-q", str(folder / "a.png")], cwd=site.BASE_DIR, check=False)
    assert ignored.returncode == 0
