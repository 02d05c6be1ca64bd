"""Calls to other functions (lowered, recursive, or by the tape), arrays, and ZERO.

What happens to a call, as documented in ``s2s/entry.py``: a Python function of
the user's is lowered and gets its own generated ``forward_``/``backward_`` pair
(recursion included); anything that cannot be lowered is differentiated by the tape
(``ad.vjp``) for that call, and the generated code says ``tape(...)``.
"""

import unicodedata

import numpy as np
import pytest

import adexplorer as ad
from adexplorer.s2s.runtime import ZERO, seed

from .test_zoo import assert_same_gradient


def nfc(text):
    return unicodedata.normalize("NFC", text)


def square_plus(a, b):
    return a * a + b


def calls_a_lowered_function(x, y):
    return square_plus(x, y) * ad.sin(y)


def test_a_called_user_function_gets_a_forward_and_a_backward_pass():
    g = ad.source_grad(calls_a_lowered_function)
    assert "v1, saved_v1 = forward_square_plus(x, y)" in g.source   # v: an input is y
    assert "def backward_square_plus(saved, out̄):" in g.source
    assert_same_gradient(g(1.5, 0.3), ad.gradient(calls_a_lowered_function, 1.5, 0.3))


def fib(x, n):
    if n < 2:
        return x
    return fib(x, n - 1) + fib(x * 0.5, n - 2)


def test_recursion_is_lowered_and_differentiated():
    g = ad.source_grad(fib)
    assert "forward_fib(" in g.source and "backward_fib(" in g.source
    assert_same_gradient(g(1.25, 6), ad.gradient(fib, 1.25, 6))


def has_a_with(x):
    with open(__file__):
        return x * 3.0


def calls_unsupported(x):
    return has_a_with(x) + x * x


def test_a_callee_that_cannot_be_lowered_goes_to_the_tape():
    g = ad.source_grad(calls_unsupported)
    assert "tape(has_a_with, x)" in g.source
    assert_same_gradient(g(2.0), ad.gradient(calls_unsupported, 2.0))


scale = lambda v: v * 4.0  # noqa: E731


def calls_a_lambda(x):
    return scale(x) * x


def test_a_lambda_callee_goes_to_the_tape():
    g = ad.source_grad(calls_a_lambda)
    assert "tape(scale, x)" in g.source
    assert g(1.5) == ad.gradient(calls_a_lambda, 1.5) == (12.0,)


def inactive_call(x, n):
    k = square_plus(n, 1)          # only feeds a comparison: called as it is
    if k > 3:
        return x * 2.0
    return x


def test_a_call_without_derivative_calls_the_original_function():
    g = ad.source_grad(inactive_call)
    assert "k = square_plus(n, 1)" in g.source and "forward_square_plus" not in g.source
    assert g(1.0, 5) == (2.0, None) == ad.gradient(inactive_call, 1.0, 5)


def mixed(x, w):
    total = 0.0
    for i in range(3):
        total = total + np.sum(np.sin(x * w[i]))
    return total


def test_arrays_use_the_rules_broadcasting():
    x, w = np.array([0.1, 0.2, 0.3]), np.array([1.0, 2.0, 3.0])
    g = ad.source_grad(mixed)
    assert_same_gradient(g(x, w), ad.gradient(mixed, x, w))
    assert "sum_to(" in g.array_source and "shape=shape(" in g.array_source
    assert g.source == g.array_source        # arrays inside: one form for everything


def scalar_only(x, y):
    return x * y + ad.exp(x)


def test_numbers_get_plain_arithmetic_and_arrays_the_broadcasting_form():
    g = ad.source_grad(scalar_only)
    assert "sum_to" not in g.source
    # an input is called y, so the intermediates are v1, v2, ... (names.value_prefix)
    assert nfc("sum_to(v̄1 * y, shape=shape(x))") in nfc(g.array_source)
    assert_same_gradient(g(0.5, 2.0), ad.gradient(scalar_only, 0.5, 2.0))
    with pytest.raises(ad.NotScalarOutput):            # as the tape: no array outputs
        g(np.array([0.5, 1.0]), 2.0)
    with pytest.raises(ad.NotScalarOutput):
        ad.gradient(scalar_only, np.array([0.5, 1.0]), 2.0)


def broadcast_inside(x):
    return np.sum(x + np.zeros(3))       # x is a number, the sum is over 3 copies


