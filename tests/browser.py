"""Headless Chromium for the tests that look at a page as a person does.

Debian's `chromium` (`/usr/bin/chromium`; `make setup` installs it when missing), driven by
Playwright for Python: `playwright install` cannot download a browser here, so Playwright
is pointed at the system's. Each browser gets a fresh profile folder under the test's
`tmp_path`, and nothing but loopback is reached (background networking, component
updates and sync are off).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Page

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}


@contextmanager
def browser_page(tmp_path: Path, *, viewport: dict[str, int] = DESKTOP) -> Iterator[Page]:
    """A page of a fresh headless Chromium; fails (never skips) when it is not installed."""
    from playwright.sync_api import sync_playwright

    assert CHROMIUM.exists(), f"{CHROMIUM} is missing: run `make setup` (apt-get install chromium)"
    profile = tmp_path / "chromium-profile"
    profile.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=str(CHROMIUM),
            headless=True,
            args=list(FLAGS),
            viewport={"width": viewport["width"], "height": viewport["height"]},
        )
        try:
            page = context.pages[0] if context.pages else context.new_page()
            page.set_default_timeout(60_000)  # a loaded machine renders slowly
            yield page
        finally:
            context.close()


def fits_width(page: Page) -> bool:
    """Whether the page needs no sideways scrolling at the window's width."""
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))
