"""ad.jacobian_view and a practice-mode player in a real JupyterLab: a sweep fills a
column (forward) or a row (reverse) of the grid on screen, and an answer typed into the
practice field is checked and scored (screenshots in test-artifacts/)."""

from __future__ import annotations

from .lab import (ARTIFACTS, open_and_run_all, save_screenshot, wait_loaded,
                  wait_src_changed, write_notebook)

NOTEBOOK = "jacobian.ipynb"
CELLS = [
    ("import numpy as np\nimport adexplorer as ad\n"
     "def f(x):\n"
     "    return np.array([x[0] * x[1], np.sin(x[0]), x[1] ** 2, x[0] - x[1]])\n"
     "ad.jacobian_view(f, np.array([0.5, 2.0]))"),
    "ad.SweepPlayer(ad.trace(lambda x: 5 * ad.sin(ad.log(x)), 3.0), 'reverse', practice=True)",
]


def _fail(page, lab, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}-failed.png"))
    (ARTIFACTS / f"{name}-server.log").write_text(lab.log_tail(20_000))


def test_jacobian_grid_fills_on_screen_and_practice_scores(lab_factory, browser, tmp_path):
    write_notebook(tmp_path / NOTEBOOK, CELLS)
    lab = lab_factory(tmp_path)
    page = open_and_run_all(browser, lab, NOTEBOOK, "jacobian-view.png")
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        view = page.locator(".adexplorer-jacobian")
        grid = view.locator("img.adexplorer-jacobian-grid")
        grid.wait_for()
        wait_loaded(page, grid)
        view.scroll_into_view_if_needed()
        caption = view.locator(".adexplorer-caption")
        assert "fills the 4 × 2 Jacobian in 2 sweeps" in caption.inner_text()
        src, before = grid.get_attribute("src"), grid.screenshot()

        # one forward sweep: the first column appears
        view.locator("button.adexplorer-step").click()
        wait_src_changed(page, grid, src)
        wait_loaded(page, grid)
        assert grid.screenshot() != before
        assert "sweep 1 of 2" in caption.inner_text()
        assert "1 of 2 sweeps done" in view.locator(".adexplorer-cost-meter").inner_text()

        # reverse mode: four sweeps, one row each
        src = grid.get_attribute("src")
        view.locator(".adexplorer-mode button", has_text="reverse").click()
        wait_src_changed(page, grid, src)
        view.locator(".adexplorer-cost-meter", has_text="0 of 4 sweeps done").wait_for()
        src = grid.get_attribute("src")
        view.locator("button.adexplorer-step").click()
        wait_src_changed(page, grid, src)
        caption.filter(has_text="sweep 1 of 4").wait_for()
        wait_loaded(page, grid)
        save_screenshot(page, "jacobian-view.png")
    except Exception:
        _fail(page, lab, "jacobian-view")
        page.close()
        raise

    try:
        practice = page.locator(".adexplorer-practice")
        practice.scroll_into_view_if_needed()
        field = practice.locator(".adexplorer-practice-answer input")
        field.fill("1")                                   # the seed ȳ3 = 1
        practice.locator(".adexplorer-practice-check").click()
        practice.locator(".adexplorer-practice-score", has_text="1 / 1").wait_for()
        field.fill("0.5")                                 # ȳ2 is 5: wrong
        practice.locator(".adexplorer-practice-check").click()
        practice.locator(".adexplorer-practice-score", has_text="1 / 2").wait_for()
        feedback = practice.locator(".adexplorer-practice-feedback").inner_text()
        assert "not quite" in feedback and "= 5" in feedback
        player = page.locator(".adexplorer-player")
        assert player.locator(".widget-readout").first.inner_text().strip() == "2"
        practice.scroll_into_view_if_needed()
        save_screenshot(page, "practice-mode.png")
    except Exception:
        _fail(page, lab, "practice-mode")
        raise
    finally:
        page.close()
    assert not errors, errors
