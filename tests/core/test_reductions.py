"""The reductions family on NumPy's side: np.prod, cumsum, cumprod, var, std, average,
nansum, nanmean, nanprod, nancumsum, nancumprod, nanvar, nanstd, ptp, diff, gradient,
cumulative_sum, cumulative_prod, their array methods and ad.logsumexp. Values as NumPy
gives them (float32 stays float32); derivatives by check_grads (both modes, order 2)
through the NumPy entries with their honoured keywords; hand-computed gradients where
an input is exactly zero; loops through ad.source_grad; the Wengert list of a function
with var and cumsum."""

import numpy as np
import pytest
import scipy.special

import adexplorer as ad
from adexplorer.core.errors import InPlaceOutput, NoDerivativeRule
from adexplorer.testing import check_grads

from .oracle_tools import assert_source_grad_is_the_tape
from .shape_notes import commented, note

rng = np.random.default_rng(61206)


def arr(*shape, lo=-1.0, hi=1.0):
    return rng.uniform(lo, hi, size=shape)


V = arr(5)
M = arr(3, 4)
T3 = arr(2, 3, 4)
POS = arr(3, 4, lo=0.5, hi=1.5)
W4 = arr(4, lo=0.5, hi=2.0)
MASK = rng.uniform(size=(3, 4)) > 0.3
WITH_ZERO = np.array([[0.7, 0.0, -1.3, 0.9], [1.1, -0.6, 0.8, 0.0], [0.0, 0.0, 1.2, -0.5]])
WITH_NAN = np.where(MASK, M, np.nan)


# ---------------------------------------------------------------------------
# Every entry with its honoured keywords: the value NumPy gives, derivatives of every
# order-2 combination of modes equal to finite differences.

