"""Browser tests drive Debian's Chromium (never a downloaded browser) with Playwright."""

import os

import pytest
from django.db import connections

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
ARTIFACTS = "test-artifacts"
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}


@pytest.fixture
def browser(live_server, monkeypatch):
    """Chromium for pages of ``live_server``; closed before the server stops, so no request
    thread (or its database connection) outlives the test."""
    # Playwright's sync API keeps an event loop running in this thread, which Django takes for an
    # async context; the test's own ORM calls are still plain sequential code (Playwright's advice).
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"no browser at {CHROMIUM}: scripts/ensure-chromium (as root) installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()
        # The test's ORM calls, made while Playwright's loop runs, have a connection of their own:
        # close it, or PostgreSQL refuses to drop the test database.
        connections.close_all()


@pytest.fixture
def viewports():
    """The sizes every page is checked at: a phone's and a desktop's."""
    return VIEWPORTS


@pytest.fixture
def shoot():
    """``shoot(page, name)`` saves a full-page screenshot under test-artifacts/."""
    os.makedirs(ARTIFACTS, exist_ok=True)

    def save(page, name: str):
        page.screenshot(path=os.path.join(ARTIFACTS, f"{name}.png"), full_page=True)

    return save
