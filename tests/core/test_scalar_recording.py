"""The scalar recording design (fastpaths.py, tracing.Record): fast and general routes give
bit-identical gradients over every scalar row, comparisons note what they looked at
exactly as the general route does, and a trace is read through named records."""

import math
import operator

import numpy as np
import pytest
from autograd import grad as autograd_grad
import autograd.numpy as anp

import adexplorer as ad
from adexplorer.core import fastpaths
from adexplorer.core import rules as R
from adexplorer.core.operator_table import BY_ROW
from adexplorer.core.operators import Operators
from adexplorer.core.primitives import bind
from adexplorer.core.backprop import backprop
from adexplorer.core.reverse import ReverseLevel
from adexplorer.core.tracing import SCALAR, Record

POINTS = [0.3, 1.7, 2.0, 3]
DOMAIN = {"log": lambda x: x > 0, "sqrt": lambda x: x > 0, "log1p": lambda x: x > -1}


def _general(row):
    return lambda *args: bind(row, *args)


@pytest.mark.parametrize("row", fastpaths.UNARY_ROWS, ids=lambda r: r.name)
def test_every_unary_row_gives_the_same_bits_through_gradient_and_its_nesting(row):
    fast = fastpaths.function(row)
    general = _general(row)
    for x in POINTS:
        if not DOMAIN.get(row.name, lambda v: True)(x):
            continue
        # a composed function, so fast records feed fast records
        f_fast = lambda v: fast(v * 0.9 + 0.05) * v
        f_general = lambda v: bind(R.mul, general(bind(R.add, bind(R.mul, v, 0.9), 0.05)), v)
        assert ad.gradient(f_fast, x) == ad.gradient(f_general, x)
        assert ad.value_and_grad(f_fast)(x) == ad.value_and_grad(f_general)(x)
        # second order: the outer level holds Traced values, the inner one takes over
        assert ad.grad(ad.grad(f_fast))(x) == ad.grad(ad.grad(f_general))(x)


BINARY = [(row, a, b) for row in fastpaths.BINARY_ROWS for a in (0.5, 2.0, 3) for b in (1.5, 2, -0.05)]


@pytest.mark.parametrize("row,a,b", BINARY, ids=str)
def test_every_binary_row_gives_the_same_bits_for_every_operand_kind(row, a, b):
    op = getattr(operator, BY_ROW[row].method.strip("_"))
    general = _general(row)
    cases = [(lambda x, y: op(x, y), lambda x, y: general(x, y)),          # traced, traced
             (lambda x, y: op(x, b) * y, lambda x, y: general(x, b) * y),   # traced, constant
             (lambda x, y: op(a, y) * x, lambda x, y: general(a, y) * x)]   # constant, traced
    for fast, slow in cases:
        assert ad.gradient(fast, a, b) == ad.gradient(slow, a, b)
        assert ad.jvp(fast, (a, b), (0.3, -1.1)) == ad.jvp(slow, (a, b), (0.3, -1.1))


def test_the_fast_records_are_marked_and_backprop_reads_them_by_name():
    level = ReverseLevel()
    x = level.input(2.0, "x")
    y = ad.sin(x) * 3.0
    z = bind(R.mul, y, 2.0)                     # the general route: a dict of params
    records = list(level.trace.records())
    assert all(type(r) is Record for r in records)
    assert records[0].is_input and not records[0].is_scalar
    assert [r.is_scalar for r in records[1:]] == [True, True, False]
    assert records[1].params is SCALAR and records[3].params == {}
    assert level.trace.row(2) == records[2]
    assert level.trace.row(2).prim is R.mul and level.trace.row(2).args == (math.sin(2.0), 3.0)
    assert level.trace.parents(3) == ((0, y._index),)
    grads = backprop(level.trace, {z._index: 1.0})
    assert grads[x._index] == 6.0 * math.cos(2.0)


def _fan_out_trace(route):
    """x*y + sin(x*y)*x - y on one level: ``route`` "fast" (operators and ad.* on traced
    numbers, SCALAR records) or "general" (every operation bound as a row)."""
    level = ReverseLevel()
    x, y = level.input(0.7, "x"), level.input(-1.3, "y")
    if route == "fast":
        xy = x * y
        out = xy + ad.sin(xy) * x - y
    else:
        xy = bind(R.mul, x, y)
        out = bind(R.sub, bind(R.add, xy, bind(R.mul, bind(R.sin, xy), x)), y)
    return level.trace, out._index, (x._index, y._index)


