"""One vocabulary for sweeps: "forward" and "reverse", one ``Step`` class built with
keywords, ``Step.value`` for the value a step writes, and the replay (which value each
step changes, and what it was before) recorded once, in the sweep."""

import math

import numpy as np
import pytest

import adexplorer as ad
from adexplorer.core.sweeps import BackwardStep, ForwardStep, Step
from adexplorer.viz.sweepframes import SweepFrames


def fan_out(x):
    return x * x + ad.sin(x)


def test_steps_are_built_with_keywords_only():
    with pytest.raises(TypeError):
        ForwardStep(0, "seed", 0, "x", "input", "input", 3.0, 0, "", "", 1.0, 1.0)
    s = BackwardStep(step=0, kind="seed", node=2, name="y", op="mul", expr="x * x",
                     primal=9.0, target=2, words="seed", symbols="ȳ = 1",
                     contribution=1.0, value=1.0)
    assert isinstance(s, Step) and s.after == 1.0 and s.before is None and not s.accumulates


def test_reverse_sweep_is_the_backward_sweep_and_says_reverse():
    t = ad.trace(fan_out, 3.0)
    a, b = t.reverse_sweep(), t.backward_sweep()
    assert a.mode == b.mode == "reverse" and t.forward_sweep().mode == "forward"
    assert [(s.node, s.parent, s.value) for s in a] == [(s.node, s.parent, s.value) for s in b]


def test_value_is_the_tangent_forward_and_the_adjoint_reverse():
    t = ad.trace(fan_out, 3.0)
    assert all(s.value is s.tangent for s in t.forward_sweep())
    assert all(s.value is s.after for s in t.reverse_sweep())


@pytest.mark.parametrize("mode", ["forward", "reverse"])
def test_the_sweep_records_the_replay(mode):
    """Walk the steps keeping each node's value: every step's ``before`` is what its
    target held, its ``value`` is that plus its contribution."""
    t = ad.trace(lambda x, y: x * y + ad.sin(x * x) * y, 0.7, -1.3)
    sweep = t.forward_sweep() if mode == "forward" else t.reverse_sweep()
    held = {}
    for s in sweep:
        expected_target = s.node if (mode == "forward" or s.kind == "seed") else s.parent
        assert s.target == expected_target
        assert s.before == held.get(s.target) if s.kind != "seed" else s.before is None
        if s.kind != "seed":
            total = s.contribution if s.before is None else s.before + s.contribution
            assert s.value == pytest.approx(total, rel=1e-15)
        held[s.target] = s.value
    for node, value in held.items():
        assert sweep.values[node] == pytest.approx(value, rel=1e-15)
    for node, k in sweep.last_step.items():
        assert all(s.target != node for s in sweep[k + 1:])


def test_frames_read_the_sweeps_replay():
    x = 3.0
    frames = SweepFrames(ad.trace(fan_out, x), "reverse")
    last = frames.frame(frames.n_frames - 1)
    assert last.values[0] == pytest.approx(2 * x + math.cos(x))      # d/dx (x² + sin x)
    middle = frames.frame(frames.n_frames - 2)                         # before the last +=
    assert middle.values[0] == pytest.approx(x + math.cos(x))
    assert 0 not in middle.final and 0 in last.final
    assert np.isclose(frames.result()[0], 2 * x + math.cos(x))
