"""Open the web edition in Debian's headless Chromium: axe-core, screenshots, the page's text."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

from tests.conftest import ROOT, require_tool

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"  # package.json pins it, npm ci installs it
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Headless, as root, in a container, with no network: Chromium must not try to reach Google.
FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-dev-shm-usage",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--lang=fr-FR",
]


@contextmanager
def chromium() -> Iterator[webdriver.Chrome]:
    """Start Debian's Chromium through its own chromedriver (never Selenium Manager's)."""
    binary, driver_path = require_tool("chromium"), require_tool("chromedriver")
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    # The DevTools network log: every address the page asks for, file: ones included.
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    with tempfile.TemporaryDirectory(prefix="chromium-") as profile:
        for flag in [*FLAGS, f"--user-data-dir={profile}"]:
            options.add_argument(flag)
        driver = webdriver.Chrome(options=options, service=Service(driver_path))
        try:
            yield driver
        finally:
            driver.quit()


def open_page(driver: webdriver.Chrome, page: Path, width: int = 1280, height: int = 800) -> None:
    """Load a page from the disk at a CSS viewport width (375: a phone, 1280: a desktop)."""
    metrics = {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 768}
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
    driver.get(page.resolve().as_uri())
    driver.execute_async_script(
        "const done = arguments[arguments.length - 1]; document.fonts.ready.then(() => done());"
    )


def requested(driver: webdriver.Chrome, page: Path | None = None) -> list[str]:
    """Return the addresses a page asked for since the last call (the DevTools network log).

    The log also has the browser's own pages (chrome://…): only the page's requests count.
    """
    found = []
    document = page.resolve().as_uri() if page is not None else None
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] != "Network.requestWillBeSent":
            continue
        params = message["params"]
        if document is None or params.get("documentURL") == document:
            found.append(params["request"]["url"])
    return found


def axe_violations(driver: webdriver.Chrome) -> list[dict[str, Any]]:
    """Run axe-core on the open page for WCAG 2.0 and 2.1, A and AA; return its violations."""
    require_axe()
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    return driver.execute_async_script(
        "const tags = arguments[0], done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})"
        ".then(r => done(r.violations), e => done([{id: 'axe-error', help: String(e)}]));",
        WCAG_TAGS,
    )


def describe(violations: list[dict[str, Any]]) -> str:
    """Say each violation in a line or two: its rule, impact, help and where."""
    return "\n".join(
        f"{v['id']} ({v.get('impact')}): {v.get('help')} at "
        + ", ".join(str(node["target"]) for node in v.get("nodes", [])[:5])
        for v in violations
    )


def screenshot(driver: webdriver.Chrome, page: Path, png: Path, width: int) -> None:
    """Take a full-page PNG at a CSS width."""
    open_page(driver, page, width)
    height = driver.execute_script("return document.documentElement.scrollHeight")
    metrics = {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 768}
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
    driver.save_screenshot(str(png))


def require_axe() -> None:
    """Skip visibly without axe-core (npm ci not run), as without a tool; fail in CI."""
    if not AXE.is_file():
        message = f"{AXE} is missing: run `npm ci` in {ROOT} (see .ci/run)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
