"""Python numbers keep Python's semantics under AD; NumPy values and functions keep NumPy's.

The rule, for every transform: its value is what the plain call returns, or it raises the
plain call's exception, so a ``try``/``except`` in the user's code takes the same branch.
Derivative rules still follow NumPy at a domain boundary (sqrt'(0) is inf, with a warning).
"""

import math
import warnings

import numpy as np
import pytest

import adexplorer as ad
from adexplorer.core.primitives import numpy_semantics


# Every transform, as "run f at x"; each returns the value it computes when it has one
# (None when it only gives a derivative), and its derivative.
def _value_and_grad(f, x):
    return ad.value_and_grad(f)(x)


def _jvp(f, x):
    return ad.jvp(f, (x,), (type(x)(1),))          # an int tangent for an int, as D does


def _vjp(f, x):
    out, pullback = ad.vjp(f, x)
    return out, pullback(1.0)[0]


def _trace(f, x):
    return ad.trace(f, x).output, None


TRANSFORMS = {
    "gradient": lambda f, x: (None, ad.gradient(f, x)[0]),
    "grad": lambda f, x: (None, ad.grad(f)(x)),
    "value_and_grad": _value_and_grad,
    "derivative": lambda f, x: (None, ad.derivative(f, x)),
    "D": lambda f, x: (None, ad.D(f)(x)),
    "jvp": _jvp,
    "vjp": _vjp,
    "jacfwd": lambda f, x: (None, ad.jacfwd(f)(x)),
    "jacrev": lambda f, x: (None, ad.jacrev(f)(x)),
    "hessian": lambda f, x: (None, ad.hessian(f)(x)),
    "trace": _trace,
    "source_grad": lambda f, x: (None, ad.source_grad(f)(x)[0]),
}
FIRST_ORDER = [name for name in TRANSFORMS if name not in ("hessian", "trace")]


def raises_as_plain(f, x, transform):
    """``transform`` on ``f`` at ``x`` raises what ``f(x)`` raises, message included."""
    with pytest.raises(Exception) as plain:
        f(x)
    with pytest.raises(type(plain.value)) as got:
        TRANSFORMS[transform](f, x)
    assert type(got.value) is type(plain.value)
    assert str(got.value) == str(plain.value)
    return got.value


# ---------------------------------------------------------------------------
# The try/except example: both branches, every transform


def guarded_inverse(x):
    try:
        return 1 / (x - 2.)
    except ZeroDivisionError:
        return x


@pytest.mark.parametrize("transform", [t for t in TRANSFORMS if t != "source_grad"])
@pytest.mark.parametrize("x, value, slope, curvature", [
    (2.0, 2.0, 1.0, 0.0),              # the except branch: f(x) = x
    (3.0, 1.0, -1.0, 2.0),             # the try branch: 1 / (x - 2)
])
def test_try_except_takes_the_plain_call_s_branch(transform, x, value, slope, curvature):
    assert guarded_inverse(x) == value
    got_value, derivative = TRANSFORMS[transform](guarded_inverse, x)
    if got_value is not None:
        assert got_value == value
    if transform == "hessian":
        assert derivative == curvature
    elif transform != "trace":
        assert derivative == slope


def test_source_grad_refuses_try_by_name_the_tape_takes_the_branch():
    with pytest.raises(ad.UnsupportedSyntax, match="try"):
        ad.source_grad(guarded_inverse)
    assert ad.gradient(guarded_inverse, 2.0) == (1.0,)


# ---------------------------------------------------------------------------
# Python's errors on Python numbers


def divide_by_zero(x):
    return x / 0


def floor_divide_by_zero(x):
    return x // 0


def modulo_zero(x):
    return x % 0


def zero_to_minus_one(x):
    return (x - x) ** -1


def int_overflow_division(x):
    return x * 10 ** 400 / 1


def float_overflow_power(x):
    return x ** 1000.0


PYTHON_ERRORS = {
    "x / 0": (divide_by_zero, 1.0, ZeroDivisionError),
    "x // 0": (floor_divide_by_zero, 1.0, ZeroDivisionError),
    "x % 0": (modulo_zero, 1.0, ZeroDivisionError),
    "0.0 ** -1": (zero_to_minus_one, 1.0, ZeroDivisionError),
    "int x / 0": (divide_by_zero, 3, ZeroDivisionError),
    "x ** 1000.0": (float_overflow_power, 10.0, OverflowError),
    "int too large for a float": (int_overflow_division, 1, OverflowError),
}


