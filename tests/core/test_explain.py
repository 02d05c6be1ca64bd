""""Why is this None?": explain_gradient gives the same gradients as ad.gradient and, for
each None, one of three reasons."""

import numpy as np
import pytest

import adexplorer as ad
from adexplorer.core import rules_elementwise
from adexplorer.core.explain import CONTROL, GOT, NOT_DIFFERENTIABLE, UNREACHED

from .test_oracle import ZOO


def pow_loop(x, n):
    r = 1
    while n > 0:
        n -= 1
        r *= x
    return r


def test_pow_exponent_is_only_control_flow():
    report = ad.explain_gradient(pow_loop, 2, 5)
    assert report.gradients == ad.gradient(pow_loop, 2, 5) == (80, None)
    assert report["x"].status == GOT and report["x"].gradient == 80
    assert report["n"].status == CONTROL
    assert "n is compared (>)" in report["n"].reason
    assert str(report).splitlines()[0] == "x: gradient 80"
    assert str(report).splitlines()[1].startswith("n: None (only used in comparisons or control flow)")


def test_comparison_on_an_intermediate_value_is_traced_back_to_the_input():
    def f(x, y):
        z = y * 2
        return x * 3 if z > 1 else x
    report = ad.explain_gradient(f, 1.0, 2.0)
    assert report["y"].status == CONTROL
    assert "v1 is compared (>)" in report["y"].reason      # v1 = y * 2 (an input is y)


def test_unused_and_discarded_arguments_never_reach_the_output():
    def f(x, unused, discarded):
        _ = discarded * 2.0
        return ad.sin(x)
    report = ad.explain_gradient(f, 0.1, 5.0, 3.0)
    assert report["unused"].status == UNREACHED
    assert "does not use it" in report["unused"].reason
    assert report["discarded"].status == UNREACHED
    assert "y1 = discarded * 2.0" in report["discarded"].reason


def test_strings_bools_and_none_are_not_differentiable_types():
    def f(x, name, flag, nothing):
        return x * 2 if flag else x
    report = ad.explain_gradient(f, 1.5, "label", True, None)
    assert [r.status for r in report] == [GOT, NOT_DIFFERENTIABLE, NOT_DIFFERENTIABLE,
                                          NOT_DIFFERENTIABLE]
    assert "a str has no derivative" in report["name"].reason
    assert "a bool" in report["flag"].reason
    assert report.gradients == ad.gradient(f, 1.5, "label", True, None)


def test_range_and_if_are_control_flow():
    def f(x, k, flag):
        s = 0.0
        for _ in range(k):                  # range() reads k as an integer
            s = s + x
        return s if flag else -s            # a number used as a condition
    report = ad.explain_gradient(f, 1.0, 3, 2.5)
    assert report["k"].status == CONTROL
    assert "k is used as an integer" in report["k"].reason
    assert report["flag"].status == CONTROL
    assert "flag is used as a condition" in report["flag"].reason
    assert report["x"].gradient == 3.0


def test_an_integer_index_steers_but_has_no_gradient():
    report = ad.explain_gradient(lambda v, i: v[i] * 2.0, np.arange(3.0), 1)
    np.testing.assert_array_equal(report["v"].gradient, [0.0, 2.0, 0.0])
    assert report["i"].status == CONTROL


def test_containers_explain_each_leaf():
    report = ad.explain_gradient(lambda p: p["w"] * 2 + (1.0 if p["b"] > 0 else 0.0),
                                 {"w": 1.0, "b": 2.0, "tag": "x"})
    assert report["p"].status == GOT
    assert report["p"].gradient == {"w": 2.0, "b": None, "tag": None}
    leaves = {leaf.name: leaf.status for leaf in report["p"].leaves}
    assert leaves == {"p['w']": GOT, "p['b']": CONTROL, "p['tag']": NOT_DIFFERENTIABLE}
    assert "2 of its 3 parts got none" == report["p"].reason


def test_unknown_argument_name_is_an_error_that_lists_the_names():
    report = ad.explain_gradient(lambda x: x, 1.0)
    with pytest.raises(KeyError, match="arguments: x"):
        report["y"]


