"""The elementwise family (``rules_elementwise.py``) from the outside: NumPy calls on AD
values against HIPS autograd as an oracle (gradients, vjps and jvps to 1e-9), source_grad
against the tape on loop programs, a Wengert list read as the math, Python's semantics on
Python numbers and NumPy's on NumPy values, and the keywords each entry honours.

The rows themselves are checked by ``check_grads`` in ``test_rows.py``
(``cases_elementwise.py``)."""

import math

import autograd
import autograd.numpy as anp
import numpy as np
import pytest

import adexplorer as ad
from adexplorer.core.errors import InPlaceOutput, NoDerivativeRule
from adexplorer.testing import check_grads

from .oracle_tools import assert_source_grad_is_the_tape

rng = np.random.default_rng(31)
V = rng.uniform(-0.9, 0.9, 5)            # inside (-1, 1): arcsin, arctanh
POS = rng.uniform(0.5, 2.5, 5)
BIG = rng.uniform(1.2, 3.0, 5)           # above 1: arccosh
M = rng.uniform(-0.9, 0.9, (3, 4))
MPOS = rng.uniform(0.5, 2.0, (3, 4))
ROW = rng.uniform(-0.9, 0.9, 4)
# between the jumps of floor, ceil, rint, round
STEPS = np.array([-2.31, -0.62, 0.21, 0.72, 1.44, 2.87])


# ---------------------------------------------------------------------------
# The oracle zoo: each function is written once for a NumPy module ``m`` and run with
# NumPy (adexplorer differentiates it) and with autograd.numpy (autograd does).

ZOO = {
    "sinh_cosh": (lambda m, x: m.sum(m.sinh(x) * m.cosh(2 * x)), V),
    "tanh_over_cosh": (lambda m, x: m.sum(m.sinh(x) / m.cosh(x) ** 2), M),
    "arcsin": (lambda m, x: m.sum(m.arcsin(x) ** 2), V),
    "arccos": (lambda m, x: m.sum(m.arccos(x) * x), V),
    "arctan": (lambda m, x: m.sum(m.arctan(3 * x) ** 3), M),
    "arcsinh": (lambda m, x: m.sum(m.arcsinh(x * 4) * m.sin(x)), V),
    "arccosh": (lambda m, x: m.sum(m.arccosh(x) ** 2), BIG),
    "arctanh": (lambda m, x: m.sum(m.arctanh(x) * m.exp(x)), V),
    "trig_inverse_mix": (lambda m, x: m.sum(m.arcsin(x) + m.arctan(x) + m.sinh(x)
                                            + m.cosh(x)), V * 0.5),
    "log2": (lambda m, x: m.sum(m.log2(x) * x), POS),
    "log10": (lambda m, x: m.sum(m.log10(x) ** 2), MPOS),
    "exp2": (lambda m, x: m.sum(m.exp2(x) * m.cos(x)), M),
    "log_bases": (lambda m, x: m.sum(m.log2(x) + m.log10(x) + m.exp2(x)), POS),
    "deg2rad": (lambda m, x: m.sum(m.sin(m.deg2rad(x * 90))), V),
    "radians": (lambda m, x: m.sum(m.cos(m.radians(x * 90)) * x), V),
    "rad2deg": (lambda m, x: m.sum(m.rad2deg(x) ** 2), M),
    "degrees": (lambda m, x: m.sum(m.degrees(m.arctan(x))), V),
    "sinc": (lambda m, x: m.sum(m.sinc(x * 2) * x), V),
    "arctan2": (lambda m, x: m.sum(m.arctan2(x, 1.5 + x ** 2)), V),
    "arctan2_broadcast": (lambda m, x: m.sum(m.arctan2(m.reshape(x, (3, 1)), x) ** 2),
                          np.array([0.4, -0.7, 1.3])),
    "hypot": (lambda m, x: m.sum(m.hypot(x, 2 * x + 1.0)), POS),
    "hypot_broadcast": (lambda m, x: m.sum(m.hypot(x, m.sum(x, axis=0)) * x), MPOS),
    "logaddexp": (lambda m, x: m.sum(m.logaddexp(x, -2 * x)), M),
    "logaddexp2": (lambda m, x: m.sum(m.logaddexp2(x, x ** 2)), V),
    "logaddexp_chain": (lambda m, x: m.logaddexp(m.logaddexp(x[0], x[1]), x[2]), POS),
    "fmax": (lambda m, x: m.sum(m.fmax(x, 0.1) ** 2), V),
    "fmin": (lambda m, x: m.sum(m.fmin(x, m.sin(x) * 0.5) * x), V),
    "fmax_broadcast": (lambda m, x: m.sum(m.fmax(x, m.reshape(x[:, 0], (3, 1))) * x), M),
    "floor": (lambda m, x: m.sum(m.floor(x) * x ** 2), STEPS),
    "ceil": (lambda m, x: m.sum(m.ceil(x) * m.sin(x)), STEPS),
    "rint_trunc": (lambda m, x: m.sum((m.rint(x) + m.trunc(x)) * x), STEPS),
    "fix": (lambda m, x: m.sum(m.fix(x) * m.exp(x)), STEPS),
    "round": (lambda m, x: m.sum(m.round(x) * x + x ** 2), STEPS),
    "nan_to_num": (lambda m, x: m.sum(m.sin(m.nan_to_num(x)) * 2.0),
                   np.array([1.5, np.inf, -0.5, np.nan])),
    "softplus": (lambda m, x: m.sum(m.logaddexp(0.0, x)), M * 3),
    "angle_of_point": (lambda m, x: m.arctan2(m.sinh(x[0]), m.cosh(x[1])) * m.hypot(x[0], x[1]),
                       np.array([0.3, 0.8])),
}