@pytest.mark.parametrize("transform", TRANSFORMS)
@pytest.mark.parametrize("f, x, error", PYTHON_ERRORS.values(), ids=PYTHON_ERRORS.keys())
def test_python_numbers_raise_python_s_error_under_every_transform(f, x, error, transform):
    assert type(raises_as_plain(f, x, transform)) is error


def square_root_power(x):
    return x ** 0.5


@pytest.mark.parametrize("transform", ["derivative", "D", "jvp", "jacfwd", "vjp", "trace"])
def test_a_negative_python_float_to_a_fraction_is_complex_as_in_python(transform):
    value = square_root_power(-8.0)
    assert type(value) is complex
    got_value, derivative = TRANSFORMS[transform](square_root_power, -8.0)
    if got_value is not None:
        assert got_value == value
    if transform in ("derivative", "D", "jvp", "jacfwd"):
        assert derivative == pytest.approx(0.5 * (-8.0) ** -0.5)


@pytest.mark.parametrize("transform", ["gradient", "grad", "value_and_grad", "hessian",
                                       "source_grad"])
def test_a_complex_output_of_a_python_float_is_refused_by_reverse_mode(transform):
    with pytest.raises(ad.NotScalarOutput, match="real output"):
        TRANSFORMS[transform](square_root_power, -8.0)


MATH_ERRORS = {
    "log(-1)": (ad.log, -1.0, math.log),
    "log(0)": (ad.log, 0.0, math.log),
    "log(0) of an int": (ad.log, 0, math.log),
    "sqrt(-1)": (ad.sqrt, -1.0, math.sqrt),
    "log1p(-2)": (ad.log1p, -2.0, math.log1p),
    "exp(1000)": (ad.exp, 1000.0, math.exp),
    "expm1(1000)": (ad.expm1, 1000.0, math.expm1),
    "sin(inf)": (ad.sin, math.inf, math.sin),
    "cos(inf)": (ad.cos, math.inf, math.cos),
}


@pytest.mark.parametrize("f, x, math_fn", MATH_ERRORS.values(), ids=MATH_ERRORS.keys())
def test_ad_functions_on_python_numbers_raise_as_math_does(f, x, math_fn):
    with pytest.raises(Exception) as want:
        math_fn(x)
    with pytest.raises(type(want.value), match=str(want.value)):
        f(x)
    for transform in TRANSFORMS:
        if transform == "source_grad":
            continue                   # f is ad.log itself: no source; see below
        raises_as_plain(f, x, transform)


def log_of(x):
    return ad.log(x) + x


def root_of(x):
    return ad.sqrt(x) * 2


@pytest.mark.parametrize("f, x", [(log_of, -1.0), (root_of, -4.0)])
def test_source_grad_raises_the_math_error_too(f, x):
    error = raises_as_plain(f, x, "source_grad")
    assert isinstance(error, ValueError) and str(error) == "math domain error"


def test_the_switch_is_off_again_after_an_error():
    with pytest.raises(ValueError), pytest.warns(RuntimeWarning):
        ad.gradient(lambda x: np.log(x) + ad.log(x), -1.0)
    assert not numpy_semantics
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        ad.grad(ad.grad(ad.sqrt))(0.0)
    assert not numpy_semantics


# ---------------------------------------------------------------------------
# NumPy's semantics for NumPy functions and NumPy values


def np_log(x):
    return np.log(x)


def np_sqrt(x):
    return np.sqrt(x)


def np_divide(x):
    return np.divide(x, 0.0)


def np_power(x):
    return np.power(x, 0.5)


NUMPY_FUNCTIONS = {
    "np.log(-1.0)": (np_log, -1.0),
    "np.log(0.0)": (np_log, 0.0),
    "np.sqrt(-1.0)": (np_sqrt, -1.0),
    "np.divide(1.0, 0.0)": (np_divide, 1.0),
    "np.power(-4.0, 0.5)": (np_power, -4.0),      # nan, and so is its derivative
    "np.log(np.float64(-1))": (np_log, np.float64(-1.0)),
    "x / 0 on np.float64": (divide_by_zero, np.float64(1.0)),
    "x % 0 on np.float64": (modulo_zero, np.float64(1.0)),
}


def same_number(a, b):
    return (math.isnan(a) and math.isnan(b)) or a == b


