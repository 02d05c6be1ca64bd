"""At a domain boundary the generated code computes what the table computes: the power
rule's guards (exponent 0, base 0), Python's errors where the plain call on Python
numbers raises (``1 / 0.0``: ZeroDivisionError, as ``ad.gradient``), and NumPy's inf/nan
in the rules (sqrt'(0)) and for NumPy values.

Expected values are from calculus; every case is also compared with ``ad.gradient``,
``None``s and int/float types included.
"""

import math
import warnings

import numpy as np
import pytest

import adexplorer as ad

from .test_zoo import assert_same_gradient


def poly_pow(x, n):                 # 1 + x + x ** 2 + ...: d/dx at 0 is 1
    s = 0.0
    for k in range(n):
        s = s + x ** k
    return s


def pow_xy(x, y):
    return x ** y


def recip_loop(x, n):               # n / x
    s = 0.0
    for i in range(n):
        s = s + 1 / x
    return s


def div_zero_const(x):
    return x / 0.0


ZERO_DIVISOR = 0.0


def div_zero_global(x):
    return x / ZERO_DIVISOR


def square_root_power(x):
    return x ** 0.5


def big_power(x):
    return x ** 1000.0


def quiet(f, *args):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return f(*args)


def both(f, *args):
    got = quiet(ad.source_grad(f), *args)
    want = quiet(ad.gradient, f, *args)
    assert_same_gradient(got, want)
    return got


def test_power_rule_at_exponent_zero_keeps_the_loop_counter_an_int():
    assert both(poly_pow, 0.0, 3) == (1.0, None)
    assert both(poly_pow, 0.5, 4) == (pytest.approx(1 + 2 * 0.5 + 3 * 0.25), None)
    g = ad.source_grad(poly_pow)
    assert "power_factor(x, k)" in g.source             # the rule's guard, called


@pytest.mark.parametrize("x, y, want", [
    (0.0, 2.0, (0.0, 0.0)),          # d/dx = 2 x = 0; d/dy = x^y log x -> 0 (guarded)
    (0.0, 0.0, (0.0, 0.0)),          # d/dx = 0 (b == 0 guard), d/dy = 0 (a == 0 guard)
    (2.0, 3.0, (12.0, 8.0 * math.log(2.0))),
    (2, 3, (12, 8.0 * math.log(2.0))),
])
def test_power_of_two_variables_at_the_boundary(x, y, want):
    got = both(pow_xy, x, y)
    assert got == pytest.approx(want, rel=1e-15)


def raises_like_the_plain_call(error, f, *args):
    """The plain call, the tape and the generated code raise the same error."""
    for run in (f, lambda *a: ad.gradient(f, *a), ad.source_grad(f)):
        with pytest.raises(error) as caught:
            run(*args)
        assert type(caught.value) is error
    with pytest.raises(error) as plain:
        f(*args)
    assert str(caught.value) == str(plain.value)


def test_division_by_zero_raises_like_the_plain_call_and_the_tape():
    raises_like_the_plain_call(ZeroDivisionError, div_zero_const, 1.0)
    raises_like_the_plain_call(ZeroDivisionError, div_zero_global, 1.0)
    raises_like_the_plain_call(ZeroDivisionError, recip_loop, 0.0, 3)


def test_division_by_zero_on_numpy_values_gives_inf_with_a_warning_like_the_tape():
    with pytest.warns(RuntimeWarning):
        assert ad.source_grad(div_zero_const)(np.float64(1.0)) == (math.inf,)
    with pytest.warns(RuntimeWarning):
        assert ad.gradient(div_zero_const, np.float64(1.0)) == (math.inf,)
    assert both(div_zero_global, np.float64(1.0)) == (math.inf,)


def sqrt_loop(x, n):                # n sqrt(x): d/dx at 0 is inf (a rule's 1 / 0.0)
    s = 0.0
    for i in range(n):
        s = s + ad.sqrt(x)
    return s


