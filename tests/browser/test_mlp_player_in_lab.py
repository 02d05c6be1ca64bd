"""The reverse sweep of a 2-layer MLP's loss in a real JupyterLab: the player steps frame by
frame, the picture changes at every step, and the un-broadcast of b1 is a frame of its own
whose caption shows the sum NumPy computes (screenshot: test-artifacts/mlp-player.png)."""

from __future__ import annotations

import numpy as np

from .lab import (ARTIFACTS, open_and_run_all, save_screenshot, wait_loaded,
                  wait_src_changed, write_notebook)

NOTEBOOK = "mlp.ipynb"
DATA = """\
import numpy as np
import adexplorer as ad
rng = np.random.default_rng(0)
X = rng.normal(size=(4, 3)).round(1)            # 4 samples, 3 features
Y = rng.normal(size=(4, 2)).round(1)            # their targets
W1 = (rng.normal(size=(3, 4)) * 0.5).round(1)
b1 = np.array([0.1, -0.2, 0.3, 0.0])
W2 = (rng.normal(size=(4, 2)) * 0.5).round(1)
"""
CELLS = [
    DATA + "\ndef loss(W1, b1, W2):\n"
    "    h = np.tanh(X @ W1 + b1)\n"
    "    return np.mean((h @ W2 - Y) ** 2)",
    "ad.SweepPlayer(ad.trace(loss, W1, b1, W2), 'reverse')",
]


def b1_adjoint():
    """dL/db1 by hand, in NumPy: the chain rule through mean, square, @, tanh and +."""
    names = {}
    exec(DATA, names)
    X, Y, W1, b1, W2 = (names[n] for n in ("X", "Y", "W1", "b1", "W2"))
    h = np.tanh(X @ W1 + b1)
    d_out = 2 * (h @ W2 - Y) / Y.size
    d_pre = (d_out @ W2.T) * (1 - h ** 2)          # (4, 4): the contribution to b1
    return d_pre, d_pre.sum(axis=0)                 # summed over the batch: b1's shape


def test_mlp_player_steps_through_the_unbroadcast(lab_factory, browser, tmp_path):
    unsummed, summed = b1_adjoint()
    write_notebook(tmp_path / NOTEBOOK, CELLS)
    lab = lab_factory(tmp_path)
    page = open_and_run_all(browser, lab, NOTEBOOK, "mlp-player.png")
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        player = page.locator(".adexplorer-player")
        image = player.locator("img.adexplorer-graph")
        image.wait_for()
        wait_loaded(page, image)
        player.scroll_into_view_if_needed()
        caption = player.locator(".adexplorer-caption")
        readout = player.locator(".widget-readout").first
        # 10 steps of the sweep, 12 frames: the start and b1's two
        assert "10 steps" in caption.inner_text()
        pictures = [image.screenshot()]
        for k in (1, 2, 3):                       # the seed, then mean and square
            src = image.get_attribute("src")
            player.locator("button.adexplorer-step").click()
            wait_src_changed(page, image, src)
            caption.filter(has_text=f"step {k} of 10").wait_for()   # it may follow the image
            wait_loaded(page, image)
            assert readout.inner_text().strip() == str(k)
            pictures.append(image.screenshot())
        assert all(a != b for a, b in zip(pictures, pictures[1:]))
        assert "(4,2)" in caption.inner_text()        # ȳ5 = ȳ6 · (2 · y5): shapes shown

        # to b1's first frame: the contribution at the operation's shape, not yet summed
        src = image.get_attribute("src")
        player.locator(".widget-slider .noUi-handle").first.focus()
        page.keyboard.press("End")
        page.keyboard.press("ArrowLeft")
        page.keyboard.press("ArrowLeft")
        caption.filter(has_text="part 1 of 2").wait_for()
        wait_src_changed(page, image, src)
        wait_loaded(page, image)
        assert readout.inner_text().strip() == "9"
        text = caption.inner_text()
        assert "contribution at the operation's shape (4,4)" in text
        assert f"norm {np.linalg.norm(unsummed):.3g}" in text
        before = image.screenshot()
        player.scroll_into_view_if_needed()
        save_screenshot(page, "mlp-player-contribution.png")

        # the next frame sums it over the batch axis and updates b1's adjoint
        src = image.get_attribute("src")
        player.locator("button.adexplorer-step").click()
        caption.filter(has_text="part 2 of 2").wait_for()
        wait_src_changed(page, image, src)
        wait_loaded(page, image)
        text = caption.inner_text()
        lines = text.split("\n")                   # each line of the rule on its own line
        assert "un-broadcast: b1 has shape (4,), so (4,4) is summed over axis 0 → (4,)" in lines
        for entry in summed:
            assert f"{entry:.4g}" in text
        assert image.screenshot() != before
        assert "1 step to go" in player.locator(".adexplorer-status").inner_text()
        player.scroll_into_view_if_needed()
        save_screenshot(page, "mlp-player.png")
    except Exception:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "mlp-player-failed.png"))
        (ARTIFACTS / "mlp-player-server.log").write_text(lab.log_tail(20_000))
        raise
    finally:
        page.close()
    assert not errors, errors
