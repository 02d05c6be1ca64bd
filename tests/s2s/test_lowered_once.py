"""``source_grad`` lowers each function once: its plan keeps the decisions (which calls
go by the tape, where a call's pullback data is kept) out of the shared SSA form, so
both generated forms and the checks read the same lowering."""

import numpy as np
import pytest

import adexplorer as ad
from adexplorer.s2s.lower import Lowerer

from . import zoo


@pytest.fixture
def lowerings(monkeypatch):
    """Every function ``Lowerer.run`` lowers, in order, one entry per lowering."""
    calls = []
    run = Lowerer.run

    def counting(self):
        calls.append(self.fn)
        return run(self)
    monkeypatch.setattr(Lowerer, "run", counting)
    return calls


def test_f_and_its_callee_are_lowered_once_for_both_forms(lowerings):
    grad = ad.source_grad(zoo.calls_another)
    grad(0.3, 0.4)                                   # the form for numbers
    grad(np.float32(0.3), np.array(0.4))             # the form for arrays
    assert grad.source and grad.array_source
    assert lowerings.count(zoo.calls_another) == 1
    assert lowerings.count(zoo.helper) == 1


def test_a_recursive_function_is_lowered_once(lowerings):
    grad = ad.source_grad(zoo.power_recursive)
    assert grad(1.3, 4)[0] == pytest.approx(4 * 1.3 ** 3)
    assert grad.array_source
    assert lowerings.count(zoo.power_recursive) == 1


def test_mutual_recursion_lowers_each_function_once(lowerings):
    grad = ad.source_grad(zoo.ping)
    assert grad(0.3, 4) == pytest.approx(ad.gradient(zoo.ping, 0.3, 4))
    assert lowerings.count(zoo.ping) == 1
    assert lowerings.count(zoo.pong) == 1
