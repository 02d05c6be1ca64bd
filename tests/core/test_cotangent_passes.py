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
