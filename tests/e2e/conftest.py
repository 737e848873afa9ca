"""Page tests in a real browser: Playwright driving the system's Chromium against live_server."""

import os
import re
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls made from
# the test itself (fixtures, assertions) are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    return (
        os.environ.get("ONEWINDOW_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    )


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if path is None:
        pytest.skip("Chromium is not installed (make test installs it when run as root)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


# The counter screen the workbench is built for.
COUNTER_SCREEN = {"width": 1366, "height": 768}
# Where journeys save their screenshots: var/screenshots by default; `make screenshots` points it at
# docs/screenshots, which the user guides show.
SCREENSHOTS = Path(
    os.environ.get("ONEWINDOW_SCREENSHOTS_DIR", Path(__file__).resolve().parents[2] / "var" / "screenshots")
)
PASSWORD = "onewindow-test"


@pytest.fixture
def page(browser, live_server):
    """A counter-sized page that fails the test on any Content-Security-Policy violation or script error."""
    context = browser.new_context(locale="zh-CN", base_url=live_server.url, viewport=COUNTER_SCREEN)
    page = context.new_page()
    page.set_default_timeout(15_000)
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on(
        "console",
        lambda message: (
            problems.append(f"console: {message.text}")
            if message.type == "error" and re.search(r"Content.Security.Policy|Refused to", message.text)
            else None
        ),
    )
    yield page
    context.close()
    assert not problems, problems


@pytest.fixture
def shot(page):
    """`shot("intake-accepted")` saves a full-page screenshot under SCREENSHOTS."""

    def save(name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save


def sign_in(page, username: str, password: str = PASSWORD) -> None:
    """Sign in through the workbench's real sign-in page, as a member of staff would."""
    page.goto("/workbench/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.press("#id_password", "Enter")
    page.wait_for_selector("[data-testid=who]")
