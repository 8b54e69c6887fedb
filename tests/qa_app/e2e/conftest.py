"""The browser harness: the app served by a real WSGI server on a free
loopback port, driven by Playwright in Debian's headless Chromium."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator:
    if not CHROMIUM.exists():
        if os.environ.get("QA_REQUIRE_POSTGRES") == "1":  # CI must run these
            pytest.fail("browser tests need Debian's chromium at /usr/bin/chromium")
        pytest.skip("browser tests skipped: install Debian's chromium (/usr/bin/chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS
        )
        yield instance
        instance.close()


@pytest.fixture
def live_server(app) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def layout_site_served(database, tmp_path_factory) -> Iterator:
    """The seeded site of the layout tests (layout_site.py), built once for both modules."""
    from tests.qa_app.e2e import layout_site

    with layout_site.serve(database, tmp_path_factory.mktemp("layout")) as site:
        yield site


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server)
    context.set_default_timeout(10_000)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    tab.console_errors = errors  # a test expecting an error page clears it
    yield tab
    context.close()
    assert errors == [], f"browser console errors: {errors}"


def sign_in_page(page, email: str, password: str) -> None:
    page.goto("/auth/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")


def nav_to(page, label: str) -> None:
    """Follow a link of the navigation bar, opening its menu (and the phone
    menu on a narrow screen) first, as a person would."""
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible() and toggler.get_attribute("aria-expanded") != "true":
        toggler.click()
    named = page.get_by_role("link", name=label, exact=True, include_hidden=True)
    nav = page.get_by_test_id("nav")
    link = nav.locator(named)
    if not link.is_visible():
        nav.locator("li.dropdown", has=named).locator(".dropdown-toggle").click()
    link.click()
