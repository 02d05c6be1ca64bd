"""Hypothesis composes random rows into expression trees over a scalar ``x`` and a
vector ``y``; forward mode, reverse mode and central differences must agree.

Each node applies one row. Rows with a restricted domain get an argument that is inside
it by construction (``log(1 + e*e)``, ``tan(sin(e))``, ...); maximum/minimum examples
whose two sides nearly tie are rejected, since the derivative jumps there.
"""

import math

import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import adexplorer as ad
from adexplorer.core.primitives import strip
from adexplorer.testing import check_grads

UNARY = {
    "neg": lambda e: -e,
    "sin": ad.sin,
    "cos": ad.cos,
    "tanh": ad.tanh,
    "sigmoid": ad.sigmoid,
    "exp": lambda e: ad.exp(2 * ad.tanh(e)),          # argument in (-2, 2)
    "log": lambda e: ad.log(1 + e * e),               # argument >= 1
    "log1p": lambda e: ad.log1p(e * e),
    "expm1": lambda e: ad.expm1(ad.sin(e)),
    "sqrt": lambda e: ad.sqrt(1 + e * e),
    "tan": lambda e: ad.tan(ad.sin(e)),               # |argument| <= 1 < pi/2
    "square": lambda e: e ** 2,
    "pow 1.5": lambda e: (1 + e * e) ** 1.5,
    "pow -0.5": lambda e: (1 + e * e) ** -0.5,
    "sum": lambda e: ad.sum(e),
    "mean": lambda e: ad.mean(e),
}

BINARY = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / (1.5 + ad.sin(b)),        # denominator in [0.5, 2.5]
    "pow": lambda a, b: (1 + a * a) ** ad.sin(b),     # base >= 1, exponent in [-1, 1]
    "maximum": ad.maximum,
    "minimum": ad.minimum,
}


def expressions():
    """Trees of ("row", child) / ("row", left, right) over the leaves, at least one row."""
    leaves = st.sampled_from(["x", "y", "const"])

    def nodes(sub):
        return st.one_of(st.tuples(st.sampled_from(sorted(UNARY)), sub),
                         st.tuples(st.sampled_from(sorted(BINARY)), sub, sub))
    return nodes(st.recursive(leaves, nodes, max_leaves=10))


def evaluate(expr, x, y, gaps):
    """The expression's value; records |a - b| at every maximum/minimum into ``gaps``."""
    if expr == "x":
        return x
    if expr == "y":
        return y
    if expr == "const":
        return 0.75
    if len(expr) == 2:
        return UNARY[expr[0]](evaluate(expr[1], x, y, gaps))
    name, left, right = expr
    a, b = evaluate(left, x, y, gaps), evaluate(right, x, y, gaps)
    if name in ("maximum", "minimum"):
        gaps.append(float(np.min(np.abs(np.asarray(strip(a))
                                        - np.asarray(strip(b))))))
    return BINARY[name](a, b)


def as_function(expr):
    def f(x, y):
        return ad.sum(evaluate(expr, x, y, []) * np.array([1.0, -0.5, 2.0]))
    return f


points = st.floats(min_value=-1.5, max_value=1.5, allow_nan=False)


def central_gradient(f, x, y, h=1e-6):
    gx = (f(x + h, y) - f(x - h, y)) / (2 * h)
    gy = np.zeros(3)
    for k in range(3):
        e = np.zeros(3)
        e[k] = h
        gy[k] = (f(x, y + e) - f(x, y - e)) / (2 * h)
    return gx, gy


def forward_gradient(f, x, y):
    gx = ad.jvp(f, (x, y), (1.0, np.zeros(3)))[1]
    gy = np.array([ad.jvp(f, (x, y), (0.0, np.eye(3)[k]))[1] for k in range(3)])
    return gx, gy


@settings(max_examples=200, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(expressions(), points, st.lists(points, min_size=3, max_size=3))
def test_forward_equals_reverse_equals_central_differences(expr, x, y):
    y = np.array(y)
    gaps = []
    evaluate(expr, x, y, gaps)
    assume(all(g > 1e-2 for g in gaps))
    f = as_function(expr)
    rx, ry = ad.gradient(f, x, y)
    rx = 0.0 if rx is None else rx
    ry = np.zeros(3) if ry is None else ry
    fx, fy = forward_gradient(f, x, y)
    cx, cy = central_gradient(f, x, y)
    scale = max(1.0, abs(cx), float(np.max(np.abs(cy))))
    # forward and reverse run the same rules two ways: they agree to rounding
    assert math.isclose(fx, rx, rel_tol=1e-10, abs_tol=1e-12 * scale), (expr, fx, rx)
    np.testing.assert_allclose(fy, ry, rtol=1e-10, atol=1e-12 * scale, err_msg=str(expr))
    # and both agree with central differences up to the differencing error
    assert math.isclose(rx, cx, rel_tol=1e-5, abs_tol=1e-6 * scale), (expr, rx, cx)
    np.testing.assert_allclose(ry, cy, rtol=1e-5, atol=1e-6 * scale, err_msg=str(expr))


@settings(max_examples=40, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(expressions(), points, st.lists(points, min_size=3, max_size=3))
def test_random_compositions_pass_check_grads_at_order_2(expr, x, y):
    y = np.array(y)
    gaps = []
    evaluate(expr, x, y, gaps)
    assume(all(g > 1e-2 for g in gaps))
    check_grads(as_function(expr), x, y, order=2)
