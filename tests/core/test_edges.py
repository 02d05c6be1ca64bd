"""Edges a careful user finds: NumPy options, structures, shapes and user rules must either
work as NumPy/Python would or fail with a message that names the problem — never give a
silently wrong answer. Expected values are closed forms."""

import math
import warnings
from dataclasses import dataclass, field

import numpy as np
import pytest

import adexplorer as ad
from adexplorer.core.errors import InputError, LostDerivative, NoDerivativeRule

X = np.array([1.0, 2.0, 3.0])


# sum/mean where=, sum/max initial= are honoured now (tests/core/test_keywords.py checks
# them against NumPy); these options are still refused.
@pytest.mark.parametrize("f", [
    lambda x: np.sum(x, dtype=np.int64),
    lambda x: np.mean(x, dtype=np.float32),
    lambda x: np.sum(np.clip(x, 0.0, 1.0, casting="unsafe")),
    lambda x: np.sum(np.concatenate([x, x], dtype=np.float32)),
    lambda x: np.sum(np.reshape(x, 3, order="F")),
    lambda x: np.sum(np.ravel(x, order="F")),
], ids=["sum int dtype", "mean narrower dtype", "clip casting", "concatenate dtype",
        "reshape F", "ravel F"])
def test_unsupported_numpy_options_are_refused_not_ignored(f):
    with pytest.raises(NoDerivativeRule, match=r"np\.\w+\(\.\.\., \w+="):
        ad.gradient(f, X)


def test_list_repetition_by_a_traced_int_repeats_the_list():
    def f(x, n):
        return sum([x] * n)
    assert ad.gradient(f, 2.0, 4) == (4.0, None)
    assert ad.D(lambda x: f(x, 3))(2.0) == 3.0


def test_comparison_with_a_string_is_false_not_an_error():
    assert ad.gradient(lambda x: x * 2 if x != "a" else 0.0, 1.0) == (2.0,)


def test_a_cotangent_of_the_wrong_shape_is_refused():
    _, pullback = ad.vjp(lambda x: x * 2, np.ones(3))
    with pytest.raises(InputError, match=r"shape \(2,\).*shape \(3,\)"):
        pullback(np.ones(2))
    np.testing.assert_array_equal(pullback(np.ones(3))[0], np.full(3, 2.0))


def test_dict_tangents_and_cotangents_match_by_key():
    _, pullback = ad.vjp(lambda x: {"a": x, "b": 2 * x}, 1.0)
    assert pullback({"b": 1.0, "a": 0.0}) == (2.0,)
    out = ad.jvp(lambda d: d["a"] * 2, ({"a": 1.0, "b": 5.0},), ({"b": 0.0, "a": 1.0},))
    assert out == (2.0, 2.0)
    with pytest.raises(InputError, match="keys"):
        ad.jvp(lambda d: d["a"] * d["b"], ({"a": 1.0, "b": 2.0},), ({"a": 1.0},))


def test_tangent_shapes_are_checked_and_a_number_is_spread_over_an_array():
    d = np.sum(ad.Dual(np.array([1.0, 2.0]), 1.0))      # every element moves at speed 1
    assert (d.primal, d.tangent) == (3.0, 2.0)
    with pytest.raises(InputError, match=r"\(3, 1\)"):
        ad.jvp(lambda x: np.sum(x * x), (np.ones(3),), (np.ones((3, 1)),))


def test_concatenate_and_stack_take_a_sequence_like_numpy():
    assert ad.concatenate([X, X]).shape == np.concatenate([X, X]).shape
    assert ad.stack([X, X], axis=1).shape == np.stack([X, X], axis=1).shape
    g = ad.gradient(lambda x: ad.concatenate([x, 2 * x])[4], X)[0]
    np.testing.assert_array_equal(g, [0.0, 2.0, 0.0])
    g = ad.gradient(lambda x: np.sum(np.concatenate([x, x.reshape(3, 1)], axis=None)), X)[0]
    np.testing.assert_array_equal(g, [2.0, 2.0, 2.0])


def test_a_fractional_power_of_a_negative_number_is_nan_in_every_mode_for_numpy_values():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        d = ad.Dual(np.float64(-1.0), 1.0) ** 0.5
        g = ad.gradient(lambda x: np.sum(x ** 0.5), np.array([-1.0]))[0][0]
        h = ad.hessian(lambda x: x ** 2.5)(np.float64(-1.0))
        h_np = ad.hessian(lambda x: np.power(x, 2.5))(-1.0)      # NumPy's function
    for v in (d.primal, d.tangent, g, h, h_np):
        assert math.isnan(v)


def test_a_fractional_power_of_a_negative_python_float_is_complex_as_in_python():
    d = ad.Dual(-1.0, 1.0) ** 0.5
    assert d.primal == (-1.0) ** 0.5 and type(d.tangent) is complex
    with pytest.raises(ad.NotScalarOutput, match="real output"):
        ad.gradient(lambda x: x ** 0.5, -1.0)


def test_negative_argnums_name_arguments_from_the_end():
    f = lambda x, y: x * y * y                             # df/dy = 2xy, d2f/dy2 = 2x
    assert ad.grad(f, argnums=-1)(2.0, 3.0) == 12.0
    assert ad.grad(f, argnums=(0, -1))(2.0, 3.0) == (9.0, 12.0)
    assert ad.hessian(f, argnums=-1)(2.0, 3.0) == 4.0
    assert ad.jacrev(f, argnums=-1)(2.0, 3.0) == 12.0
    with pytest.raises(InputError, match="argnums 5"):
        ad.grad(f, argnums=5)(2.0, 3.0)