ENTRIES = {
    "prod": (lambda x: np.prod(x), POS),
    "prod axis 0": (lambda x: np.prod(x, axis=0), M),
    "prod axis -1 keepdims": (lambda x: np.prod(x, axis=-1, keepdims=True), M),
    "prod axis tuple": (lambda x: np.prod(x, axis=(0, 2)), T3),
    "prod axis tuple keepdims": (lambda x: np.prod(x, axis=(2, 1), keepdims=True), T3),
    "prod with zeros": (lambda x: np.prod(x, axis=1), WITH_ZERO),
    "prod with zeros, all axes": (lambda x: np.prod(x + 0.0), WITH_ZERO[:2]),
    "prod initial where": (lambda x: np.prod(x, axis=1, initial=2.0, where=MASK), M),
    "prod dtype": (lambda x: np.prod(x, dtype=np.float64), POS),
    "x.prod axis": (lambda x: x.prod(1), M),
    "x.prod keepdims": (lambda x: x.prod(axis=0, keepdims=True), WITH_ZERO),
    "cumsum": (lambda x: np.cumsum(x), M),
    "cumsum axis 0": (lambda x: np.cumsum(x, axis=0), M),
    "cumsum axis -1 3-D": (lambda x: np.cumsum(x, axis=-1), T3),
    "cumsum dtype": (lambda x: np.cumsum(x, 1, np.float64), M),
    "x.cumsum": (lambda x: x.cumsum(axis=1), M),
    "cumprod": (lambda x: np.cumprod(x), POS),
    "cumprod axis 1": (lambda x: np.cumprod(x, axis=1), M),
    "cumprod with zeros": (lambda x: np.cumprod(x, axis=1), WITH_ZERO),
    "cumprod with zeros, flattened": (lambda x: np.cumprod(x), WITH_ZERO),
    "x.cumprod axis 0": (lambda x: x.cumprod(0), WITH_ZERO),
    "var": (lambda x: np.var(x), M),
    "var axis ddof": (lambda x: np.var(x, axis=0, ddof=1), M),
    "var axis tuple keepdims": (lambda x: np.var(x, axis=(0, 2), keepdims=True), T3),
    "var correction": (lambda x: np.var(x, axis=1, correction=1), M),
    "var mean given": (lambda x: np.var(x, axis=1, mean=np.mean(x, axis=1, keepdims=True)), M),
    "x.var keepdims": (lambda x: x.var(axis=-1, keepdims=True), T3),
    "std": (lambda x: np.std(x), M),
    "std axis ddof keepdims": (lambda x: np.std(x, axis=1, ddof=1, keepdims=True), M),
    "std axis tuple": (lambda x: np.std(x, axis=(1, 2)), T3),
    "std mean given": (lambda x: np.std(x, axis=0, mean=np.mean(x, axis=0, keepdims=True)), M),
    "x.std ddof": (lambda x: x.std(ddof=1), V),
    "x.std axis": (lambda x: x.std(0), M),
    "average": (lambda x: np.average(x), M),
    "average axis keepdims": (lambda x: np.average(x, axis=1, keepdims=True), M),
    "average weights same shape": (lambda x: np.average(x, weights=POS), M),
    "average weights along axis": (lambda x: np.average(x, axis=1, weights=W4), M),
    "average weights along axis tuple": (lambda x: np.average(x, axis=(2, 0),
                                                              weights=POS.T[:, :2]), T3),
    "average of the weights": (lambda w: np.average(M, axis=1, weights=w), W4),
    "nansum": (lambda x: np.nansum(x), WITH_NAN),
    "nansum axis keepdims": (lambda x: np.nansum(x, axis=0, keepdims=True), WITH_NAN),
    "nansum initial where": (lambda x: np.nansum(x, axis=1, initial=1.5, where=MASK), WITH_NAN),
    "nanmean": (lambda x: np.nanmean(x), WITH_NAN),
    "nanmean axis": (lambda x: np.nanmean(x, axis=1), WITH_NAN),
    "nanmean where keepdims": (lambda x: np.nanmean(x, axis=0, keepdims=True,
                                                    where=MASK | np.eye(3, 4, dtype=bool)), M),
    "ptp": (lambda x: np.ptp(x), M),
    "ptp axis keepdims": (lambda x: np.ptp(x, axis=1, keepdims=True), M),
    "diff": (lambda x: np.diff(x), V),
    "diff n axis": (lambda x: np.diff(x, n=2, axis=0), arr(5, 3)),
    "diff n 0": (lambda x: np.diff(x, n=0), V),
    "diff prepend append": (lambda x: np.diff(x, prepend=0.5, append=np.array([[1.0], [2.0],
                                                                                [3.0]])), M),
    "gradient": (lambda x: np.gradient(x), V),
    "gradient of two points, spacing": (lambda x: np.gradient(x, 0.5), V[:2]),
    "gradient all axes, spacings": (lambda x: np.stack(np.gradient(x, 0.5, 2.0)), M),
    "gradient axis": (lambda x: np.gradient(x, axis=1), M),
    "gradient axis tuple": (lambda x: np.concatenate(np.gradient(x, 0.3, axis=(2, 0))), T3),
    "nanprod": (lambda x: np.nanprod(x, axis=1), WITH_NAN),
    "nanprod keepdims initial": (lambda x: np.nanprod(x, axis=0, keepdims=True, initial=2.0),
                                 WITH_NAN),
    "nancumsum": (lambda x: np.nancumsum(x), WITH_NAN),
    "nancumsum axis": (lambda x: np.nancumsum(x, axis=0), WITH_NAN),
    "nancumprod axis": (lambda x: np.nancumprod(x, axis=1), WITH_NAN),
    "nanvar": (lambda x: np.nanvar(x), WITH_NAN),
    "nanvar axis ddof": (lambda x: np.nanvar(x, axis=1, ddof=1), WITH_NAN),
    "nanstd axis keepdims": (lambda x: np.nanstd(x, axis=1, keepdims=True), WITH_NAN),
    "nanstd mean given": (lambda x: np.nanstd(x, axis=1, mean=np.full((3, 1), 0.1)), WITH_NAN),
    "cumulative_sum": (lambda x: np.cumulative_sum(x), V),
    "cumulative_sum axis include_initial": (lambda x: np.cumulative_sum(x, axis=0,
                                                                        include_initial=True), M),
    "cumulative_prod include_initial": (lambda x: np.cumulative_prod(x, include_initial=True), V),
    "cumulative_prod axis dtype": (lambda x: np.cumulative_prod(x, axis=1, dtype=np.float64),
                                   WITH_ZERO),
    "logsumexp": (lambda x: ad.logsumexp(x), M),
    "logsumexp axis keepdims": (lambda x: ad.logsumexp(x, axis=1, keepdims=True), M),
    "logsumexp axis tuple": (lambda x: ad.logsumexp(x, axis=(0, 2)), T3),
}


@pytest.mark.parametrize("call, x", ENTRIES.values(), ids=ENTRIES.keys())
def test_entry_values_match_numpy_and_derivatives_match_finite_differences(call, x):
    expected = call(x)                 # on plain arrays: NumPy's own answer
    got = ad.vjp(call, x)[0]
    assert np.shape(got) == np.shape(expected)
    np.testing.assert_allclose(got, expected, rtol=1e-13, atol=1e-15)
    free = ~np.isnan(x)
    if free.all():
        check_grads(call, x, order=2)
    else:           # NaN inputs: the others are checked, the NaN ones have gradient 0
        def on_the_rest(values):
            return call(_fill(x, free, values))
        check_grads(on_the_rest, x[free], order=2)
        g = ad.gradient(lambda v: np.sum(call(v) * 1.0), x)[0]
        assert np.all(g[~free] == 0.0)


