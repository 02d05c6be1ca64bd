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
