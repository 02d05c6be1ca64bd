"""Sweeps as data: every step of forward and backward mode, in order, with what it read
and produced. The final tangents must equal ``ad.jvp``/``ad.derivative`` and the final input
adjoints ``ad.gradient`` on the whole function zoo (``test_oracle.ZOO``)."""

import math
import unicodedata

import numpy as np
import pytest

import adexplorer as ad
from adexplorer.core.sweeps import BackwardStep, ForwardStep, Sweep

from .test_oracle import ZOO


def bars(text):
    return unicodedata.normalize("NFD", text)


def pow_loop(x, n):
    r = 1
    while n > 0:
        n -= 1
        r *= x
    return r


EXTRA = {
    "fan-out x*x + sin x": (lambda x: x * x + ad.sin(x), (3.0,)),
    "pow with an int exponent": (pow_loop, (2.0, 5)),
    "reused intermediate": (lambda x: (lambda y: y * y + ad.exp(y))(ad.sin(x)), (0.4,)),
    "dict argument": (lambda p: ad.tanh(p["w"] * p["x"] + p["b"]), ({"w": 0.5, "x": 2.0, "b": -0.1},)),
}
CASES = {name: (case.ours, case.args) for name, case in ZOO.items()}
CASES.update(EXTRA)


def close(a, b):
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    assert a.shape == b.shape
    np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12 * max(1.0, np.max(np.abs(b), initial=0)))


# ---------------------------------------------------------------------------
# The slide's function, step by step


def test_forward_sweep_of_the_slide():
    sweep = ad.trace(lambda x: 5 * ad.sin(ad.log(x)), 3.0).forward_sweep()
    assert isinstance(sweep, Sweep) and isinstance(sweep, list)
    assert all(isinstance(s, ForwardStep) for s in sweep)
    assert [s.symbols for s in sweep] == ["dx = 1", "dy1 = 1 / x", "dy3 = dy2 * dy1", "dy4 = 5 * dy3"]
    assert [s.partial for s in sweep] == [None, None, "dy2 = cos(y1)", None]
    assert [s.kind for s in sweep] == ["seed", "jvp", "jvp", "jvp"]
    assert [s.name for s in sweep] == ["x", "y1", "y2", "y3"]
    assert [s.tangent for s in sweep] == pytest.approx(
        [1, 1 / 3, math.cos(math.log(3)) / 3, 5 * math.cos(math.log(3)) / 3], rel=1e-15)
    assert sweep[2].reads == (("y1", pytest.approx(math.log(3))), ("dy1", pytest.approx(1 / 3)))
    assert sweep[2].primal == pytest.approx(math.sin(math.log(3)))
    assert sweep[2].expr == "sin(y1)" and sweep[2].op == "sin"
    assert all(s.complete for s in sweep)
    # Each step points at the tangent line it realises.
    assert [sweep.listing[s.line].target for s in sweep[1:]] == ["dy1", "dy3", "dy4"]
    assert sweep[-1].tangent == ad.derivative(lambda x: 5 * ad.sin(ad.log(x)), 3.0)


def test_backward_sweep_of_the_slide():
    sweep = ad.trace(lambda x: 5 * ad.sin(ad.log(x)), 3.0).backward_sweep()
    assert all(isinstance(s, BackwardStep) for s in sweep)
    assert [s.symbols for s in sweep] == [bars(t) for t in (
        "ȳ3 = 1", "ȳ2 = ȳ3 * 5", "ȳ1 = ȳ2 * cos(y1)", "x̄ = ȳ1 * (1 / x)")]
    assert [s.parent_name for s in sweep] == [None, "y2", "y1", "x"]
    assert [s.after for s in sweep] == pytest.approx(
        [1, 5, 5 * math.cos(math.log(3)), 5 * math.cos(math.log(3)) / 3], rel=1e-15)
    assert not any(s.accumulates for s in sweep)
    assert sweep[2].reads == ((bars("y1"), pytest.approx(math.log(3))), (bars("ȳ2"), 5.0))
    assert [str(sweep.listing[s.line]) for s in sweep] == [s.symbols for s in sweep]


