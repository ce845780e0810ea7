"""Helpers for browser tests: artefacts for people to look at, and layout checks."""
import re
from pathlib import Path

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def slug(text):
    """Return ``text`` usable in a file name."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-")


def save_screenshot(page, name):
    """Save a full-page PNG to test-artifacts/ for a person to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{slug(name)}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def assert_fits_width(page):
    """Fail if the page scrolls sideways (the commonest phone bug)."""
    scroll_width, inner_width = page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll_width <= inner_width, (
        f"{page.url} is {scroll_width}px wide on a {inner_width}px {page.device} screen")
