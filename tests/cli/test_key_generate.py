"""`key:generate` and the development key: what a new user without a `.env` meets."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.support.server import free_port
from tests.support.site_copy import ROOT, copy_site
from tests.support.web import TOKEN

SITE_SETTINGS = ("DB_", "DEBUG", "SECRET_KEY", "NORI_ENV_FILE")


def keyless_environment(**settings: str) -> dict[str, str]:
    """The environment minus every site setting: the site reads only its own `.env`, if any."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith(SITE_SETTINGS)}
    return {**environ, **settings}


def run(site: Path, *args: str, **settings: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "nori.py", *args], cwd=site, env=keyless_environment(**settings),
                          capture_output=True, text=True, timeout=120)


def site_with_example(tmp_path: Path) -> Path:
    site = copy_site(tmp_path)
    (site / ".env.example").write_text((ROOT / ".env.example").read_text())
    return site


def key_in(env_file: Path) -> str:
    [line] = [line for line in env_file.read_text().splitlines() if line.startswith("SECRET_KEY=")]
    return line.removeprefix("SECRET_KEY=")


def test_creates_env_from_the_example_with_a_strong_key(tmp_path: Path) -> None:
    site = site_with_example(tmp_path)
    result = run(site, "key:generate")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Created .env from .env.example with a new SECRET_KEY"
    env_file = site / ".env"
    assert len(key_in(env_file)) >= 64
    assert env_file.stat().st_mode & 0o777 == 0o600
    example = (site / ".env.example").read_text().splitlines()
    written = env_file.read_text().splitlines()
    assert len(written) == len(example)
    assert [a for a, b in zip(example, written, strict=True) if a != b] == ["SECRET_KEY="]
    production = run(site, "routes:list", DEBUG="false")
    assert production.returncode == 0, production.stderr  # the key satisfies DEBUG off


def test_fills_an_empty_key_and_refuses_to_replace_a_real_one(tmp_path: Path) -> None:
    site = copy_site(tmp_path)
    env_file = site / ".env"
    env_file.write_text("# mine\nDEBUG=true\nSECRET_KEY=\nAPP_URL=http://example.test\n")
    assert run(site, "key:generate").returncode == 0
    key = key_in(env_file)
    assert env_file.read_text() == f"# mine\nDEBUG=true\nSECRET_KEY={key}\nAPP_URL=http://example.test\n"
    refused = run(site, "key:generate")
    assert refused.returncode == 1
    assert refused.stderr.strip() == ("key:generate: .env already has a SECRET_KEY; replacing it logs everyone out "
                                      "and invalidates signed links: add --force to replace it")
    assert key_in(env_file) == key
    forced = run(site, "key:generate", "--force")
    assert forced.returncode == 0, forced.stderr
    assert key_in(env_file) != key and env_file.read_text().startswith("# mine\nDEBUG=true\nSECRET_KEY=")


def test_appends_the_key_to_an_env_without_one_and_follows_nori_env_file(tmp_path: Path) -> None:
    site = copy_site(tmp_path)
    elsewhere = tmp_path / "deploy.env"
    elsewhere.write_text("DEBUG=false")
    result = run(site, "key:generate", NORI_ENV_FILE=str(elsewhere))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("deploy.env with a new SECRET_KEY")
    assert elsewhere.read_text().startswith("DEBUG=false\nSECRET_KEY=") and not (site / ".env").exists()


def test_without_a_key_debug_warns_once_and_keeps_one_key(tmp_path: Path) -> None:
    site = copy_site(tmp_path)
    first = run(site, "routes:list")
    assert first.returncode == 0, first.stderr
    assert "generated a development key" in first.stderr
    second = run(site, "routes:list")
    assert second.returncode == 0 and "SECRET_KEY" not in second.stderr
    assert len((site / ".nori-dev-key").read_text().strip()) >= 32


def csrf_token_of(base: str, cookies: httpx.Cookies | None = None) -> tuple[str, httpx.Cookies]:
    """The CSRF token the login page gives this session; it lives in the signed session cookie."""
    response = httpx.get(base + "/login", cookies=cookies, timeout=10)
    assert response.status_code == 200, response.text
    match = TOKEN.search(response.text)
    assert match
    return match.group(1), response.cookies


def serve_once(site: Path, cookies: httpx.Cookies | None) -> tuple[str, httpx.Cookies]:
    """Start `serve` in a fresh process, read the login page's token with `cookies`, stop it."""
    port = free_port()
    process = subprocess.Popen([sys.executable, "nori.py", "serve", "--port", str(port), "--no-reload"], cwd=site,
                               env=keyless_environment(DEBUG="true"), stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(base + "/health", timeout=1)
                break
            except httpx.TransportError:
                assert process.poll() is None and time.monotonic() < deadline, "serve did not start"
                time.sleep(0.1)
        return csrf_token_of(base, cookies)
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_a_session_survives_a_restart_in_debug_without_env(tmp_path: Path) -> None:
    site = copy_site(tmp_path)
    token, cookies = serve_once(site, None)
    assert cookies, "the first process set no session cookie"
    again, _ = serve_once(site, cookies)
    assert again == token  # the second process read the session the first one signed
