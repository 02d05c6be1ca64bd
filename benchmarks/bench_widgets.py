#!/usr/bin/env python
"""How fast the sweep animation steps: ``ad.SweepPlayer`` per frame (the goal:
≤ 100 ms per step for a 60-node graph), next to drawing each frame from scratch.

    python benchmarks/bench_widgets.py            # about a minute
    python benchmarks/bench_widgets.py --quick    # fewer traces

Prints markdown tables and writes them to benchmarks/results/widgets.md (git-ignored).
See benchmarks/README.md, "Widgets".
"""

import argparse
import datetime
import gc
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(REPO))                # measure this checkout's adexplorer
sys.path.insert(0, str(BENCH))

import numpy as np                           # noqa: E402

import adexplorer as ad                      # noqa: E402
ad.core.memory.keep_freed_memory()          # opt-in, as in bench_core.py
from adexplorer.viz.frames import default_dpi  # noqa: E402
from adexplorer.viz.sweepframes import SweepFrames  # noqa: E402
from adexplorer.viz.graph import GraphPlot  # noqa: E402
from bench_views import make_trace           # noqa: E402  (the same traces as "Views")


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def player_rows(sizes, modes=("forward", "reverse")):
    """Per trace and mode: building the player, then every step once in order (each a
    new frame), then the same steps again (cached pictures)."""
    rows = []
    for n in sizes:
        for mode in modes:
            trace = make_trace(n)
            gc.collect()
            made = {}
            build = timed(lambda: made.update(player=ad.SweepPlayer(trace, mode=mode)))
            player = made["player"]
            frames = player.n_frames
            steps = list(range(1, frames))
            if len(steps) > 400:             # a long sweep: 400 evenly spread new frames
                steps = sorted(set(np.linspace(1, frames - 1, 400).astype(int).tolist()))
            gc.collect()
            first = [timed(lambda k=k: setattr(player.slider, "value", k)) for k in steps]
            player.slider.value = 0
            again = [timed(lambda k=k: setattr(player.slider, "value", k)) for k in steps]
            boxes = len(player.frames.renderer.layout.boxes)
            size = player.frames.renderer.canvas.get_width_height()
            rows.append((n, mode, boxes, size, frames - 1, build, first, again))
    return rows


def naive_rows(sizes, repeat):
    """The same frames drawn the obvious way: recolour a GraphPlot and render its PNG
    (at the resolution the player uses)."""
    rows = []
    for n in sizes:
        trace = make_trace(n)
        frames = SweepFrames(trace, "reverse")
        plot = GraphPlot(trace)
        dpi = default_dpi(len(plot.layout.boxes))
        times = []
        for k in np.linspace(1, frames.n_frames - 1, repeat).astype(int):
            frame = frames.frame(int(k))
            times.append(timed(lambda: plot.update(frame.hot, frame.final, frame.edges)
                               .png(dpi=dpi)))
        rows.append((n, len(plot.layout.boxes), statistics.median(times)))
    return rows


def ms(seconds) -> str:
    return f"{seconds * 1000:.1f}"


def render(players, naive, quick) -> str:
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO,
                                capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "adexplorer"], cwd=REPO,
                               capture_output=True, text=True).stdout.strip()
    except OSError:
        commit, dirty = "unknown", ""
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    lines = [
        f"- date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC",
        f"- command: python benchmarks/bench_widgets.py{' --quick' if quick else ''}",
        f"- machine: {platform.machine()}, {len(os.sched_getaffinity(0))} CPUs available, "
        f"{platform.system()}; Python {platform.python_version()}; load average {load:.1f}",
        f"- adexplorer: {commit}{' + uncommitted changes in adexplorer/' if dirty else ''}; "
        f"numpy {np.__version__}, matplotlib {matplotlib.__version__}, "
        f"ipywidgets {__import__('ipywidgets').__version__}",
        "",
        "| trace nodes | sweep | boxes drawn | picture (px) | steps | build player (s) "
        "| new frame: median ms | 95th pct ms | max ms | cached frame: median ms |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for n, mode, boxes, size, steps, build, first, again in players:
        p95 = float(np.percentile(first, 95))
        lines.append(f"| {n:,} | {mode} | {boxes} | {size[0]}×{size[1]} | {steps:,} | "
                     f"{build:.2f} | {ms(statistics.median(first))} | {ms(p95)} | "
                     f"{ms(max(first))} | {ms(statistics.median(again))} |")
    lines += ["", "| trace nodes | boxes drawn | GraphPlot.update + PNG per frame: median ms |",
              "|---|---|---|"]
    lines += [f"| {n:,} | {boxes} | {ms(t)} |" for n, boxes, t in naive]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer traces")
    opts = parser.parse_args()
    sizes = [20, 60] if opts.quick else [20, 60, 200, 10_000]
    ad.SweepPlayer(make_trace(10))           # matplotlib's first figure (fonts) is not timed
    players = player_rows(sizes)
    naive = naive_rows([20, 60], 5 if opts.quick else 15)
    report = render(players, naive, opts.quick)
    print(report)
    out = BENCH / "results" / "widgets.md"
    out.parent.mkdir(exist_ok=True)
    out.write_text(report + "\n")


if __name__ == "__main__":
    main()
