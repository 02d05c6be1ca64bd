"""Every row of the primitive table, checked by ``check_grads`` in both modes at order 2.

The tests iterate over ``PRIMITIVES`` itself: a new differentiable row without an entry
in ``CASES`` (or a new non-differentiable row without one in ``NONDIFF_CASES``) fails
``test_every_row_is_covered`` until it gets suitable inputs here.
"""

import importlib
import math
from pathlib import Path

import numpy as np
import pytest

from adexplorer.core import PRIMITIVES
import adexplorer as ad
from adexplorer.testing import check_grads


rng = np.random.default_rng(20240601)


def arr(*shape, lo=-1.0, hi=1.0):
    return rng.uniform(lo, hi, size=shape)


def positive(*shape):
    return arr(*shape, lo=0.5, hi=2.0)


def row(name):
    return PRIMITIVES[name]


def case(fn, *args, argnums=None, label=""):
    return (fn, args, argnums, label)


def unary(name, *points):
    return [case(lambda x, _n=name: row(_n)(x), p, label=f"{name}({np.shape(p)})")
            for p in points]


def binary(name, *pairs, argnums=None):
    return [case(lambda a, b, _n=name: row(_n)(a, b), a, b, argnums=argnums,
                 label=f"{name}{np.shape(a)},{np.shape(b)}") for a, b in pairs]


def reduction(name, x):
    out = []
    for axis in (None, 0, 1, -1, (0, 2)):
        for keepdims in (False, True):
            out.append(case(lambda x, _n=name, _a=axis, _k=keepdims:
                            row(_n)(x, axis=_a, keepdims=_k), x,
                            label=f"{name}(axis={axis}, keepdims={keepdims})"))
    out.append(case(lambda x, _n=name: row(_n)(x), arr(5), label=f"{name} of a vector"))
    return out


