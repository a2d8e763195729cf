"""A real headless Chromium walks through the account pages of the served site.

Needs Debian's `chromium` and `chromium-driver` and the `selenium` package (`.ci/run` installs
them). Without them the test is skipped, unless NORI_BROWSER_TESTS=required makes that a failure.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.server import served_site
from tests.support.smtp import Inbox, smtp_server

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
CHROMIUM_ARGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--window-size=1200,900")
WAIT = 30  # seconds any one wait may take: generous, since the machine running the tests may be busy


def browser_missing() -> str | None:
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install '.[test]')"
    for path in (CHROMIUM, CHROMEDRIVER):
        if not Path(path).exists():
            return f"{path} is missing (apt-get install -y chromium chromium-driver)"
    return None


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[object]:
    reason = browser_missing()
    if reason:
        if os.environ.get("NORI_BROWSER_TESTS") == "required":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in CHROMIUM_ARGS:
        options.add_argument(arg)
    options.add_argument(f"--user-data-dir={tmp_path / 'chromium-profile'}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    driver.implicitly_wait(5)
    try:
        yield driver
    finally:
        driver.quit()


async def create_schema(path: Path) -> None:
    """The site's tables, made here so the test does not depend on how the site builds its schema."""
    from core.database import DatabaseSettings, orm, tortoise_config

    async with orm(tortoise_config(DatabaseSettings(engine="sqlite", name=str(path)))):
        from tortoise import Tortoise

        await Tortoise.generate_schemas(safe=True)


def site_settings(tmp_path: Path) -> dict[str, str]:
    database = tmp_path / "browser.sqlite3"
    asyncio.run(create_schema(database))
    return {"DB_ENGINE": "sqlite", "DB_NAME": str(database), "DEBUG": "true",
            "SECRET_KEY": "browser-test-key-" + "x" * 32}


@pytest.fixture
def site_url(tmp_path: Path) -> Iterator[str]:
    with served_site(site_settings(tmp_path), tmp_path) as base:
        yield base


@pytest.fixture
def mailing_site(tmp_path: Path) -> Iterator[tuple[str, Inbox]]:
    """The site sending its mail to a real SMTP server started here, with sessions kept in the database
    (so a password reset can end the other logins); yields its URL and what the server received."""
    for inbox, port in smtp_server():
        settings = {**site_settings(tmp_path), "MAIL_URL": f"smtp://127.0.0.1:{port}?starttls=false",
                    "SESSION_BACKEND": "database", "QUEUE_URL": "", "REDIS_URL": ""}
        with served_site(settings, tmp_path) as base:
            yield base, inbox


def fill(driver: object, fields: dict[str, str]) -> None:
    from selenium.webdriver.common.by import By

    for name, value in fields.items():
        field = driver.find_element(By.NAME, name)
        field.clear()
        field.send_keys(value)
    submitted_page = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    wait_until_gone(driver, submitted_page)


def wait_until_gone(driver: Any, page: Any) -> None:
    """Wait for the next page to be loaded: a form posted back to its own path shows no change of URL.

    While the browser swaps documents, asking for the old page's element fails as "stale" or as
    "node does not belong to the document", depending on the moment: either means it is gone.
    """
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait

    def replaced(_: Any) -> bool:
        try:
            page.is_enabled()
        except WebDriverException:
            return True
        return False

    WebDriverWait(driver, WAIT).until(replaced)
    WebDriverWait(driver, WAIT).until(lambda d: d.execute_script("return document.readyState") == "complete")


def text_of(driver: object) -> str:
    from selenium.webdriver.common.by import By

    return driver.find_element(By.TAG_NAME, "body").text


def wait_for_path(driver: object, path: str) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, WAIT).until(lambda d: d.current_url.split("?")[0].endswith(path))


