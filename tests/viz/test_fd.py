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
    assert len(markers) == 2                         # the complex step has no best h
    best = {curve: m.get_xdata()[0] for curve, m in zip(("forward", "central"), markers)}
    assert sum("best h" in t.get_text() for t in ax.texts) == 2
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
    """The legend sat on the 'error 0 (AD itself)' label."""
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
    # log(0) = -inf (NumPy's answer, no error); a point where f is not finite is masked,
    # not drawn (the apiviews brief), so the picture holds nan there
    assert np.isnan(fig.axes[0].lines[0].get_ydata()[0])
    with pytest.raises(ValueError, match="math domain error"):
        ad.fd_check(ad.sqrt, -1.0)                          # the point itself: as plain


# -- several arguments, keywords, arrays along a direction, array outputs, nan ---------
from adexplorer.core.errors import InputError     # noqa: E402
from adexplorer.viz import FDCheck                # noqa: E402


def two(x, y):                                    # ∂x = sin y, ∂y = x cos y + 2 y
    return x * ad.sin(y) + y * y


def scaled_exp(x, scale=1.0):
    return scale * ad.exp(x)


def unit_direction(shape, seed=0):
    """The direction check_grads' convention draws: standard normal, fixed seed, unit."""
    v = np.random.default_rng(seed).standard_normal(shape)
    return v / np.sqrt(np.sum(v * v))


def test_fd_check_of_two_arguments_has_a_check_per_argument():
    checks = ad.fd_check(two, 1.5, 2.0)
    assert checks.names == ("x", "y") and len(checks) == 2
    assert checks["x"].ad == pytest.approx(math.sin(2.0), rel=1e-15)
    assert checks["y"].ad == pytest.approx(1.5 * math.cos(2.0) + 4.0, rel=1e-15)
    assert checks[1] is checks["y"]
    assert checks.error("central") < 1e-8 and checks.error("reverse") < 1e-14
    text = str(checks)
    assert "∂f/∂x at x = 1.5 by AD" in text and "∂f/∂y at y = 2 by AD" in text
    with pytest.raises(KeyError, match="checked: x, y"):
        checks["z"]


def test_wrt_picks_arguments_by_position_or_name():
    by_name = ad.fd_check(two, 1.5, 2.0, wrt="y")
    assert isinstance(by_name, FDCheck)
    assert by_name.ad == pytest.approx(1.5 * math.cos(2.0) + 4.0, rel=1e-15)
    assert ad.fd_check(two, 1.5, 2.0, wrt=0).ad == pytest.approx(math.sin(2.0), rel=1e-15)
    assert ad.fd_check(two, 1.5, 2.0, wrt=(1,)).names == ("y",)
    with pytest.raises(InputError, match=r"wrt='z' names no argument.*0 \(x\), 1 \(y\)"):
        ad.fd_check(two, 1.5, 2.0, wrt="z")
    with pytest.raises(InputError, match="argument tag is a str"):
        ad.fd_check(lambda x, tag: x, 1.0, "a", wrt="tag")


def test_a_string_argument_is_held_fixed_by_default():
    checks = ad.fd_check(lambda x, mode: x * x if mode == "square" else x, 3.0, "square")
    assert checks.names == ("x",) and checks["x"].ad == 6.0


def test_keyword_arguments_pass_through_held_constant():
    check = ad.fd_check(scaled_exp, 0.5, scale=3.0)
    assert check.ad == pytest.approx(3.0 * math.exp(0.5), rel=1e-15)
    assert check.value == pytest.approx(3.0 * math.exp(0.5), rel=1e-15)
    assert check.error("central") < 1e-8


def test_a_large_array_is_checked_along_a_random_direction():
    W = np.linspace(-1.0, 1.0, 30).reshape(5, 6)
    check = ad.fd_check(lambda W: np.sum(np.tanh(W) ** 2), W, seed=3)
    v = unit_direction((5, 6), seed=3)
    np.testing.assert_allclose(check.direction, v, rtol=0, atol=0)
    exact = np.sum(2 * np.tanh(W) / np.cosh(W) ** 2 * v)          # ∇f · v
    assert check.ad == pytest.approx(exact, rel=1e-13)
    assert check.error("reverse") < 1e-14 and check.error("central") < 1e-8
    assert check.error("complex step") < 1e-14
    assert "along a random unit direction v (seed 3) at an array of shape (5, 6)" in str(check)


