"""Cases 3-5: Python-scalar overhead. A chain of 10^4 ops in reverse and forward mode,
and value + gradient of the talk's f(x) = 5 sin(log x).

The chain repeats one block of five ops micrograd can do (*, +, tanh, exp, **):
``x = x * A + B; x = tanh(x); x = exp(x); x = x ** 2``. Its fixed point is attracting
with slope about 0.96 per block, so the derivative (about 1e-40) neither overflows nor
reaches the slow subnormal range.
"""

from __future__ import annotations

import math
import sys

from . import micrograd_ext
from .libraries import load
from .results import REFERENCE, Case, timed
from .timing import Settings, first_call
from .tiny_dual import TinyDual

US = 1e6
A, B, BLOCKS, OPS_PER_BLOCK, X0 = 0.35, -0.32, 2000, 5, 0.5
N_OPS = BLOCKS * OPS_PER_BLOCK
F_AT = 3.0


def chain(x, tanh, exp):
    for _ in range(BLOCKS):
        x = x * A + B
        x = tanh(x)
        x = exp(x)
        x = x ** 2
    return x


def chain_reference(x):
    """The chain's value and derivative by hand, with Python floats."""
    d = 1.0
    for _ in range(BLOCKS):
        y = math.tanh(x * A + B)
        e = math.exp(y)
        d *= A * (1.0 - y * y) * e * 2.0 * e
        x = e * e
    return x, d


def f(x, sin, log):
    return 5 * sin(log(x))


def f_reference(x):
    """The talk's f(x) = 5 sin(log x) and f'(x) = 5 cos(log x) / x, by hand."""
    lx = math.log(x)
    return 5 * math.sin(lx), 5 * math.cos(lx) / x


def _micrograd():
    mg = load("micrograd")
    if mg is None:
        return None
    from micrograd.engine import Value
    # micrograd's backward sorts the graph recursively: one frame per node of the chain.
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 4 * N_OPS + 1000))
    return micrograd_ext.extend(Value)


def _autograd():
    ag = load("autograd")
    if ag is None:
        return None, None
    import autograd.numpy as anp
    return ag, anp


def _chain_case(key, title, baseline, goal_row, limit, goal_text):
    return Case(key, title, unit="µs per op", scale=US / N_OPS, baseline=baseline,
                goal_row=goal_row, limit=limit, goal_text=goal_text)


def reverse_chain(settings: Settings) -> Case:
    case = _chain_case("chain", f"scalar chain of {N_OPS} ops (*, +, tanh, exp, **), "
                                "trace + backward", "micrograd", "adexplorer (ad.gradient)",
                       0.5, "adexplorer ≤ 0.5 × micrograd µs/op")
    want = chain_reference(X0)[1]

    def micrograd():
        Value = _micrograd()
        if Value is None:
            return None

        def fn():
            x = Value(X0)
            chain(x, Value.tanh, Value.exp).backward()
            return x.grad
        return fn

    def adexplorer():
        ad = load("adexplorer")
        if ad is None:
            return None
        g = lambda x: chain(x, ad.tanh, ad.exp)
        return lambda: ad.gradient(g, X0)[0]

    def prebuilt():
        ad = load("adexplorer")
        if ad is None:
            return None
        g = ad.grad(lambda x: chain(x, ad.tanh, ad.exp))
        return lambda: g(X0)

    def autograd():
        ag, anp = _autograd()
        if ag is None:
            return None
        g = ag.grad(lambda x: chain(x, anp.tanh, anp.exp))
        return lambda: g(X0)

    case.rows += [timed("micrograd", micrograd, settings, want),
                  timed("adexplorer (ad.gradient)", adexplorer, settings, want),
                  timed("adexplorer (ad.grad, prebuilt)", prebuilt, settings, want),
                  timed("HIPS autograd", autograd, settings, want)]
    return case


