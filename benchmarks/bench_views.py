#!/usr/bin/env python
"""How fast the views of a trace are: printing, networkx, the Wengert lists, the sweeps and
the graph picture.

    python benchmarks/bench_views.py            # about a minute
    python benchmarks/bench_views.py --quick    # smaller traces, fewer repeats

Prints markdown tables and writes them to benchmarks/results/views.md (git-ignored).
See benchmarks/README.md, "Views".
"""

import argparse
import datetime
import gc
import platform
import subprocess
import sys
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(REPO))                # measure this checkout's adexplorer

import numpy as np                           # noqa: E402

import adexplorer as ad                      # noqa: E402
ad.core.memory.keep_freed_memory()          # opt-in, as in bench_core.py
from adexplorer.viz.graph import GraphPlot   # noqa: E402

def random_program(n: int, seed: int = 0):
    """A function whose trace has exactly ``n`` nodes (one input, n - 1 operations): each
    step reads one or two earlier values, mostly recent ones (so there is fan-out but no
    repeated loop body for the graph to collapse), and ends in a bounded function so
    nothing overflows."""
    def f(x):
        rng = np.random.default_rng(seed)
        values = [x]
        ops = 0
        while ops < n - 1:
            a = values[-1 - min(int(rng.geometric(0.35)) - 1, len(values) - 1)]
            b = values[-1 - min(int(rng.geometric(0.2)) - 1, len(values) - 1)]
            kind = 3 if ops == n - 2 else int(rng.integers(4))
            if kind == 0:
                values.append(ad.sin(a * b))          # two operations
            elif kind == 1:
                values.append(ad.tanh(a + b))
            elif kind == 2:
                values.append(ad.cos(a - 0.3))
            else:
                values.append(ad.sigmoid(a))          # one operation
            ops += 1 if kind == 3 else 2
        return values[-1]
    return f


def make_trace(n: int, seed: int = 0):
    t = ad.trace(random_program(n, seed), 0.1)
    assert len(t) == n, (len(t), n)
    return t


def best_of(fn, repeat: int, setup=None) -> float:
    """Best wall time of ``repeat`` calls (``setup`` runs untimed before each)."""
    times = []
    for _ in range(repeat):
        arg = setup() if setup else None
        gc.collect()
        start = time.perf_counter()
        fn(arg) if setup else fn()
        times.append(time.perf_counter() - start)
    return min(times)


def text_rows(sizes, repeat):
    rows = []
    for n in sizes:
        reps = repeat if n <= 10_000 else max(1, repeat // 2)
        fresh = lambda n=n: make_trace(n)      # noqa: E731 - a new trace: no cached listing
        t = fresh()
        n = len(t)
        cases = [
            ("print(trace), first time", lambda tr: str(tr), fresh),
            ("print(trace), again (cached listing)", lambda: str(t), None),
            ("repr(trace) (head and tail)", lambda tr: repr(tr), fresh),
            ("trace.to_networkx()", lambda tr: tr.to_networkx(), fresh),
            ("trace.tangent_wengert()", lambda tr: str(tr.tangent_wengert()), fresh),
            ("trace.adjoint_wengert()", lambda tr: str(tr.adjoint_wengert()), fresh),
            ("trace.forward_sweep()", lambda tr: tr.forward_sweep(), fresh),
            ("trace.backward_sweep()", lambda tr: tr.backward_sweep(), fresh),
        ]
        for name, fn, setup in cases:
            seconds = best_of(fn, reps, setup)
            rows.append((name, n, seconds, seconds / n * 1e6))
    return rows


def graph_rows(sizes, repeat):
    rows = []
    for n, max_nodes in sizes:
        t = make_trace(n)
        n = len(t)
        first = best_of(lambda tr: ad.plot_graph(tr, max_nodes=max_nodes).png(), 1,
                        lambda: make_trace(n))
        frame = best_of(lambda: ad.plot_graph(t, highlight=n // 2, done=range(n // 2),
                                              max_nodes=max_nodes).png(), repeat)
        plot = GraphPlot(t, max_nodes=max_nodes)
        update = best_of(lambda: plot.update(highlight=n // 3, done=range(n // 3)).png(), repeat)
        call_only = best_of(lambda: ad.plot_graph(t, max_nodes=max_nodes), repeat)
        boxes = len(plot.layout.boxes)
        rows.append((n, max_nodes, boxes, first, frame, call_only, update))
    return rows


def render(text, graph, quick) -> str:
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO,
                                capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "adexplorer"], cwd=REPO,
                               capture_output=True, text=True).stdout.strip()
    except OSError:
        commit, dirty = "unknown", ""
    lines = [
        f"- date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC",
        f"- command: python benchmarks/bench_views.py{' --quick' if quick else ''}",
        f"- machine: {platform.machine()}, {len(__import__('os').sched_getaffinity(0))} CPUs "
        f"available, {platform.system()}; Python {platform.python_version()}",
        f"- adexplorer: {commit}{' + uncommitted changes in adexplorer/' if dirty else ''}; "
        f"numpy {np.__version__}, matplotlib {matplotlib.__version__}, "
        f"networkx {__import__('networkx').__version__}",
        "",
        "| view | trace nodes | seconds (best) | µs per node |",
        "|---|---|---|---|",
    ]
    lines += [f"| {name} | {n:,} | {s:.3g} | {us:.3g} |" for name, n, s, us in text]
    lines += [
        "",
        "| trace nodes | max_nodes | boxes drawn | first plot + PNG (s) | later frame: plot_graph + PNG (s) "
        "| plot_graph call alone (s) | GraphPlot.update + PNG (s) |",
        "|---|---|---|---|---|---|---|",
    ]
    lines += [f"| {n} | {m} | {b} | {a:.3f} | {f:.3f} | {c:.3f} | {u:.3f} |"
              for n, m, b, a, f, c, u in graph]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller traces, fewer repeats")
    opts = parser.parse_args()
    repeat = 2 if opts.quick else 5
    sizes = [1_000, 10_000] if opts.quick else [1_000, 10_000, 100_000]
    graphs = [(20, 60), (60, 60), (200, 60), (200, 200)]
    if not opts.quick:
        graphs.append((100_000, 60))
    GraphPlot(make_trace(10)).png()          # matplotlib's first figure (fonts) is not timed
    text = text_rows(sizes, repeat)
    graph = graph_rows(graphs, repeat)
    report = render(text, graph, opts.quick)
    print(report)
    out = BENCH / "results" / "views.md"
    out.parent.mkdir(exist_ok=True)
    out.write_text(report + "\n")


if __name__ == "__main__":
    main()
