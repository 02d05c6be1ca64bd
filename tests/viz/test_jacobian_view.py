"""ad.jacobian_view without a browser: every cell comes from a real jvp (a column) or vjp
(a row) call, the grid equals the Jacobian by calculus, HIPS autograd and finite
differences, it fills one column / row per sweep, and the cost meter counts n forward
and m reverse sweeps for a tall and for a wide function."""

import math

import autograd
import autograd.numpy as anp
import ipywidgets as widgets
import numpy as np
import pytest
from matplotlib.figure import Figure

import adexplorer as ad
import adexplorer.viz.jacobian_grid as grid_module
from adexplorer.viz.jacobian_grid import JacobianInputError

X_TALL = np.array([0.7, -1.3])                 # 2 inputs, 5 outputs: m > n
X_WIDE = np.array([0.5, 1.5, -0.8, 2.0, 1.1])  # 5 inputs, 2 outputs: m < n


def tall(x, np=np):
    return np.array([x[0] * x[1], np.sin(x[0]), x[1] ** 2, np.exp(x[0] - x[1]),
                     x[0] / (1 + x[1] ** 2)])


def tall_by_hand(x):
    a, b = x
    return np.array([[b, a], [math.cos(a), 0], [0, 2 * b],
                     [math.exp(a - b), -math.exp(a - b)],
                     [1 / (1 + b * b), -2 * a * b / (1 + b * b) ** 2]])


def wide(x, np=np):
    return np.array([np.sum(x ** 2), np.prod(x)])


def wide_by_hand(x):
    return np.array([2 * x, [np.prod(np.delete(x, j)) for j in range(len(x))]])


def central_differences(f, x, h=1e-6):
    x = np.asarray(x, dtype=float)
    cols = []
    for j in range(x.size):
        e = np.zeros(x.size)
        e[j] = h
        e = e.reshape(x.shape)
        cols.append((np.ravel(f(x + e)) - np.ravel(f(x - e))) / (2 * h))
    return np.array(cols).T


