"""Two sweep players side by side in an ``HBox`` in a real JupyterLab: each steps and
plays on its own and each picture changes (screenshot in test-artifacts/)."""

from __future__ import annotations

from .lab import (ARTIFACTS, open_and_run_all, save_screenshot, wait_loaded,
                  wait_src_changed, write_notebook)

NOTEBOOK = "players.ipynb"
CELLS = [
    "import ipywidgets as widgets\nimport adexplorer as ad\n"
    "t = ad.trace(lambda x: 5 * ad.sin(ad.log(x)), 3.0)\n"
    "row = widgets.HBox([ad.SweepPlayer(t, mode='forward'), ad.SweepPlayer(t, mode='reverse')])\n"
    "row",
]


def test_two_players_in_an_hbox_step_and_play(lab_factory, browser, tmp_path):
    write_notebook(tmp_path / NOTEBOOK, CELLS)
    lab = lab_factory(tmp_path)
    page = open_and_run_all(browser, lab, NOTEBOOK, "players-hbox.png")
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        players = page.locator(".widget-hbox > .adexplorer-player")
        players.nth(1).wait_for()
        assert players.count() == 2
        forward, reverse = players.nth(0), players.nth(1)
        images = [p.locator("img.adexplorer-graph") for p in (forward, reverse)]
        for image in images:
            wait_loaded(page, image)
        src = [i.get_attribute("src") for i in images]
        png = [i.screenshot() for i in images]

        # step the forward player only: its picture changes, the other one stays
        forward.locator("button.adexplorer-step").click()
        wait_src_changed(page, images[0], src[0])
        assert images[0].screenshot() != png[0]
        assert forward.locator(".widget-readout").first.inner_text().strip() == "1"
        assert reverse.locator(".widget-readout").first.inner_text().strip() == "0"
        assert images[1].get_attribute("src") == src[1]

        # play the backward player to its end: its picture changes and it says so
        reverse.locator(".widget-play button").first.click()
        reverse.locator(".adexplorer-status").filter(has_text="the same ✓").wait_for()
        assert "ad.gradient" in reverse.locator(".adexplorer-status").inner_text()
        assert images[1].screenshot() != png[1]
        assert forward.locator(".widget-readout").first.inner_text().strip() == "1"
        save_screenshot(page, "players-hbox.png")
    except Exception:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "players-hbox-failed.png"))
        (ARTIFACTS / "players-hbox-server.log").write_text(lab.log_tail(20_000))
        raise
    finally:
        page.close()
    assert not errors, errors
