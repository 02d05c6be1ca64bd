"""AD values that escape a finished call act as their plain values.

A loss logged inside the loss function (``losses.append(L)``), or a value kept in a
global, outlives the ``ad.gradient`` call that recorded it. From then on it must never
take part in a derivative: it converts, prints, plots and computes like its plain value.
"""

import math

import matplotlib
import numpy as np
import pytest

import adexplorer as ad

matplotlib.use("Agg")


def _logged_loss(x, log):
    L = x * x + 1.0
    log.append(L)
    return L


def test_a_logged_loss_converts_like_its_value():
    losses = []
    for x in (1.0, 2.0):
        ad.grad(_logged_loss)(x, losses)          # argnums=0: the list is passed as is
    ad.gradient(lambda x: _logged_loss(x, losses), 3.0)
    assert [float(L) for L in losses] == [2.0, 5.0, 10.0]
    np.testing.assert_array_equal(np.asarray(losses, dtype=float), [2.0, 5.0, 10.0])
    assert np.mean(losses) == pytest.approx(17.0 / 3)
    assert f"{losses[1]:.2f}" == "5.00"
    assert repr(losses[0]) == "2.0" and str(losses[2]) == "10.0"
    assert round(losses[1]) == 5 and int(losses[2]) == 10 and complex(losses[0]) == 2 + 0j


def test_a_logged_loss_can_be_plotted():
    import matplotlib.pyplot as plt
    losses = []
    for x in np.linspace(0.0, 1.0, 5):
        ad.value_and_grad(_logged_loss)(float(x), losses)
    fig, ax = plt.subplots()
    (line,) = ax.plot(losses)
    np.testing.assert_allclose(line.get_ydata(), np.linspace(0.0, 1.0, 5) ** 2 + 1.0)
    plt.close(fig)


def test_a_saved_value_is_a_constant_in_a_later_gradient():
    saved = []

    def keep(x):
        saved.append(x * x)
        return 3 * x
    ad.gradient(keep, 2.0)
    (g,) = ad.gradient(lambda x: saved[0] * x, 1.0)
    assert g == 4.0 and type(g) is float            # d(4x)/dx, a plain number
    assert ad.gradient(lambda x: saved[0] + x * x, 3.0) == (6.0,)
    assert type(saved[0] * 2.0) is float and saved[0] * 2.0 == 8.0
    assert type(np.sin(saved[0])) in (float, np.float64)


def test_a_saved_array_is_a_constant_in_a_later_gradient():
    saved = []

    def keep(w):
        saved.append(np.tanh(w))
        return np.sum(w)
    w = np.array([0.5, -1.0])
    ad.gradient(keep, w)
    (g,) = ad.gradient(lambda v: np.sum(saved[0] * v), np.ones(2))
    assert type(g) is np.ndarray
    np.testing.assert_allclose(g, np.tanh(w))


def test_a_saved_dual_is_a_constant_in_a_later_derivative():
    saved = []

    def keep(x):
        saved.append(x * x)
        return x
    ad.derivative(keep, 3.0)
    assert ad.derivative(lambda x: saved[0] * x, 1.0) == 9.0
    assert float(saved[0]) == 9.0 and repr(saved[0]) == "9.0"
    jac = ad.jacfwd(lambda x: saved[0] * x)(np.ones(2))
    np.testing.assert_allclose(jac, 9.0 * np.eye(2))


def test_a_value_escaped_from_an_inner_call_still_carries_the_outer_derivative():
    # the inner gradient's level finishes; the escaped value is then its primal, which
    # is still a value of the outer (live) call: d/dx of (2x) is 2
    def outer(x):
        inner = []

        def h(y):
            v = x * y
            inner.append(v)
            return v
        ad.grad(h)(2.0)
        return inner[0] * x                         # 2x * x = 2x^2
    assert ad.gradient(outer, 3.0) == (12.0,)
    assert ad.derivative(outer, 3.0) == 12.0


def test_an_escaped_value_never_joins_a_later_trace():
    saved = []
    ad.gradient(lambda x: saved.append(x * 2.0) or x, 1.5)
    t = ad.trace(lambda x: saved[0] * x, 2.0)
    assert [n.name for n in t.nodes if n.is_input] == ["x"]
    assert [n.op for n in t.nodes if not n.is_input] == ["mul"]
    assert t.output == 6.0


def test_the_level_finishes_when_f_raises():
    saved = []

    def fails(x):
        saved.append(x + 1.0)
        raise RuntimeError("boom")
    with pytest.raises(RuntimeError, match="boom"):
        ad.gradient(fails, 1.0)
    assert float(saved[0]) == 2.0
    assert ad.gradient(lambda x: saved[0] * x, 5.0) == (2.0,)


def test_a_live_value_still_refuses_to_drop_its_derivative():
    with pytest.raises(ad.LostDerivative):
        ad.gradient(lambda x: math.sin(x), 1.0)
    with pytest.raises(ad.LostDerivative):
        ad.gradient(lambda x: float(x) * x, 1.0)
