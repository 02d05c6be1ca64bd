"""The memory meter where people see it: under the player, in the text report, and the
picture of peak memory against n (its points are the measured peaks)."""

import subprocess
import sys
from math import isqrt

import numpy as np
import pytest

import adexplorer as ad
from adexplorer.viz.memoryplot import memory_peaks, pow_checkpointed


def cube(x):
    r = 1.0
    for _ in range(3):
        r = r * x
    return r


def test_the_player_shows_the_tape_at_each_step():
    t = ad.trace(cube, 2.0)             # x, then 1.0 * x, y1 * x, y2 * x: 4 entries
    forward = ad.SweepPlayer(t, mode="forward")
    for k in range(forward.n_frames):                # dual numbers: never a tape
        assert "no tape" in forward.meter.text(k) and "entries" not in forward.meter.text(k)
    # after y1 = 1.0 * x: x (read again by y2, y3) and y1 (read by y2) are live; at the
    # end only the output y3 is: 1 pair, peak 2
    at_y1 = next(k for k in range(1, forward.n_frames) if forward.frames.sweep[k - 1].node == 1)
    assert "2 (value, tangent) pairs live; peak 2" in forward.meter.text(at_y1)
    forward.show(forward.n_frames - 1)
    assert "1 (value, tangent) pair live; peak 2" in forward.meter.text(forward.n_frames - 1)
    assert "no tape" in forward.meter.value                  # the widget shows the text
    reverse = ad.SweepPlayer(t, mode="reverse")
    # seed at y3, then y3 -> y2 (and x), y2 -> y1 (and x), y1 -> x: entries 4, 4, 4, 3, 3, 2
    shown = []
    for k in range(1, reverse.n_frames):
        reverse.show(k)
        shown.append(int(reverse.meter.text(k).split("reverse sweep: ")[1].split()[0]))
    assert shown == [4, 4, 4, 3, 3, 2]
    assert "peak 4 entries" in reverse.meter.value


def test_the_player_counts_a_checkpoint_recorded_again():
    t = ad.trace(lambda x: pow_checkpointed(x, 4, 2), 1.5)
    p = ad.SweepPlayer(t, mode="reverse")
    p.show(1)                            # the seed: the tape is x, y1, y2
    assert "3 entries" in p.meter.text(1) and "recorded again" not in p.meter.text(1)
    p.show(2)                            # at y2: 3 entries + r, x, k and 2 products
    assert "8 entries" in p.meter.text(2) and "recorded again" in p.meter.text(2)


def test_the_report_prints_the_meter():
    out = subprocess.run([sys.executable, "-m", "adexplorer", "explain", "5*sin(log(x))",
                          "--at", "x=3"], capture_output=True, text=True, check=True).stdout
    section = out.split("memory of reverse mode (live tape entries, step by step):\n")[1]
    # x, log(x), sin(y1), 5 * y2: 4 entries of 8 bytes, and the constant 5
    assert section.startswith("  forward pass:   entries 1 2 3 4\n"
                              "  reverse sweep:  entries 4 3 2 1\n"
                              "  peak: 4 entries, 40 bytes\n")


def test_the_picture_plots_the_measured_peaks():
    ns = (16, 100, 400)
    fig = ad.plot_memory(ns)
    ax = fig.axes[0]
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert set(lines) == {"tape", "SSA stack", "checkpoint every √n"}
    np.testing.assert_array_equal(lines["tape"].get_ydata(), [n + 1 for n in ns])
    np.testing.assert_array_equal(lines["SSA stack"].get_ydata(), list(ns))
    sqrt_line = lines["checkpoint every √n"].get_ydata()
    assert all(y <= 2 * isqrt(n) + 8 for y, n in zip(sqrt_line, ns))
    assert ax.get_xscale() == ax.get_yscale() == "log"
    bytes_fig = ad.plot_memory(ns, unit="bytes")
    ys = {line.get_label(): line.get_ydata() for line in bytes_fig.axes[0].get_lines()}
    np.testing.assert_array_equal(ys["SSA stack"], [8 * n for n in ns])
    with pytest.raises(ValueError, match="unit"):
        ad.plot_memory(ns, unit="pages")


def test_memory_peaks_at_100_and_1000():
    peaks = memory_peaks((100, 1000))
    assert [u.entries for u in peaks["tape"]] == [101, 1001]
    assert [u.entries for u in peaks["SSA stack"]] == [100, 1000]
    # 10 segments of 10: x + 10 rows, + (r, x, k + 10 products) at the last one
    assert peaks["checkpoint every √n"][0].entries == 11 + 13


@pytest.mark.parametrize("ns, error, words", [
    ([0, -1], ValueError, "whole numbers n ≥ 1"),
    ([2.5], ValueError, "whole numbers n ≥ 1"),
    ("abc", TypeError, "ns must be a list of loop lengths"),
    (5, TypeError, "ns must be a list of loop lengths"),
    ([], ValueError, "ns is empty"),
])
def test_malformed_loop_lengths_are_refused_by_name(ns, error, words):
    with pytest.raises(error, match=words):
        ad.plot_memory(ns=ns)