# ---------------------------------------------------------------------------
# Fan-out: every += is its own step


def test_backward_fan_out_shows_each_contribution():
    x = 3.0
    sweep = ad.trace(lambda x: x * x + ad.sin(x), x).backward_sweep()
    assert [s.symbols for s in sweep] == [bars(t) for t in (
        "ȳ3 = 1", "ȳ1 = ȳ3", "ȳ2 = ȳ3", "x̄ = ȳ2 * cos(x)", "x̄ += ȳ1 * x", "x̄ += ȳ1 * x")]
    assert [s.accumulates for s in sweep] == [False, False, False, False, True, True]
    into_x = [s for s in sweep if s.parent == 0]
    assert [s.contribution for s in into_x] == pytest.approx([math.cos(x), x, x])
    assert [s.before for s in into_x[1:]] == pytest.approx([math.cos(x), math.cos(x) + x])
    assert into_x[-1].after == pytest.approx(2 * x + math.cos(x))
    assert [s.position for s in into_x] == [0, 0, 1]       # sin's argument, then both of mul's
    assert "used more than once" in into_x[1].words
    assert "+" in into_x[1].caption and "=" in into_x[1].caption
    for s in sweep[1:]:
        assert s.after == pytest.approx((0 if s.before is None else s.before) + s.contribution)


def test_forward_fan_out_adds_the_tangents_of_all_arguments():
    sweep = ad.trace(lambda x: x * x + ad.sin(x), 3.0).forward_sweep()
    assert [s.symbols for s in sweep] == ["dx = 1", "dy1 = x", "dy1 += x", "dy2 = cos(x)",
                                          "dy3 = dy1", "dy3 += dy2"]
    assert [s.complete for s in sweep] == [True, False, True, True, False, True]
    assert [s.tangent for s in sweep] == pytest.approx(
        [1, 3, 6, math.cos(3), 6, 6 + math.cos(3)])


def test_steps_are_deterministic():
    f = ZOO["MLP loss"].ours
    args = ZOO["MLP loss"].args
    first = ad.trace(f, *args)
    second = ad.trace(f, *args)
    key = lambda s: (s.step, s.kind, s.node, s.parent, s.position, s.symbols)  # noqa: E731
    assert [key(s) for s in first.backward_sweep()] == [key(s) for s in second.backward_sweep()]
    assert [key(s) for s in first.forward_sweep()] == [key(s) for s in second.forward_sweep()]


def test_step_counts_follow_the_edges():
    """One step per argument edge that carries a tangent / adjoint, plus the seeds."""
    t = ad.trace(lambda x, y: ad.sin(x * y) + x / y + 2.0 * x, 0.3, 1.7)
    edges = sum(len(node.inputs) for node in t.nodes)
    assert len(t.backward_sweep()) == edges + 1
    forward_y = t.forward_sweep(wrt="y")
    # x * y, x / y carry y's tangent; then sin, and the two additions.
    assert [s.name for s in forward_y] == ["y", "v1", "v2", "v3", "v4", "v4", "v6"]


def test_forward_sweep_with_a_given_tangent_uses_symbols_for_the_seed():
    sweep = ad.trace(lambda x: 5 * ad.sin(ad.log(x)), 3.0).forward_sweep(tangent=2.0)
    # dx is now a named tangent, so the partial of log gets its own line too.
    assert [s.symbols for s in sweep] == ["dx = 2", "dy2 = dy1 * dx", "dy4 = dy3 * dy2",
                                          "dy5 = 5 * dy4"]
    assert [s.partial for s in sweep] == [None, "dy1 = 1 / x", "dy3 = cos(y1)", None]
    assert sweep[-1].tangent == pytest.approx(2 * ad.derivative(lambda x: 5 * ad.sin(ad.log(x)), 3.0))