# Inputs for which each row is smooth: no ties for max/min, positive bases for real
# powers, denominators and log arguments away from zero, tan away from its poles.
CASES = {
    "broadcast_to": [
        case(lambda x: row("broadcast_to")(x, shape=(2, 3)), arr(3), label="(3,) -> (2, 3)"),
        case(lambda x: row("broadcast_to")(x, shape=(3, 4)), arr(3, 1), label="(3, 1) -> (3, 4)"),
        case(lambda x: row("broadcast_to")(x, shape=(2, 2)), 0.7, label="scalar -> (2, 2)"),
    ],
    "sum_to": [
        case(lambda x: row("sum_to")(x, shape=(3,)), arr(2, 3), label="(2, 3) -> (3,)"),
        case(lambda x: row("sum_to")(x, shape=(3, 1)), arr(3, 4), label="(3, 4) -> (3, 1)"),
        case(lambda x: row("sum_to")(x, shape=()), arr(2, 3), label="(2, 3) -> ()"),
    ],
    "add": binary("add", (0.3, -1.2), (arr(3), arr(3)), (arr(3, 1), arr(4)),
                  (0.5, arr(2, 3)), (arr(2, 3), arr(3))),
    "sub": binary("sub", (0.3, -1.2), (arr(3), arr(3)), (arr(3, 1), arr(4)),
                  (0.5, arr(2, 3)), (arr(2, 3), arr(3))),
    "mul": binary("mul", (0.3, -1.2), (arr(3), arr(3)), (arr(3, 1), arr(4)),
                  (0.5, arr(2, 3)), (arr(2, 3), arr(3))),
    "div": binary("div", (0.3, -1.2), (arr(3), positive(3)), (arr(3, 1), -positive(4)),
                  (0.5, positive(2, 3)), (arr(2, 3), positive(3)), (positive(3), 1.7)),
    "neg": unary("neg", 0.4, arr(2, 3)),
    "pow": (
        binary("pow", (1.7, 2.5), (positive(3), 0.5), (positive(3), -1.5), (1.3, -2.0),
               (positive(2, 3), arr(3)), (2.0, arr(3)))
        # negative bases with integer exponents: the exponent is held fixed, since
        # d/db a**b = a**b log(a) is not real there
        + binary("pow", (-1.3, 3.0), (-arr(3, lo=0.5, hi=2.0), 2.0), (-0.8, -3.0),
                 argnums=0)
        # base 0 with an integer power: d/da 0**3 = 0 and d/db 0**b = 0 (the rule must
        # not compute 0 * log(0) = nan); one argument at a time, as 0**b for b near 3
        # is only real for a >= 0
        + binary("pow", (0.0, 3.0), (np.array([0.0, 1.5]), 4.0), argnums=0)
        + binary("pow", (0.0, 3.0), (np.array([0.0, 1.5]), 4.0), argnums=1)
    ),
    # the power rule's guards (0 at exponent 0, log with zeros taken as 1), away from 0
    "power_factor": binary("power_factor", (1.7, 2.5), (positive(3), 0.5), (1.3, -2.0),
                           (positive(2, 3), arr(3)), (2.0, arr(3))),
    "log_nonzero": unary("log_nonzero", 3.0, positive(2, 3)),
    # sinc's slope (cos(pi x) - ans) / x, with ans held: its own argument here
    "sinc_slope": binary("sinc_slope", (0.7, 0.3), (positive(3), arr(3)),
                         (-positive(2, 3), arr(2, 3))),
    "mod": binary("mod", (5.3, 2.1), (arr(3, lo=0.2, hi=1.8), 2.0), (7.4, -2.5)),
    "sin": unary("sin", 0.4, arr(2, 3, lo=-3, hi=3)),
    "cos": unary("cos", 0.4, arr(2, 3, lo=-3, hi=3)),
    "tan": unary("tan", 0.4, arr(2, 3, lo=-1.2, hi=1.2)),
    "exp": unary("exp", 0.4, arr(2, 3, lo=-2, hi=2)),
    "log": unary("log", 3.0, positive(2, 3)),
    "log1p": unary("log1p", 0.3, arr(2, 3, lo=-0.5, hi=2)),
    "expm1": unary("expm1", 0.4, arr(2, 3, lo=-2, hi=2)),
    "sqrt": unary("sqrt", 2.0, positive(2, 3)),
    "tanh": unary("tanh", 0.4, arr(2, 3, lo=-2, hi=2)),
    "sigmoid": unary("sigmoid", 0.4, arr(2, 3, lo=-4, hi=4)),
    "abs": unary("abs", 0.4, -0.7, np.array([-1.5, -0.3, 0.2, 2.0])) + [
        case(lambda x: row("abs")(x * (1 + 2j) + 0.3j), 0.4, label="abs of a complex value"),
        case(lambda x: row("abs")(row("exp")(x * 1j) - 0.5 * x), arr(3),
             label="abs of complex arrays")],
    # The complex rows on real functions with complex values inside (check_grads compares
    # them with finite differences at order 2).
    "real": [
        case(lambda x: row("real")(x * (1.5 - 2j) + x ** 2 * 1j), 0.7, label="real(z)"),
        case(lambda x: row("real")(row("exp")(x * (0.5 + 2j))), arr(2, 3), label="real(array)"),
        case(lambda x: row("real")(x), arr(3), label="real of a real"),
    ],
    "imag": [
        case(lambda x: row("imag")(row("exp")(x * (0.5 + 2j))), 0.3, label="imag(z)"),
        case(lambda x: row("imag")(x ** 2 * (1 - 1j)), arr(2, 3), label="imag(array)"),
    ],
    "conj": [
        case(lambda x: row("real")(row("conj")(x * (1 + 2j)) * (3 - 1j) * x), 0.6,
             label="conj(z)"),
        case(lambda x: row("imag")(row("conj")(row("sin")(x * (1 + 1j)))), arr(3),
             label="conj(array)"),
    ],
    "angle": [
        case(lambda x: row("angle")(x + 0.5j), 0.7, label="angle(z)"),
        case(lambda x: row("angle")(row("exp")(x * (0.3 + 1j)) + 2.0), arr(2, 3),
             label="angle(array)"),
    ],
    "maximum": binary("maximum", (0.3, -1.2), (-0.3, 1.2),
                      (np.array([-1.0, 0.5, 2.0]), np.array([0.0, -0.5, 3.0])),
                      (np.array([[-1.0], [0.5]]), np.array([0.0, 1.0, -2.0]))),
    "minimum": binary("minimum", (0.3, -1.2), (-0.3, 1.2),
                      (np.array([-1.0, 0.5, 2.0]), np.array([0.0, -0.5, 3.0])),
                      (np.array([[-1.0], [0.5]]), np.array([0.0, 1.0, -2.0]))),
    "where": [
        case(lambda x, y: row("where")(np.array([True, False, True]), x, y), arr(3), arr(3),
             label="where(c, x, y)"),
        case(lambda x, y: row("where")(np.array([[True], [False]]), x, y), arr(2, 3), 0.4,
             label="where with a broadcast condition and a scalar branch"),
        case(lambda x, y: row("where")(False, x, y), 0.3, -0.2, label="scalar where"),
    ],
    "fft": [
        case(lambda x: row("abs")(row("fft")(x)), arr(6), label="|fft(x)|"),
        case(lambda x: row("real")(row("fft")(x * (1 + 1j), axis=0, norm="ortho")), arr(4, 3),
             label="fft along axis 0, ortho"),
    ],
    "ifft": [
        case(lambda x: row("abs")(row("ifft")(x)), arr(6), label="|ifft(x)|"),
        case(lambda x: row("imag")(row("ifft")(x * 1j + x ** 2, norm="forward")), arr(2, 5),
             label="ifft, forward norm"),
    ],
    "sum": reduction("sum", arr(2, 3, 4)),
    "mean": reduction("mean", arr(2, 3, 4)),
    # a random array has no ties, so max/min are smooth at it
    "max": reduction("max", arr(2, 3, 4)),
    "min": reduction("min", arr(2, 3, 4)),
    "matmul": binary("matmul", (arr(3), arr(3)), (arr(2, 3), arr(3)), (arr(3), arr(3, 4)),
                     (arr(2, 3), arr(3, 4)), (arr(5, 2, 3), arr(5, 3, 4)),
                     (arr(5, 2, 3), arr(3, 4)), (arr(2, 3), arr(5, 3, 4)),
                     (arr(3), arr(5, 3, 4)), (arr(5, 2, 3), arr(3))),
    "reshape": [
        case(lambda x: row("reshape")(x, shape=(3, 2)), arr(2, 3), label="(2, 3) -> (3, 2)"),
        case(lambda x: row("reshape")(x, shape=(6,)), arr(2, 3), label="(2, 3) -> (6,)"),
        case(lambda x: row("reshape")(x, shape=(2, 1, 3)), arr(6), label="(6,) -> (2, 1, 3)"),
    ],
    "transpose": [
        case(lambda x: row("transpose")(x, axes=None), arr(2, 3), label=".T"),
        case(lambda x: row("transpose")(x, axes=(1, 0, 2)), arr(2, 3, 4), label="(1, 0, 2)"),
        case(lambda x: row("transpose")(x, axes=(2, 0, 1)), arr(2, 3, 4), label="(2, 0, 1)"),
        case(lambda x: row("transpose")(x, axes=(-1, 0, 1)), arr(2, 3, 4), label="(-1, 0, 1)"),
    ],
    "getitem": [
        case(lambda x, _i=index: row("getitem")(x, index=_i), arr(4, 3), label=str(index))
        for index in (1, -1, slice(1, 3), (slice(None), 2), (2, 1), (None, Ellipsis, 0),
                      np.array([0, 2, 0, 3]),                       # repeats add up
                      (np.array([0, 3, 0]), np.array([1, 2, 1])),   # pairs of indices
                      (slice(None), np.array([2, 0])))
    ],
    "scatter_add": [
        case(lambda g: row("scatter_add")(g, index=np.array([0, 2, 0]), shape=(4,)), arr(3),
             label="into (4,) with a repeated index"),
        case(lambda g: row("scatter_add")(g, index=(slice(None), 1), shape=(2, 3)), arr(2),
             label="into a column"),
    ],
    "concatenate": [
        case(lambda a, b: row("concatenate")(a, b, axis=0), arr(2, 3), arr(1, 3), label="axis 0"),
        case(lambda a, b, c: row("concatenate")(a, b, c, axis=1), arr(2, 3), arr(2, 1),
             arr(2, 2), label="three parts, axis 1"),
        case(lambda a, b: row("concatenate")(a, b, axis=-1), arr(3), arr(2), label="vectors"),
    ],
    "stack": [
        case(lambda a, b: row("stack")(a, b, axis=0), arr(3), arr(3), label="axis 0"),
        case(lambda a, b, c: row("stack")(a, b, c, axis=1), arr(2, 3), arr(2, 3), arr(2, 3),
             label="three parts, axis 1"),
        case(lambda a, b: row("stack")(a, b, axis=-1), arr(2, 3), arr(2, 3), label="axis -1"),
        case(lambda a, b: row("stack")(a, b), 0.3, -1.2, label="scalars"),
    ],
    "einsum": [
        case(lambda a, b: row("einsum")(a, b, subscripts="ij,jk->ik"), arr(2, 3), arr(3, 4),
             label="matrix product"),
        case(lambda a: row("einsum")(a, subscripts="ii->"), arr(3, 3), label="trace"),
        case(lambda a, b: row("einsum")(a, b, subscripts="iij,k->ik"), arr(2, 2, 3), arr(4),
             label="diagonal, a label only one operand has, an outer product"),
        case(lambda a, b, c: row("einsum")(a, b, c, subscripts="i,ij,j->"), arr(3),
             arr(3, 2), arr(2), label="bilinear form"),
        case(lambda s, a: row("einsum")(s, a, subscripts=",i->i"), 0.7, arr(3), label="scalar"),
    ],
}