def test_register_logout_fail_login_and_see_the_account(browser: object, site_url: str) -> None:
    from selenium.webdriver.common.by import By

    driver = browser
    driver.get(site_url + "/register")
    fill(driver, {"name": "Ada Lovelace", "email": "Ada@Example.com", "password": "analytical engine",
                  "password_confirmation": "analytical engine"})
    wait_for_path(driver, "/account")
    assert "Welcome, Ada Lovelace: your account is ready." in text_of(driver)
    assert driver.find_element(By.ID, "account-email").text == "ada@example.com"

    page = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.CSS_SELECTOR, "nav form button").click()  # log out (a POST with the CSRF field)
    wait_until_gone(driver, page)
    wait_for_path(driver, "/")
    assert "You have been logged out." in text_of(driver)
    driver.get(site_url + "/account")
    wait_for_path(driver, "/login")  # protected: sent to the login page

    fill(driver, {"email": "ada@example.com", "password": "difference engine"})
    wait_for_path(driver, "/login")
    assert "These credentials do not match our records." in text_of(driver)
    assert driver.find_element(By.NAME, "email").get_attribute("value") == "ada@example.com"

    fill(driver, {"password": "analytical engine"})
    wait_for_path(driver, "/account")
    body = text_of(driver)
    assert "Welcome back, Ada Lovelace." in body and "Your account" in body

    problems = [entry["message"] for entry in driver.get_log("browser")
                if entry["level"] == "SEVERE" or "Content Security Policy" in entry["message"]]
    assert problems == [], problems


def test_turn_on_two_factor_then_log_in_with_password_and_code(browser: object, site_url: str) -> None:
    """The setup page's inline SVG QR code passes the CSP, and the login asks for the code."""
    from datetime import UTC, datetime, timedelta

    from selenium.webdriver.common.by import By

    from core.auth import totp

    driver = browser
    driver.get(site_url + "/register")
    fill(driver, {"name": "Ada Lovelace", "email": "ada@example.com", "password": "analytical engine",
                  "password_confirmation": "analytical engine"})
    wait_for_path(driver, "/account")
    driver.find_element(By.LINK_TEXT, "Two-factor authentication").click()
    wait_for_path(driver, "/account/two-factor")
    fill(driver, {})  # "Set up two-factor authentication"
    qr = driver.find_element(By.CSS_SELECTOR, "#two-factor-setup svg")
    assert qr.size["width"] >= 100 and qr.size["height"] >= 100  # drawn, not blocked
    secret = driver.find_element(By.ID, "two-factor-secret").text
    fill(driver, {"code": totp.current_code(secret)})
    codes = driver.find_elements(By.CSS_SELECTOR, "#recovery-codes code")
    assert len(codes) == 10 and "Two-factor authentication is on" in text_of(driver)

    page = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.CSS_SELECTOR, "nav form button").click()
    wait_until_gone(driver, page)
    driver.get(site_url + "/login")
    fill(driver, {"email": "ada@example.com", "password": "analytical engine"})
    wait_for_path(driver, "/two-factor")
    fill(driver, {"code": "000000" if totp.current_code(secret) != "000000" else "111111"})
    assert "That code is not right" in text_of(driver)
    next_step = datetime.now(UTC) + timedelta(seconds=totp.STEP_SECONDS)  # the setup used this step's code
    fill(driver, {"code": totp.current_code(secret, next_step)})
    wait_for_path(driver, "/account")
    assert "Welcome back, Ada Lovelace." in text_of(driver)

    problems = [entry["message"] for entry in driver.get_log("browser")
                if entry["level"] == "SEVERE" or "Content Security Policy" in entry["message"]]
    assert [problem for problem in problems if "401" not in problem] == [], problems


def mailed_link(driver: Any, inbox: Inbox, count: int, site_url: str) -> str:
    """The link of mail number `count` (waited for), on the served site: APP_URL names another port."""
    from urllib.parse import urlsplit

    from selenium.webdriver.support.ui import WebDriverWait

    from core.testing.mail import Outbox

    WebDriverWait(driver, WAIT).until(lambda _: len(inbox.received) >= count)
    message = inbox.received[count - 1]
    [link] = Outbox().links(message)
    return site_url + urlsplit(link).path


