"""Fixtures for browser journeys: a live portal (tests/e2e/live.py) and Debian's Chromium.

    live_portal              session-wide portal, demo data, one checkpoint, no worker
    live_portal_with_worker  session-wide portal with a Celery worker + beat anchoring every second
    browser                  session-wide Chromium (Playwright, /usr/bin/chromium, never downloaded)
    page                     a fresh page (own context: Chinese locale, 1280x900, empty localStorage)
    new_page(locale=..., width=..., height=...)  more pages, e.g. English or phone-sized
"""

import os

import pytest

from tests.e2e.live import LivePortal

# Playwright's sync API runs an event loop in this thread; the tests touch no
# Django database from here, so Django's async-safety check is moot.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def live_portal():
    portal = LivePortal().start()
    yield portal
    portal.stop()


@pytest.fixture(scope="session")
def live_portal_with_worker():
    portal = LivePortal(worker=True, anchor_interval=1).start()
    yield portal
    portal.stop()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser):
    contexts = []

    def make(locale="zh-CN", width=1280, height=900):
        context = browser.new_context(locale=locale, viewport={"width": width, "height": height})
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()
