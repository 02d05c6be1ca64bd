"""Rules that skip array passes (``rules.times``, the power rule's exponents, mean's and
matmul's rules) give what calculus gives, and never write into an array that anyone
else holds: the user's arguments, a cotangent the user passed, a value on the tape, or a
gradient handed back.

Expected values are closed forms evaluated here with NumPy, or finite differences."""

import warnings

import numpy as np
import pytest

import adexplorer as ad
from adexplorer.core import rules as R

rng = np.random.default_rng(7)


def finite_difference(f, x, h=1e-6):
    """Central differences of a scalar function, one coordinate at a time."""
    out = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[i] += h
        down[i] -= h
        out[i] = (f(up) - f(down)) / (2 * h)
    return out


# ---------------------------------------------------------------------------
# power: d(x ** b)/dx = b x ** (b - 1), and 0 everywhere for b = 0

EXPONENTS = [0, 1, 2, 3, -1, -2, 0.5, 1.5, 2.0, -0.5]
POINTS = np.array([-2.0, -0.5, 0.0, 0.75, 3.0])


def closed_form(x, b):
    """b x^(b-1) written out per exponent, as calculus gives it (0 for b = 0)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        if b == 0:
            return np.zeros_like(x)
        if b == 1:
            return np.ones_like(x)
        if b == 2:
            return 2.0 * x
        if b == 3:
            return 3.0 * x * x
        if b == -1:
            return -1.0 / (x * x)
        if b == -2:
            return -2.0 / (x * x * x)
        return b * np.power(x, b - 1.0)


@pytest.mark.parametrize("b", EXPONENTS)
def test_power_rule_matches_the_closed_form_at_zero_negative_and_positive_points(b):
    with np.errstate(divide="ignore", invalid="ignore"):
        got = ad.gradient(lambda x: np.sum(x ** b), POINTS)[0]
    np.testing.assert_array_equal(got, closed_form(POINTS, b))


@pytest.mark.parametrize("b", EXPONENTS)
def test_power_rule_with_any_cotangent_matches_the_closed_form(b):
    # a cotangent that is not the broadcast 1 of a sum: the rule's multiplication runs
    g = rng.uniform(-2.0, 2.0, POINTS.shape)
    kept = g.copy()
    with np.errstate(divide="ignore", invalid="ignore"):
        _, pullback = ad.vjp(lambda x: x ** b, POINTS)
        got = pullback(g)[0]
        want = g * closed_form(POINTS, b)
    np.testing.assert_allclose(got, want, rtol=1e-15, atol=0)
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    np.testing.assert_array_equal(g, kept)                    # the user's cotangent


@pytest.mark.parametrize("b", EXPONENTS)
def test_a_constant_exponent_agrees_with_an_array_exponent(b):
    """The constant exponent's shortcut against the general route of the ``power_factor``
    row, which an exponent array takes."""
    exponent = np.full(POINTS.shape, float(b))
    with np.errstate(divide="ignore", invalid="ignore"):
        fast = ad.gradient(lambda x: np.sum(x ** b), POINTS)[0]
        general = ad.gradient(lambda x: np.sum(x ** exponent), POINTS)[0]
    np.testing.assert_allclose(fast, general, rtol=1e-15, atol=0)
    np.testing.assert_array_equal(np.isnan(fast), np.isnan(general))


@pytest.mark.parametrize("b", [1, 2, 3, -1, 0.5, 1.5])
def test_power_rule_agrees_with_finite_differences(b):
    x = rng.uniform(0.5, 2.0, (3, 4))
    w = rng.uniform(-1.0, 1.0, (3, 4))
    got = ad.gradient(lambda x: np.sum(w * x ** b), x)[0]
    np.testing.assert_allclose(got, finite_difference(lambda x: np.sum(w * x ** b), x),
                               rtol=1e-6, atol=1e-8)


def test_power_rule_at_order_two():
    # d²/dx² x³ = 6x: the rule's shortcuts stay differentiable
    assert ad.grad(ad.grad(lambda x: x ** 3))(1.5) == pytest.approx(9.0)
    assert ad.grad(ad.grad(lambda x: x ** 2))(-4.0) == pytest.approx(2.0)


# ---------------------------------------------------------------------------
# The cotangent of a sum is 1 everywhere: multiplying by it is skipped


def test_the_ones_of_a_sum_are_recognised_and_nothing_else():
    ones = np.broadcast_to(1.0, (4, 3))
    assert R.uniform_value(ones) == 1.0
    assert R.uniform_value(np.broadcast_to(np.array([1.0, 2.0]), (3, 2))) is None
    assert R.uniform_value(np.ones(5)) is None               # a real array: strides
    assert R.uniform_value(np.float64(1.0)) is None
    v = rng.standard_normal((4, 3))
    out = R.times(ones, v)
    np.testing.assert_array_equal(out, v)
    assert not out.flags.writeable                           # a view never written
    np.testing.assert_array_equal(R.times(np.broadcast_to(2.0, (4, 3)), v), 2.0 * v)
    # 1.0 * v is v bit for bit, -0.0, inf and nan included
    special = np.array([-0.0, np.inf, -np.inf, np.nan, 5e-324])
    np.testing.assert_array_equal(R.times(np.broadcast_to(1.0, (5,)), special), 1.0 * special)
    assert np.signbit(R.times(np.broadcast_to(1.0, (5,)), special)[0])


def test_sum_of_a_product_hands_back_arrays_of_the_callers_own():
    x = rng.standard_normal(6)
    y = rng.standard_normal(6)
    xs, ys = x.copy(), y.copy()
    gx, gy = ad.gradient(lambda x, y: np.sum(x * y), x, y)
    np.testing.assert_array_equal(gx, ys)                    # d/dx sum(x y) = y
    np.testing.assert_array_equal(gy, xs)
    for g in (gx, gy):
        assert g.flags.writeable and g.flags.owndata
        assert not np.shares_memory(g, x) and not np.shares_memory(g, y)
    gx += 1.0                                                # the caller may write
    np.testing.assert_array_equal(x, xs)
    np.testing.assert_array_equal(y, ys)


def test_sum_of_a_product_with_a_constant_keeps_the_dtype_and_copies():
    x = rng.standard_normal(5).astype(np.float32)
    w = rng.standard_normal(5).astype(np.float32)
    g = ad.gradient(lambda x: np.sum(x * w), x)[0]
    assert g.dtype == np.float32
    np.testing.assert_array_equal(g, w)
    assert not np.shares_memory(g, w)


def test_sum_of_a_broadcast_product_sums_the_other_factor():
    x = rng.standard_normal((3, 4))
    row = rng.standard_normal(4)
    gx, grow = ad.gradient(lambda x, r: np.sum(x * r), x, row)
    np.testing.assert_array_equal(gx, np.broadcast_to(row, (3, 4)))
    np.testing.assert_allclose(grow, x.sum(axis=0), rtol=1e-15)


def test_bump_gradient_is_the_closed_form():
    x = rng.uniform(-2.0, 2.0, 50)
    got = ad.gradient(lambda x: np.sum(np.sin(x) * np.exp(-x ** 2)), x)[0]
    want = np.exp(-x * x) * (np.cos(x) - 2.0 * x * np.sin(x))
    np.testing.assert_allclose(got, want, rtol=1e-13, atol=1e-16)


# ---------------------------------------------------------------------------
# A rule that multiplies into its own new array never touches anyone else's


UNARY = {
    "sin": (np.sin, np.cos),
    "tanh": (np.tanh, lambda x: 1.0 - np.tanh(x) ** 2),
    "log": (np.log, lambda x: 1.0 / x),
    "expm1": (np.expm1, np.exp),
    "exp": (np.exp, np.exp),
    "square": (lambda x: x ** 2, lambda x: 2.0 * x),
}


@pytest.mark.parametrize("name", sorted(UNARY))
def test_a_shared_cotangent_and_the_tape_are_not_written(name):
    f, slope = UNARY[name]
    x = rng.uniform(0.5, 2.0, 7)
    xs = x.copy()
    # f(x) + f(x) ... : ``add`` sends the same cotangent object to both uses
    _, pullback = ad.vjp(lambda x: f(x) + 2.0 * f(x) + f(x) * f(x), x)
    g = rng.uniform(-1.0, 1.0, 7)
    gs = g.copy()
    first = pullback(g)[0]
    again = pullback(g)[0]                                   # the tape is unchanged
    want = gs * (3.0 + 2.0 * f(xs)) * slope(xs)
    np.testing.assert_allclose(first, want, rtol=1e-13)
    np.testing.assert_array_equal(again, first)
    np.testing.assert_array_equal(g, gs)
    np.testing.assert_array_equal(x, xs)
    assert not np.shares_memory(first, again)


def test_a_cotangent_passed_twice_to_a_shared_node_is_not_written():
    x = rng.uniform(0.5, 2.0, 5)
    g = rng.uniform(-1.0, 1.0, 5)
    gs = g.copy()
    _, pullback = ad.vjp(lambda x: (np.sin(x), np.sin(x) ** 2), x)
    got = pullback((g, g))[0]
    np.testing.assert_allclose(got, gs * np.cos(x) * (1.0 + 2.0 * np.sin(x)), rtol=1e-14)
    np.testing.assert_array_equal(g, gs)


# ---------------------------------------------------------------------------
# mean divides before broadcasting; 2-D matmul rules are one product each


@pytest.mark.parametrize("axis", [None, 0, 1, (0, 1)])
def test_mean_sends_back_one_over_n(axis):
    x = rng.standard_normal((4, 5))
    n = x.size if axis in (None, (0, 1)) else x.shape[axis]
    g = ad.gradient(lambda x: np.sum(np.mean(x, axis=axis) * 3.0), x)[0]
    np.testing.assert_array_equal(g, np.full(x.shape, 3.0 / n))
    assert g.flags.writeable


def test_the_mean_of_nothing_sends_back_nothing():
    x = np.zeros((0, 3))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        g = ad.gradient(lambda x: np.sum(np.mean(x, axis=0) * 0.0), x)[0]
    assert g.shape == (0, 3)
    # NumPy's own warnings of the forward pass (an empty mean), none from its rule
    assert not [w for w in caught if "divide by zero" in str(w.message)]


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int64])
def test_matmul_rules_of_matrices_are_the_transposed_products(dtype):
    a = rng.integers(-3, 4, (4, 3)).astype(dtype)
    b = rng.integers(-3, 4, (3, 5)).astype(dtype)
    w = rng.standard_normal((4, 5))
    if dtype is np.int64:
        ga, gb = ad.gradient(lambda a, b: np.sum(w * (a @ b)), a, b)
        want_a, want_b = w @ b.T, a.T @ w
        np.testing.assert_allclose(ga, want_a, rtol=1e-14)
        np.testing.assert_allclose(gb, want_b, rtol=1e-14)
        return
    ga, gb = ad.gradient(lambda a, b: np.sum(w * (a @ b)), a, b)
    assert ga.dtype == dtype and gb.dtype == dtype
    tol = 1e-6 if dtype is np.float32 else 1e-14
    np.testing.assert_allclose(ga, (w @ b.T).astype(dtype), rtol=tol)
    np.testing.assert_allclose(gb, (a.T @ w).astype(dtype), rtol=tol)
    fd = finite_difference(lambda a64: np.sum(w * (a64 @ b)), a.astype(np.float64))
    np.testing.assert_allclose(ga, fd, rtol=1e-5, atol=1e-6)


def test_matmul_of_a_complex_matrix_keeps_the_real_part_for_a_real_one():
    a = rng.standard_normal((2, 3))
    b = rng.standard_normal((3, 2)) + 1j * rng.standard_normal((3, 2))
    ga = ad.gradient(lambda a: np.real(np.sum(a @ b)), a)[0]
    assert ga.dtype == np.float64
    np.testing.assert_allclose(ga, np.real(np.ones((2, 2)) @ b.T), rtol=1e-14)


def test_a_rules_new_array_is_handed_back_whole_and_of_its_own():
    x = rng.uniform(-2.0, 2.0, 6)
    xs = x.copy()
    first = ad.gradient(lambda x: np.sum(np.sin(x)), x)[0]
    second = ad.gradient(lambda x: np.sum(np.sin(x)), x)[0]
    np.testing.assert_array_equal(first, np.cos(xs))
    assert first.flags.writeable
    assert not np.shares_memory(first, second) and not np.shares_memory(first, x)
    np.testing.assert_array_equal(x, xs)
    ones = ad.gradient(lambda x: np.sum(x ** 1), x)[0]
    np.testing.assert_array_equal(ones, np.ones(6))
    assert ones.flags.writeable


def test_an_mlp_loss_gradient_is_the_hand_written_adjoint():
    """tanh layer, linear layer, mean squared error: the tape against the adjoint written
    out by hand (the chain rule, layer by layer)."""
    X = rng.standard_normal((6, 5))
    Y = rng.standard_normal((6, 2))
    p = {"W1": rng.standard_normal((5, 4)), "b1": rng.standard_normal(4),
         "W2": rng.standard_normal((4, 2)), "b2": rng.standard_normal(2)}
    kept = {k: v.copy() for k, v in p.items()}

    def loss(p):
        h = np.tanh(X @ p["W1"] + p["b1"])
        return np.mean((h @ p["W2"] + p["b2"] - Y) ** 2)

    got = ad.gradient(loss, p)[0]
    h = np.tanh(X @ p["W1"] + p["b1"])
    g_out = (2.0 / Y.size) * (h @ p["W2"] + p["b2"] - Y)
    g_a = (g_out @ p["W2"].T) * (1.0 - h * h)
    want = {"W1": X.T @ g_a, "b1": g_a.sum(axis=0), "W2": h.T @ g_out, "b2": g_out.sum(axis=0)}
    for k, value in p.items():
        np.testing.assert_allclose(got[k], want[k], rtol=1e-13, atol=1e-15)
        assert got[k].flags.writeable and not np.shares_memory(got[k], value)
        np.testing.assert_array_equal(value, kept[k])
