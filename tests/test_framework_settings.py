"""core.settings: the framework reads the site's settings module over defaults of its own.

An older site's settings.py lacks the settings a newer framework reads; these tests take names
out of the real site module (monkeypatch puts them back) and check the framework still starts,
serves and uses its defaults, while a value the site defines always wins.
"""

from __future__ import annotations

from collections.abc import Iterator
from types import ModuleType

import httpx
import pytest
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from core import paths
from core.auth.decorators import login_required
from core.auth.throttle import login_throttle, set_login_throttle
from core.conf import SettingError
from core.settings import DEFAULTS, REQUIRED, settings


@pytest.fixture
def site(monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    """The site's settings module, with a login throttle rebuilt from whatever settings say."""
    set_login_throttle(None)
    yield settings.module()
    set_login_throttle(None)


def test_a_setting_the_site_lacks_gets_the_framework_default(site: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(site, "LOGIN_URL")
    monkeypatch.delenv("LOGIN_URL", raising=False)
    assert settings.LOGIN_URL == "/login"


def test_the_default_reads_the_sites_environment(site: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(site, "LOGIN_MAX_ATTEMPTS")
    monkeypatch.setenv("LOGIN_MAX_ATTEMPTS", "7")
    assert settings.LOGIN_MAX_ATTEMPTS == 7
    monkeypatch.setenv("LOGIN_MAX_ATTEMPTS", "0")
    with pytest.raises(SettingError, match="LOGIN_MAX_ATTEMPTS='0' is out of range"):
        settings.LOGIN_MAX_ATTEMPTS  # noqa: B018


def test_a_site_value_overrides_the_default(site: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(site, "LOGIN_URL", "/signin")
    monkeypatch.setattr(site, "LOGIN_MAX_ATTEMPTS", 2)
    assert settings.LOGIN_URL == "/signin"
    assert login_throttle().max_attempts == 2


def test_the_skeletons_settings_match_the_framework_defaults(site: ModuleType) -> None:
    """Read from the same environment, a default and the skeleton's line give the same value.

    DEBUG is the one deliberate difference: the skeleton starts in development, while a site
    that never mentions DEBUG is treated as production.
    """
    different = {name: (getattr(site, name), default(site.env)) for name, default in DEFAULTS.items()
                 if name != "DEBUG" and getattr(site, name) != default(site.env)}
    assert different == {}


async def test_an_older_site_without_framework_settings_starts_and_serves(
    db: str, site: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    from core.kernel import create_app

    for name in DEFAULTS:
        monkeypatch.delattr(site, name)
    assert not REQUIRED & set(DEFAULTS)

    async def hello(request: Request) -> PlainTextResponse:
        return PlainTextResponse("hello")

    @login_required
    async def private(request: Request) -> PlainTextResponse:
        return PlainTextResponse("secret")

    app = create_app(routes=[Route("/", hello), Route("/private", private)])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
        assert (await client.get("/")).text == "hello"
        response = await client.get("/private")
        assert response.status_code == 303 and response.headers["location"] == "/login?next=/private"
    assert login_throttle().max_attempts == 5
    assert settings.TEMPLATES_DIR == paths.TEMPLATES_DIR


def test_a_missing_required_setting_names_it(site: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(site, "SECRET_KEY")
    with pytest.raises(SettingError, match=r"settings\.py does not define SECRET_KEY, which the framework needs"):
        settings.SECRET_KEY  # noqa: B018


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match=r"NO_SUCH_SETTING is neither in settings\.py nor a framework setting"):
        settings.NO_SUCH_SETTING  # noqa: B018