def _fill(x, free, values):
    """``x`` with its non-NaN entries replaced by ``values`` (differentiably)."""
    index = np.flatnonzero(free)
    scatter = np.zeros((x.size, index.size))
    scatter[index, np.arange(index.size)] = 1.0
    return np.where(free, (scatter @ values).reshape(x.shape), x)


F32 = {"prod": np.prod, "cumsum": np.cumsum, "cumprod": np.cumprod, "var": np.var,
       "std": np.std, "average": lambda x: np.average(x, weights=np.arange(1, 6, dtype=np.float32)),
       "nansum": np.nansum, "nanmean": np.nanmean, "nanvar": np.nanvar, "nanstd": np.nanstd,
       "ptp": np.ptp, "diff": np.diff, "gradient": np.gradient, "logsumexp": ad.logsumexp,
       "cumulative_prod": np.cumulative_prod}


@pytest.mark.parametrize("call", F32.values(), ids=F32.keys())
def test_float32_in_float32_out(call):
    x = np.array([0.5, np.nan, 2.0, -1.0, 0.25], dtype=np.float32)
    if call not in (np.nansum, np.nanmean, np.nanvar, np.nanstd):
        x[1] = 0.75
    value, g = ad.value_and_grad(lambda x: np.sum(call(x)))(x)
    assert np.result_type(ad.vjp(call, x)[0]) == np.result_type(call(x)) == np.float32
    assert np.result_type(value) == np.float32 and g.dtype == np.float32


# ---------------------------------------------------------------------------
# Gradients at exact zeros, computed by hand

def test_prod_gradient_at_one_zero_is_the_product_of_the_others():
    x = np.array([2.0, 0.0, 3.0, 0.5])
    g = ad.gradient(np.prod, x)[0]
    np.testing.assert_array_equal(g, [0.0, 3.0, 0.0, 0.0])       # 2 * 3 * 0.5 at the zero
    _, t = ad.jvp(np.prod, (x,), (np.array([1.0, 1.0, 1.0, 1.0]),))
    assert t == 3.0


def test_prod_with_two_zeros_has_zero_gradient_and_the_right_hessian():
    x = np.array([2.0, 0.0, 3.0, 0.0])
    np.testing.assert_array_equal(ad.gradient(np.prod, x)[0], np.zeros(4))
    H = ad.hessian(np.prod)(x)
    expected = np.zeros((4, 4))
    expected[1, 3] = expected[3, 1] = 6.0                          # d²/dx1 dx3 = 2 * 3
    np.testing.assert_array_equal(H, expected)


def test_prod_hessian_with_one_zero():
    x = np.array([2.0, 0.0, 3.0])
    expected = np.array([[0.0, 3.0, 0.0], [3.0, 0.0, 2.0], [0.0, 2.0, 0.0]])
    np.testing.assert_array_equal(ad.hessian(np.prod)(x), expected)
    np.testing.assert_array_equal(ad.jacfwd(ad.grad(np.prod))(x), expected)


def test_prod_along_an_axis_with_zeros():
    x = np.array([[0.0, 2.0], [3.0, 4.0], [0.0, 0.0]])
    g = ad.gradient(lambda x: np.sum(np.prod(x, axis=1)), x)[0]
    np.testing.assert_array_equal(g, [[2.0, 0.0], [4.0, 3.0], [0.0, 0.0]])


def test_cumprod_gradient_through_a_zero():
    # sum(cumprod(x)) = x0 + x0 x1 + x0 x1 x2; at (2, 0, 3): (1 + x1 + x1 x2, x0 + x0 x2, x0 x1)
    x = np.array([2.0, 0.0, 3.0])
    np.testing.assert_array_equal(ad.gradient(lambda x: np.sum(np.cumprod(x)), x)[0],
                                  [1.0, 8.0, 0.0])
    J = ad.jacfwd(np.cumprod)(x)
    np.testing.assert_array_equal(J, [[1.0, 0.0, 0.0], [0.0, 2.0, 0.0], [0.0, 6.0, 0.0]])
    # Hessian of x0 x1 x2: the off-diagonal products of one other element
    H = ad.hessian(lambda x: np.cumprod(x)[2])(x)
    np.testing.assert_array_equal(H, [[0.0, 3.0, 0.0], [3.0, 0.0, 2.0], [0.0, 2.0, 0.0]])