def assert_close(actual, expected):
    np.testing.assert_allclose(actual, expected, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("name", sorted(ZOO))
def test_gradient_matches_autograd(name):
    f, x = ZOO[name]
    with np.errstate(all="ignore"):
        (ours,) = ad.gradient(lambda x: f(np, x), x)
        theirs = autograd.grad(lambda x: f(anp, x))(x)
    assert_close(ours, theirs)


@pytest.mark.parametrize("name", sorted(ZOO))
def test_vjp_matches_autograd(name):
    f, x = ZOO[name]
    with np.errstate(all="ignore"):
        out, pullback = ad.vjp(lambda x: f(np, x) * np.array([1.0, -2.0]), x)
        back, ans = autograd.make_vjp(lambda x: f(anp, x) * anp.array([1.0, -2.0]))(x)
        u = np.array([0.7, -1.3])
        assert_close(out, ans)
        assert_close(pullback(u)[0], back(u))


@pytest.mark.parametrize("name", sorted(ZOO))
def test_jvp_matches_autograd(name):
    f, x = ZOO[name]
    v = rng.standard_normal(np.shape(x))
    with np.errstate(all="ignore"):
        out, tangent = ad.jvp(lambda x: f(np, x), (x,), (v,))
        try:
            ans, theirs = autograd.make_jvp(lambda x: f(anp, x))(x)(v)
        except NotImplementedError:         # autograd has no jvp of hypot: its gradient
            ans = f(anp, x)
            theirs = np.sum(autograd.grad(lambda x: f(anp, x))(x) * v)
    assert_close(out, ans)
    assert_close(tangent, theirs)


def test_the_zoo_is_large_enough():
    assert len(ZOO) >= 30


# cbrt is not in autograd: its oracle is the real cube root written with a power.
def test_cbrt_against_a_power():
    x = np.array([-2.0, -0.3, 0.4, 1.7])
    (ours,) = ad.gradient(lambda x: np.sum(np.cbrt(x) * x), x)
    theirs = autograd.grad(lambda x: anp.sum(anp.sign(x) * anp.abs(x) ** (1 / 3) * x))(x)
    assert_close(ours, theirs)


# ---------------------------------------------------------------------------
# Second order and shapes, through NumPy's own functions (the dispatch, not the rows)

NUMPY_CASES = [
    (lambda x: np.sinh(x) * np.arctan(x), (M,)),
    (lambda x: np.arccosh(x) + np.log10(x), (BIG,)),
    (lambda x, y: np.arctan2(x, y), (M, MPOS[0])),
    (lambda x, y: np.hypot(x, y), (MPOS[:, :1], MPOS[0])),
    (lambda x, y: np.logaddexp2(x, y) * x, (0.3, M)),
    (lambda x, y: np.fmin(x, y), (M, ROW)),
    (lambda x: np.sinc(x) * np.exp2(x), (np.array([0.0, 0.3, -1.2]),)),
    (lambda x: np.round(x, 1) * x + np.floor(x) * x, (STEPS + 0.013,)),
    (lambda x: x.round(2) * np.degrees(x), (STEPS + 0.0013,)),
    (lambda x: np.cbrt(x) * np.arcsinh(x), (np.array([-1.5, 0.4, 2.0]),)),
]


@pytest.mark.parametrize("f, args", NUMPY_CASES)
def test_numpy_entries_at_order_two(f, args):
    check_grads(f, *args, modes=("fwd", "rev"), order=2)


def test_zero_derivative_steps_give_zero_not_none():
    for f in (np.floor, np.ceil, np.rint, np.trunc, np.fix, np.round):
        assert ad.gradient(f, 1.3) == (0.0,)
        assert ad.derivative(f, 1.3) == 0.0
    g = ad.gradient(lambda x: np.sum(np.floor(x) * x), STEPS)[0]
    np.testing.assert_array_equal(g, np.floor(STEPS))


def test_sinc_second_derivative_at_zero():
    # sinc(x) = 1 - (pi x)**2 / 6 + ...: sinc'(0) = 0, sinc''(0) = -pi**2 / 3
    assert ad.derivative(np.sinc, 0.0) == 0.0
    assert ad.D(ad.D(np.sinc))(0.0) == pytest.approx(-math.pi ** 2 / 3, rel=1e-12)
    assert ad.grad(ad.grad(ad.sinc))(0.0) == pytest.approx(-math.pi ** 2 / 3, rel=1e-12)
    h = ad.hessian(lambda x: np.sum(np.sinc(x)))(np.array([0.0, 0.5]))
    assert h[0, 0] == pytest.approx(-math.pi ** 2 / 3, rel=1e-12)


def test_fmax_sends_the_derivative_to_the_number_beside_a_nan():
    a, b = np.array([np.nan, 0.5, 2.0, 1.0]), np.array([0.0, np.nan, 3.0, 1.0])
    ga, gb = ad.gradient(lambda a, b: np.sum(np.fmax(a, b)), a, b)
    np.testing.assert_array_equal(ga, [0.0, 1.0, 0.0, 0.5])
    np.testing.assert_array_equal(gb, [1.0, 0.0, 1.0, 0.5])
    ga, gb = ad.gradient(lambda a, b: np.sum(np.fmin(a, b)), a, b)
    np.testing.assert_array_equal(ga, [0.0, 1.0, 1.0, 0.5])
    np.testing.assert_array_equal(gb, [1.0, 0.0, 0.0, 0.5])


def test_nan_to_num_passes_the_derivative_only_where_finite():
    x = np.array([1.0, np.nan, np.inf, -np.inf, -2.0])
    value, g = ad.value_and_grad(lambda x: np.sum(np.nan_to_num(x, nan=1.0, posinf=7.0,
                                                                   neginf=-7.0) * 3.0))(x)
    assert value == 3.0 * (1.0 + 1.0 + 7.0 - 7.0 - 2.0)
    np.testing.assert_array_equal(g, [3.0, 0.0, 0.0, 0.0, 3.0])


def test_ldexp_scales_by_a_power_of_two():
    x, e = np.array([0.3, -1.2, 2.0]), np.array([1, -2, 3])
    assert ad.gradient(lambda x: np.sum(np.ldexp(x, e)), x)[0].tolist() == [2.0, 0.25, 8.0]
    # e is an integer for NumPy; its derivative is that of the smooth x * 2**e
    assert ad.gradient(lambda x, e: np.ldexp(x, e), 0.5, 3) == pytest.approx(
        (8.0, 0.5 * 8.0 * math.log(2.0)))


# ---------------------------------------------------------------------------
# source_grad: the generated adjoint agrees with the tape on loop programs


def loop_hyperbolic(x, n):
    s = 0.0
    for i in range(n):
        s = s + np.arcsinh(x * i) + np.hypot(x, 1.0 + i)
    return s


def loop_angles(x):
    theta = x
    for _ in range(4):
        theta = np.arctan2(np.sinh(theta), np.cosh(theta) + 1.0)
    return np.sum(np.rad2deg(theta))


def loop_while_exp2(x):
    y = x
    while np.sum(y) < 10.0:
        y = np.exp2(y) + np.floor(y)
    return np.sum(np.logaddexp(y, x))


def loop_while_arccosh(x, n):
    acc = 1.0
    k = 0
    while k < n:
        acc = acc * np.arctan(x + k) + np.arccosh(1.5 + x * x) + np.hypot(acc, x)
        k += 1
    return acc


def loop_softmax_like(w):
    total = 0.0
    for i in range(3):
        total = np.logaddexp2(total, np.sum(np.fmax(w * i, 0.2) ** 2))
    return total + np.sum(np.log10(np.cbrt(w) + 2.0))


def loop_break(x):
    y = 0.0
    for i in range(10):
        y = y + np.arccos(np.tanh(x / (i + 1.0)))
        if y > 4.0:
            break
    return y * np.sinc(x)


def loop_sinc_through_zero(x):
    s = 0.0
    for i in range(3):                 # i = 0: sinc at exactly 0, where its slope is 0
        s = s + np.sinc(x * i) + ad.round(x, decimals=1) * x + np.fix(x) * x
    return s


def summed_sinc_through_zero(x):
    return np.sum(loop_sinc_through_zero(x))


SOURCE_PROGRAMS = [
    (loop_sinc_through_zero, (0.77,)),
    (summed_sinc_through_zero, (np.array([0.0, 0.4, -1.3]),)),
    (loop_hyperbolic, (0.7, 4)),
    (loop_angles, (0.9,)),
    (loop_angles, (np.array([0.2, -0.4, 1.1]),)),
    (loop_while_exp2, (np.array([0.3, 0.5]),)),
    (loop_while_arccosh, (0.6, 3)),
    (loop_softmax_like, (np.array([0.4, 1.2, 0.8]),)),
    (loop_break, (0.45,)),
]


@pytest.mark.parametrize("f, args", SOURCE_PROGRAMS,
                         ids=[f"{f.__name__}-{i}" for i, (f, _) in enumerate(SOURCE_PROGRAMS)])
def test_source_grad_equals_gradient(f, args):
    assert_source_grad_is_the_tape(ad, f, args)


def test_source_grad_writes_the_rules_in_the_adjoint_code():
    source = ad.source_grad(loop_hyperbolic).source
    assert "arcsinh(y2)" in source
    assert "/ sqrt(y2 ** 2 + 1)" in source          # arcsinh's rule, as the math
    assert "* x / y6" in source                       # hypot's rule
    # sinc's slope decides on the value (its Taylor term at 0): a call, not the formula
    source = ad.source_grad(loop_sinc_through_zero).source
    assert "sinc(y" in source and "* sinc_slope(y" in source and "tape(" not in source


# ---------------------------------------------------------------------------
# The Wengert lists read like the math (written by hand)


def test_wengert_lists_of_a_function_of_the_family():
    def f(x):
        return np.arcsinh(x) * np.log2(x) + np.hypot(x, 3.0)
    trace = ad.trace(f, 4.0)
    assert str(trace) == (
        "y1 = arcsinh(x)\n"
        "y2 = log2(x)\n"
        "y3 = y1 * y2\n"
        "y4 = hypot(x, 3.0)\n"
        "y5 = y3 + y4"
    )
    assert str(trace.tangent_wengert()) == (
        "dy1 = 1 / sqrt(x ** 2 + 1)\n"
        "dy2 = 1 / (x * 0.6931471805599453)\n"
        "dy3 = y2 * dy1 + y1 * dy2\n"
        "dy4 = x / y4\n"
        "dy5 = dy3 + dy4"
    )


# ---------------------------------------------------------------------------
# Semantics: Python numbers as math.*, NumPy values and np.* as NumPy


@pytest.mark.parametrize("f, x", [(ad.arcsin, 2.0), (ad.arccos, -1.5), (ad.arccosh, 0.5),
                                  (ad.arctanh, 1.0), (ad.log2, 0.0), (ad.log10, -1.0)])
def test_python_numbers_raise_as_math_does(f, x):
    with pytest.raises(ValueError, match="math domain error"):
        f(x)
    with pytest.raises(ValueError, match="math domain error"):
        ad.gradient(f, x)
    with pytest.raises(ValueError, match="math domain error"):
        ad.derivative(f, x)


def test_overflow_raises_on_python_numbers():
    with pytest.raises(OverflowError):
        ad.cosh(1000.0)
    with pytest.raises(OverflowError):
        ad.gradient(ad.exp2, 2000.0)


@pytest.mark.parametrize("f, x", [(np.arcsin, 2.0), (np.arccosh, 0.5), (np.arctanh, 3.0)])
def test_numpy_functions_give_nan_on_python_numbers(f, x):
    with pytest.warns(RuntimeWarning):
        value, g = ad.value_and_grad(f)(x)
    assert math.isnan(value) and math.isnan(g) == (f is not np.arctanh)
    with pytest.warns(RuntimeWarning):
        assert math.isnan(ad.derivative(f, x)) == (f is not np.arctanh)


def test_log2_of_a_negative_python_number_through_numpy():
    # the value is nan (NumPy), the rule 1 / (x log 2) is finite there, as for np.log
    with pytest.warns(RuntimeWarning):
        value, g = ad.value_and_grad(np.log2)(-1.0)
    assert math.isnan(value) and g == pytest.approx(-1 / math.log(2.0))


def test_numpy_values_give_nan_and_inf():
    with pytest.warns(RuntimeWarning):
        (g,) = ad.gradient(lambda x: np.sum(np.arctanh(x)), np.array([0.5, 1.0]))
    assert g[0] == pytest.approx(1 / 0.75) and np.isinf(g[1])


def test_python_numbers_stay_python_numbers():
    for f in (ad.sinh, ad.arcsin, ad.log2, ad.exp2, ad.cbrt, ad.sinc, ad.floor, ad.round,
              ad.nan_to_num):
        assert type(f(0.25)) is float
    for f in (ad.arctan2, ad.hypot, ad.logaddexp, ad.logaddexp2, ad.fmax, ad.fmin):
        assert type(f(0.25, 0.5)) is float
    assert ad.gradient(ad.arctan2, 1.0, 2.0) == pytest.approx((2 / 5, -1 / 5))


def test_math_functions_in_source_grad_are_the_rows():
    def f(x):
        return math.asinh(x) + math.atan2(x, 2.0) + math.degrees(x)
    expected = 1 / math.sqrt(1.5 ** 2 + 1) + 2.0 / (1.5 ** 2 + 4.0) + 180 / math.pi
    assert ad.source_grad(f)(1.5) == (pytest.approx(expected, rel=1e-14),)


# ---------------------------------------------------------------------------
# Keywords: honoured ones as NumPy computes them, the rest refused by name


def test_round_decimals_is_honoured():
    x = np.array([1.2345, -0.5678])
    out, g = ad.value_and_grad(lambda x: np.sum(np.round(x, decimals=2) + x))(x)
    assert out == pytest.approx(np.sum(np.round(x, 2) + x))
    np.testing.assert_array_equal(g, [1.0, 1.0])
    out = ad.vjp(lambda x: np.around(x, 1), x)[0]
    np.testing.assert_array_equal(out, np.around(x, 1))
    out = ad.vjp(lambda x: x.round(decimals=3), x)[0]
    np.testing.assert_array_equal(out, x.round(3))


def test_round_refuses_out_and_a_float_decimals():
    x = np.array([1.2345, -0.5678])
    with pytest.raises(InPlaceOutput, match="out="):
        ad.gradient(lambda x: np.sum(np.round(x, 2, out=np.empty(2))), x)
    with pytest.raises(TypeError, match="decimals"):
        ad.gradient(lambda x: np.sum(np.round(x, 1.5)), x)


def test_nan_to_num_keywords():
    x = np.array([np.nan, np.inf, -np.inf, 0.5])
    out = ad.vjp(lambda x: np.nan_to_num(x, nan=-1.0, posinf=2.0, neginf=-2.0), x)[0]
    np.testing.assert_array_equal(out, [-1.0, 2.0, -2.0, 0.5])
    with pytest.raises(InPlaceOutput, match=r"np\.nan_to_num\(\.\.\., copy=False\)"):
        ad.gradient(lambda x: np.sum(np.nan_to_num(x, copy=False)), x)


def test_ufunc_keywords_are_refused_by_name():
    with pytest.raises(NoDerivativeRule, match=r"np\.arcsinh\(\.\.\., where=\.\.\.\)"):
        ad.gradient(lambda x: np.sum(np.arcsinh(x, where=np.array([True, False]))),
                    np.array([0.1, 0.2]))
    with pytest.raises(InPlaceOutput):
        ad.gradient(lambda x: np.sum(np.hypot(x, 1.0, out=np.empty(2))), np.array([0.1, 0.2]))


def test_every_public_name_is_the_row_and_known_to_cells():
    from adexplorer.core import rules_elementwise as E
    from adexplorer.report.cell import math_names
    names = math_names()
    for name in E.PUBLIC:
        assert getattr(ad, name) is getattr(E, name)
        if name != "round":                 # a cell's round() stays Python's
            assert names[name] is getattr(ad, name)
    assert "round" not in names


def test_outer_products_of_the_binary_rows():
    x, y = np.array([0.3, 1.2]), np.array([0.5, -0.4, 2.0])
    for ufunc, oracle in ((np.hypot, anp.hypot), (np.arctan2, anp.arctan2),
                          (np.logaddexp, anp.logaddexp)):
        ours = ad.gradient(lambda x, y, u=ufunc: np.sum(u.outer(x, y) ** 2), x, y)
        theirs = autograd.grad(lambda x, y, o=oracle: anp.sum(o(x[:, None], y[None, :]) ** 2),
                               (0, 1))(x, y)
        for a, b in zip(ours, theirs):
            assert_close(a, b)


def test_math_functions_on_ad_values_suggest_the_numpy_names():
    from adexplorer.core.errors import LostDerivative
    with pytest.raises(LostDerivative, match=r"ad\.arcsinh \(or np\.arcsinh\), "
                                             r"ad\.arctan2 \(or np\.arctan2\)"):
        ad.gradient(lambda x: math.asinh(x) + math.atan2(x, 1.0), 0.5)


def test_fmax_derivative_list_reads_like_maximum_with_nans():
    trace = ad.trace(lambda x, y: np.fmax(x, 1.0) * np.fmin(x, y), 2.5, 0.5)
    assert str(trace.tangent_wengert()) == (
        "dv1 = (x > 1.0) + 0.5 * (x == 1.0)\n"            # a constant: no nan to lose to
        "dv2 = (x < y) + 0.5 * (x == y) + isnan(y)\n"
        "dv3 = v2 * dv1 + v1 * dv2"
    )


@pytest.mark.parametrize("f", [np.fmax, np.fmin])
def test_fmax_and_fmin_of_complex_numbers_are_refused_by_name(f):
    with pytest.raises(NoDerivativeRule, match=f"'{f.__name__}' of complex numbers"):
        ad.gradient(lambda z: np.abs(f(z, 0.5)) ** 2, 0.3 + 0.4j)


def test_a_step_stops_a_nan_from_upstream():
    # (-2) ** round(x): the exponent's partial is log(-2) = nan, but round's slope is 0
    # whatever reaches it (autograd gives 0 too)
    with np.errstate(invalid="ignore"):
        g = ad.grad(lambda x: np.sum((-2.0) ** np.round(x)))(np.array([1.3, 2.2]))
    np.testing.assert_array_equal(g, [0.0, 0.0])