def log_out(driver: Any) -> None:
    from selenium.webdriver.common.by import By

    page = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.CSS_SELECTOR, "nav form button").click()  # a POST with the CSRF field
    wait_until_gone(driver, page)
    wait_for_path(driver, "/")


def log_in_elsewhere(site_url: str, email: str, password: str) -> Any:
    """A second login of the same user, from another cookie jar (an HTTP client, not this browser)."""
    import re

    import httpx

    other = httpx.Client(base_url=site_url, timeout=WAIT)
    form = other.get("/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form)
    assert token, form
    answer = other.post("/login", data={"email": email, "password": password, "csrf_token": token.group(1)})
    assert answer.status_code == 303 and answer.headers["location"] == "/account", answer.text
    return other


def test_register_verify_two_factor_reset_and_the_other_login_ends(
        browser: Any, mailing_site: tuple[str, Inbox]) -> None:
    """The whole account walk, with its mail read from a real SMTP server."""
    from datetime import UTC, datetime, timedelta

    from selenium.webdriver.common.by import By

    from core.auth import totp

    site_url, inbox = mailing_site
    driver = browser
    driver.get(site_url + "/register")
    fill(driver, {"name": "Ada Lovelace", "email": "ada@example.com", "password": "analytical engine",
                  "password_confirmation": "analytical engine"})
    wait_for_path(driver, "/account")
    assert driver.find_elements(By.ID, "verify-resend")  # not verified yet
    elsewhere = log_in_elsewhere(site_url, "ada@example.com", "analytical engine")

    try:
        verify = mailed_link(driver, inbox, 1, site_url)
        assert inbox.received[0]["Subject"] == "Verify your email address"
        assert "/verify-email/" in verify
        driver.get(verify)
        wait_for_path(driver, "/account")
        assert "Your email address is verified." in text_of(driver)
        assert not driver.find_elements(By.ID, "verify-resend")

        driver.find_element(By.LINK_TEXT, "Two-factor authentication").click()
        wait_for_path(driver, "/account/two-factor")
        fill(driver, {})  # "Set up two-factor authentication"
        secret = driver.find_element(By.ID, "two-factor-secret").text
        fill(driver, {"code": totp.current_code(secret)})
        assert "Two-factor authentication is on" in text_of(driver)

        log_out(driver)
        driver.get(site_url + "/login")
        fill(driver, {"email": "ada@example.com", "password": "analytical engine"})
        wait_for_path(driver, "/two-factor")
        next_step = datetime.now(UTC) + timedelta(seconds=totp.STEP_SECONDS)  # the setup used this step's code
        fill(driver, {"code": totp.current_code(secret, next_step)})
        wait_for_path(driver, "/account")
        assert "Welcome back, Ada Lovelace." in text_of(driver)
        assert elsewhere.get("/account").status_code == 200  # the other login still stands

        log_out(driver)
        driver.get(site_url + "/forgot-password")
        fill(driver, {"email": "ada@example.com"})
        assert "We have mailed ada@example.com what to do next" in text_of(driver)
        reset = mailed_link(driver, inbox, 2, site_url)
        assert inbox.received[1]["Subject"] == "Reset your password" and "/reset-password/" in reset
        driver.get(reset)
        fill(driver, {"password": "difference engine", "password_confirmation": "difference engine"})
        wait_for_path(driver, "/login")
        assert "Your password has been reset: log in with the new one." in text_of(driver)

        answer = elsewhere.get("/account")  # the login made before the reset has ended
        assert answer.status_code in (302, 303) and answer.headers["location"].startswith("/login"), answer.text
    finally:
        elsewhere.close()

    fill(driver, {"email": "ada@example.com", "password": "analytical engine"})
    assert "These credentials do not match our records." in text_of(driver)
    fill(driver, {"password": "difference engine"})
    wait_for_path(driver, "/two-factor")  # the new password passes; the code is asked for next

    problems = [entry["message"] for entry in driver.get_log("browser")
                if entry["level"] == "SEVERE" or "Content Security Policy" in entry["message"]]
    assert [problem for problem in problems if "401" not in problem] == [], problems