from .cases_elementwise import CASES as _ELEMENTWISE  # noqa: E402
CASES.update(_ELEMENTWISE)

# Rows without a derivative: the value is right and the gradient is None (Zygote's
# `nothing`), so an int loop counter compared with them stops being tracked.
NONDIFF_CASES = {
    "sign": (lambda x: row("sign")(x), -2.5, -1),
    "floordiv": (lambda x: row("floordiv")(x, 2.0), 7.5, 3.0),
    "lt": (lambda x: row("lt")(x, 2.0), 1.5, True),
    "le": (lambda x: row("le")(x, 2.0), 2.5, False),
    "gt": (lambda x: row("gt")(x, 2.0), 2.5, True),
    "ge": (lambda x: row("ge")(x, 2.0), 2.0, True),
    "eq": (lambda x: row("eq")(x, 2.0), 2.0, True),
    "ne": (lambda x: row("ne")(x, 2.0), 2.0, False),
    # where max(x) = 3 is attained, ties sharing evenly
    "extreme_mask": (lambda x: row("extreme_mask")(x, 3.0), np.array([1.0, 3.0, 3.0]),
                     np.array([0.0, 0.5, 0.5])),
}
from .cases_elementwise import NONDIFF_CASES as _ELEMENTWISE_NONDIFF  # noqa: E402
NONDIFF_CASES.update(_ELEMENTWISE_NONDIFF)