def test_var_std_and_average_gradients_by_hand():
    x = np.array([1.0, 2.0, 3.0, 4.0])                             # mean 2.5, var 1.25
    np.testing.assert_allclose(ad.gradient(np.var, x)[0], [-0.75, -0.25, 0.25, 0.75], rtol=1e-15)
    np.testing.assert_allclose(ad.gradient(lambda x: np.var(x, ddof=1), x)[0],
                               np.array([-1.5, -0.5, 0.5, 1.5]) * 2 / 3, rtol=1e-15)
    np.testing.assert_allclose(ad.gradient(np.std, x)[0],
                               np.array([-1.5, -0.5, 0.5, 1.5]) / (4 * np.sqrt(1.25)), rtol=1e-15)
    gx, gw = ad.gradient(lambda x, w: np.average(x, weights=w), np.array([2.0, 4.0]),
                         np.array([1.0, 3.0]))                     # (2 + 12) / 4 = 3.5
    np.testing.assert_allclose(gx, [0.25, 0.75], rtol=1e-15)
    np.testing.assert_allclose(gw, [-0.375, 0.125], rtol=1e-15)   # (x - 3.5) / 4


def test_scans_differences_and_nan_reductions_by_hand():
    w = np.array([1.0, 2.0, 3.0])
    np.testing.assert_array_equal(ad.gradient(lambda x: np.sum(np.cumsum(x) * w), w)[0],
                                  [6.0, 5.0, 3.0])
    np.testing.assert_array_equal(ad.gradient(lambda x: np.sum(np.diff(x) ** 2),
                                              np.array([1.0, 3.0, 6.0]))[0], [-4.0, -2.0, 6.0])
    x = np.array([1.0, np.nan, 2.0])
    np.testing.assert_array_equal(ad.gradient(np.nansum, x)[0], [1.0, 0.0, 1.0])
    np.testing.assert_array_equal(ad.gradient(np.nanmean, x)[0], [0.5, 0.0, 0.5])
    np.testing.assert_array_equal(ad.gradient(np.ptp, np.array([3.0, -1.0, 2.0]))[0],
                                  [1.0, -1.0, 0.0])


# ---------------------------------------------------------------------------
# logsumexp

def test_logsumexp_is_stable_and_its_gradient_is_the_softmax():
    x = np.array([1000.0, 1000.0, -1000.0])
    value, g = ad.value_and_grad(ad.logsumexp)(x)
    assert value == pytest.approx(1000.0 + np.log(2.0), rel=1e-15)
    np.testing.assert_allclose(g, [0.5, 0.5, 0.0], atol=1e-300)
    assert ad.logsumexp(np.array([-np.inf, -np.inf])) == -np.inf
    assert isinstance(ad.logsumexp(np.ones(3)), np.float64)       # a scalar, as NumPy's


@pytest.mark.parametrize("axis, keepdims", [(None, False), (0, False), (-1, True),
                                            ((0, 2), False), ((1, 2), True)])
def test_logsumexp_on_plain_arrays_is_scipys(axis, keepdims):
    np.testing.assert_allclose(ad.logsumexp(T3 * 50, axis=axis, keepdims=keepdims),
                               scipy.special.logsumexp(T3 * 50, axis=axis, keepdims=keepdims),
                               rtol=1e-14)


def test_logsumexp_in_forward_mode_on_a_dual():
    x = ad.Dual(np.array([0.1, 0.7, -0.4]), np.array([1.0, 0.0, 0.0]))
    out = ad.logsumexp(x)
    p = np.exp(x.primal) / np.sum(np.exp(x.primal))
    assert out.tangent == pytest.approx(p[0], rel=1e-14)


# ---------------------------------------------------------------------------
# What is refused, by name

def test_refusals_name_the_entry_and_the_keyword():
    with pytest.raises(NoDerivativeRule, match=r"np\.average\(\.\.\., returned=True\)"):
        ad.gradient(lambda x: np.average(x, returned=True)[0], V)
    with pytest.raises(NoDerivativeRule, match=r"np\.var\(\.\.\., where=\.\.\.\)"):
        ad.gradient(lambda x: np.var(x, where=V > 0), V)
    with pytest.raises(NoDerivativeRule, match=r"x\.std\(\.\.\., where="):
        ad.gradient(lambda x: x.std(where=V > 0), V)
    with pytest.raises(NoDerivativeRule, match=r"np\.cumsum\(\.\.\., dtype=int64\)"):
        ad.gradient(lambda x: np.sum(np.cumsum(x, dtype=np.int64)), V)
    with pytest.raises(InPlaceOutput, match=r"np\.cumprod\(\.\.\., out="):
        ad.gradient(lambda x: np.sum(np.cumprod(x, out=np.zeros(5))), V)
    with pytest.raises(ValueError, match="both ddof= and correction="):
        ad.gradient(lambda x: np.std(x, ddof=1, correction=1), V)


