"""AD against finite differences: the check at x = 3 for 5 sin(log x), and the two figures."""

import math

import numpy as np
import pytest

import adexplorer as ad


def f_slide(x):
    return 5 * ad.sin(ad.log(x))


def exact(x):
    return 5 * math.cos(math.log(x)) / x


def test_fd_check_at_three():
    check = ad.fd_check(f_slide, 3.0)
    assert check.ad == exact(3.0) == pytest.approx(0.7580540380443495, abs=1e-16)
    assert check.error("central") < 1e-6
    assert check.error("complex step") < 1e-12
    assert check.error("forward") < 1e-6
    assert check.error("reverse") < 1e-15
    assert [r.method for r in check.rows] == ["reverse", "forward", "central", "complex step"]
    text = str(check)
    assert text.startswith("f'(3) by AD (forward mode) = 0.7580540380443495")
    assert "complex step" in text and "<table>" in check._repr_html_()


def test_complex_step_is_reported_when_f_rejects_complex_numbers():
    def with_math(x):                     # math.log cannot take a complex number
        return 5 * math.sin(math.log(x)) if isinstance(x, (float, complex)) else f_slide(x)
    check = ad.fd_check(with_math, 3.0)
    row = next(r for r in check.rows if r.method == "complex step")
    assert row.value is None and row.error is None
    assert "does not accept complex numbers" in row.note
    assert check.error("central") < 1e-6


def test_fd_check_of_an_array_argument_differences_each_component():
    x = np.array([0.3, -1.2, 2.0])
    check = ad.fd_check(lambda v: np.sum(np.sin(v) * v), x)
    np.testing.assert_allclose(check.ad, np.sin(x) + x * np.cos(x), rtol=1e-14)
    assert check.error("central") < 1e-8
    assert check.error("complex step") < 1e-12


def test_unknown_method_is_named():
    with pytest.raises(KeyError, match="central"):
        ad.fd_check(f_slide, 3.0).error("backward")


def test_plot_fd_draws_f_its_derivatives_and_their_gap():
    fig = ad.plot_fd(f_slide, (1.0, 10.0), n=50)
    top, bottom = fig.axes
    lines = {line.get_label(): line for line in top.get_lines()}
    xs = lines["f(x)"].get_xdata()
    assert len(xs) == 50 and xs[0] == 1.0 and xs[-1] == 10.0
    np.testing.assert_allclose(lines["f'(x) by AD"].get_ydata(), [exact(x) for x in xs], rtol=1e-13)
    fd = lines["f'(x) by central difference"]
    np.testing.assert_allclose(fd.get_ydata(), [exact(x) for x in fd.get_xdata()], atol=1e-8)
    assert bottom.get_yscale() == "log"
    assert np.all(bottom.get_lines()[0].get_ydata() < 1e-8)
    fig.savefig(__import__("io").BytesIO(), format="png")


def test_plot_fd_error_is_the_v_curve_with_the_best_steps_marked():
    fig = ad.plot_fd_error(f_slide, 3.0)
    (ax,) = fig.axes
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    curves = {line.get_label(): line for line in ax.get_lines() if line.get_linestyle() == "-"}
    assert set(curves) == {"forward", "central", "complex step"}
    markers = [line for line in ax.get_lines() if line.get_marker() == "o"]
    assert len(markers) == 3
    best = {curve: m.get_xdata()[0] for curve, m in zip(("forward", "central", "complex step"), markers)}
    assert 1e-10 <= best["forward"] <= 1e-6          # about sqrt(eps)
    assert 1e-7 <= best["central"] <= 1e-3           # about eps ** (1/3)
    hs = curves["central"].get_xdata()
    errors = curves["central"].get_ydata()
    # Below the spacing of floats at x = 3, x + h == x: no difference at all (a gap, nan).
    assert np.isnan(errors[0]) and 3.0 + hs[0] == 3.0
    finite = errors[np.isfinite(errors)]
    # The V: round-off on the left, truncation on the right, both far above the minimum.
    assert finite[0] > 1e3 * finite.min() and finite[-1] > 1e3 * finite.min()
    # Complex step has no cancellation: tiny error even for the smallest h.
    cs = curves["complex step"].get_ydata()
    assert cs[0] < 1e-14 and hs[0] == pytest.approx(1e-16)
    fig.savefig(__import__("io").BytesIO(), format="png")


def test_error_plot_legend_does_not_cover_the_floor_label():
    """C3 of the review: the legend sat on the 'error 0 (AD itself)' label."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    fig = ad.plot_fd_error(f_slide, 3.0)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    ax = fig.axes[0]
    renderer = canvas.get_renderer()
    legend = ax.get_legend().get_window_extent(renderer)
    label = next(t for t in ax.texts if "AD itself" in t.get_text())
    assert not legend.overlaps(label.get_window_extent(renderer))
    for line in ax.get_lines():                      # nor any curve's points
        xy = ax.transData.transform(line.get_xydata())
        assert not legend.count_contains(xy[np.isfinite(xy).all(axis=1)])


def test_an_array_argument_shows_numbers_not_shapes():
    """C6: every value cell read 'array (2, 2)'. d/dw sum(tanh(w)^2) = 2 tanh(w) / cosh(w)^2."""
    W = np.array([[0.1, 0.2], [0.3, 0.4]])
    text = str(ad.fd_check(lambda W: np.sum(np.tanh(W) ** 2), W))
    assert "array (2, 2)" not in text and "shape (2, 2)" in text
    first = ", ".join(f"{2 * np.tanh(w) / np.cosh(w) ** 2:.6g}" for w in (0.1, 0.2))
    rows = text.splitlines()[2:]
    assert len(rows) == 4 and all(f"[{first}, …]" in row for row in rows)


def test_samples_beside_a_domain_boundary_are_nan_not_errors():
    """ad.sqrt(-h) raises as math.sqrt does; a finite difference's sample and a plot's
    point outside the domain follow NumPy instead (nan), so the check and picture work."""
    with pytest.warns(RuntimeWarning):
        check = ad.fd_check(ad.sqrt, 0.0)
    assert check.ad == math.inf and math.isnan(check.rows[2].value)      # central
    fig = ad.plot_fd(ad.log, (0.0, 2.0), n=20)
    assert np.isneginf(fig.axes[0].lines[0].get_ydata()[0])
    with pytest.raises(ValueError, match="math domain error"):
        ad.fd_check(ad.sqrt, -1.0)                          # the point itself: as plain
