"""The differential zoo, plain Python: scalar math (every ``ad.*`` function and
operator), control flow (branches, loops, break/continue, early return, recursion,
closures, try/except) and containers in and out (see ``programs.py``)."""

from __future__ import annotations

import math
from collections import namedtuple
from dataclasses import dataclass

import numpy as np

import adexplorer as ad

from .programs import M23, M34, V3, V4, V5, program, spread

# ===========================================================================
# Scalar math: every ad.* function, every operator, compositions


@program(0.7, cat="scalar")
def ad_sin(x): return ad.sin(x) * 2.0


@program(0.7, cat="scalar")
def ad_cos(x): return ad.cos(3.0 * x)


@program(0.4, cat="scalar")
def ad_tan(x): return ad.tan(x) + x


@program(0.3, cat="scalar")
def ad_exp(x): return ad.exp(-2.0 * x)


@program(1.7, cat="scalar")
def ad_log(x): return ad.log(x * x + 1.0)


@program(0.4, cat="scalar")
def ad_log1p(x): return ad.log1p(x)


@program(0.4, cat="scalar")
def ad_expm1(x): return ad.expm1(x) / 2.0


@program(2.3, cat="scalar")
def ad_sqrt(x): return ad.sqrt(x)


@program(-0.6, cat="scalar")
def ad_tanh(x): return ad.tanh(x)


@program(0.9, cat="scalar")
def ad_sigmoid(x): return ad.sigmoid(x)


@program(-1.3, cat="scalar")
def ad_abs(x): return ad.abs(x) * x


@program(0.4, 0.9, diff=(0, 1), cat="scalar")
def ad_maximum(x, y): return ad.maximum(x, y) * 3.0 + ad.minimum(x, y)


@program(0.8, cat="scalar")
def ad_maximum_const(x): return ad.maximum(x, 0.5) + ad.minimum(x, 0.2)


@program(1.3, 0.4, diff=(0, 1), cat="scalar")
def op_add_sub(x, y): return x + y - 2.0 * x + (3.0 - y)


@program(1.3, 0.4, diff=(0, 1), cat="scalar")
def op_mul_div(x, y): return x * y / (1.0 + x) + 2.0 / y


@program(1.3, cat="scalar")
def op_neg_pos(x): return -x + (+x) * -(x * x)


@program(1.3, cat="scalar")
def op_pow_int(x): return x ** 3 + x ** 2


@program(1.3, cat="scalar")
def op_pow_fractional(x): return x ** 2.5 + x ** -1.5 + x ** 0.5


@program(1.8, 2.3, diff=(0, 1), cat="scalar")
def op_pow_both(x, y): return x ** y


@program(0.6, cat="scalar")
def op_rpow(x): return 2.0 ** x + 3 ** x


@program(2.7, cat="scalar")
def op_mod(x): return x % 1.0 + x       # derivative 2 away from integers


