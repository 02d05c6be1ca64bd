"""Real programs: closures, recursion, branches, loops, early return, and container
arguments whose gradients mirror them (Zygote semantics)."""

import math
from collections import namedtuple
from dataclasses import dataclass

import numpy as np
import pytest

import adexplorer as ad


def test_closure_over_a_constant_and_over_a_traced_value():
    a = 3.0

    def f(x):
        scale = lambda y: a * y
        return scale(x) ** 2                    # 9 x**2

    assert ad.gradient(f, 2.0) == (36.0,)
    assert ad.derivative(f, 2.0) == 36.0

    def g(x):
        h = lambda y: x * y                     # closes over the traced x
        return h(h(1.0))                        # x**2
    assert ad.gradient(g, 1.5) == (3.0,)
    assert ad.derivative(g, 1.5) == 3.0


def test_recursion():
    def power(x, n):
        return 1.0 if n == 0 else x * power(x, n - 1)

    def fib_poly(x, n):                          # p_n = x p_{n-1} + p_{n-2}: p_4 = x^4 + 3x^2 + 1
        if n == 0:
            return 1.0
        if n == 1:
            return x
        return x * fib_poly(x, n - 1) + fib_poly(x, n - 2)

    assert ad.gradient(power, 1.5, 4) == (pytest.approx(4 * 1.5 ** 3), None)
    assert ad.derivative(lambda x: power(x, 4), 1.5) == pytest.approx(4 * 1.5 ** 3)
    assert ad.gradient(fib_poly, 0.5, 4)[0] == pytest.approx(4 * 0.5 ** 3 + 6 * 0.5)
    assert ad.D(ad.D(lambda x: fib_poly(x, 4)))(0.5) == pytest.approx(12 * 0.25 + 6)


def piecewise(x):
    if x < 0:
        return -x ** 3
    elif x < 1:
        return x ** 2
    else:
        return 2 * x - 1


@pytest.mark.parametrize("x, expected", [(-2.0, -12.0), (0.5, 1.0), (3.0, 2.0)])
def test_if_elif_else_follows_the_taken_branch(x, expected):
    assert ad.gradient(piecewise, x) == (pytest.approx(expected),)
    assert ad.derivative(piecewise, x) == pytest.approx(expected)


def test_while_loop_with_a_data_dependent_condition():
    def halve_until_small(x):
        steps = 0
        while x > 1.0:
            x = x / 2
            steps += 1
        return x, steps

    # 10 -> 5 -> 2.5 -> 1.25 -> 0.625: four halvings, derivative 1/16
    assert ad.gradient(lambda x: halve_until_small(x)[0], 10.0) == (1 / 16,)
    assert ad.derivative(lambda x: halve_until_small(x)[0], 10.0) == 1 / 16


def test_for_loop_newton_iteration_for_the_square_root():
    def newton_sqrt(a):
        x = 1.0
        for _ in range(30):
            x = 0.5 * (x + a / x)
        return x

    # the converged iteration is sqrt(a); its derivative is 1 / (2 sqrt(a))
    assert ad.gradient(newton_sqrt, 2.0)[0] == pytest.approx(1 / (2 * math.sqrt(2.0)), rel=1e-12)
    assert ad.derivative(newton_sqrt, 2.0) == pytest.approx(1 / (2 * math.sqrt(2.0)), rel=1e-12)


def test_for_loop_over_an_array_and_break_continue():
    def f(xs):
        total = 0.0
        for i, x in enumerate(xs):
            if i == 1:
                continue
            if i == 3:
                break
            total = total + x ** 2
        return total                            # xs[0]**2 + xs[2]**2

    xs = np.array([1.0, 2.0, 3.0, 4.0])
    np.testing.assert_array_equal(ad.gradient(f, xs)[0], [2.0, 0.0, 6.0, 0.0])


def test_early_return():
    def f(x, limit):
        for k in range(10):
            x = x * 1.5
            if x > limit:
                return x * k                    # returns at k = 2: 1.5**3 * x * 2
        return x

    assert ad.gradient(f, 1.0, 3.0) == (pytest.approx(2 * 1.5 ** 3), None)


