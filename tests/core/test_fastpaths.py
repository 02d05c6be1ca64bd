"""The scalar fast paths (fastpaths.py) must give exactly what the general route gives."""

import math

import pytest

import adexplorer as ad
from adexplorer.core import fastpaths
from adexplorer.core.forward import Dual, ForwardLevel
from adexplorer.core.operator_table import BY_ROW
from adexplorer.core.primitives import bind
from adexplorer.core.backprop import backprop
from adexplorer.core.reverse import ReverseLevel
from adexplorer.core.tracing import SCALAR

POINTS = [0.3, 1.7, 2.0, 3]   # floats and an int

DOMAIN = {"log": lambda x: x > 0, "sqrt": lambda x: x > 0, "log1p": lambda x: x > -1}


def _unary_cases():
    for row in fastpaths.UNARY_ROWS:
        for x in POINTS:
            if DOMAIN.get(row.name, lambda x: True)(x):
                yield row, x


@pytest.mark.parametrize("row,x", list(_unary_cases()), ids=str)
def test_unary_forward_matches_general_route(row, x):
    level = ForwardLevel()
    fast = fastpaths.function(row)(Dual(x, 0.7, level))
    slow = bind(row, Dual(x, 0.7, level))
    assert (fast.primal, fast.tangent) == (slow.primal, slow.tangent)


@pytest.mark.parametrize("row,x", list(_unary_cases()), ids=str)
def test_unary_reverse_matches_general_route(row, x):
    results = []
    for apply in (fastpaths.function(row), lambda v: bind(row, v)):
        level = ReverseLevel()
        xin = level.input(x, "x")
        out = apply(xin)
        results.append(backprop(level.trace, {out._index: 1.3})[xin._index])
    assert results[0] == results[1]
    # the fast route really was taken the first time: its record carries the fast marker
    level = ReverseLevel()
    fastpaths.function(row)(level.input(x, "x"))
    assert level.trace._records[-1][2] is SCALAR


BINARY = [(row, a, b) for row in fastpaths.BINARY_ROWS for a in (0.5, 2.0, 3) for b in (1.5, 2)]


@pytest.mark.parametrize("row,a,b", BINARY, ids=str)
def test_binary_forward_matches_general_route(row, a, b):
    method, reflected = BY_ROW[row].method, BY_ROW[row].reflected
    level = ForwardLevel()
    da, db = Dual(a, 0.3, level), Dual(b, -1.1, level)
    cases = [(getattr(da, method)(b), (da, b)), (getattr(db, reflected)(a), (a, db)),
             (getattr(da, method)(db), (da, db))]
    for fast, args in cases:
        slow = bind(row, *args)
        assert (fast.primal, fast.tangent) == (slow.primal, slow.tangent)


@pytest.mark.parametrize("row,a,b", BINARY, ids=str)
def test_binary_reverse_matches_general_route(row, a, b):
    method = BY_ROW[row].method
    results = []
    for use_fast in (True, False):
        level = ReverseLevel()
        x, y = level.input(a, "a"), level.input(b, "b")
        out = getattr(x, method)(y) if use_fast else bind(row, x, y)
        grads = backprop(level.trace, {out._index: 1.0})
        results.append((grads[x._index], grads[y._index]))
    assert results[0] == results[1]


def test_nested_levels_take_the_general_route():
    # D(D(f)): the inner dual holds a dual, so the fast path must step aside.
    f = lambda x: ad.sin(x) * x
    d2 = ad.D(ad.D(f))(1.2)
    expected = 2 * math.cos(1.2) - 1.2 * math.sin(1.2)
    assert d2 == pytest.approx(expected, rel=1e-14)


@pytest.mark.parametrize("a, b", [(-1.5, 0.5), (-1.5, -1.5), (-2.0, 1 / 3), (2.0, 0.5)])
def test_a_power_seeded_directly_agrees_with_the_general_route(a, b):
    """A real base to a real power can be complex ((-1.5) ** 0.5): swept back from that
    node with a real seed, the fast route gives what the general route gives, bit for bit
    (a real input keeps only the real part of a complex cotangent)."""
    def sweep(apply):
        level = ReverseLevel()
        x, y = level.input(a, "x"), level.input(b, "y")
        out = apply(x, y)
        grads = backprop(level.trace, {out._index: 1.0})
        return [grads[x._index], grads[y._index]]
    fast = sweep(lambda x, y: x ** y)
    general = sweep(lambda x, y: bind(ad.core.rules.power, x, y))
    assert [repr(v) for v in fast] == [repr(v) for v in general]
    fast = sweep(lambda x, y: a ** y)           # the reflected template: a plain base
    general = sweep(lambda x, y: bind(ad.core.rules.power, a, y))
    assert [repr(v) for v in fast] == [repr(v) for v in general]
