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


# -- partials, lambdas, callable objects, keyword arguments ----------------------------
import math                                       # noqa: E402

import numpy as np                                # noqa: E402

from adexplorer.s2s import SourceUnavailable      # noqa: E402


def weighted(x, y, w=1.0):                        # w x^2 y
    return w * x * x * y


def test_a_partial_holds_its_arguments_constant():
    by_keyword = functools.partial(weighted, y=2.0)           # d/dx = 2 w x y = 6 at 1.5
    assert ad.source_grad(by_keyword)(1.5) == (pytest.approx(6.0, rel=1e-15),)
    assert_same_gradient(ad.source_grad(by_keyword)(1.5), ad.gradient(by_keyword, 1.5))
    by_position = functools.partial(weighted, 1.5)            # d/dy = w x^2 = 2.25
    assert ad.source_grad(by_position)(2.0) == (2.25,)
    assert_same_gradient(ad.source_grad(by_position)(2.0), ad.gradient(by_position, 2.0))
    both = functools.partial(weighted, w=3.0)                  # (2 w x y, w x^2)
    assert ad.source_grad(both)(1.5, 2.0) == (18.0, 6.75)
    assert "partial(weighted, w=3.0)" in repr(ad.source_grad(both))


def test_a_partial_of_a_partial_and_a_keyword_given_again():
    inner = functools.partial(weighted, w=3.0)
    outer = functools.partial(inner, y=2.0)
    assert ad.source_grad(outer)(1.5) == (18.0,)               # 2 * 3 * 1.5 * 2
    assert ad.source_grad(outer)(1.5, w=1.0) == (6.0,)         # the call's keyword wins


def test_a_partial_naming_no_parameter_is_refused():
    with pytest.raises(TypeError, match="weighted.*no parameter 'z'.*x, y, w"):
        ad.source_grad(functools.partial(weighted, z=1.0))


def test_keyword_arguments_pass_through_held_constant():
    g = ad.source_grad(weighted)
    assert g(1.5, 2.0, w=3.0) == (18.0, 6.75)
    assert g(1.5, y=2.0) == (6.0,)                    # one entry per positional argument
    assert g(1.5, y=2.0, w=3.0) == (18.0,)
    assert_same_gradient(g(1.5, y=2.0), ad.gradient(lambda x: weighted(x, y=2.0), 1.5))
    m = Model()
    assert ad.source_grad(m.scaled)(2.0, k=3.0) == (12.0,)    # 2 k x


@pytest.mark.parametrize("call, message", [
    (lambda g: g(1.5, q=2.0), "weighted.*no parameter 'q'"),
    (lambda g: g(1.5, x=2.0), "two values for 'x'"),
    (lambda g: g(w=2.0), "missing argument 'x'"),
    (lambda g: g(1.0, 2.0, 3.0, w=1.0), "two values for 'w'"),
    (lambda g: g(1.0, 2.0, 3.0, 4.0, y=1.0), "takes 3 arguments"),
], ids=["unknown", "twice", "missing", "twice by position", "too many"])
def test_wrong_keyword_arguments_are_named(call, message):
    with pytest.raises(TypeError, match=message):
        call(ad.source_grad(weighted))


cube = lambda x: x * x * x                        # noqa: E731
double, triple = lambda x: 2.0 * x, lambda x: 3.0 * x        # noqa: E731
stretched = (lambda x,
             k=2.0: k * math.pi * x * x)          # noqa: E731


def test_lambdas_are_lowered_from_their_own_expression():
    assert ad.source_grad(cube)(2.0) == (12.0,)
    assert "def grad_cube(x):" in ad.source_grad(cube).source
    # two lambdas on one line: each is found by the columns its code comes from
    assert ad.source_grad(double)(5.0) == (2.0,)
    assert ad.source_grad(triple)(5.0) == (3.0,)
    # over two lines, with a default and a global; and its keyword passed through
    assert ad.source_grad(stretched)(1.5) == (pytest.approx(2 * 2.0 * math.pi * 1.5),)
    assert ad.source_grad(stretched)(1.5, k=1.0) == (pytest.approx(2 * math.pi * 1.5),)
    inline = ad.source_grad(lambda x, y: x * y + y)
    assert inline(2.0, 3.0) == (3.0, 3.0)
    assert "def grad_lambda_(x, y):" in inline.source


def test_a_lambda_without_source_says_so():
    namespace = {}
    exec("made = lambda x: x * 2", namespace)
    with pytest.raises(SourceUnavailable, match="source of this lambda"):
        ad.source_grad(namespace["made"])


class Square:
    def __call__(self, x, k=1.0):
        return k * x * x


class Scaled:
    def __init__(self, k):
        self.k = k

    def __call__(self, x):
        return self.k * x * x


def test_a_callable_object_is_differentiated_through_its_call_method():
    sq = Square()
    assert ad.source_grad(sq)(3.0) == (6.0,) == ad.gradient(sq, 3.0)
    assert ad.source_grad(sq)(3.0, k=2.0) == (12.0,)
    assert "Square object" in repr(ad.source_grad(sq))
    assert ad.source_grad(functools.partial(sq, k=0.5))(3.0) == (3.0,)


def test_a_callable_object_that_cannot_be_lowered_is_named():
    with pytest.raises(UnsupportedSyntax, match=r"^Scaled object: .*self\.k"):
        ad.source_grad(Scaled(2.0))


@pytest.mark.parametrize("f, named", [
    (math.sin, "math.sin"), (np.sin, "NumPy ufunc np.sin"), (np.sum, "np.sum"),
    (ad.sin, "ad.sin"), (len, "builtin function len"), (print, "builtin function print"),
    (Square, "the class Square"), (3.0, "float"),
], ids=["math.sin", "np.sin", "np.sum", "ad.sin", "len", "print", "class", "number"])
def test_what_has_no_python_source_is_refused_by_name(f, named):
    with pytest.raises(SourceUnavailable, match="got .*" + named.replace(".", r"\.")) as info:
        ad.source_grad(f)
    assert "AttributeError" not in str(info.value)
