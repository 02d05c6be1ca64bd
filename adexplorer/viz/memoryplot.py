"""Peak memory of reverse mode against n for ``pow``: ``ad.plot_memory()``.

Three ways to get the gradient of ``pow(x, n)`` (n multiplications in a loop), each
measured, not assumed:

- **tape**: ``ad.trace`` records one entry per multiplication; the meter
  (``tape_memory``) reads the peak, n + 1 entries (x and the n products);
- **SSA stack**: the adjoint ``source_grad`` writes pushes ``r`` once per iteration;
  ``stack_memory`` runs it and watches the stack, n entries at the turn;
- **checkpoint every √n**: the loop in segments of k = ⌊√n⌋ multiplications, each a
  ``checkpoint`` row; the tape keeps one entry per segment, and the reverse sweep
  records one segment's tape at a time, about 2√n entries at the peak.
"""

from __future__ import annotations

import functools
from math import isqrt

import numpy as np

from ..core.checkpoint import checkpoint
from ..core.reverse import trace
from ..core.tape_memory import tape_memory
from ..s2s import source_grad
from ..teaching.examples import pow
from ..s2s.stack_memory import stack_memory

STRATEGIES = ("tape", "SSA stack", "checkpoint every √n")
DEFAULT_NS = (4, 9, 16, 36, 64, 100, 225, 400, 1000)


def multiply(r, x, k):
    """``r · xᵏ`` by k multiplications: one segment of ``pow``'s loop."""
    for _ in range(k):
        r = r * x
    return r


@functools.cache
def _segment():
    """``checkpoint(multiply)``, made when first used (not on import)."""
    return checkpoint(multiply)


def pow_checkpointed(x, n, every=None):
    """``pow(x, n)`` in segments of ``every`` (default ⌊√n⌋) iterations, each
    checkpointed: the tape keeps one entry per segment."""
    every = every or max(1, isqrt(n))
    r = 1
    while n > 0:
        k = min(every, n)
        r = _segment()(r, x, k)
        n -= k
    return r


def memory_peaks(ns=DEFAULT_NS, x: float = 1.0001) -> dict:
    """Peak memory (a ``Usage``: entries and bytes) per strategy, one per ``n``."""
    adjoint = source_grad(pow)
    peaks = {name: [] for name in STRATEGIES}
    for n in ns:
        peaks["tape"].append(tape_memory(trace(lambda x: pow(x, n), x)).peak)
        peaks["SSA stack"].append(stack_memory(adjoint, x, n).peak)
        peaks["checkpoint every √n"].append(
            tape_memory(trace(lambda x: pow_checkpointed(x, n), x)).peak)
    return peaks


def _counts(ns) -> list:
    """``ns`` sorted, if it is a non-empty list of whole numbers ≥ 1; else a clear error."""
    def whole(n):
        return isinstance(n, (int, np.integer)) and not isinstance(n, (bool, np.bool_))
    if isinstance(ns, (str, bytes)) or not hasattr(ns, "__iter__"):
        raise TypeError(f"plot_memory: ns must be a list of loop lengths n ≥ 1 "
                        f"(e.g. ns=[10, 100, 1000]), got {ns!r}")
    ns = list(ns)
    bad = [n for n in ns if not whole(n) or n < 1]
    if bad or not ns:
        raise ValueError(f"plot_memory: ns must be whole numbers n ≥ 1 (e.g. ns=[10, 100, "
                         f"1000]); got {bad[0]!r}" if bad else "plot_memory: ns is empty")
    return sorted(int(n) for n in ns)


def plot_memory(ns=DEFAULT_NS, *, unit: str = "entries", x: float = 1.0001, ax=None):
    """Peak memory of the gradient of ``pow(x, n)`` against n, on log-log axes: the
    tape, the SSA stack and the tape with a checkpoint every √n iterations. ``unit``:
    "entries" or "bytes". Returns the figure."""
    if unit not in ("entries", "bytes"):
        raise ValueError(f"plot_memory: unit must be 'entries' or 'bytes', not {unit!r}")
    import matplotlib.pyplot as plt
    ns = _counts(ns)
    peaks = memory_peaks(ns, x)
    if ax is None:
        fig, ax = plt.subplots(figsize=(6.4, 4.2), layout="constrained")
        plt.close(fig)                  # returned, displayed by the caller, never twice
    else:
        fig = ax.figure
    # the tape and the stack both grow like n: the tape is drawn wide underneath
    styles = {"tape": dict(color="#d62728", marker="o", lw=5, ms=9, alpha=0.45),
              "SSA stack": dict(color="#1f77b4", marker="s", lw=1.5, ms=4),
              "checkpoint every √n": dict(color="#2ca02c", marker="^", lw=1.5, ms=5)}
    for name, usages in peaks.items():
        ax.plot(ns, [getattr(u, unit) for u in usages], label=name, **styles[name])
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("n (iterations of pow's loop)")
    ax.set_ylabel(f"peak memory ({unit})")
    ax.set_title("Reverse mode's memory for pow(x, n)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    return fig