def test_a_number_argument_broadcast_inside_is_summed_back():
    assert ad.source_grad(broadcast_inside)(2.0) == (3.0,) == ad.gradient(broadcast_inside, 2.0)


def add_and_sum(a, b):
    return np.sum(a + b)


def test_gradients_of_arrays_are_writeable_arrays_of_their_own():
    ga, gb = ad.source_grad(add_and_sum)(np.ones(2), np.ones(2))
    assert ga is not gb and ga.flags.writeable and gb.flags.writeable
    np.testing.assert_array_equal(ga, [1.0, 1.0])


def test_zero_is_a_symbolic_zero():
    assert ZERO + 2.5 == 2.5 and 2.5 + ZERO == 2.5
    assert ZERO * 3.0 is ZERO and 3.0 * ZERO is ZERO and -ZERO is ZERO
    assert ad.cos(1.0) * ZERO is ZERO
    assert (np.ones(2) + ZERO == np.ones(2)).all()
    assert 1.0 - ZERO == 1.0 and ZERO - 1.0 == -1.0
    assert repr(ZERO) == "ZERO" and not ZERO


def test_seed_is_the_tapes_seed():
    assert seed(2.0) == 1.0 and type(seed(2.0)) is float
    assert seed(2) == 1 and type(seed(2)) is int
    with pytest.raises(ad.NotScalarOutput, match="shape"):
        seed(np.ones(2))
    with pytest.raises(ad.NotScalarOutput, match="NoneType"):
        seed(None)


def returns_none(x):
    x * 2


def test_a_function_without_a_number_output_is_reported():
    with pytest.raises(ad.NotScalarOutput, match="NoneType"):
        ad.source_grad(returns_none)(1.0)


def square_root(x):
    return ad.sqrt(x)


def reciprocal(x):
    return 1 / x


def test_a_domain_boundary_in_a_rule_follows_numpy_like_the_tape():
    with pytest.warns(RuntimeWarning):
        want = ad.gradient(square_root, 0.0)
    with pytest.warns(RuntimeWarning):
        got = ad.source_grad(square_root)(0.0)
    assert got == want and type(got[0]) is float and got[0] == float("inf")


def test_a_division_by_zero_raises_like_the_plain_call_and_the_tape():
    for run in (reciprocal, lambda x: ad.gradient(reciprocal, x), ad.source_grad(reciprocal)):
        with pytest.raises(ZeroDivisionError):
            run(0.0)


def reduction_options(x):
    return np.sum(x, initial=5.0) + np.sum(np.max(x, 1, None, True, 1.5) ** 2)


def reduction_axis_only(x):
    return np.sum(np.sum(x, 0) ** 2) + np.mean(x, axis=1, keepdims=True)[0, 0]


def test_numpy_reduction_options_beyond_axis_go_to_the_tape_and_are_honoured():
    x = np.arange(6.0).reshape(2, 3)
    g = ad.source_grad(reduction_options)
    assert "tape(np.sum, x, initial=5.0)" in g.source and "tape(np.max" in g.source
    # d/dx [sum x + 5 + sum_i max(max_j x_ij, 1.5)^2]: 1 everywhere, plus 2 * row max at
    # each row's largest element (both rows' maxima, 2 and 5, are above 1.5)
    expected = np.ones((2, 3))
    expected[0, 2] += 2 * 2.0
    expected[1, 2] += 2 * 5.0
    np.testing.assert_allclose(g(x)[0], expected, rtol=1e-15)
    assert_same_gradient(g(x), ad.gradient(reduction_options, x))
    g = ad.source_grad(reduction_axis_only)
    assert "tape(" not in g.source                       # axis/keepdims stay rows
    assert_same_gradient(g(x), ad.gradient(reduction_axis_only, x))


WEIGHTS = np.array([1.0, 2.0, 3.0])


def weighted_mean_in_a_loop(x):
    total = 0.0
    for k in range(2):
        total = total + np.average(x * (k + 1), weights=WEIGHTS)
    return total


def test_a_global_array_passed_as_a_keyword_is_read_by_its_name():
    g = ad.source_grad(weighted_mean_in_a_loop)
    assert "weights=WEIGHTS" in g.source
    x = np.array([1.0, 2.0, 4.0])
    np.testing.assert_allclose(g(x)[0], 3 * WEIGHTS / WEIGHTS.sum())       # (1 + 2) w / Σw
    assert_same_gradient(g(x), ad.gradient(weighted_mean_in_a_loop, x))
