"""The web edition in a real browser: Debian's headless Chromium, driven by Selenium, with axe-core.

On the 2021 edition and every test edition: no WCAG 2.0/2.1 A or AA violation that axe-core
finds, at a phone's width and a desktop's; screenshots at 375 px and 1 280 px (kept under the
test's temporary folder, and copied to /tmp/web-shots/ to be looked at); no horizontal scroll
at 320 px; the text the browser renders says the view's words in its order; nothing is loaded
from outside the folder; the keyboard's focus shows.
"""

from __future__ import annotations

import getpass
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from dossier.render.web import PAGE, STYLESHEET
from tests.browser import axe_violations, chromium, describe, open_page, requested, screenshot
from tests.test_parity import differences, squash, web_groups

# copies of the screenshots, for a person to look at; another user's folder of that name is
# left alone (a shared machine): theirs gets the user's name
SHOTS = Path("/tmp/web-shots")


@pytest.fixture(scope="module")
def driver() -> Iterator[webdriver.Chrome]:
    with chromium() as browser:
        yield browser


@pytest.mark.parametrize("width", [375, 1280])
def test_axe_finds_no_violation(driver, outputs, width: int) -> None:
    open_page(driver, outputs["html"] / PAGE, width)
    violations = axe_violations(driver)
    assert violations == [], describe(violations)


@pytest.mark.parametrize("width", [375, 1280])
def test_screenshots(driver, outputs, width: int, tmp_path: Path) -> None:
    png = tmp_path / f"{outputs['edition'].name}-{width}.png"
    screenshot(driver, outputs["html"] / PAGE, png, width)
    assert png.stat().st_size > 10_000
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert driver.execute_script("return window.innerWidth") == width
    shots = SHOTS
    if shots.exists() and not os.access(shots, os.W_OK):
        shots = SHOTS.with_name(f"{SHOTS.name}-{getpass.getuser()}")
    shots.mkdir(exist_ok=True)
    shutil.copyfile(png, shots / png.name)


def test_no_horizontal_scroll_on_a_320_px_phone(driver, outputs) -> None:
    open_page(driver, outputs["html"] / PAGE, 320)
    scroll, client = driver.execute_script(
        "const e = document.documentElement; return [e.scrollWidth, e.clientWidth];"
    )
    assert scroll <= client
    # and no box sticks out of the page, which overflow: hidden would only hide
    wider = driver.execute_script(
        "return [...document.querySelectorAll('body *')]"
        ".filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)"
        ".map(e => e.tagName + '.' + e.className).slice(0, 5);"
    )
    assert wider == []


def test_a_phone_reads_the_calendar_without_zooming(driver, outputs) -> None:
    open_page(driver, outputs["html"] / PAGE, 375)
    viewport = driver.find_element(By.CSS_SELECTOR, "meta[name=viewport]")
    assert "width=device-width" in viewport.get_attribute("content")
    sizes = driver.execute_script(
        "const size = s => [...document.querySelectorAll(s)]"
        ".map(e => parseFloat(getComputedStyle(e).fontSize));"
        "return {text: size('.event p:not(.when):not(.organisers)'), when: size('.event .when'),"
        " title: size('.event-title')};"
    )
    assert min(sizes["text"], default=16) >= 16  # the reader's text size, 16 px unless changed
    assert min(sizes["when"], default=14) >= 14
    assert min(sizes["title"], default=18) >= 18


def test_the_browser_shows_the_views_words_in_its_order(driver, outputs) -> None:
    open_page(driver, outputs["html"] / PAGE, 1280)
    text = driver.execute_script("return document.body.innerText")
    assert differences(squash(text), web_groups(outputs["view"], outputs["html"])) == []


def test_nothing_is_loaded_from_outside_the_folder(driver, outputs) -> None:
    folder = outputs["html"].resolve().as_uri() + "/"
    requested(driver)  # what earlier pages asked for is not this one's
    open_page(driver, outputs["html"] / PAGE, 1280)
    loaded = requested(driver, outputs["html"] / PAGE)
    assert f"{folder}{PAGE}" in loaded
    assert f"{folder}{STYLESHEET}" in loaded
    assert any(url.endswith(".otf") for url in loaded)  # its fonts, from its own folder
    assert [url for url in loaded if not url.startswith(folder)] == []
    fonts = driver.execute_script(
        "return [...document.fonts].filter(f => f.status === 'loaded').map(f => f.family)"
    )
    assert "Inter" in {family.strip('"') for family in fonts}  # the page is in its own font


def test_the_keyboard_first_reaches_the_skip_link_and_sees_it(driver, outputs) -> None:
    open_page(driver, outputs["html"] / PAGE, 375)
    driver.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    focused = driver.switch_to.active_element
    assert focused.get_attribute("class") == "skip-link"
    top, outline = driver.execute_script(
        "const e = document.activeElement, s = getComputedStyle(e);"
        "return [e.getBoundingClientRect().top, s.outlineStyle];"
    )
    assert top >= 0  # on the screen, not off it
    assert outline != "none"
    focused.send_keys(Keys.ENTER)
    assert driver.switch_to.active_element.tag_name == "main"


def test_the_contents_stay_in_view_on_a_desktop(driver, outputs) -> None:
    # at 1 280 px the contents stand beside the text: scrolled through the whole page (the
    # long profiles too), they stay at the top of the window, not left behind an empty column
    open_page(driver, outputs["html"] / PAGE, 1280, 800)
    height = driver.execute_script("return document.documentElement.scrollHeight")
    start = driver.execute_script(
        "return document.querySelector('main').getBoundingClientRect().top + window.scrollY"
    )
    stuck = []
    for y in range(int(start) + 400, height - 1600, 600):
        driver.execute_script(f"window.scrollTo(0, {y})")
        top, bottom = driver.execute_script(
            "const r = document.querySelector('nav.contents').getBoundingClientRect();"
            "return [r.top, r.bottom];"
        )
        stuck.append(-1 <= top <= 1 and bottom > 100)
    assert stuck
    assert all(stuck)