def test_seeds_and_repr():
    sweep = ad.trace(lambda x: 5 * ad.sin(ad.log(x)), 3.0).backward_sweep(seed=2.0)
    assert sweep[0].kind == "seed" and sweep[0].after == 2.0
    assert sweep.values[0] == pytest.approx(2 * 0.7580540380443495)
    text = repr(sweep)
    assert text.startswith("<reverse sweep, 4 steps>")
    assert bars("x̄ = ȳ1 * (1 / x)") in text


# ---------------------------------------------------------------------------
# The zoo: final values agree with ad.gradient and ad.jvp


def _input_nodes_per_argument(trace, args):
    """Input node indices, grouped per argument (leaves in traversal order)."""
    out, at = [], 0
    inputs = trace.inputs
    for a in args:
        n = len(ad.core.trees.leaves(a)) if isinstance(a, (dict, list, tuple)) else 1
        out.append(inputs[at:at + n])
        at += n
    return out


@pytest.mark.parametrize("name", CASES.keys())
def test_backward_sweep_ends_with_the_gradient(name):
    f, args = CASES[name]
    trace = ad.trace(f, *args)
    sweep = trace.backward_sweep()
    grads = ad.gradient(f, *args)
    for arg, nodes, g in zip(args, _input_nodes_per_argument(trace, args), grads):
        if isinstance(arg, dict):
            for node, key in zip(nodes, arg):
                close(sweep.values[node], g[key])
        elif g is None:
            assert all(sweep.values[node] is None for node in nodes)
        else:
            close(sweep.values[nodes[0]], g)
    # The last step into each input leaves exactly its final adjoint.
    for node in trace.inputs:
        steps = [s for s in sweep if s.parent == node]
        if steps:
            close(steps[-1].after, sweep.values[node])


@pytest.mark.parametrize("name", CASES.keys())
def test_forward_sweep_ends_with_the_jvp(name):
    f, args = CASES[name]
    trace = ad.trace(f, *args)
    out = trace.outputs[0]
    for k, nodes in enumerate(_input_nodes_per_argument(trace, args)):
        if len(nodes) != 1 or isinstance(args[k], (dict, list, tuple)):
            continue
        sweep = trace.forward_sweep(wrt=nodes[0])
        direction = np.ones(np.shape(args[k])) if np.ndim(args[k]) else 1.0
        tangents = [direction if j == k else (np.zeros(np.shape(a)) if np.ndim(a) else 0.0)
                    for j, a in enumerate(args)]
        _, expected = ad.jvp(f, args, tangents)
        got = sweep.values[out]
        close(0.0 if got is None else got, expected)
        jvp_steps = [s for s in sweep if s.node == out]
        if jvp_steps:
            close(jvp_steps[-1].tangent, expected)
            assert jvp_steps[-1].complete


def test_forward_sweep_of_a_scalar_function_is_the_derivative():
    for name in ("5 sin(log x)", "cubic", "gaussian wave", "tanh * sigmoid", "while-loop pow"):
        f, (x,) = CASES[name]
        sweep = ad.trace(f, x).forward_sweep()
        assert sweep[-1].tangent == pytest.approx(ad.derivative(f, x), rel=1e-14)


def test_values_before_each_step_in_any_order():
    """values_before(k) is what the first k steps wrote, in the order they first wrote it,
    whichever frames were asked for before (a player steps back and jumps) and across the
    snapshots it keeps (a sweep longer than one snapshot's stride)."""
    def chain(x):
        for _ in range(60):
            x = ad.sin(x) * x + x
        return x
    trace = ad.trace(chain, 0.3)
    for sweep in (trace.reverse_sweep(), trace.forward_sweep()):
        assert len(sweep) > 2 * sweep._every
        expected = [{s.target: s.value for s in sweep[:k]} for k in range(len(sweep) + 1)]
        order = list(range(len(sweep), -1, -1)) + [len(sweep) // 2, 5, len(sweep), 0]
        for k in order + list(range(len(sweep) + 1)):
            got = sweep.values_before(k)
            assert list(got.items()) == list(expected[k].items())
            got[-1] = "a caller's change stays the caller's"
        assert sweep.values_before(len(sweep) + 5) == expected[-1]
        assert sweep.values_before(-1) == expected[-2]