@pytest.mark.parametrize("name", ["5 sin(log x)", "three arguments", "MLP loss", "where",
                                  "while-loop pow", "gaussian log-likelihood"])
def test_gradients_agree_with_ad_gradient_on_the_zoo(name):
    case = ZOO[name]
    report = ad.explain_gradient(case.ours, *case.args)
    for got, expected in zip(report.gradients, ad.gradient(case.ours, *case.args)):
        np.testing.assert_allclose(got, expected, rtol=1e-13)
    assert all(r.status == GOT for r in report)


def test_gradients_are_exactly_what_gradient_returns():
    # ints stay ints (the slide's (80, nothing)), floats stay floats
    def pow(x, n):
        r = 1
        while n > 0:
            n -= 1
            r *= x
        return r
    for f, args in ((pow, (2, 5)), (lambda x: x * x, (3,)), (lambda x: x * x, (3.0,))):
        got = ad.explain_gradient(f, *args).gradients
        assert got == ad.gradient(f, *args)
        assert [type(g) for g in got] == [type(g) for g in ad.gradient(f, *args)]


# -- every non-differentiable row reads as words, never as a template ------------------

def _max_mask(x, y):                    # the vjp of max uses extreme_mask on y
    return x * np.sum(ad.grad(lambda v: np.max(v))(y))


def _min_mask(x, y):
    return x * np.sum(ad.grad(lambda v: np.min(v))(y))


NONDIFF_PROGRAMS = {
    "sign": (lambda x, y: x * np.sign(y), 2.0, -3.0),
    "floordiv": (lambda x, y: x * (y // 2.0), 2.0, 5.0),
    "lt": (lambda x, y: x * 3 if y < 1 else x, 2.0, 0.5),
    "le": (lambda x, y: x * 3 if y <= 1 else x, 2.0, 0.5),
    "gt": (lambda x, y: x * 3 if y > 1 else x, 2.0, 0.5),
    "ge": (lambda x, y: x * 3 if y >= 1 else x, 2.0, 0.5),
    "eq": (lambda x, y: x * 3 if y == 1 else x, 2.0, 0.5),
    "ne": (lambda x, y: x * 3 if y != 1 else x, 2.0, 0.5),
    "extreme_mask (max)": (_max_mask, 2.0, np.array([1.0, 3.0, 2.0])),
    "extreme_mask (min)": (_min_mask, 2.0, np.array([1.0, 3.0, 2.0])),
    # the masks inside fmax's and nan_to_num's rules, used directly
    "isnan": (lambda x, y: x * (1 + rules_elementwise.isnan(y)), 2.0, 3.0),
    "isfinite": (lambda x, y: x * (1 + rules_elementwise.isfinite(y)), 2.0, 3.0),
}


@pytest.mark.parametrize("row", list(NONDIFF_PROGRAMS))
def test_a_non_differentiable_row_is_named_without_placeholders(row):
    from adexplorer.core.primitives import PRIMITIVES
    f, x, y = NONDIFF_PROGRAMS[row]
    report = ad.explain_gradient(f, x, y)
    assert report["y"].status == CONTROL
    text = str(report)
    assert "{" not in text and "}" not in text, text
    symbol = PRIMITIVES[row.split()[0]].symbol
    assert f"({symbol})" in report["y"].reason
    assert "{" not in symbol and "}" not in symbol


def test_the_programs_above_cover_every_non_differentiable_row():
    from adexplorer.core.primitives import PRIMITIVES
    nondiff = {name for name, prim in PRIMITIVES.items() if prim.nondiff and not prim.user}
    seen = set()
    for f, x, y in NONDIFF_PROGRAMS.values():
        seen |= {use[0] for use in ad.trace(f, x, y).nondiff_uses}
    assert nondiff <= seen, f"add a program for {sorted(nondiff - seen)}"


def test_two_values_compared_together_take_a_plural_verb():
    report = ad.explain_gradient(lambda x, a, b: x * 2 if a < b else x, 1.0, 1.0, 2.0)
    assert "a and b are compared (<)" in report["a"].reason