def test_dict_argument_and_output_structure():
    def f(p):
        return p["w"] * p["x"] + ad.sin(p["b"])

    g = ad.gradient(f, {"w": 2.0, "x": 3.0, "b": 0.5})[0]
    assert isinstance(g, dict) and list(g) == ["w", "x", "b"]
    assert g == {"w": 3.0, "x": 2.0, "b": pytest.approx(math.cos(0.5))}


def test_tuple_and_list_arguments():
    def f(pair, items):
        a, b = pair
        return a * b + items[0] * items[2]

    g_pair, g_items = ad.gradient(f, (2.0, 5.0), [1.0, 7.0, 3.0])
    assert isinstance(g_pair, tuple) and g_pair == (5.0, 2.0)
    assert isinstance(g_items, list) and g_items == [3.0, None, 1.0]


def test_namedtuple_argument():
    Point = namedtuple("Point", "x y")
    g = ad.gradient(lambda p: p.x ** 2 * p.y, Point(3.0, 2.0))[0]
    assert tuple(g) == (12.0, 9.0)


@dataclass
class Layer:
    W: np.ndarray
    b: np.ndarray
    activation: str
    frozen: bool = False


def test_dataclass_argument_gives_a_dict_of_field_gradients():
    def f(layer, x):
        z = layer.W @ x + layer.b
        y = np.tanh(z) if layer.activation == "tanh" else z
        return ad.sum(y)

    W = np.array([[0.1, -0.2], [0.3, 0.4], [-0.5, 0.6]])
    b = np.array([0.1, 0.0, -0.1])
    x = np.array([1.0, 2.0])
    g_layer, g_x = ad.gradient(f, Layer(W, b, "tanh"), x)
    assert isinstance(g_layer, dict)
    assert set(g_layer) == {"W", "b", "activation", "frozen"}
    dz = 1 - np.tanh(W @ x + b) ** 2
    np.testing.assert_allclose(g_layer["W"], np.outer(dz, x), rtol=1e-14)
    np.testing.assert_allclose(g_layer["b"], dz, rtol=1e-14)
    assert g_layer["activation"] is None and g_layer["frozen"] is None
    np.testing.assert_allclose(g_x, W.T @ dz, rtol=1e-14)


def test_none_for_strings_flags_unused_and_loop_counters():
    def f(x, name, flag, unused, n):
        y = x
        for _ in range(n):
            y = y * x
        if flag:
            y = -y
        return y if name == "keep" else 0 * y

    assert ad.gradient(f, 2.0, "keep", True, 7.0, 2) == (-12.0, None, None, None, None)


def test_ints_that_reach_the_output_are_differentiable():
    assert ad.gradient(lambda x: x * x, 3) == (6,)
    assert ad.gradient(lambda x, y: x * y + y, 3, 4) == (4, 4)
    assert ad.derivative(lambda x: x * x, 3) == 6


def test_an_output_that_does_not_depend_on_the_input():
    assert ad.gradient(lambda x: 2.0, 3.0) == (None,)
    assert ad.grad(lambda x: 2.0)(3.0) == 0.0               # JAX style: zeros
    assert ad.derivative(lambda x: 2.0, 3.0) == 0.0


def test_value_and_grad_with_several_argnums():
    f = lambda x, y, z: x * y ** 2 + z
    value, (gx, gz) = ad.value_and_grad(f, argnums=(0, 2))(2.0, 3.0, 1.0)
    assert value == 19.0 and gx == 9.0 and gz == 1.0


def test_a_method_and_a_generator_expression():
    class Model:
        def __init__(self, k):
            self.k = k

        def __call__(self, xs):
            return sum(self.k * x ** 2 for x in xs)

    m = Model(0.5)
    assert ad.gradient(lambda a, b: m([a, b]), 2.0, -1.0) == (2.0, -1.0)
