"""Where the time goes: cProfile over repeated calls of one row's function."""

from __future__ import annotations

import cProfile
import io
import pstats
import time


def profile(fn, seconds: float = 2.0, top: int = 15) -> str:
    """The ``top`` functions by own time (then by cumulative time) over ``seconds`` of calls."""
    fn()
    profiler = cProfile.Profile()
    calls, start = 0, time.perf_counter()
    profiler.enable()
    while time.perf_counter() - start < seconds:
        fn()
        calls += 1
    profiler.disable()
    out = io.StringIO()
    out.write(f"{calls} calls profiled\n")
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    return out.getvalue()