def test_an_array_output_is_compared_entry_by_entry():
    k = np.array([1.0, 2.0, 3.0])
    check = ad.fd_check(lambda x: np.sin(k * x), 0.7)
    np.testing.assert_allclose(check.ad, k * np.cos(k * 0.7), rtol=1e-14)
    assert check.error("central") < 1e-8 and check.error("reverse") < 1e-14
    assert "f returns an array of shape (3,)" in str(check)


def test_an_array_to_array_function_is_checked_along_a_direction():
    x = np.array([0.1, 0.2, 0.3])
    check = ad.fd_check(lambda v: np.sin(v) * v, x)
    v = unit_direction(3)
    np.testing.assert_allclose(check.ad, (np.cos(x) * x + np.sin(x)) * v, rtol=1e-14)   # J v
    assert check.error("central") < 1e-8 and check.error("reverse") < 1e-14


def test_an_output_that_is_not_a_number_is_refused_by_name():
    with pytest.raises(InputError, match="f returned tuple"):
        ad.fd_check(lambda x: (x, x), 1.0)


def test_plot_fd_of_two_arguments_draws_a_column_per_argument():
    fig = ad.plot_fd(two, (-2.0, 2.0), 1.5, 2.0, n=41)
    top_x, top_y, bottom_x, bottom_y = fig.axes
    assert top_x.get_title() == "along x (y = 2)" and top_y.get_title() == "along y (x = 1.5)"
    lines = {line.get_label(): line for line in top_x.get_lines()}
    np.testing.assert_allclose(lines["∂f/∂x by AD"].get_ydata(), math.sin(2.0), rtol=1e-15)
    lines = {line.get_label(): line for line in top_y.get_lines()}
    ts = lines["f"].get_xdata()
    np.testing.assert_allclose(lines["f"].get_ydata(), 1.5 * np.sin(ts) + ts * ts, rtol=1e-14)
    np.testing.assert_allclose(lines["∂f/∂y by AD"].get_ydata(), 1.5 * np.cos(ts) + 2 * ts,
                               rtol=1e-13, atol=1e-15)
    fd = lines["∂f/∂y by central difference"]
    np.testing.assert_allclose(fd.get_ydata(), 1.5 * np.cos(fd.get_xdata()) + 2 * fd.get_xdata(),
                               atol=1e-8)
    assert bottom_x.get_xlabel() == "x" and bottom_y.get_xlabel() == "y"
    fig.savefig(__import__("io").BytesIO(), format="png")


def test_plot_fd_masks_where_f_is_not_finite():
    """log over (-1, 3): nothing is drawn for x <= 0, where log is nan or -inf."""
    fig = ad.plot_fd(ad.log, (-1.0, 3.0), n=81)
    top, bottom = fig.axes
    lines = {line.get_label(): line for line in top.get_lines()}
    xs = lines["f(x)"].get_xdata()
    outside = xs <= 0
    assert outside.sum() == 21                          # -1, -0.95, ..., 0
    for label in ("f(x)", "f'(x) by AD"):
        y = lines[label].get_ydata()
        assert np.all(np.isnan(y[outside])) and np.all(np.isfinite(y[~outside]))
    np.testing.assert_allclose(lines["f'(x) by AD"].get_ydata()[~outside], 1 / xs[~outside],
                               rtol=1e-15)
    fd = lines["f'(x) by central difference"]
    assert np.all(np.isnan(fd.get_ydata()[fd.get_xdata() <= 0]))
    gap = bottom.get_lines()[0].get_ydata()
    assert np.all(np.isnan(gap[outside])) and np.all(np.isfinite(gap[~outside]))
    assert any("at 21 of 81 points" in t.get_text() for t in bottom.texts)
    fig.savefig(__import__("io").BytesIO(), format="png")


def test_plot_fd_passes_keywords_and_moves_an_array_along_a_direction():
    fig = ad.plot_fd(scaled_exp, (-1.0, 1.0), n=11, scale=3.0)
    ad_line = next(line for line in fig.axes[0].get_lines() if line.get_label() == "f'(x) by AD")
    np.testing.assert_allclose(ad_line.get_ydata(), 3.0 * np.exp(ad_line.get_xdata()), rtol=1e-15)
    W = np.array([[0.1, -0.2], [0.3, 0.4]])
    fig = ad.plot_fd(lambda W, b: b * np.sum(np.tanh(W) ** 2), (-1.0, 1.0), W, 2.0, n=11,
                     wrt="W")
    (top, bottom) = fig.axes
    v = unit_direction((2, 2))
    line = next(ln for ln in top.get_lines() if ln.get_label() == "∂f/∂W·v by AD")
    ts = line.get_xdata()
    want = [2.0 * np.sum(2 * np.tanh(W + t * v) / np.cosh(W + t * v) ** 2 * v) for t in ts]
    np.testing.assert_allclose(line.get_ydata(), want, rtol=1e-13)
    assert "W + t·v" in bottom.get_xlabel()