def test_average_checks_the_weights_as_numpy_does():
    with pytest.raises(TypeError, match="Axis must be specified"):
        ad.gradient(lambda x: np.average(x, weights=W4), M)
    with pytest.raises(ValueError, match="consistent with shape of a"):
        ad.gradient(lambda x: np.average(x, axis=0, weights=W4), M)
    with pytest.raises(ZeroDivisionError, match="Weights sum to zero"):
        ad.gradient(lambda x: np.average(x, weights=np.array([1.0, -1.0, 0.0, 0.0, 0.0])), V)


# ---------------------------------------------------------------------------
# Loops through ad.source_grad: the same tuple as ad.gradient


def running_variance(x, n):
    total = 0.0
    for i in range(n):
        total = total + np.var(x * i + x ** 2, ddof=1) * (i + 1)
    return total


def smoothed_differences(x, n):
    k = 0
    y = x
    while k < n:
        y = np.cumsum(y) * 0.3 - y
        k += 1
    return np.sum(np.diff(y) ** 2) + np.sum(np.diff(y, n=2))


def product_with_zeros(x, n):
    p = 0.0
    for i in range(n):
        p = p + np.prod(x * i - 1.0) + np.sum(np.cumprod(x) * i)
    return p


def softmax_steps(z, target, n):
    for _ in range(n):
        z = z - 0.5 * (np.exp(z - ad.logsumexp(z)) - target)
    return ad.logsumexp(z) - np.sum(z * target)


WEIGHTS5 = np.arange(1.0, 6.0)


def standardise_repeatedly(x, n):
    i = 0
    while i < n:
        x = (x - np.mean(x)) / np.std(x) + 0.1 * x
        i += 1
    # weights by position: a keyword argument holding a global array is not yet
    # written into source_grad's generated code
    return np.sum(x ** 3) + np.average(x, None, WEIGHTS5) + np.ptp(x)


def nan_reductions_loop(x, n):
    s = 0.0
    for i in range(n):
        s = s + np.nansum(x * i) + np.nanmean(x ** 2)
    return s


X5 = np.array([0.4, -1.1, 0.0, 2.0, 0.7])
LOOPS = {
    "running variance": (running_variance, (X5, 4)),
    "smoothed differences": (smoothed_differences, (X5, 3)),
    "product with zeros": (product_with_zeros, (X5, 3)),
    "softmax steps": (softmax_steps, (X5, np.array([0.1, 0.2, 0.3, 0.4, 0.0]), 4)),
    "standardise repeatedly": (standardise_repeatedly, (X5, 3)),
    "nan reductions": (nan_reductions_loop, (np.array([0.4, np.nan, 1.5, -0.3]), 3)),
}


@pytest.mark.parametrize("f, args", LOOPS.values(), ids=LOOPS.keys())
def test_source_grad_equals_gradient_on_loops(f, args):
    assert_source_grad_is_the_tape(ad, f, args)
    assert "for " in ad.source_grad(f).source or "while " in ad.source_grad(f).source


# ---------------------------------------------------------------------------
# The Wengert list reads like the math

def running_total_over_variance(x):
    return np.sum(np.cumsum(x) ** 2) / np.var(x)


def test_wengert_list_of_var_and_cumsum():
    x = np.array([1.0, 2.0, 4.0, 3.0])
    trace = ad.trace(running_total_over_variance, x)
    assert str(trace) == f"# x: {note(x)}\n" + commented([
        ("y1 = cumsum(x)", np.cumsum(x)),
        ("y2 = y1 ** 2", np.cumsum(x) ** 2),
        ("y3 = sum(y2)", None),
        ("y4 = var(x)", None),
        ("y5 = y3 / y4", None)])


def test_wengert_list_shows_options_that_are_not_defaults():
    trace = ad.trace(lambda x: np.std(x, axis=0, ddof=1) + np.prod(x, axis=1, keepdims=True)
                     + np.diff(np.cumprod(x, axis=1), n=2, axis=0)[0], M)
    lines = str(trace).splitlines()
    assert lines[1].startswith("y1 = std(x, axis=0, ddof=1)")
    assert lines[2].startswith("y2 = prod(x, axis=1, keepdims=True)")
    assert lines[4].startswith("y4 = cumprod(x, axis=1)")
    assert lines[5].startswith("y5 = diff(y4, n=2, axis=0)")