def test_releasing_adjoints_drops_fast_and_general_records_alike():
    """backprop(release=True): the inputs' adjoints are the ones a full sweep gives, bit
    for bit, and every intermediate adjoint is dropped once sent on, by either route."""
    swept = {}
    for route in ("fast", "general"):
        trace, out, inputs = _fan_out_trace(route)
        scalar = [r.is_scalar for r in trace.records() if not r.is_input]
        assert all(scalar) if route == "fast" else not any(scalar)
        steps = {True: [], False: []}
        for release in (False, True):
            grads = backprop(trace, {out: 1.0},
                             lambda *step, log=steps[release]: log.append(step), release)
            swept[route, release] = grads
        assert steps[True] == steps[False]           # the same contributions, in order
        full, released = swept[route, False], swept[route, True]
        assert [released[i] for i in inputs] == [full[i] for i in inputs]
        assert all(g is not None for g in full)
        assert [i for i, g in enumerate(released) if g is not None] == list(inputs)
    assert swept["fast", True] == swept["general", True]
    assert swept["fast", False] == swept["general", False]


STEP_CASES = [(row, "x", "x") for row in fastpaths.BINARY_ROWS] + \
    [(row, "x", c) for row in fastpaths.BINARY_ROWS for c in (2.0, 3, 0.0)] + \
    [(row, c, "x") for row in fastpaths.BINARY_ROWS for c in (2.0, 3, 0.0)] + \
    [(row, "x", None) for row in fastpaths.UNARY_ROWS]


@pytest.mark.parametrize("row,first,second", STEP_CASES, ids=str)
@pytest.mark.parametrize("x", [0.0, 0.5, -1.25, 2])
def test_a_fast_record_swept_whole_equals_it_swept_argument_by_argument(row, first, second,
                                                                         x):
    """backprop runs a fast record's compiled whole step when no one watches, and its
    rules one argument at a time when on_step watches (the views' sweep). Both give the
    same adjoints bit for bit, for x op x (one parent twice), x op c, c op x, at domain
    boundaries (log at 0, 1/0: the general rules' inf) and with an int cotangent."""
    op = None if second is None else getattr(operator, BY_ROW[row].method.strip("_"))
    for seed in (1.0, 3):
        swept = []
        for watch in (None, lambda *step: None):
            level = ReverseLevel()
            t = level.input(x, "x")
            other = level.input(1.5, "w")     # already holds an adjoint: accumulation

            def arg(v, t=t):
                return t if v == "x" else v
            with np.errstate(all="ignore"):
                try:
                    y = fastpaths.function(row)(t) if op is None else op(arg(first),
                                                                          arg(second))
                except (ZeroDivisionError, ValueError, OverflowError):
                    return                     # no value here, so nothing to sweep
                if not isinstance(y, ad.core.reverse.Traced) or type(y.primal) is complex:
                    return
                assert level.trace.row(y._index).is_scalar
                grads = backprop(level.trace, {y._index: seed, other._index: 0.25}, watch)
            swept.append(grads)
        fast, watched = swept
        assert repr(fast) == repr(watched)      # repr: nan == nan, and -0.0 is not 0.0


def test_releasing_drops_a_unary_record_whose_parent_is_node_zero():
    """A unary fast record names its parent by index alone; node 0 is a parent like any
    other (an index of 0 is no missing parent)."""
    level = ReverseLevel()
    x = level.input(0.5, "x")
    assert x._index == 0
    y = ad.sin(x)
    z = ad.exp(y) * 2.0
    grads = backprop(level.trace, {z._index: 1.0}, release=True)
    assert [i for i, g in enumerate(grads) if g is not None] == [0]
    assert grads[0] == 2.0 * math.exp(math.sin(0.5)) * math.cos(0.5)


