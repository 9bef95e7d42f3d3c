"""Retake the README's simulator screenshots from a running site.

Start the site first (`make run`), then `.venv/bin/python scripts/screenshots.py`. It opens the W4
preset ("Two isolated longs, BTC -12%") in Debian's Chromium at the desktop and phone sizes the
browser tests use and writes `docs/simulator-w4-desktop.png` and `docs/simulator-w4-phone.png`, so
the pictures show the figures the engine computes today.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from playwright.sync_api import sync_playwright

DOCS = Path(__file__).resolve().parent.parent / "docs"
CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Chromium as root in a sandbox-less container (the same switches as tests/conftest.py).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
SIZES = {"desktop": (1366, 900), "phone": (390, 844)}


def take(base_url: str) -> list[Path]:
    """Screenshot the W4 preset's result at each size; returns the files written."""
    written: list[Path] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
        for name, (width, height) in SIZES.items():
            page = browser.new_page(viewport={"width": width, "height": height})
            page.goto(f"{base_url}/simulator/?preset=W4", wait_until="networkidle")
            page.locator("#simulator-result").wait_for()
            target = DOCS / f"simulator-w4-{name}.png"
            page.screenshot(path=str(target))
            written.append(target)
            page.close()
        browser.close()
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description="Retake the README's simulator screenshots.")
    parser.add_argument("--base-url", default="http://127.0.0.1:8000", help="the running site")
    args = parser.parse_args()
    for path in take(args.base_url.rstrip("/")):
        print(f"wrote {path.relative_to(DOCS.parent)}")


if __name__ == "__main__":
    main()