def test_a_retry_keeps_int_loop_counters_ints():
    assert both(sqrt_loop, 0.0, 3) == (math.inf, None)
    assert both(recip_loop, 2.0, 3) == (-0.75, None)                 # -n / x^2


def test_negative_base_to_a_fraction_is_complex_for_python_floats_nan_for_numpy():
    assert type(square_root_power(-4.0)) is complex                   # as in Python
    with pytest.raises(ad.NotScalarOutput, match="real output"):
        ad.source_grad(square_root_power)(-4.0)
    with pytest.raises(ad.NotScalarOutput, match="real output"):
        ad.gradient(square_root_power, -4.0)
    (got,) = both(square_root_power, np.float64(-4.0))
    assert math.isnan(got)
    assert both(square_root_power, 4.0) == (0.25,)


def test_overflow_raises_like_python_and_is_inf_like_numpy():
    raises_like_the_plain_call(OverflowError, big_power, 10.0)
    assert both(big_power, np.float64(10.0)) == (math.inf,)


def prints_and_divides(x):
    print("running")
    return 1 / x


def prints_and_roots(x):
    print("running")
    return ad.sqrt(x)


def test_a_function_with_effects_runs_once_even_at_the_boundary(capsys):
    with pytest.raises(ZeroDivisionError):
        ad.source_grad(prints_and_divides)(0.0)
    assert capsys.readouterr().out == "running\n"
    assert quiet(ad.source_grad(prints_and_roots), 0.0) == (math.inf,)
    assert capsys.readouterr().out == "running\n"
    assert quiet(ad.source_grad(prints_and_divides), 2.0) == (-0.25,)
    assert capsys.readouterr().out == "running\n"


def np_functions(x):                # NumPy's functions keep NumPy's semantics
    return np.log(x) + np.sqrt(x) + np.divide(1.0, x)


def test_numpy_functions_on_python_floats_follow_numpy_like_the_plain_call():
    with pytest.warns(RuntimeWarning):
        assert math.isnan(np_functions(-1.0))
    (got,) = both(np_functions, -1.0)
    assert math.isnan(got)
    (got,) = both(np_functions, 0.0)
    assert math.isnan(got)                          # -inf + inf
    (got,) = both(np_square_root, -4.0)             # nan, not Python's complex
    assert math.isnan(got)


def np_square_root(x):
    return np.power(x, 0.5) * 2


def test_arrays_at_the_boundary():
    x = np.array([0.0, 2.0])
    g = quiet(ad.source_grad(lambda_free_sum), x, 2)
    want = quiet(ad.gradient, lambda_free_sum, x, 2)
    assert_same_gradient(g, want)


def lambda_free_sum(x, n):
    return np.sum(x ** n + 1 / (x + 1))


def identity(x):
    return x


def square(x):
    return x * x


def test_a_bool_output_has_no_gradient_and_a_complex_one_is_refused_like_the_tape():
    assert ad.source_grad(identity)(True) == (None,) == ad.gradient(identity, True)
    with pytest.raises(ad.NotScalarOutput, match="real output"):
        ad.source_grad(square)(1 + 2j)
    with pytest.raises(ad.NotScalarOutput, match="real output"):
        ad.gradient(square, 1 + 2j)


def abs_of_a_complex_multiple(x):
    return abs(x * (1 + 2j))


def real_part_of_a_square(z):
    return np.real(z * z)


def angle_times_x(x):
    return np.angle(x + 1j) * x


@pytest.mark.parametrize("f, args", [(abs_of_a_complex_multiple, (2.0,)),
                                     (real_part_of_a_square, (1 + 1j,)),
                                     (angle_times_x, (2.0,))])
def test_complex_numbers_are_refused_never_differentiated_wrong(f, args):
    """The generated code has the real rules only (no real-part projection, abs as
    sign): complex numbers in it are refused; the tape differentiates them."""
    with pytest.raises(ad.NoDerivativeRule, match="source_grad with complex numbers"):
        ad.source_grad(f)(*args)
    assert all(g is not None for g in ad.gradient(f, *args))
