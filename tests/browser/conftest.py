"""Fixtures for tests that prove what is on screen in a real JupyterLab (helpers: lab.py).

``lab_factory(root)`` starts a JupyterLab server on a folder (all are stopped at the end
of the session); ``browser`` is one headless Debian chromium driven by Playwright.
Both skip with the reason when chromium or Playwright is missing, except under CI=true.
"""

from __future__ import annotations

import pytest

from .lab import CHROMIUM, CHROMIUM_ARGS, Lab, require_browser
from .lab import open_and_run_all, save_screenshot  # noqa: F401  (tests import them from here)


@pytest.fixture(scope="session")
def lab_factory(tmp_path_factory):
    """Start JupyterLab servers on given folders; all are stopped at the end."""
    require_browser()
    labs = []

    def start(root) -> Lab:
        lab = Lab(root, tmp_path_factory.mktemp("jupyter-home"))
        labs.append(lab)
        return lab
    yield start
    for lab in labs:
        lab.stop()


@pytest.fixture(scope="session")
def browser():
    require_browser()
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()
