"""The 90-minute lecture path, run as a lecturer would: each of its notebooks opened in a
real JupyterLab and run with Run All, top to bottom, with no error output.

The notebooks are served as copies without their stored outputs, so every prompt starts
empty and "done" means every code cell got an execution count. Three of the lecture's
key pictures are saved to test-artifacts/ as they appear on a 1280-pixel-wide page, and
each must be shown at (nearly) its full size, so its text stays as large as it was drawn.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from .lab import (ARTIFACTS, ROOT, Lab, open_and_run_all,
                  require_browser, save_screenshot, wait_loaded)

INDEX = ROOT / "notebooks" / "00_index.ipynb"

# notebook -> [(a line of the cell's source that draws the picture, screenshot name)]
PICTURES = {
    "02_forward_mode.ipynb": [("ad.sweep_filmstrip(t,", "lecture-02-forward-filmstrip.png"),
                              ("ad.jacobian_view(spiral", "lecture-02-jacobian-view.png")],
    "05_source_to_source.ipynb": [("draw_pipelines()", "lecture-05-pipeline.png"),
                                  ("ad.plot_memory()", "lecture-05-memory.png")],
}


def lecture_notebooks() -> list[str]:
    """The notebooks the index's 90-minute lecture visits, in order."""
    text = "\n".join(c.source for c in nbformat.read(INDEX, as_version=4).cells
                     if c.cell_type == "markdown")
    section = text.split("## A 90-minute lecture\n")[1].split("\n## ")[0]
    names = re.findall(r"\]\(([0-9]{2}_\w+\.ipynb)", section)
    return list(dict.fromkeys(names))


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab on output-free copies of the lecture's notebooks, rendering every cell
    (no windowing: cells far below stay in the page, so they can be found and checked)."""
    require_browser()
    root = tmp_path_factory.mktemp("lecture")
    for name in lecture_notebooks():
        nb = nbformat.read(ROOT / "notebooks" / name, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
        nbformat.write(nb, root / name)
    home = tmp_path_factory.mktemp("lecture-home")
    tracker = home / "settings" / "@jupyterlab" / "notebook-extension"
    tracker.mkdir(parents=True)
    (tracker / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none"}')
    server = Lab(root, home)
    yield server
    server.stop()


def test_the_lecture_path_has_notebooks():
    assert lecture_notebooks()[:2] == ["01_what_is_ad.ipynb", "02_forward_mode.ipynb"]


@pytest.mark.parametrize("notebook", lecture_notebooks())
def test_run_all_without_errors(browser, lab, notebook):
    stem = Path(notebook).stem
    page = open_and_run_all(browser, lab, notebook, f"lecture-{stem}.png", timeout_ms=180_000)
    page.set_viewport_size({"width": 1280, "height": 1000})
    try:
        panel = page.locator(".jp-NotebookPanel").first
        prompts = panel.locator(".jp-CodeCell .jp-InputPrompt")
        count = len(nbformat.read(ROOT / "notebooks" / notebook, as_version=4).cells)
        assert 0 < prompts.count() <= count
        # Run All runs the cells in order: done when the last one has its number and none
        # is waiting ([*]). (A collapsed solution's prompt is hidden, and empty.)
        page.wait_for_function(
            """(panel) => {
                const ps = [...panel.querySelectorAll('.jp-CodeCell .jp-InputPrompt')];
                return ps.length > 0 && ps.every(p => !p.textContent.includes('*'))
                    && /\\[\\d+\\]/.test(ps[ps.length - 1].textContent);
            }""", arg=panel.element_handle(), timeout=180_000)
        page.keyboard.press("Control+b")        # the left sidebar closed, as when projecting
        page.locator("#jp-left-stack").wait_for(state="hidden")
        errors = panel.locator(".jp-OutputArea-output[data-mime-type="
                               "'application/vnd.jupyter.stderr']")
        assert errors.count() == 0, errors.first.inner_text()[:2000]
        for source, shot in PICTURES.get(notebook, []):
            cell = panel.locator(".jp-CodeCell", has_text=source).last
            image = cell.locator(".jp-OutputArea-output img").last
            image.scroll_into_view_if_needed()
            wait_loaded(page, image)
            shown, natural, tall = image.evaluate(
                "(img) => [img.clientWidth, img.naturalWidth, img.clientHeight]")
            assert shown >= 0.9 * natural, f"{shot}: drawn {natural} px wide, shown {shown}"
            # a picture taller than the window: make the window taller, so Lab's scrolling
            # panel does not cut it (the width, what readability depends on, stays 1280)
            page.set_viewport_size({"width": 1280, "height": max(1000, tall + 400)})
            image.scroll_into_view_if_needed()
            ARTIFACTS.mkdir(exist_ok=True)
            image.screenshot(path=str(ARTIFACTS / shot))
            page.set_viewport_size({"width": 1280, "height": 1000})
    except Exception:
        save_screenshot(page, f"lecture-{stem}-failure.png")
        raise
    finally:
        page.close()