@pytest.mark.parametrize("transform", TRANSFORMS)
@pytest.mark.parametrize("f, x", NUMPY_FUNCTIONS.values(), ids=NUMPY_FUNCTIONS.keys())
def test_numpy_functions_and_values_give_inf_or_nan_with_a_warning(f, x, transform):
    with pytest.warns(RuntimeWarning):
        value = f(x)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        got_value, derivative = TRANSFORMS[transform](f, x)
    assert any(issubclass(w.category, RuntimeWarning) for w in caught)
    if got_value is not None:
        assert same_number(float(got_value), float(value))
    assert derivative is None or not isinstance(derivative, complex)
    if f is np_power and derivative is not None:
        assert math.isnan(derivative)


def test_numpy_functions_on_arrays_give_inf_or_nan_with_a_warning():
    x = np.array([-1.0, 0.0, 1.0])
    with pytest.warns(RuntimeWarning):
        value, g = ad.value_and_grad(lambda v: np.sum(np.log(v) + v / 0.0))(x)
    assert math.isnan(value)
    np.testing.assert_array_equal(g, [-1.0 + math.inf, math.inf, 1.0 + math.inf])


def test_np_log_of_a_python_float_is_nan_in_forward_and_reverse_mode():
    with pytest.warns(RuntimeWarning):
        out = np.log(ad.Dual(-1.0, 1.0))
    assert math.isnan(out.primal) and out.tangent == -1.0
    with pytest.warns(RuntimeWarning):
        value, g = ad.value_and_grad(np.log)(-2.0)
    assert math.isnan(value) and g == -0.5


# ---------------------------------------------------------------------------
# Derivatives at a domain boundary: NumPy's inf, at any nesting depth


@pytest.mark.parametrize("transform", FIRST_ORDER)
def test_the_derivative_of_sqrt_at_zero_is_inf_with_a_warning(transform):
    f = root_of if transform == "source_grad" else ad.sqrt
    with pytest.warns(RuntimeWarning):
        _, derivative = TRANSFORMS[transform](f, 0.0)
    assert derivative == (2 if f is root_of else 1) * math.inf


@pytest.mark.parametrize("second", [
    lambda f: ad.grad(ad.grad(f)), lambda f: ad.D(ad.D(f)), lambda f: ad.D(ad.grad(f)),
    lambda f: ad.grad(ad.D(f)), ad.hessian,
], ids=["grad grad", "D D", "D grad", "grad D", "hessian"])
def test_nested_derivatives_at_a_boundary_do_not_raise_from_inside_a_rule(second):
    with pytest.warns(RuntimeWarning):
        assert second(ad.sqrt)(0.0) == -math.inf           # -1/4 x^(-3/2)
    with pytest.warns(RuntimeWarning):
        assert second(lambda x: x ** 0.5)(0.0) == -math.inf


def test_a_fast_path_raises_the_value_s_error_and_falls_back_for_the_derivative_s():
    with pytest.raises(ZeroDivisionError):
        ad.Dual(1.0, 1.0) / 0.0
    with pytest.raises(ZeroDivisionError):
        1.0 / ad.Dual(0.0, 1.0)
    with pytest.raises(ZeroDivisionError):
        ad.Dual(1.0, 1.0) / ad.Dual(0.0, 1.0)
    with pytest.raises(ValueError, match="math domain error"):
        ad.sqrt(ad.Dual(-1.0, 1.0))
    with pytest.warns(RuntimeWarning):
        d = ad.sqrt(ad.Dual(0.0, 1.0))                # value 0.0; derivative 1 / 0.0
    assert d.primal == 0.0 and d.tangent == math.inf
    with pytest.warns(RuntimeWarning):
        d = ad.Dual(0.0, 1.0) ** 0.5
    assert d.primal == 0.0 and d.tangent == math.inf


# ---------------------------------------------------------------------------
# source_grad raises what the plain call raises


def reciprocal_at(x):
    return 1 / x + x


def loop_of_reciprocals(x, n):
    s = 0.0
    for k in range(n):
        s = s + 1 / (x - k)
    return s


def test_source_grad_raises_zero_division_like_the_plain_call():
    raises_as_plain(reciprocal_at, 0.0, "source_grad")
    with pytest.raises(ZeroDivisionError):
        loop_of_reciprocals(2.0, 4)
    with pytest.raises(ZeroDivisionError):
        ad.source_grad(loop_of_reciprocals)(2.0, 4)
    with pytest.raises(ZeroDivisionError):
        ad.gradient(loop_of_reciprocals, 2.0, 4)
    assert ad.source_grad(loop_of_reciprocals)(2.5, 2) == ad.gradient(loop_of_reciprocals,
                                                                       2.5, 2)
    with pytest.warns(RuntimeWarning):
        assert ad.source_grad(reciprocal_at)(np.float64(0.0)) == (-math.inf,)