# Families of rows bring their own cases: tests/core/rows_<family>.py, each with CASES.
for _path in sorted(Path(__file__).parent.glob("rows_*.py")):
    CASES.update(importlib.import_module(f".{_path.stem}", __package__).CASES)


def builtin_rows(nondiff):
    return sorted(name for name, prim in PRIMITIVES.items()
                  if not prim.user and bool(prim.nondiff) == nondiff)


def test_every_row_is_covered():
    missing = [n for n in builtin_rows(False) if n not in CASES]
    assert not missing, f"differentiable rows with no check_grads case in CASES: {missing}"
    missing = [n for n in builtin_rows(True) if n not in NONDIFF_CASES]
    assert not missing, f"non-differentiable rows with no case in NONDIFF_CASES: {missing}"
    stale = [n for n in list(CASES) + list(NONDIFF_CASES) if n not in PRIMITIVES]
    assert not stale, f"cases for rows that are not in the table: {stale}"


def _row_cases():
    for name in builtin_rows(False):
        for i, (fn, args, argnums, label) in enumerate(CASES.get(name, ())):
            yield pytest.param(fn, args, argnums, id=f"{name}-{i}-{label}")


@pytest.mark.parametrize("fn, args, argnums", list(_row_cases()))
def test_row_derivatives(fn, args, argnums):
    check_grads(fn, *args, modes=("fwd", "rev"), order=2, argnums=argnums)


