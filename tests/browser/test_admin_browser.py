"""A real headless Chromium uses the admin as its users do, and keeps docs/img/admin-*.png current.

An admin logs in, creates an article (after a refused first try, and with the section input's
suggestions following what is typed), edits it, searches and filters
the list, moves it to the trash and restores it, then finds each step in the audit log; a user
who may only view articles sees no edit button and gets 403 on the edit page. No page may break
the CSP, which forbids inline styles and scripts.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from tests.browser.test_browser import (
    browser,  # noqa: F401  (a fixture)
    fill,
    text_of,
    wait_for_path,
    wait_until_gone,
)
from tests.support.server import ROOT, served_site

IMAGES = ROOT / "docs" / "img"
ADMIN = {"email": "admin@example.com", "password": "analytical engine"}
VIEWER = {"email": "viewer@example.com", "password": "difference engine"}


async def prepare(path: Path) -> None:
    """The tables, a section, an admin and a user who may only view articles."""
    from tortoise import Tortoise

    from core.acl import assign_role, grant
    from core.auth.passwords import hash_password
    from core.database import DatabaseSettings, orm, tortoise_config
    from core.models import Role
    from models.user import User
    from tests.support.admin_models import AdminSection

    db = replace(DatabaseSettings(engine="sqlite", name=str(path)),
                 extra_apps={"testapp": ("tests.support.admin_models",)})
    async with orm(tortoise_config(db)):
        await Tortoise.generate_schemas(safe=True)
        await AdminSection.create(name="News")
        await AdminSection.bulk_create([AdminSection(name=f"Filler {number}") for number in range(30)])
        for person, slug, role, permission in ((ADMIN, "ada", "admin", "admin.*"),
                                               (VIEWER, "vic", "reader", "admin.articles.view")):
            user = await User.create(slug=slug, name=slug.capitalize(), email=person["email"],
                                     password_hash=await hash_password(person["password"]))
            await Role.create(name=role)
            await grant(role, permission)
            await assign_role(user, role)


@pytest.fixture
def site_url(tmp_path: Path) -> Iterator[str]:
    database = tmp_path / "admin.sqlite3"
    asyncio.run(prepare(database))
    settings = {"DB_ENGINE": "sqlite", "DB_NAME": str(database), "DEBUG": "true", "PYTHONPATH": str(ROOT),
                "SECRET_KEY": "browser-test-key-" + "x" * 32}
    with served_site(settings, tmp_path, app="tests.support.admin_site:app") as base:
        yield base


def log_in(driver: Any, base: str, person: dict[str, str], landing: str) -> None:
    driver.delete_all_cookies()
    driver.get(f"{base}/login?next={landing}")
    fill(driver, person)
    wait_for_path(driver, landing)


def click(driver: Any, selector: str) -> None:
    from selenium.webdriver.common.by import By

    page = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.CSS_SELECTOR, selector).click()
    wait_until_gone(driver, page)


def shoot(driver: Any, name: str) -> None:
    IMAGES.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(IMAGES / f"admin-{name}.png"))


def problems(driver: Any) -> list[str]:
    return [entry["message"] for entry in driver.get_log("browser")
            if (entry["level"] == "SEVERE" and " 403 " not in entry["message"] and " 422 " not in entry["message"])
            or "Content Security Policy" in entry["message"]]


def test_an_admin_creates_edits_finds_trashes_restores_and_audits(browser: Any, site_url: str) -> None:  # noqa: F811
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    driver = browser
    log_in(driver, site_url, ADMIN, "/admin/articles")
    driver.find_element(By.LINK_TEXT, "New Article").click()
    wait_for_path(driver, "/admin/articles/create")
    suggestions = "#list-section_id option"
    assert len(driver.find_elements(By.CSS_SELECTOR, suggestions)) == 20  # the first rows, from the page itself
    driver.find_element(By.NAME, "section_id").send_keys("Filler 29")  # admin.js asks the lookup as one types
    WebDriverWait(driver, 10).until(lambda d: [option.get_attribute("label") or option.get_attribute("innerText")
                                               for option in d.find_elements(By.CSS_SELECTOR, suggestions)]
                                    == ["Filler 29"])
    driver.find_element(By.NAME, "section_id").clear()
    fill(driver, {"title": "ab"})  # too short for Admin.rules: the form comes back, 422, errors inline
    assert "The title field must be at least 3 characters." in text_of(driver)
    shoot(driver, "form-errors")
    Select(driver.find_element(By.NAME, "status")).select_by_visible_text("Published")
    driver.find_element(By.NAME, "featured").click()
    fill(driver, {"title": "Hello admin", "body": "The first article.", "section_id": "1"})
    assert "Article Hello admin created." in text_of(driver)
    article_path = driver.current_url.split("?")[0].removeprefix(site_url)
    shoot(driver, "detail")

    click(driver, "main a.button[href$='/edit']")
    fill(driver, {"title": "Hello again"})
    assert "Article Hello again saved." in text_of(driver)

    for title in ("Another one", "A third"):
        driver.get(f"{site_url}/admin/articles/create")
        fill(driver, {"title": title})
    driver.get(f"{site_url}/admin/articles")
    fill(driver, {"q": "again"})  # the search form is the first on the page
    rows = driver.find_elements(By.CSS_SELECTOR, "td[data-label=title]")
    assert [row.text for row in rows] == ["Hello again"]
    driver.get(f"{site_url}/admin/articles")
    Select(driver.find_element(By.NAME, "featured")).select_by_visible_text("No")
    click(driver, "main form button[type=submit]")
    assert [row.text for row in driver.find_elements(By.CSS_SELECTOR, "td[data-label=title]")] == [
        "A third", "Another one"]
    driver.get(f"{site_url}/admin/articles")
    shoot(driver, "list")
    driver.set_window_size(390, 844)
    shoot(driver, "phone")
    driver.set_window_size(1200, 900)

    driver.get(f"{site_url}{article_path}")
    click(driver, "main a.button.danger")  # Delete: the confirmation page
    click(driver, "main form button[type=submit]")
    assert "Article Hello again moved to the trash." in text_of(driver)
    assert "Hello again" not in [row.text for row in driver.find_elements(By.CSS_SELECTOR, "td[data-label=title]")]
    driver.find_element(By.LINK_TEXT, "Trash").click()
    wait_for_path(driver, "/admin/articles/trash")
    assert "Hello again" in text_of(driver)
    shoot(driver, "trash")
    click(driver, "main form button[type=submit]")  # Restore
    assert "Article Hello again restored." in text_of(driver)

    def logged(d: Any) -> bool:  # audit rows are written by a background task: look again until they are
        d.get(f"{site_url}/admin/audit?model=Article")
        cells = [cell.text for cell in d.find_elements(By.CSS_SELECTOR, "td[data-label=action]")]
        return {"admin.create", "admin.update", "admin.soft_delete", "admin.restore"} <= set(cells)

    WebDriverWait(driver, 10).until(logged)
    assert "Hello admin → Hello again" in text_of(driver)
    shoot(driver, "audit")
    assert problems(driver) == []

    log_in(driver, site_url, VIEWER, "/admin/articles")
    assert "Hello again" in text_of(driver)
    assert driver.find_elements(By.LINK_TEXT, "Edit") == [] and driver.find_elements(By.LINK_TEXT, "New Article") == []
    driver.get(f"{site_url}{article_path}")
    assert driver.find_elements(By.LINK_TEXT, "Edit") == []
    driver.get(f"{site_url}{article_path}/edit")
    assert "You do not have permission to do this" in text_of(driver)
    shoot(driver, "forbidden")
    assert problems(driver) == []
