"""The backward sweep is a loop, not recursion: a million-operation trace is fine."""

import sys

import pytest

import adexplorer as ad

N = 10 ** 6
C = 1.0000001


def long_chain(x):
    for _ in range(N):
        x = x * C
    return x


def test_gradient_of_a_million_op_scalar_trace():
    limit = sys.getrecursionlimit()
    value, pullback = ad.vjp(long_chain, 2.0)
    assert len(pullback.trace) == N + 1                  # the input and N products
    (g,) = pullback(1.0)
    # f(x) = x C**N, f'(x) = C**N = exp(N log C); rounding over 10**6 products stays tiny
    assert g == pytest.approx(C ** N, rel=1e-9)
    assert value == pytest.approx(2.0 * C ** N, rel=1e-9)
    assert sys.getrecursionlimit() == limit              # nobody raised the limit for us


def test_forward_mode_on_the_same_chain():
    assert ad.derivative(long_chain, 2.0) == pytest.approx(C ** N, rel=1e-9)