@program(2.7, cat="scalar")
def op_floordiv(x): return (x // 1.0) * x      # 2 * x there: derivative 2


@program(-0.8, cat="scalar")
def builtin_abs(x): return abs(x) ** 3


@program(3, cat="scalar")
def int_input(x): return x * x + 2 * x


@program(3, 4, diff=(0, 1), cat="scalar")
def two_ints(x, y): return x * y + y


@program(3.0, cat="scalar")
def five_sin_log(x): return 5 * ad.sin(ad.log(x))


@program(0.4, cat="scalar")
def gaussian_wave(x): return ad.exp(-x ** 2) * ad.cos(3 * x)


@program(0.3, -1.2, 0.8, diff=(0, 1, 2), cat="scalar")
def three_args(x, y, z): return x * y * z + y / z - ad.exp(x * z)


@program(0.7, cat="scalar")
def rational(x): return (x ** 2 + 1.0) / (x ** 3 - 3.0 * x + 4.0)


@program(0.7, cat="scalar")
def nested_compose(x): return ad.sin(ad.cos(ad.exp(ad.tanh(x))))


@program(1.1, cat="scalar")
def softplus(x): return ad.log1p(ad.exp(x))


@program(0.3, cat="scalar")
def numpy_scalar_math(x): return np.sin(x) * np.exp(x) + np.sqrt(1.0 + x * x) + np.tanh(x)


@program(0.4, 0.9, diff=(0, 1), cat="scalar")
def builtin_max_min(x, y): return max(x, y) ** 2 + min(x, y)


@program(0.4, 0.9, 1.3, diff=(0, 1, 2), cat="scalar")
def builtin_sum(x, y, z): return sum([x, y * y, z ** 3])


@program(1.5, cat="scalar")
def builtin_pow(x): return pow(x, 3) + pow(2.0, x)


@program(2.0, cat="scalar")
def constant_output(x): return 2.0


@program(2.0, 5.0, diff=(0,), cat="scalar")
def unused_argument(x, y): return x * 3.0


@program(0.7, cat="scalar")
def same_input_many_paths(x):
    a = x * x
    b = a * x
    return a + b + ad.sin(a) * b


@program(0.7, cat="scalar")
def numpy_square_reciprocal(x): return np.square(x) + np.reciprocal(x + 1.0)


@program(0.7, cat="scalar", may_refuse="math.sin")
def math_module(x): return math.sin(x) * x


@program(0.7, cat="scalar", may_refuse="float")
def float_conversion(x): return float(x) * x


@program(np.float64(0.7), cat="scalar")
def numpy_float64_input(x): return ad.sin(x) * x


# ===========================================================================
# Control flow


@program(-2.0, cat="control")
def piecewise_neg(x):
    if x < 0:
        return -x ** 3
    elif x < 1:
        return x ** 2
    return 2 * x - 1


@program(0.5, cat="control")
def piecewise_mid(x): return piecewise_neg(x) * 3.0


@program(3.0, cat="control")
def piecewise_high(x): return piecewise_neg(x) + x


@program(10.0, cat="control")
def while_halving(x):
    while x > 1.0:
        x = x / 2
    return x


@program(10.0, cat="control")
def while_with_counter_output(x):
    steps = 0
    while x > 1.0:
        x = x / 2
        steps += 1
    return x * steps


@program(1.3, 5, diff=(0,), cat="control")
def pow_loop(x, n):
    r = 1.0
    while n > 0:
        n -= 1
        r = r * x
    return r


@program(2, 5, diff=(0, 1), cat="control")
def pow_builtin_ints(x, n): return pow(x, n)


@program(2.0, cat="control")
def newton_sqrt(a):
    x = 1.0
    for _ in range(20):
        x = 0.5 * (x + a / x)
    return x


@program(V4, cat="control")
def for_break_continue(xs):
    total = 0.0
    for i, x in enumerate(xs):
        if i == 1:
            continue
        if i == 3:
            break
        total = total + x ** 2
    return total


@program(1.0, 3.0, diff=(0,), cat="control")
def early_return(x, limit):
    for k in range(10):
        x = x * 1.5
        if x > limit:
            return x * k
    return x


@program(1.5, 4, diff=(0,), cat="control")
def recursion_power(x, n): return 1.0 if n == 0 else x * recursion_power(x, n - 1)


@program(0.5, 5, diff=(0,), cat="control")
def recursion_fib_poly(x, n):
    if n == 0:
        return 1.0
    if n == 1:
        return x
    return x * recursion_fib_poly(x, n - 1) + recursion_fib_poly(x, n - 2)


@program(2.0, cat="control")
def closure_constant(x):
    a = 3.0
    scale = lambda y: a * y
    return scale(x) ** 2


@program(1.5, cat="control")
def closure_over_traced(x):
    h = lambda y: x * y
    return h(h(1.0)) + h(2.0)


def _make_affine(a, b):
    def affine(x):
        return a * x + b
    return affine


@program(0.8, 1.7, diff=(0, 1), cat="control")
def closure_factory(x, a):
    f = _make_affine(a, x)
    return f(f(x))


@program(0.6, cat="control")
def nested_def(x):
    def inner(y, k=2.0):
        return ad.sin(y) * k
    return inner(x) + inner(x * x, k=3.0)


@program(V4, cat="control")
def list_comprehension(xs): return sum([x ** 2 for x in xs if x > 0])


@program(0.4, 0.9, diff=(0, 1), cat="control")
def generator_sum(x, y): return sum(x ** k * y for k in range(4))


@program(0.7, "tanh", diff=(0,), cat="control")
def string_flag(x, kind): return ad.tanh(x) if kind == "tanh" else ad.sin(x)


@program(0.7, True, diff=(0,), cat="control")
def bool_flag(x, negate):
    y = x ** 3
    if negate:
        y = -y
    return y


@program(0.7, cat="control")
def ternary(x): return x ** 2 if x > 0.5 else -x


@program(V4, cat="control")
def any_all(x): return np.sum(x ** 2) if any(x > 1) and not all(x > 0) else np.sum(x)


@program(V4, spread(4), diff=(0, 1), cat="control")
def zip_loop(xs, ys):
    acc = 0.0
    for a, b in zip(xs, ys):
        acc = acc + a * b
    return acc


@program(M34, cat="control")
def loop_over_rows_list(M):
    rows = []
    for r in M:
        rows.append(np.sum(r * r))
    return rows[0] * rows[1] + rows[2]


@program(0.9, cat="control")
def while_true_break(x):
    k = 0
    while True:
        x = ad.sin(x) + 0.5
        k += 1
        if k >= 5:
            break
    return x


@program(0.9, 4, diff=(0,), cat="control")
def nested_loops(x, n):
    acc = 0.0
    for i in range(n):
        for j in range(i):
            acc = acc + x ** (i - j)
    return acc


@program(0.3, cat="control")
def default_arguments(x, k=3.0, p=2): return k * x ** p


@program(1.2, cat="control")
def augmented_assignment(x):
    y = x
    y *= 2.0
    y += x ** 2
    y -= 0.5
    y /= 1.5
    y **= 2
    return y


@program(0.6, cat="control")
def method_call(x):
    class Model:
        def __init__(self, k):
            self.k = k

        def __call__(self, v):
            return self.k * v ** 2
    return Model(0.5)(x) + Model(x)(2.0)


@program(2.0, cat="control")
def try_except_division(x):
    try:
        return x / (x - x)               # Python floats: ZeroDivisionError, at every x
    except ZeroDivisionError:
        return x * 3.0


@program(1.5, cat="control")
def try_except_power(x):
    try:
        return (x - x) ** -1.0          # Python floats: ZeroDivisionError
    except ZeroDivisionError:
        return ad.sin(x)


@program(0.5, cat="control")
def try_except_not_taken(x):
    try:
        return 1.0 / (x - 2.0)
    except ZeroDivisionError:
        return x * 3.0


@program(2.0, cat="control", raises=ZeroDivisionError)
def raises_zero_division(x): return 1.0 / (x - 2.0)


@program(0.0, cat="control", raises=ZeroDivisionError)
def zero_to_negative_power(x): return x ** -1.0


@program(1e200, cat="control", raises=OverflowError)
def overflow_power(x): return x ** 2.0            # Python: OverflowError


@program(1.0, cat="control", raises=ZeroDivisionError)
def float_modulo_zero(x): return x % 0.0 + x


@program(3, cat="control", raises=ZeroDivisionError)
def int_floor_division_by_zero(x): return (x // 0) * x


@program(-4.0, cat="control", may_refuse="complex")
def negative_base_fractional_power(x): return abs(x ** 0.5) * 3.0   # Python: a complex power


@program(np.array([1, 2, 3]), cat="ints")
def int_array_input(x): return np.sum(x * x) + np.sum(x / 2)


@program(3, 4, diff=(0, 1), cat="ints")
def int_true_division(x, y): return x / y + y / x


@program(7, cat="ints")
def int_floor_division(x): return (x // 2) * x


@program(2.3, cat="scalar")
def negative_mod(x): return (-x) % 1.0 + x


@program(V5, cat="reduce")
def maximum_reduce(x): return np.maximum.reduce(x) * np.minimum.reduce(x)


@program(V5, cat="reduce")
def builtin_min_over_array(x): return min(x) * 2.0 + max(x)


@program(2.3, cat="scalar")
def builtin_round(x): return round(x) * x


@program(1.3, cat="control")
def sorted_values(x): return sorted([x, 1.0 - x, x * x])[0] * 2.0  # noqa: FURB192 - sorted is the point


@program(V4, cat="control")
def argmax_select(x): return x[np.argmax(x)] ** 2 + x[int(np.argmin(x))]


# ===========================================================================
# Containers


Point = namedtuple("Point", "x y")


@dataclass
class Layer:
    W: np.ndarray
    b: np.ndarray
    activation: str
    frozen: bool = False


@dataclass
class Params:
    a: float
    b: float


@program((2.0, 5.0), [1.0, 7.0, 3.0], diff=(0, 1), cat="container")
def tuple_and_list(pair, items):
    a, b = pair
    return a * b + items[0] * items[2]


@program({"w": 2.0, "x": 3.0, "b": 0.5}, cat="container")
def dict_input(p): return p["w"] * p["x"] + ad.sin(p["b"])


@program({"W": M23, "b": V3[:2].copy()}, V3, diff=(0, 1), cat="container")
def dict_of_arrays(p, x): return np.sum(np.tanh(p["W"] @ x + p["b"]))


@program(Point(3.0, 2.0), cat="container")
def namedtuple_input(p): return p.x ** 2 * p.y


@program(Layer(M23, V3[:2].copy(), "tanh"), V3, diff=(0, 1), cat="container")
def dataclass_input(layer, x):
    z = layer.W @ x + layer.b
    y = np.tanh(z) if layer.activation == "tanh" else z
    return np.sum(y)


@program(Params(0.3, 1.4), cat="container")
def small_dataclass(p): return p.a ** 2 * ad.exp(p.b)


@program({"layers": [{"w": 0.5, "b": 0.1}, {"w": -1.2, "b": 0.3}], "scale": 2.0},
         cat="container")
def nested_containers(p):
    x = 0.7
    for layer in p["layers"]:
        x = ad.tanh(layer["w"] * x + layer["b"])
    return p["scale"] * x


@program([0.5, 1.5, -0.5], cat="container")
def list_unused_item(xs): return xs[0] * xs[2] ** 2


@program((V3, 0.4), cat="container")
def tuple_of_array_and_scalar(t): return np.sum(np.sin(t[0] * t[1]))


@program({"a": 0.5, "name": "unit", "n": 3}, cat="container")
def dict_with_static_leaves(p): return p["a"] ** p["n"] if p["name"] == "unit" else p["a"]


@program(0.7, 1.2, diff=(0, 1), cat="container-out")
def tuple_output(x, y): return x * y, ad.sin(x) + y


@program(0.7, cat="container-out")
def dict_output(x): return {"sq": x ** 2, "exp": ad.exp(x), "const": 3.0}


@program(V3, cat="container-out")
def list_output(x): return [np.sum(x), x ** 2]


@program(0.7, cat="container-out")
def namedtuple_output(x): return Point(x * 2.0, ad.cos(x))


@program({"a": 0.3, "b": V3}, cat="container-out")
def dict_in_dict_out(p): return {"s": p["a"] * np.sum(p["b"]), "v": p["b"] * p["a"]}