def _asarray_of(x):
    return np.sum(np.asarray(x) ** 2)


def test_asarray_of_an_ad_array_keeps_its_derivative():
    # np.asarray splits an AD array into an object array of its elements; the sum of
    # squares still has gradient 2x
    x = np.array([1.0, -2.0, 3.0])
    np.testing.assert_allclose(ad.gradient(_asarray_of, x)[0], 2 * x)


def test_asking_numpy_for_numbers_says_what_to_do():
    with pytest.raises(LostDerivative, match="Leave out dtype="):
        ad.gradient(lambda x: np.sum(np.asarray(x, dtype=float)), np.ones(3))


def _frexp_and_sin(x):
    return math.frexp(x)[0] + math.sin(x)


def test_math_hints_only_name_functions_that_exist():
    with pytest.raises(LostDerivative) as info:
        ad.gradient(_frexp_and_sin, 1.0)
    message = str(info.value)
    assert "ad.sin" in message and "ad.frexp" not in message
    assert "math.frexp has no derivative rule" in message


def test_a_dataclass_with_an_init_false_field():
    @dataclass
    class Q:
        w: float
        n: float = field(default=3.0, init=False)
    assert ad.gradient(lambda q: q.w * q.n, Q(2.0)) == ({"w": 3.0, "n": 2.0},)


def test_user_adjoint_rules():
    @ad.adjoint
    def add(a, b):
        return a + b, lambda d: (d, d)
    t = ad.trace(lambda a, b: add(a, b) * a, 1.0, 2.0)
    assert [n.op for n in t.nodes] == ["input", "input", "add", "mul"]   # one node, named add
    assert add(1.0, 2.0) == 3.0

    @ad.adjoint
    def scale(x, s=2.0):
        return x * s, lambda g: (g * s, g * x)
    assert scale(3.0, s=4.0) == 12.0
    assert ad.gradient(lambda x: scale(x, s=4.0), 3.0) == (4.0,)

    @ad.adjoint
    def first(a, b):
        return a, lambda g: (g, None)                      # no cotangent for b: None
    assert ad.gradient(first, 1.0, 2.0) == (1.0, None)

    @ad.adjoint
    def collapse(x):
        return np.sum(x), lambda g: (g,)                   # wrong: a scalar for an array
    with pytest.raises(InputError, match=r"pullback of collapse returned shape \(\)"):
        ad.gradient(collapse, np.ones(3))


def test_a_pullback_called_again_after_its_cotangent_changed_in_place():
    @ad.adjoint
    def double(x):
        return 2 * x, lambda g: (2 * g,)
    _, pullback = ad.vjp(double, np.ones(3))
    ct = np.ones(3)
    np.testing.assert_array_equal(pullback(ct)[0], np.full(3, 2.0))
    ct *= 5
    np.testing.assert_array_equal(pullback(ct)[0], np.full(3, 10.0))


def test_a_tangent_rule_has_a_backward_sweep_and_readable_lists():
    @ad.tangent
    def cube(primals, tangents):
        (x,), (dx,) = primals, tangents
        return x ** 3, 3 * x ** 2 * dx
    t = ad.trace(cube, 2.0)
    assert t.backward_sweep()[-1].after == 12.0             # 3 x**2 at 2
    assert "∂cube/∂x" in str(t.adjoint_wengert())


def test_small_python_protocols():
    assert ad.gradient(lambda x: x * round(x), 2.3) == (2.0,)
    assert f"{ad.Dual(3.0, 1.0)}" == "Dual(3.0, 1.0)"
    assert f"{ad.Dual(3.0, 1.0):.2f}" == "3.00"
    # x.astype(float) keeps the derivative; a cast to int would change the values
    np.testing.assert_array_equal(ad.gradient(lambda x: np.sum(x.astype(float)),
                                              np.ones(2))[0], [1.0, 1.0])
    with pytest.raises(NoDerivativeRule, match=r"astype"):
        ad.gradient(lambda x: np.sum(x.astype(int)), np.ones(2))
    with pytest.raises(ValueError, match="real output"):
        ad.gradient(lambda z: z * z, 1 + 1j)
    assert "x[mask(3)]" in str(ad.trace(lambda x: np.sum(x[x > 1]), np.arange(3.0)))
    g = ad.gradient(lambda x, c: np.sum(ad.where(c > 0, x, 0.0)), np.ones(3),
                    np.array([1.0, -1.0, 2.0]))
    np.testing.assert_array_equal(g[0], [1.0, 0.0, 1.0])


def test_divmod_is_floor_division_and_remainder():
    # d/da (a mod b) = 1, d/db (a mod b) = -floor(a / b); the quotient has no derivative
    assert divmod(ad.Dual(7.5, 1.0), 2.0)[0] == 3.0
    assert ad.gradient(lambda a, b: divmod(a, b)[1], 7.5, 2.0) == (1.0, -3.0)
    assert ad.gradient(lambda b: divmod(7.5, b)[1], 2.0) == (-3.0,)
    assert ad.derivative(lambda a: divmod(a, 2.0)[1], 7.5) == 1.0
