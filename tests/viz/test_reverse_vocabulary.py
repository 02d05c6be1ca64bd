"""What users read says "forward" and "reverse": the player's heading, the tabs of
``ad.explore`` and of a ``%%autodiff`` cell, a sweep's repr and the report's listing.
``trace.backward_sweep()`` stays a method name (DESIGN.md), but never a word on screen."""

import re

import adexplorer as ad
from adexplorer.report.analysis import analyse
from adexplorer.viz.explore import TABS
from adexplorer.viz.explorer import autodiff_box


def f_slide(x):
    return 5 * ad.sin(ad.log(x))


def two(x, y):
    return x * y + ad.sin(x)


def _plain(html_text: str) -> str:
    return re.sub(r"<[^>]+>", "", html_text)


def test_the_reverse_players_heading_says_reverse():
    player = ad.SweepPlayer(ad.trace(f_slide, 3.0), "reverse")
    assert _plain(player.title.value) == "reverse sweep"
    assert "backward" not in repr(player)


def test_explore_and_autodiff_tabs_say_reverse():
    assert "reverse sweep" in TABS and not any("backward" in t for t in TABS)
    report = analyse(two, (3.0, 2.0))
    box, players = autodiff_box(report)
    tabs = [c for c in box.children if hasattr(c, "titles")]
    assert len(tabs) == 1 and tabs[0].titles[-1] == "reverse"
    assert _plain(players[-1].title.value).startswith("reverse sweep: ")
    assert all("backward" not in t for t in tabs[0].titles)


def test_a_sweeps_repr_and_the_reports_listing_say_reverse():
    trace = ad.trace(f_slide, 3.0)
    assert repr(trace.backward_sweep()).startswith("<reverse sweep, 4 steps>")
    text = analyse(f_slide, (3.0,)).text(sweeps=True)
    assert "reverse sweep, step by step:" in text
    assert "backward" not in text
