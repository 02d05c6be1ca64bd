"""The guards of the power rule (exponent 0, base 0) are rows of the table: they print
like any row, the fast paths compile them, and s2s binds them by name like any row."""

import math
import warnings

import numpy as np
import pytest

import adexplorer as ad
from adexplorer.core import fastpaths
from adexplorer.core import rules as R
from adexplorer.core.forward import Dual, ForwardLevel
from adexplorer.core.primitives import PRIMITIVES, bind
from adexplorer.core.backprop import backprop
from adexplorer.core.reverse import ReverseLevel
from adexplorer.core.symbolic import partial_text, vjp_text

GUARDS = ("power_factor", "log_nonzero")          # the power rule's, compiled in fast paths


@pytest.mark.parametrize("name", GUARDS + ("sinc_slope",))
def test_the_guards_are_differentiable_rows_of_the_table(name):
    row = PRIMITIVES[name]
    assert not row.nondiff and row.user is False
    assert row.format(["x", "y"][:len(row.vjp)]) == f"{name}({', '.join('xy'[:len(row.vjp)])})"


def test_the_guards_compute_the_boundary_values():
    assert R.power_factor(0.0, 0.0) == 0.0          # not 0 * 0.0 ** -1
    assert R.power_factor(2.0, 3.0) == 12.0
    assert R.log_nonzero(0.0) == 0.0 and type(R.log_nonzero(0.0)) is float
    assert R.log_nonzero(2.0) == math.log(2.0)
    assert list(R.log_nonzero(np.array([0.0, math.e]))) == [0.0, 1.0]
    assert list(R.power_factor(np.array([0.0, 2.0]), np.array([0.0, 3.0]))) == [0.0, 12.0]


def test_the_power_rule_prints_its_guards_as_rows():
    assert str(partial_text(R.power, 0, ["x", "y"])) == "power_factor(x, y)"
    assert str(vjp_text(R.power, 1, "g", ["x", "y"])) == "g * ans * log_nonzero(x)"
    # a constant exponent decides the guard when the text is written
    assert str(partial_text(R.power, 0, ["x", 3])) == "3 * x ** 2"
    assert str(partial_text(R.power, 0, ["x", 2.0])) == "2 * x"
    listing = str(ad.trace(lambda x, y: x ** y, 2.0, 3.0).tangent_wengert())
    assert listing.endswith("dv1 = power_factor(x, y)")


def test_the_fast_paths_compile_the_guards_and_restate_no_domain():
    assert not hasattr(fastpaths, "GUARDS")
    # formulas run on plain primals, so they call the guard row's implementation
    for name in GUARDS:
        assert fastpaths._namespace[name] is PRIMITIVES[name].impl
    assert fastpaths._formula(R.power, 0, ("a", "b")) == "(t * power_factor(a, b))"
    assert fastpaths._formula(R.power, 1, ("a", "b")) == "(t * ans * log_nonzero(a))"
    assert R.power.scalar_vjp[0].__code__.co_filename == "<adexplorer fast paths>"


@pytest.mark.parametrize("a, b", [(0.0, 0.0), (0.0, 2.0), (0, 0), (2.0, 0.0), (-2.0, 3),
                                  (-2.0, 0.5), (0.0, 0.5), (1.5, -1.0)])
def test_pow_fast_path_matches_the_general_route_at_the_boundaries(a, b):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        level = ForwardLevel()
        da, db = Dual(a, 0.3, level), Dual(b, -1.1, level)
        for fast, args in [(da ** b, (da, b)), (a ** db, (a, db)), (da ** db, (da, db))]:
            slow = bind(R.power, *args)
            assert repr((fast.primal, fast.tangent)) == repr((slow.primal, slow.tangent))


@pytest.mark.parametrize("a, b", [(0.0, 0.0), (0.0, 2.0), (0, 0), (2.0, 0.0), (-2.0, 3),
                                  (0.0, 0.5), (1.5, -1.0)])
def test_pow_reverse_fast_path_matches_the_general_route_at_the_boundaries(a, b):
    results = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for use_fast in (True, False):
            level = ReverseLevel()
            x, y = level.input(a, "a"), level.input(b, "b")
            out = x ** y if use_fast else bind(R.power, x, y)
            grads = backprop(level.trace, {out._index: 1.0})
            results.append(repr((grads[x._index], grads[y._index])))
    assert results[0] == results[1]


def pow_xy(x, y):
    return x ** y


def square_root(x):
    return x ** 0.5


def test_s2s_binds_the_guard_rows_by_name():
    g = ad.source_grad(pow_xy)
    namespace = g._compiled["scalar"].__globals__
    assert "power_factor(x, y)" in g.source and "log_nonzero(x)" in g.source
    assert namespace["power_factor"] is R.power_factor
    assert namespace["log_nonzero"] is R.log_nonzero


@pytest.mark.parametrize("f, args", [(pow_xy, (0.0, 2.0)), (pow_xy, (0.0, 0.0)),
                                     (pow_xy, (2.0, 0.0)), (square_root, (4.0,)),
                                     (square_root, (np.float64(0.0),))])
def test_s2s_at_the_boundary_matches_the_tape(f, args):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        got, want = ad.source_grad(f)(*args), ad.gradient(f, *args)
    assert repr(got) == repr(want)


def sinc_loop(x):
    s = 0.0
    for i in range(3):                 # i = 0: sinc at exactly 0, where its slope is 0
        s = s + np.sinc(x * i)
    return s


def test_sincs_slope_is_a_row_that_s2s_binds():
    g = ad.source_grad(sinc_loop)
    assert "sinc_slope(" in g.source
    assert g._compiled["scalar"].__globals__["sinc_slope"] is PRIMITIVES["sinc_slope"]
    assert repr(g(0.77)) == repr(ad.gradient(sinc_loop, 0.77))
    assert str(ad.trace(lambda x: ad.sinc(x), 0.3).tangent_wengert()) == \
        "dy1 = sinc_slope(x, y1)"
    assert ad.D(ad.D(ad.sinc))(0.0) == pytest.approx(-math.pi ** 2 / 3, rel=1e-15)


def sin_only(x):
    return ad.sin(x)


def test_a_rule_that_calls_a_guard_row_needs_nothing_in_s2s(monkeypatch):
    # s2s keeps no list of guards: any rule calling a guard row gets a call of it
    monkeypatch.setattr(R.sin, "vjp", (lambda g, ans, x: g * R.power_factor(R.cos(x), 2.0),))
    g = ad.source_grad(sin_only)
    assert "power_factor(cos(x), 2.0)" in g.source        # d(c ** 2)/dc = 2 c
    assert g(0.3) == (2 * math.cos(0.3),)
