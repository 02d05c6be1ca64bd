"""The tutorials' animations render and move in a real JupyterLab (headless chromium).

Notebooks 2 and 3 each show an ``ad.SweepPlayer``. For each: open a copy of the notebook,
Run All, and check that the player appears with a drawn graph, that "step ▶" moves it
to the sweep's first rule (new picture, new caption), that ▶ Play runs it to the last
step in the browser and the kernel announces the sweep's result, and that no cell
wrote an error. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from .lab import ROOT, open_and_run_all, save_screenshot, wait_loaded, wait_src_changed

# notebook -> (caption after one step, number of steps, words of the final check)
PLAYERS = {
    "02_forward_mode.ipynb": ("seed: the tangent of x is set to 1", 4, "ad.jvp"),
    "03_reverse_mode.ipynb": ("seed: the adjoint of the output y3 is 1", 6, "ad.gradient"),
}


@pytest.fixture(scope="module")
def lab(lab_factory, tmp_path_factory):
    """JupyterLab on copies of the notebooks: Run All must not touch the committed files.
    (Lab puts this checkout on the kernels' PYTHONPATH and gives each page a workspace of
    its own, so the other notebook's tab is never restored next to it.)"""
    root = tmp_path_factory.mktemp("notebooks")
    for name in PLAYERS:
        shutil.copy2(ROOT / "notebooks" / name, root / name)
    return lab_factory(root)


@pytest.mark.parametrize("notebook", list(PLAYERS))
def test_sweep_player_renders_steps_and_plays(browser, lab, notebook):
    first_caption, steps, check_words = PLAYERS[notebook]
    shot = Path(notebook).stem
    page = open_and_run_all(browser, lab, notebook, f"{shot}-player.png")
    page_errors = []
    page.on("pageerror", lambda e: page_errors.append(str(e)))
    try:
        panel = page.locator(".jp-NotebookPanel").first
        player = panel.locator(".adexplorer-player").first
        player.scroll_into_view_if_needed()
        player.wait_for()
        image = player.locator("img.adexplorer-graph")
        image.wait_for()
        wait_loaded(page, image)
        caption = player.locator(".adexplorer-caption")
        assert "mode" in caption.inner_text()              # frame 0: what the sweep does
        src0, png0 = image.get_attribute("src"), image.screenshot()

        # one step: the kernel draws the next frame and writes its rule
        player.locator("button.adexplorer-step").click()
        wait_src_changed(page, image, src0)
        caption.filter(has_text=first_caption).wait_for()
        assert image.screenshot() != png0
        readout = player.locator(".widget-readout").first
        assert readout.inner_text().strip() == "1"

        # Play: the browser moves the slider to the end, the kernel follows each frame
        player.locator(".widget-play button").first.click()
        readout.filter(has_text=re.compile(rf"^\s*{steps}\s*$")).wait_for()
        status = player.locator(".adexplorer-status")
        status.filter(has_text=check_words).wait_for()
        assert "✓" in status.inner_text()
        save_screenshot(page, f"{shot}-player.png")

        errors = panel.locator(".jp-OutputArea-output[data-mime-type="
                               "'application/vnd.jupyter.stderr']")
        assert errors.count() == 0, errors.first.inner_text()
        assert not page_errors, page_errors
    except Exception:
        save_screenshot(page, f"{shot}-player-failure.png")
        raise
    finally:
        page.close()
