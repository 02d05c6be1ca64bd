"""%%autodiff in a real JupyterLab: Run All, step and Play the reverse sweep, and see the
picture change and the gradient 0.758054… at the end (screenshot in test-artifacts/)."""

from __future__ import annotations

import time

from .lab import ARTIFACTS, open_and_run_all, save_screenshot, write_notebook

NOTEBOOK = "autodiff.ipynb"
CELLS = [
    "%load_ext adexplorer",
    "%%autodiff --at x=3.0 --mode reverse\n5*sin(log(x))",
    "result = _\nprint('gradient from the result:', result.gradient['x'])",
]
CHANGED = ("(s) => { const i = document.querySelector('img.adexplorer-graph');"
           " return i && i.src !== s; }")


def test_step_and_play_the_backward_sweep(lab_factory, browser, tmp_path):
    t0 = time.monotonic()
    write_notebook(tmp_path / NOTEBOOK, CELLS)
    lab = lab_factory(tmp_path)
    page = open_and_run_all(browser, lab, NOTEBOOK, "autodiff-in-lab.png")
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        image = page.locator("img.adexplorer-graph").first
        image.wait_for(state="visible")
        page.get_by_text("gradient from the result: 0.7580540380443495").wait_for()
        status = page.locator(".adexplorer-status").first
        assert "4 steps to go" in status.inner_text()
        caption = page.locator(".adexplorer-caption").first
        assert "Reverse mode" in caption.inner_text()
        src0, png0 = image.get_attribute("src"), image.screenshot()

        page.locator("button.adexplorer-step").first.click()     # one step: the seed
        page.wait_for_function(CHANGED, arg=src0)
        src1, png1 = image.get_attribute("src"), image.screenshot()
        assert png1 != png0, "the picture must change after a step"
        assert "seed" in caption.inner_text() and "3 steps to go" in status.inner_text()

        page.locator(".adexplorer-player .widget-play button").first.click()   # Play
        page.get_by_text("the same ✓").wait_for(timeout=30_000)
        final = status.inner_text()
        assert "0.758054" in final and "ad.gradient" in final
        assert "(1 / x)" in caption.inner_text()              # the last rule: x̄ = ȳ1 · (1 / x)
        page.wait_for_function(CHANGED, arg=src1)
        assert image.screenshot() not in (png0, png1)
        shot = save_screenshot(page, "autodiff-in-lab.png")
        assert shot.stat().st_size > 10_000
    except Exception:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "autodiff-in-lab-failed.png"))
        (ARTIFACTS / "autodiff-in-lab-server.log").write_text(lab.log_tail(20_000))
        raise
    finally:
        page.close()
    assert not errors, errors
    print(f"[timing] the whole test: {time.monotonic() - t0:.1f} s (budget ~60 s)")