@pytest.mark.parametrize("name", builtin_rows(True))
def test_nondiff_row_has_no_gradient(name):
    fn, x, expected = NONDIFF_CASES[name]
    np.testing.assert_array_equal(fn(x), expected)
    assert ad.gradient(lambda x: ad.sum(fn(x) * 1.0), x) == (None,)
    assert ad.derivative(lambda x: ad.sum(fn(x) * 1.0), x) == 0      # forward: a zero tangent
    # used inside a differentiable expression it acts as a constant
    g = ad.gradient(lambda x: ad.sum(x * fn(x)), x)[0]
    np.testing.assert_array_equal(g, np.broadcast_to(expected, np.shape(x)).astype(float))


def test_nondiff_rows_on_arrays_and_in_forward_mode():
    x = np.array([-1.5, 0.0, 2.5])
    np.testing.assert_array_equal(row("sign")(x), [-1.0, 0.0, 1.0])
    assert ad.gradient(lambda x: ad.sum(x * row("sign")(x)), x)[0].tolist() == [-1.0, 0.0, 1.0]
    assert ad.derivative(lambda x: x * row("sign")(x), -2.0) == -1
    assert ad.derivative(lambda x: row("gt")(x, 1.0), 2.0) is None


# Integer powers at 0: the k-th derivative of x**n is n! if k == n and 0 otherwise (for
# k > n the polynomial has run out). The pow rule's b * a**(b - 1) must not evaluate
# 0.0 ** -1 for b == 0 (autograd uses a**where(b, b - 1, 1) there).
def nth_derivative(n, k, nest):
    f = lambda x: x ** n
    for _ in range(k):
        f = nest(f)
    return f


@pytest.mark.parametrize("n", [0, 1, 2, 3])
@pytest.mark.parametrize("k", [1, 2, 3])
@pytest.mark.parametrize("nest", [ad.D, ad.grad], ids=["D", "grad"])
def test_integer_powers_at_zero(n, k, nest):
    expected = float(math.factorial(n)) if k == n else 0.0
    assert nth_derivative(float(n), k, nest)(0.0) == expected


@pytest.mark.parametrize("n", [0, 1, 2, 3])
def test_integer_powers_at_zero_on_arrays(n):
    # the third derivative of x**n, elementwise: 6 for n = 3, else 0 — never nan
    with np.errstate(all="ignore"):
        third = ad.D(ad.D(ad.D(lambda x: x ** float(n))))(np.zeros(2))
    np.testing.assert_array_equal(third, np.full(2, 6.0 if n == 3 else 0.0))


@pytest.mark.parametrize("name", sorted(PRIMITIVES))
def test_every_row_has_a_symbol_without_placeholders(name):
    """``symbol`` is what sentences about a row use ("y goes through (sign)")."""
    symbol = PRIMITIVES[name].symbol
    assert symbol and "{" not in symbol and "}" not in symbol and "(" not in symbol
