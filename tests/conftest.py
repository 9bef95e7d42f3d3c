import os
from pathlib import Path

import pytest

CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Chromium as root in a sandbox-less container, with no background calls to a network we lack.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(config, items):
    """Browser tests need Chromium: fail loudly in CI, skip with a reason elsewhere."""
    if Path(CHROMIUM_PATH).exists():
        return
    browser_items = [item for item in items if "browser" in item.keywords]
    if not browser_items:
        return
    message = (
        f"Chromium not found at {CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH)"
    )
    if os.environ.get("CI", "").lower() == "true":
        raise pytest.UsageError(f"CI=true and browser tests were selected, but {message}.")
    skip = pytest.mark.skip(reason=message)
    for item in browser_items:
        item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM_PATH, "args": CHROMIUM_ARGS}


@pytest.fixture
def console_errors(page):
    """Collects console errors and uncaught page errors; a browser test asserts it stays empty."""
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


@pytest.fixture(autouse=True)
def _empty_cache():
    """Every test starts with an empty cache: a page or partial cached by an earlier test must
    not answer for this one."""
    from django.core.cache import cache

    cache.clear()