def test_a_fast_record_lists_its_parents_by_argument_position():
    level = ReverseLevel()
    x = level.input(2.0, "x")
    right, left, both = x * 3.0, 3.0 * x, x * x
    assert level.trace.parents(right._index) == ((0, x._index),)
    assert level.trace.parents(left._index) == ((1, x._index),)
    assert level.trace.parents(both._index) == ((0, x._index), (1, x._index))
    assert level.trace.row(left._index).parents == ((1, x._index),)
    assert [r.parents for r in level.trace.records()][1:] == [
        ((0, 0),), ((1, 0),), ((0, 0), (1, 0))]
    unary = ad.cos(x)
    assert level.trace.parents(unary._index) == ((0, x._index),)


def test_a_gradient_through_every_scalar_row_agrees_with_autograd():
    def f(x, y, np_):
        s = np_.sin(x) * np_.cos(y) + np_.tanh(x * y) - np_.exp(-x) / (1.0 + y ** 2)
        return s + np_.log(x + 2.0) * np_.sqrt(y + 3.0) + abs(x - y) ** 1.5
    ours = ad.gradient(lambda x, y: f(x, y, ad), 0.7, -0.4)
    theirs = tuple(autograd_grad(lambda x, y: f(x, y, anp), i)(0.7, -0.4) for i in (0, 1))
    assert ours == pytest.approx(theirs, rel=1e-13)


COMPARISONS = [(row, a, b) for row in fastpaths.COMPARISON_ROWS for a, b in
               [(1, 0), (0, 0), (2.5, 3), (3.0, 3)]]


REFLECTED = {"__lt__": "__gt__", "__le__": "__ge__", "__gt__": "__lt__", "__ge__": "__le__",
             "__eq__": "__eq__", "__ne__": "__ne__"}


@pytest.mark.parametrize("row,a,b", COMPARISONS, ids=str)
def test_comparisons_note_what_they_looked_at_as_the_general_route_does(row, a, b):
    method = BY_ROW[row].method
    python = getattr(operator, method.strip("_"))
    general = Operators.__dict__          # the methods every AD value had before fast paths
    noted = []
    for use_fast in (True, False):
        level = ReverseLevel()
        x, y = level.input(a, "x"), level.input(b, "y")
        if use_fast:
            # ``b < x`` reaches ``x.__gt__(b)``: Python reflects comparisons itself
            answers = [python(x, b), python(x, y), python(b, x)]
        else:
            answers = [general[method](x, b), general[method](x, y),
                       general[REFLECTED[method]](x, b)]
        assert all(type(v) is bool for v in answers)
        noted.append((answers, level.trace.nondiff_uses, len(level.trace)))
    assert noted[0] == noted[1]
    assert noted[0][0] == [python(a, b), python(a, b), python(b, a)]


def test_a_finished_traced_value_compares_as_its_value_and_records_nothing():
    escaped = []
    ad.gradient(lambda x: escaped.append(x) or x * 2, 3.0)
    trace = escaped[0]._level.trace
    before = (len(trace), list(trace.nondiff_uses))
    assert (escaped[0] > 2) is True and (escaped[0] * 2.0 == 6.0)
    assert (len(trace), trace.nondiff_uses) == before


def test_the_loop_counter_is_still_explained_after_the_fast_comparison():
    def pow_loop(x, n):
        r = 1
        while n > 0:
            n -= 1
            r *= x
        return r
    assert ad.gradient(pow_loop, 2.0, 5) == (80.0, None)
    assert ad.grad(pow_loop)(2.0, 5) == 80.0
    trace = ad.trace(pow_loop, 2.0, 3)
    assert trace.nondiff_uses[0] == ("gt", 1)             # n is node 1
    assert len(trace.nondiff_uses) == 4                   # n > 0 four times
    assert "n is compared (>)" in ad.explain_gradient(pow_loop, 2, 5)["n"].reason


def test_comparisons_with_arrays_and_nested_levels_take_the_general_route():
    # an outer Traced inside an inner level's value: both levels see the comparison
    def f(x):
        inner = ad.grad(lambda y: y * x if y > x else y)(x + 1.0)
        return inner * x
    assert ad.gradient(f, 2.0) == (4.0,)
    level = ReverseLevel()
    v = level.input(np.array([1.0, 3.0]), "v")
    assert list(v > 2.0) == [False, True]
    assert level.trace.nondiff_uses == [("gt", 0)]
