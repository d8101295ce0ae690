"""Fixtures shared by the test modules: a headless Chromium for the browser tests."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")

# The flags a closed machine needs: no GPU, no sandbox (root), and nothing that phones
# out, so the console stays free of refused connections.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Debian's Chromium driven by Playwright, with a fresh empty profile for the module.

    Playwright never downloads a browser here: it starts ``/usr/bin/chromium``, which
    ``scripts/setup.sh`` installs with apt. It is closed at the end of each test module,
    so the tests that check a batch leaves no process behind never see it.
    """
    if not CHROMIUM.exists() or shutil.which("chromium") is None:
        pytest.fail("Debian's chromium is not installed: run `bash scripts/setup.sh` as root")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser) -> Iterator[object]:
    """A new page in a new browser context (its own cookies and storage) for one test."""
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()
