"""What ``source_grad`` differentiates: callees with default and keyword arguments,
decorated functions, bound methods, and globals read when the gradient is called (as
the source reads them), not when it was generated."""

import functools

import pytest

import adexplorer as ad
from adexplorer.s2s import UnsupportedSyntax

from .test_zoo import assert_same_gradient


def h_default(x, k=2.0):
    return x ** k


def calls_default(x):                   # x^2 + x^3
    return h_default(x) + h_default(x, 3.0)


def h_none(x, scale=None):
    if scale is None:
        return x * x
    return x * scale


def calls_none_default(x):              # x^2 + 3 x
    return h_none(x) + h_none(x, 3.0)


def h_three(x, a=1.0, b=2.0):
    return a * x + b * x * x


def calls_with_keywords(x):             # (x + 5 x^2) + (4 x + 2 x^2)
    return h_three(x, b=5.0) + h_three(x, a=4.0)


@pytest.mark.parametrize("f, x, want", [
    (calls_default, 1.3, 2 * 1.3 + 3 * 1.3 ** 2),
    (calls_none_default, 1.3, 2 * 1.3 + 3),
    (calls_with_keywords, 1.3, 1 + 10 * 1.3 + 4 + 4 * 1.3),
], ids=["k=2.0", "scale=None", "keywords"])
def test_callees_with_default_and_keyword_arguments(f, x, want):
    got = ad.source_grad(f)(x)
    assert got == (pytest.approx(want, rel=1e-12),)
    assert_same_gradient(got, ad.gradient(f, x))
    assert "forward_h_" in ad.source_grad(f).source          # lowered, not the tape


def too_many(x):
    return h_default(x, 2.0, 3.0)


def test_a_call_with_too_many_arguments_names_the_callee():
    with pytest.raises(UnsupportedSyntax, match="calling h_default with 3 arguments"):
        ad.source_grad(too_many)


def scale2(fn):
    @functools.wraps(fn)
    def wrapper(*a):
        return 2 * fn(*a)
    return wrapper


@scale2
def decorated(x):                       # what runs is 2 x^2
    return x * x


def calls_decorated(x):
    return decorated(x) + x


def register(fn):                       # a decorator that returns the function itself
    return fn


@register
def registered(x):
    return x * x * 3.0


def test_a_decorated_function_is_refused_with_a_clear_message():
    with pytest.raises(UnsupportedSyntax, match="wrapped by a decorator") as info:
        ad.source_grad(decorated)
    assert "decorated.__wrapped__" in str(info.value) and "@scale2" in str(info.value)
    assert ad.source_grad(decorated.__wrapped__)(3.0) == (6.0,)


def test_a_decorated_callee_runs_as_decorated_on_the_tape():
    g = ad.source_grad(calls_decorated)
    assert "tape(decorated, x)" in g.source
    assert g(3.0) == (13.0,) == ad.gradient(calls_decorated, 3.0)     # 4 x + 1


def test_a_decorator_that_returns_the_function_is_fine():
    assert ad.source_grad(registered)(2.0) == (12.0,) == ad.gradient(registered, 2.0)


class Model:
    def sq(self, x):
        return x * x

    def scaled(self, x, k):
        return k * x * x


def test_a_bound_method_passes_self_along():
    m = Model()
    assert ad.source_grad(m.sq)(2.0) == (4.0,) == ad.gradient(m.sq, 2.0)
    assert_same_gradient(ad.source_grad(m.scaled)(2.0, 3.0), ad.gradient(m.scaled, 2.0, 3.0))


def test_the_wrong_number_of_arguments_names_the_users_function():
    with pytest.raises(TypeError, match=r"calls_default\(\) takes 1 arguments \(x\); 2"):
        ad.source_grad(calls_default)(1.0, 2.0)


# -- globals are read live ------------------------------------------------------------

K = 2.0


def g_k(x):
    return K * x


def helper(x):
    return 3.0 * x


def calls_helper(x):
    return helper(x) * x


def test_a_changed_global_is_read_when_the_gradient_is_called():
    global K
    g = ad.source_grad(g_k)
    assert g(1.0) == (2.0,)
    K = 5.0
    try:
        assert g(1.0) == (5.0,) == ad.gradient(g_k, 1.0)
        assert "K * x" in g.source
    finally:
        K = 2.0
    assert g(1.0) == (2.0,)


def test_a_helper_defined_again_is_used():
    global helper
    g = ad.source_grad(calls_helper)
    assert g(1.0) == (6.0,)
    old = helper

    def helper(x):                                    # noqa: F811
        return 5.5 * x
    try:
        assert g(1.0) == (11.0,) == ad.gradient(calls_helper, 1.0)
    finally:
        helper = old


def make_scaled(k):
    def scaled(x):
        return k * x

    def set_k(value):
        nonlocal k
        k = value
    return scaled, set_k


def test_a_closure_variable_is_read_when_the_gradient_is_called():
    scaled, set_k = make_scaled(2.0)
    g = ad.source_grad(scaled)
    assert g(1.0) == (2.0,)
    set_k(5.0)
    assert g(1.0) == (5.0,) == ad.gradient(scaled, 1.0)