CASES = {"tall 2→5": (tall, X_TALL, tall_by_hand), "wide 5→2": (wide, X_WIDE, wide_by_hand)}


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("mode", ["forward", "reverse"])
def test_the_filled_grid_is_the_jacobian(case, mode):
    f, x, by_hand = CASES[case]
    view = ad.jacobian_view(f, x, mode=mode)
    view.show(view.slider.max)
    expected = by_hand(x)
    np.testing.assert_allclose(view.grid, expected, rtol=1e-12, atol=1e-14)
    by_autograd = autograd.jacobian(lambda v: f(v, np=anp))(x)
    np.testing.assert_allclose(view.grid, by_autograd, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(view.grid, central_differences(f, x), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(view.grid, ad.jacfwd(f)(x), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(view.grid, ad.jacrev(f)(x), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("case", list(CASES))
def test_columns_come_from_jvp_calls_and_rows_from_vjp_pullbacks(case, monkeypatch):
    f, x, by_hand = CASES[case]
    calls = {"jvp": [], "pullback": []}
    real_jvp, real_vjp = grid_module.jvp, grid_module.vjp

    def spy_jvp(g, primals, tangents):
        out = real_jvp(g, primals, tangents)
        calls["jvp"].append((np.asarray(tangents[0]).copy(), np.asarray(out[1]).copy()))
        return out

    def spy_vjp(g, *args):
        out, pullback = real_vjp(g, *args)

        def spy_pullback(cotangent):
            grads = pullback(cotangent)
            calls["pullback"].append((np.asarray(cotangent).copy(), np.asarray(grads[0])))
            return grads
        return out, spy_pullback

    monkeypatch.setattr(grid_module, "jvp", spy_jvp)
    monkeypatch.setattr(grid_module, "vjp", spy_vjp)
    sweeps = ad.jacobian_view(f, x).sweeps
    m, n = by_hand(x).shape
    assert len(calls["jvp"]) == n and len(calls["pullback"]) == m
    for j, (tangent, column) in enumerate(calls["jvp"]):
        np.testing.assert_array_equal(tangent, np.eye(n)[j])      # tangent 1 on input j
        np.testing.assert_array_equal(sweeps.grid("forward", n)[:, j], column)
    for i, (cotangent, row) in enumerate(calls["pullback"]):
        np.testing.assert_array_equal(cotangent, np.eye(m)[i])    # cotangent 1 on output i
        np.testing.assert_array_equal(sweeps.grid("reverse", m)[i, :], row)


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("mode", ["forward", "reverse"])
def test_each_sweep_fills_one_more_column_or_row(case, mode):
    f, x, by_hand = CASES[case]
    expected = by_hand(x)
    view = ad.jacobian_view(f, x, mode=mode)
    assert np.isnan(view.grid).all()
    pictures = [bytes(view.image.value)]
    for k in range(1, view.slider.max + 1):
        view.forward.click()
        assert view.sweeps_done == k
        known = ~np.isnan(view.grid)
        band = known[:, :k] if mode == "forward" else known[:k, :]
        rest = known[:, k:] if mode == "forward" else known[k:, :]
        assert band.all() and not rest.any()
        np.testing.assert_allclose(view.grid[known], expected[known], rtol=1e-12, atol=1e-14)
        assert f"sweep {k} of {view.slider.max}" in view.caption.value
        pictures.append(bytes(view.image.value))
    assert len(set(pictures)) == len(pictures)          # every sweep changes the picture
    view.forward.click()                                # past the end: stays at the end
    assert view.sweeps_done == view.slider.max
    view.back.click()
    assert view.sweeps_done == view.slider.max - 1


@pytest.mark.parametrize("case, n, m, winner", [("tall 2→5", 2, 5, "forward"),
                                                ("wide 5→2", 5, 2, "reverse")])
def test_the_cost_meter_counts_n_forward_and_m_reverse_sweeps(case, n, m, winner):
    f, x, _ = CASES[case]
    view = ad.jacobian_view(f, x)
    assert (view.sweeps.n, view.sweeps.m) == (n, m)
    assert view.sweeps.count("forward") == n and view.sweeps.count("reverse") == m
    assert view.slider.max == view.play.max == n
    assert f"0 of {n} sweeps done" in view.meter.value
    assert f"{n} forward sweeps (n inputs) or {m} reverse sweeps (m outputs)" in view.meter.value
    assert f"{winner} mode wins here" in view.meter.value
    view.show(1)
    view.mode_buttons.value = "reverse"                 # as a click on the toggle does
    assert view.mode == "reverse" and view.sweeps_done == 0
    assert view.slider.max == view.play.max == m
    assert f"0 of {m} sweeps done" in view.meter.value
    view.show(m)
    assert f"{m} of {m} sweeps done" in view.meter.value


def test_a_square_jacobian_is_a_draw():
    view = ad.jacobian_view(lambda v: v[::-1] * v, np.array([1.0, 2.0, 3.0]))
    assert "either mode, the same" in view.meter.value


def test_a_matrix_input_is_flattened_and_a_scalar_is_one_column():
    a = np.array([[1.0, -2.0], [0.5, 3.0]])
    x = np.array([[0.3, 0.4], [-0.2, 1.0]])
    view = ad.jacobian_view(lambda X: np.tanh(X @ a), x, mode="reverse")
    view.show(4)
    expected = autograd.jacobian(lambda X: anp.tanh(X @ a))(x).reshape(4, 4)
    np.testing.assert_allclose(view.grid, expected, rtol=1e-12, atol=1e-14)
    assert view.sweeps.in_labels == ["x[0,0]", "x[0,1]", "x[1,0]", "x[1,1]"]

    scalar = ad.jacobian_view(lambda t: np.array([np.cos(t), t ** 3]), 2.0)
    scalar.show(1)
    np.testing.assert_allclose(scalar.grid, [[-math.sin(2.0)], [12.0]], rtol=1e-12)
    assert scalar.sweeps.in_labels == ["x"] and scalar.sweeps.count("reverse") == 2


@pytest.mark.parametrize("x, words", [
    ("abc", "x must be a number, a vector or a small matrix"),
    (np.zeros((2, 2, 2)), "at most 2 dimensions"),
    (np.zeros(30), "1 to 12 inputs"),
    ([1 + 2j, 3], "real numbers"),
    (True, "x is a bool"),
])
def test_bad_points_are_refused_in_one_readable_line(x, words):
    with pytest.raises(JacobianInputError, match=words) as err:
        ad.jacobian_view(np.sin, x)
    assert isinstance(err.value, ad.InputError)
    shown = err.value._render_traceback_()            # what IPython prints: no traceback
    assert len(shown) == 1 and words in shown[0]


@pytest.mark.parametrize("f, words", [
    (lambda x: "text", "must return a real number or an array"),
    (lambda x: (x, x), "must return a real number or an array"),
    (lambda x: np.ones(20) * x, "1 to 12 outputs"),
])
def test_bad_outputs_are_refused(f, words):
    with pytest.raises(JacobianInputError, match=words):
        ad.jacobian_view(f, 1.0)
    with pytest.raises(JacobianInputError, match="mode must be"):
        ad.jacobian_view(np.sin, 1.0, mode="sideways")


def test_static_figure_and_composition():
    fig = ad.jacobian_view(wide, X_WIDE, static=True)
    assert isinstance(fig, Figure)
    titles = [ax.get_title(loc="left") for ax in fig.axes]
    assert titles == ["forward mode: 5 of 5 sweeps (one column each)",
                      "reverse mode: 2 of 2 sweeps (one row each)"]
    cells = [t.get_text() for t in fig.axes[1].texts]
    assert f"{np.prod(X_WIDE) / X_WIDE[0]:.3g}" in cells     # ∂prod/∂x0 is in the grid
    view = ad.jacobian_view(wide, X_WIDE)
    view.show(2)
    now = view.figure()
    assert [ax.get_title(loc="left") for ax in now.axes] == [
        "forward mode: 2 of 5 sweeps (one column each)"]
    assert "?" in [t.get_text() for t in now.axes[0].texts]
    row = widgets.HBox([view, ad.jacobian_view(tall, X_TALL, mode="reverse")])
    assert row.children[0] is view and isinstance(view, widgets.VBox)
    assert repr(view) == "<JacobianView: 2 × 5 Jacobian, forward mode, 2 of 5 sweeps>"
    assert view._repr_mimebundle_()["text/plain"] == repr(view)


@pytest.mark.parametrize("mode", ["forward", "reverse"])
def test_a_computed_nan_or_inf_is_drawn_as_such_not_as_a_cell_still_to_fill(mode):
    # d√x/dx = 1/(2√x) is inf at 0: a computed entry, not one no sweep has reached
    view = ad.jacobian_view(lambda x: np.sqrt(x), np.array([0.0, 1.0]), mode=mode)
    view.show(view.sweeps.count(mode))
    cells = [t.get_text() for t in view.figure().axes[0].texts][:4]    # the 2 × 2 grid
    assert "?" not in cells and "inf" in cells
    computed = view.sweeps.grid(mode, 2)
    assert cells.count("nan") == int(np.isnan(computed).sum())
    view.show(0)
    assert [t.get_text() for t in view.figure().axes[0].texts][:4] == ["?"] * 4
