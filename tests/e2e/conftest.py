"""Page tests in a real browser: Playwright driving the system's Chromium against live_server.

No step may depend on timing (CI runs two workers on two busy cores). Wait for what a person
would see, never for a time:
- after a click or a key that opens a page, `opened(page, selector)` before the next key, the
  next htmx form or a read of the page (a `goto` waits for the page's load event itself);
- after an action htmx answers, an element of the new content before reading or acting on it
  (or an `expect(...)` assertion, which retries until it holds);
- a list searched as one types, for the list that answers what was typed (`items_found`).
"""

import io
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

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


# The counter screen the workbench is built for, and a phone (the portal's citizens).
COUNTER_SCREEN = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
# Where journeys save their screenshots: var/screenshots by default; `make screenshots` points it at
# docs/screenshots, which the user guides show.
SCREENSHOTS = Path(
    os.environ.get("ONEWINDOW_SCREENSHOTS_DIR", Path(__file__).resolve().parents[2] / "var" / "screenshots")
)
PASSWORD = "onewindow-test"
# How long a page's step may take on a busy machine: actions and waits (each page's default) and
# Playwright's `expect(...)` assertions, which retry until the page shows what they name.
WAIT_MS = 15_000
expect.set_options(timeout=WAIT_MS)


def _watched(context, problems: list[str]):
    """A new page of `context` whose Content-Security-Policy violations and script errors go to `problems`."""
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on(
        "console",
        lambda message: (
            problems.append(f"console: {message.text}")
            if message.type == "error" and re.search(r"Content.Security.Policy|Refused to", message.text)
            else None
        ),
    )
    return page


@pytest.fixture
def page(browser, live_server):
    """A counter-sized page that fails the test on any Content-Security-Policy violation or script error."""
    context = browser.new_context(locale="zh-CN", base_url=live_server.url, viewport=COUNTER_SCREEN)
    problems: list[str] = []
    yield _watched(context, problems)
    context.close()
    assert not problems, problems


@pytest.fixture
def person(browser, live_server) -> Callable:
    """`person(viewport=PHONE)`: another person's browser (its own cookies), a page watched as
    `page` is; closed at the end of the test."""
    contexts, problems = [], []

    def open_browser(viewport: dict | None = None):
        context = browser.new_context(
            locale="zh-CN", base_url=live_server.url, viewport=viewport or COUNTER_SCREEN
        )
        contexts.append(context)
        return _watched(context, problems)

    yield open_browser
    for context in contexts:
        context.close()
    assert not problems, problems


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot of `page` as SCREENSHOTS/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
def shot(page):
    """`shot("intake-accepted")` saves a full-page screenshot under SCREENSHOTS."""
    return lambda name: screenshot(page, name)


def top(page) -> None:
    """Scroll to the top before a full-page screenshot (the fixed bars are drawn where the view is)."""
    page.evaluate("window.scrollTo(0, 0)")


def upload(name: str, body: bytes, mime: str) -> dict:
    """A file as a person picks it in the browser's file dialog."""
    return {"name": name, "mimeType": mime, "buffer": body}


def pdf_text(response) -> str:
    """The text of a PDF response (asserting it is one), blanks removed."""
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF-")
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages).replace(" ", "")


def opened(page, selector: str):
    """Wait for the page a click or a key just opened: for `selector` (something only the new page
    has), then for that page's load event, and return the element.

    A page is drawn before the scripts at the end of its body have run: a key pressed as soon as
    the element shows (? for the keys dialog, / for search, Ctrl+Enter) finds no listener, and a
    form or a field htmx sends (hx-get, hx-trigger="change") is not yet htmx's. After a `goto`
    nothing is needed (it waits for the load event itself)."""
    element = page.wait_for_selector(selector)
    page.wait_for_load_state("load")
    return element


def sign_in(page, username: str, password: str = PASSWORD) -> None:
    """Sign in through the workbench's real sign-in page, as a member of staff would."""
    page.goto("/workbench/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.press("#id_password", "Enter")
    opened(page, "[data-testid=who]")


def items_found(page, typed: str) -> None:
    """Wait for the intake's item list that answers `typed`. Typed key by key, the search may
    first answer the first keys (on a busy machine a pause between two keys outlasts its delay),
    and that list is then replaced: an option chosen in it would be lost with it."""
    page.wait_for_selector(f"#item-listbox[data-item-query='{typed}'] [data-item-option]")


def switch_to(page, username: str) -> None:
    """Sign out with the top bar's button, then sign in as someone else through the real page."""
    page.click("header form[action$='/logout/'] button")
    page.wait_for_selector("#id_username")
    sign_in(page, username)


def action(page, name: str):
    """The case page panel's form of an action, opened (its <details>) if it was closed."""
    item = page.locator(f"details[data-testid=action-{name}]")
    if item.get_attribute("open") is None:
        item.locator("summary").click()
    return item


def agree(page, opinion: str) -> None:
    """Agree on the first open task of the case page, with an opinion."""
    panel = page.locator("[data-testid=action-task_complete]").first
    panel.locator("textarea[name=opinion]").fill(opinion)
    panel.locator("[data-testid=submit-task_complete]").click()