def test_plot_fd_refuses_an_array_output_naming_its_shape():
    with pytest.raises(InputError, match=r"array of shape \(3,\)"):
        ad.plot_fd(lambda x: np.sin(x * np.arange(3.0)), (0.0, 1.0))


def test_plot_fd_error_of_two_arguments_and_of_an_array_output():
    fig = ad.plot_fd_error(two, 1.5, 2.0)
    assert len(fig.axes) == 2
    for ax, name in zip(fig.axes, "xy"):
        curves = {ln.get_label() for ln in ax.get_lines() if ln.get_linestyle() == "-"}
        assert curves == {"forward", "central", "complex step"}
        assert f"∂f/∂{name}" in ax.get_ylabel()
    fig = ad.plot_fd_error(lambda x: np.sin(x * np.arange(1.0, 4.0)), 0.7)
    (ax,) = fig.axes
    central = next(ln for ln in ax.get_lines() if ln.get_label() == "central")
    hs, errors = central.get_xdata(), central.get_ydata()
    k = np.arange(1.0, 4.0)
    h = (0.7 + hs[40]) - 0.7                      # the step as represented next to 0.7
    want = np.max(np.abs((np.sin(k * (0.7 + h)) - np.sin(k * (0.7 - h))) / (2 * h)
                         - k * np.cos(0.7 * k)))
    assert errors[40] == pytest.approx(want, rel=1e-6)
    assert "largest entry" in ax.get_ylabel()


def test_plot_fd_error_where_f_is_nan_draws_nothing_and_says_so():
    fig = ad.plot_fd_error(np.log, -1.0)            # NumPy's log: nan, not an error
    (ax,) = fig.axes
    assert not [ln for ln in ax.get_lines() if ln.get_linestyle() == "-"]
    assert any("nothing to compare" in t.get_text() for t in ax.texts)
    fig.savefig(__import__("io").BytesIO(), format="png")


def pow_loop(x, n):
    r = 1.0
    while n > 0:
        n -= 1
        r = r * x
    return r


def test_an_int_is_a_count_and_is_checked_only_when_asked_for():
    checks = ad.fd_check(pow_loop, 2.0, 5)
    assert checks.names == ("x",) and checks["x"].ad == 80.0          # 5 x^4
    assert ad.fd_check(lambda x: x * x, 3).ad == 6                     # all there is


def test_the_html_of_one_argument_keeps_its_form():
    html = ad.fd_check(f_slide, 3.0)._repr_html_()
    assert html.startswith("<p>f'(3) by AD = 0.7580540380443495</p><table>")
    two_html = ad.fd_check(two, 1.5, 2.0)._repr_html_()
    assert "∂f/∂x at x = 1.5" in two_html and "∂f/∂y at y = 2" in two_html


def test_plot_fd_takes_an_interval_per_argument_and_leaves_an_infinite_slope_out():
    fig = ad.plot_fd(two, {"x": (-1.0, 1.0), "y": (0.0, 6.0)}, 1.5, 2.0, n=11)
    assert [tuple(ax.get_lines()[0].get_xdata()[[0, -1]]) for ax in fig.axes[:2]] == \
        [(-1.0, 1.0), (0.0, 6.0)]
    with pytest.raises(InputError, match="none is for y"):
        ad.plot_fd(two, {"x": (-1.0, 1.0)}, 1.5, 2.0)
    fig = ad.plot_fd(ad.sqrt, (0.0, 1.0), n=11)         # sqrt'(0) is inf: not drawn
    slope = next(ln for ln in fig.axes[0].get_lines() if ln.get_label() == "f'(x) by AD")
    y = slope.get_ydata()
    assert np.isnan(y[0]) and np.allclose(y[1:], 0.5 / np.sqrt(slope.get_xdata()[1:]), rtol=1e-15)


@pytest.mark.parametrize("draw", [lambda: ad.plot_fd_error(f_slide, 3.0),
                                  lambda: ad.plot_fd(f_slide, (0.5, 20.0))])
def test_every_text_of_the_pictures_is_readable(draw):
    """At least 11 pt, 15 px at 100 dpi: the legends and notes were 7 and 8 pt."""
    from matplotlib.text import Text
    fig = draw()
    fig.canvas.draw()
    sizes = {t.get_text(): t.get_fontsize() for t in fig.findobj(Text)
             if t.get_text() and t.get_visible()}
    assert sizes and min(sizes.values()) >= 11, {k: v for k, v in sizes.items() if v < 11}