def forward_chain(settings: Settings) -> Case:
    case = _chain_case("forward", f"forward mode on the same chain of {N_OPS} ops",
                       "minimal dual class", "adexplorer (ad.derivative)", 1.5,
                       "adexplorer ≤ 1.5 × the minimal dual class")
    want = chain_reference(X0)[1]

    def tiny():
        return lambda: chain(TinyDual(X0, 1.0), TinyDual.tanh, TinyDual.exp).eps

    def derivative():
        ad = load("adexplorer")
        if ad is None:
            return None
        g = lambda x: chain(x, ad.tanh, ad.exp)
        return lambda: ad.derivative(g, X0)

    def dual():
        ad = load("adexplorer")
        return None if ad is None else (
            lambda: chain(ad.Dual(X0, 1.0), ad.tanh, ad.exp).tangent)

    case.rows += [timed("minimal dual class", tiny, settings, want),
                  timed("adexplorer (ad.derivative)", derivative, settings, want),
                  timed("adexplorer (ad.Dual by hand)", dual, settings, want)]
    return case


def talk_function(settings: Settings) -> Case:
    case = Case("scalar", f"f(x) = 5*sin(log(x)) at x = {F_AT}: value and gradient per call",
                unit="µs per call", scale=US, baseline="micrograd",
                goal_row="adexplorer (ad.value_and_grad)", limit=0.5,
                goal_text="adexplorer ≤ 0.5 × micrograd µs/call")
    value, slope = f_reference(F_AT)
    want = (value, slope)

    def hand():
        return lambda: f_reference(F_AT)

    def micrograd():
        Value = _micrograd()
        if Value is None:
            return None

        def fn():
            x = Value(F_AT)
            y = f(x, Value.sin, Value.log)
            y.backward()
            return y.data, x.grad
        return fn

    def value_and_grad():
        ad = load("adexplorer")
        if ad is None:
            return None
        vg = ad.value_and_grad(lambda x: f(x, ad.sin, ad.log))
        return lambda: vg(F_AT)

    def gradient():
        ad = load("adexplorer")
        if ad is None:
            return None
        g = lambda x: f(x, ad.sin, ad.log)
        return lambda: ad.gradient(g, F_AT)[0]

    def grad():
        ad = load("adexplorer")
        if ad is None:
            return None
        g = ad.grad(lambda x: f(x, ad.sin, ad.log))
        return lambda: g(F_AT)

    def autograd():
        ag, anp = _autograd()
        if ag is None:
            return None
        vg = ag.value_and_grad(lambda x: f(x, anp.sin, anp.log))
        return lambda: vg(F_AT)

    def jax_vg(jit: bool):
        def setup():
            jax = load("jax")
            if jax is None:
                return None
            vg = jax.value_and_grad(lambda x: f(x, jax.numpy.sin, jax.numpy.log))
            note = ""
            if jit:
                vg = jax.jit(vg)
                compile_s = first_call(lambda: jax.block_until_ready(vg(F_AT)))
                note = f"first call (trace + compile) {compile_s * 1e3:.0f} ms, excluded"

            def fn():
                v, g = vg(F_AT)
                return float(v), float(g)
            return fn, note
        return setup

    def torch():
        tc = load("torch")
        if tc is None:
            return None

        def fn():
            x = tc.tensor(F_AT, dtype=tc.float64, requires_grad=True)
            y = f(x, tc.sin, tc.log)
            (g,) = tc.autograd.grad(y, x)
            return y.item(), g.item()
        return fn

    case.rows += [
        timed("hand-written (math module)", hand, settings, REFERENCE),
        timed("micrograd", micrograd, settings, want),
        timed("adexplorer (ad.value_and_grad)", value_and_grad, settings, want),
        timed("adexplorer (ad.grad)", grad, settings, slope),
        timed("adexplorer (ad.gradient)", gradient, settings, slope),
        timed("HIPS autograd", autograd, settings, want),
        timed("JAX, no jit", jax_vg(False), settings, want),
        timed("JAX, jit", jax_vg(True), settings, want),
        timed("PyTorch CPU", torch, settings, want),
    ]
    return case
