"""A ``while`` condition computed by calls and indexing (``abs``, ``ad.sin``, ``np.sum``,
``c[i]``): the generated loop tests the same expression, written in one line."""

import numpy as np
import pytest

import adexplorer as ad

from .test_zoo import assert_same_gradient


def newton_sqrt_tol(a):                    # the textbook Newton loop, with a tolerance
    x = a
    while abs(x * x - a) > 1e-12 * a:
        x = (x + a / x) / 2
    return x


def sin_condition(x):
    while ad.sin(x * 2) > 0:
        x = x + 0.3
    return x * x


def sum_condition(x):
    while np.sum(x * x) > 1.0:
        x = x * 0.5
    return x


def indexed_condition(x, c):
    i = 0
    while c[i] * x > 0.5:
        i += 1
        x = x * 0.9
    return x


def abs_condition(x):
    while abs(x - 2.0) > 0.1:
        x = x + 0.25
    return x * x


def test_newton_with_a_tolerance_is_one_over_two_sqrt_a():
    g = ad.source_grad(newton_sqrt_tol)
    assert "while abs(x * x - a) > 1e-12 * a:" in g.source
    (da,) = g(2.0)
    assert da == pytest.approx(0.5 / np.sqrt(2.0), rel=1e-12)          # d sqrt(a) / da
    assert_same_gradient(g(2.0), ad.gradient(newton_sqrt_tol, 2.0))


@pytest.mark.parametrize("f, args, header", [
    (sin_condition, (0.1,), " * 2) > 0:"),
    (sum_condition, (3.0,), "while sum(x * x) > 1.0:"),
    (indexed_condition, (1.0, (0.9, 0.8, 0.7, 0.6, 0.1)), "while c[i] * x > 0.5:"),
    (indexed_condition, (1.0, np.array([0.9, 0.8, 0.7, 0.6, 0.1])), "while c[i] * x > 0.5:"),
    (abs_condition, (0.3,), " - 2.0) > 0.1:"),
], ids=["sin", "np.sum", "tuple index", "array index", "abs"])
def test_calls_and_indexing_in_a_while_condition(f, args, header):
    g = ad.source_grad(f)
    assert header in g.source or header in g.array_source         # one line, no NameError
    assert_same_gradient(g(*args), ad.gradient(f, *args))
