"""Browser fixtures: one live server and one Chromium per module, a fresh context per page, console errors
collected and asserted on, screenshots saved under the run's output folder."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.faces.console._live import LiveConsole, chromium_or_skip

VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveConsole]:
    server = LiveConsole(tmp_path_factory.mktemp("console-live"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    path = chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=path, args=["--no-sandbox", "--disable-dev-shm-usage"])
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``$QUNTAG_SCREENSHOTS`` when set, else ``screenshots/`` in pytest's base temp folder of this run."""
    wanted = os.environ.get("QUNTAG_SCREENSHOTS")
    folder = Path(wanted) if wanted else tmp_path_factory.getbasetemp() / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class Browse:
    """Opens pages in fresh contexts (no shared cookies) and remembers every console error they log."""

    def __init__(self, browser: Any, screenshots: Path) -> None:
        self.browser = browser
        self.folder = screenshots
        self.contexts: list[Any] = []
        self.errors: list[tuple[str, str, str]] = []  # (page, source, text)

    def __call__(self, viewport: str = "desktop") -> Any:
        context = self.browser.new_context(viewport=VIEWPORTS[viewport], locale="zh-CN")
        self.contexts.append(context)
        page = context.new_page()
        page.on("console", lambda m: self.errors.append((page.url, m.location.get("url", ""), m.text))
                if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append((page.url, "", str(e))))
        return page

    def shot(self, page: Any, name: str, viewport: str) -> Path:
        path = self.folder / f"console-{name}-{viewport}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def browse(chromium: Any, screenshots: Path) -> Iterator[Callable[..., Any]]:
    b = Browse(chromium, screenshots)
    yield b
    b.close()
    # Error pages (404, 403, an expired link) answer 4xx on purpose and Chromium reports the page's own load
    # as an error; anything else (a missing stylesheet, a script error, a CSP violation) is a bug.
    unexpected = [e for e in b.errors if not (e[1] == e[0] and "status of 4" in e[2])]
    assert unexpected == [], unexpected
