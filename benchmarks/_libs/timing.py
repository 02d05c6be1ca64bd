"""timeit-style measurement: warm up, repeat, keep the best and the median.

``measure(fn, settings)`` calls ``fn()`` with no arguments. The garbage collector stays
on, as in user code. Two things keep it from making the numbers depend on what else
ran in this process:

- everything alive before the measurement is frozen out of the collector
  (``gc.freeze``), so a full collection does not walk the objects of JAX, PyTorch and
  the other libraries imported into this one process;
- a call that takes at least ``SINGLE_CALL`` seconds is timed on its own, after an
  untimed ``gc.collect()``, so every call starts from the same heap and the collections
  it triggers are its own. (Without this, micrograd's 10^4-op chain, whose cyclic
  closures are freed only by the collector, measured anywhere from 1.7 to 11 µs per op
  depending on the import history.) The collection of a call's own cyclic garbage after
  it returns is therefore not timed. Faster calls run in loops of at least
  ``min_time`` seconds, with a collection before each loop.

With ``Settings(freeze=False)`` (``--no-freeze``) nothing is frozen: the collector
walks every object of every imported library, as in a notebook where JAX and PyTorch
are imported beside the code being differentiated.

The CPU/wall ratio (process time over wall time) checks that one core did the work.
On a machine shared with other jobs, ``Settings(cpu_clock=True)`` (``--cpu-time``) times
with the process's CPU clock instead: a sample the scheduler interrupted does not count
the time other processes ran, which otherwise penalises long calls more than short ones.
"""

from __future__ import annotations

import gc
import statistics
import time
from dataclasses import dataclass

SINGLE_CALL = 1e-3          # seconds; calls at least this long are timed one by one
MAX_SAMPLES = 500


@dataclass(frozen=True)
class Settings:
    """How long to measure: ``repeat`` repeats of at least ``min_time`` seconds each."""
    repeat: int = 7
    min_time: float = 0.2
    freeze: bool = True     # gc.freeze() what is alive before a row (off: --no-freeze)
    cpu_clock: bool = False  # time with the process's CPU clock (--cpu-time), not the wall


@dataclass(frozen=True)
class Timing:
    """Seconds per call: the best and the median sample, and the CPU/wall ratio."""
    best: float
    median: float
    cpu_per_wall: float
    loops: int              # calls per sample
    samples: int


def _run(fn, loops: int) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(loops):
        fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def _loops(fn, settings: Settings, wall: float) -> int:
    """Calls per sample so that one sample lasts ``min_time`` (like timeit's autorange)."""
    loops = 1
    while wall < settings.min_time and loops < 10**6:
        loops = max(loops * 2, int(loops * settings.min_time / max(wall, 1e-9) * 1.1))
        wall, cpu = _run(fn, loops)
        wall = cpu if settings.cpu_clock else wall
    return loops


def measure(fn, settings: Settings) -> Timing:
    fn()                                   # warm-up (caches, lazy imports, dispatch tables)
    gc.collect()
    if settings.freeze:
        gc.freeze()
    wall, cpu = _run(fn, 1)
    wall = cpu if settings.cpu_clock else wall
    loops = 1 if wall >= SINGLE_CALL else _loops(fn, settings, wall)
    budget = settings.repeat * settings.min_time
    per_call, total_wall, total_cpu = [], 0.0, 0.0
    while len(per_call) < settings.repeat or (
            loops == 1 and total_wall < budget and len(per_call) < MAX_SAMPLES):
        gc.collect()
        wall, cpu = _run(fn, loops)
        per_call.append((cpu if settings.cpu_clock else wall) / loops)
        total_wall += wall
        total_cpu += cpu
    return Timing(min(per_call), statistics.median(per_call), total_cpu / total_wall,
                  loops, len(per_call))


def first_call(fn) -> float:
    """Wall seconds of one call (used for JAX's trace + compile on the first jit call)."""
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start
