"""Cases 6-9: the second wave's scalar questions.

- ``powchain``: a chain of 10^4 ops with a fractional power, ``x = x*(x*x + 1.0)**-0.05``
  (2,500 iterations of four ops), trace + backward, against micrograd;
- ``jvp``: ``ad.jvp`` on the same chain, against the minimal dual class;
- ``loop``: the talk's ``pow`` (``while n > 0: n -= 1; r *= x``) at n = 1000, by the tape
  (``ad.gradient(pow, x, n)``, which also records the counter), against micrograd;
- ``memory``: bytes per recorded node of a 10^6-op scalar trace, kept alive for its
  backward sweep, against micrograd's ``Value`` graph of the same chain (tracemalloc).

The chain's fixed point (about 0.92 for x0 = 0.5) attracts with slope about 0.9, so
its derivative shrinks geometrically: it reaches the subnormal range near 10^4 ops, where
every library pays the same slow arithmetic; 2,500 iterations stay well above it.
"""

from __future__ import annotations

import gc
import sys
import tracemalloc

from . import micrograd_ext, minimal_tape
from .libraries import load
from .results import Case, Row, timed
from .timing import Settings, Timing
from .tiny_dual import TinyDual

US = 1e6
ITERATIONS, OPS_PER_ITERATION, X0 = 2500, 4, 0.5
N_OPS = ITERATIONS * OPS_PER_ITERATION
LOOP_N, LOOP_X = 1000, 1.0001
MEMORY_OPS = 10**6


def powchain(x, iterations=ITERATIONS):
    for _ in range(iterations):
        x = x * (x * x + 1.0) ** -0.05
    return x


def powchain_reference(x):
    """The chain's value and derivative by hand, with Python floats."""
    d = 1.0
    for _ in range(ITERATIONS):
        s = x * x + 1.0
        p = s ** -0.05
        d *= p + x * (-0.05 * s ** -1.05) * 2.0 * x
        x = x * p
    return x, d


def pow_loop(x, n):                 # the talk's pow, as written on the slide
    r = 1
    while n > 0:
        n -= 1
        r *= x
    return r


def _micrograd():
    if load("micrograd") is None:
        return None
    from micrograd.engine import Value
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 4 * MEMORY_OPS + 1000))
    return micrograd_ext.extend(Value)


def reverse_powchain(settings: Settings) -> Case:
    case = Case("powchain", f"scalar chain of {N_OPS} ops x = x*(x*x + 1.0)**-0.05, "
                            "trace + backward", unit="µs per op", scale=US / N_OPS,
                baseline="micrograd", goal_row="adexplorer (ad.gradient)", limit=0.5,
                goal_text="adexplorer ≤ 0.5 × micrograd µs/op")
    want = powchain_reference(X0)[1]

    def micrograd():
        Value = _micrograd()
        if Value is None:
            return None

        def fn():
            x = Value(X0)
            powchain(x).backward()
            return x.grad
        return fn

    def adexplorer():
        ad = load("adexplorer")
        return None if ad is None else (lambda: ad.gradient(powchain, X0)[0])

    def prebuilt():
        ad = load("adexplorer")
        if ad is None:
            return None
        g = ad.grad(powchain)
        return lambda: g(X0)

    case.rows += [timed("micrograd", micrograd, settings, want),
                  timed("adexplorer (ad.gradient)", adexplorer, settings, want),
                  timed("adexplorer (ad.grad, prebuilt)", prebuilt, settings, want)]
    return case


def forward_powchain(settings: Settings) -> Case:
    case = Case("jvp", f"ad.jvp on the chain of {N_OPS} ops x = x*(x*x + 1.0)**-0.05",
                unit="µs per op", scale=US / N_OPS, baseline="minimal dual class",
                goal_row="adexplorer (ad.jvp)", limit=1.5,
                goal_text="adexplorer ≤ 1.5 × the minimal dual class")
    want = powchain_reference(X0)[1]

    def tiny():
        return lambda: powchain(TinyDual(X0, 1.0)).eps

    def jvp():
        ad = load("adexplorer")
        return None if ad is None else (lambda: ad.jvp(powchain, (X0,), (1.0,))[1])

    case.rows += [timed("minimal dual class", tiny, settings, want),
                  timed("adexplorer (ad.jvp)", jvp, settings, want)]
    return case


def while_loop(settings: Settings) -> Case:
    case = Case("loop", f"the talk's while-loop pow(x, n), n = {LOOP_N}, by the tape",
                unit="µs per call", scale=US, baseline="micrograd",
                goal_row="adexplorer (ad.gradient)", limit=1.0,
                goal_text="adexplorer ≤ 1.0 × micrograd µs/call")
    want = LOOP_N * LOOP_X ** (LOOP_N - 1)

    def micrograd():
        Value = _micrograd()
        if Value is None:
            return None

        def fn():
            x = Value(LOOP_X)
            pow_loop(x, LOOP_N).backward()
            return x.grad
        return fn

    def adexplorer():
        ad = load("adexplorer")
        return None if ad is None else (lambda: ad.gradient(pow_loop, LOOP_X, LOOP_N)[0])

    def prebuilt():
        ad = load("adexplorer")
        if ad is None:
            return None
        g = ad.grad(pow_loop)
        return lambda: g(LOOP_X, LOOP_N)

    def floor():
        return lambda: minimal_tape.gradient(pow_loop, LOOP_X, LOOP_N)

    case.rows += [timed("micrograd", micrograd, settings, want),
                  timed("adexplorer (ad.gradient)", adexplorer, settings, want),
                  timed("adexplorer (ad.grad, prebuilt)", prebuilt, settings, want),
                  timed("minimal tape of the same 3 records, no checks (a floor)", floor,
                        settings, want)]
    return case


def _bytes_per_node(build) -> float:
    """Bytes allocated (and still alive) per node by ``build()``, which returns what
    keeps its graph alive."""
    gc.collect()
    tracemalloc.start()
    try:
        kept = build()
        alive, _peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    del kept
    gc.collect()
    return alive / MEMORY_OPS


def _memory_row(library: str, build) -> Row:
    if build is None:
        return Row(library, status="not installed")
    try:
        per_node = _bytes_per_node(build)
    except Exception as exc:                  # reported, not fatal
        return Row(library, status=f"error: {type(exc).__name__}: {exc}"[:160])
    return Row(library, Timing(per_node, per_node, 1.0, 1, 1), note="tracemalloc, one run")


def memory(settings: Settings) -> Case:
    iterations = MEMORY_OPS // OPS_PER_ITERATION
    case = Case("memory", f"memory of a {MEMORY_OPS:.0e}-op scalar trace (the chain above), "
                          "kept for its backward sweep", unit="bytes per node", scale=1.0,
                baseline="micrograd", goal_row="adexplorer (ad.vjp)", limit=1.0,
                goal_text="adexplorer ≤ 1.0 × micrograd bytes per node")
    Value = _micrograd()
    ad = load("adexplorer")
    mg_build = None if Value is None else (lambda: powchain(Value(X0), iterations))
    ad_build = None if ad is None else (lambda: ad.vjp(lambda x: powchain(x, iterations), X0))
    case.rows += [_memory_row("micrograd", mg_build), _memory_row("adexplorer (ad.vjp)", ad_build)]
    return case

