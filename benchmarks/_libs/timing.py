"""timeit-style measurement: warm up, choose a loop count, repeat, keep the best and the median.

``measure(fn, settings)`` calls ``fn()`` with no arguments. The garbage collector stays
on, as in user code: a library that builds cyclic graphs (micrograd's closures) pays for
collecting them. Everything alive before the measurement is frozen out of the collector
(``gc.freeze``), so a full collection does not walk the objects of JAX, PyTorch and the
other libraries imported into this one process: each library is timed as if it ran alone
(without the freeze, micrograd's chain varied from 1.7 to 11 µs per op with the import
history). The collector also runs before each repeat, so no repeat pays for the garbage
of another. The CPU/wall ratio (process time over wall time) checks that one core did
the work.
"""

from __future__ import annotations

import gc
import statistics
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    """How long to measure: ``repeat`` repeats of at least ``min_time`` seconds each."""
    repeat: int = 7
    min_time: float = 0.2


@dataclass(frozen=True)
class Timing:
    """Seconds per call: the best and the median repeat, and the CPU/wall ratio."""
    best: float
    median: float
    cpu_per_wall: float
    loops: int


def _run(fn, loops: int) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(loops):
        fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def measure(fn, settings: Settings) -> Timing:
    fn()                                   # warm-up (caches, lazy imports, dispatch tables)
    gc.collect()
    gc.freeze()
    loops = 1
    while True:                            # like timeit.Timer.autorange
        wall, _ = _run(fn, loops)
        if wall >= settings.min_time or loops >= 10**6:
            break
        loops = max(loops * 2, int(loops * settings.min_time / max(wall, 1e-9) * 1.1))
    per_call, total_wall, total_cpu = [], 0.0, 0.0
    for _ in range(settings.repeat):
        gc.collect()
        wall, cpu = _run(fn, loops)
        per_call.append(wall / loops)
        total_wall += wall
        total_cpu += cpu
    return Timing(min(per_call), statistics.median(per_call), total_cpu / total_wall, loops)


def first_call(fn) -> float:
    """Wall seconds of one call (used for JAX's trace + compile on the first jit call)."""
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start
