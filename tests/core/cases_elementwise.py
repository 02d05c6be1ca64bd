"""check_grads cases for the rows of ``rules_elementwise.py``: ``test_rows.py`` runs
them with every other row of the table (order 2, both modes)."""

import numpy as np

from adexplorer.core import PRIMITIVES

rng = np.random.default_rng(20261206)


def arr(*shape, lo=-1.0, hi=1.0):
    return rng.uniform(lo, hi, size=shape)


def case(fn, *args, argnums=None, label=""):
    return (fn, args, argnums, label)


def unary(name, *points):
    return [case(lambda x, _n=name: PRIMITIVES[_n](x), p, label=f"{name}({np.shape(p)})")
            for p in points]


def binary(name, *pairs, argnums=None):
    return [case(lambda a, b, _n=name: PRIMITIVES[_n](a, b), a, b, argnums=argnums,
                 label=f"{name}{np.shape(a)},{np.shape(b)}") for a, b in pairs]


def shapes(lo=-1.0, hi=1.0):
    """The broadcasting patterns every binary row is checked at."""
    return ((0.3 * (hi - lo) / 2 + (lo + hi) / 2, 0.6 * (hi - lo) / 2 + (lo + hi) / 2),
            (arr(3, lo=lo, hi=hi), arr(3, lo=lo, hi=hi)),
            (arr(3, 1, lo=lo, hi=hi), arr(4, lo=lo, hi=hi)),
            ((lo + hi) / 2 + 0.1, arr(2, 3, lo=lo, hi=hi)),
            (arr(2, 3, lo=lo, hi=hi), arr(3, lo=lo, hi=hi)))


# Points between the jumps of the steps (no value near an integer or a half).
OFF_GRID = np.array([[-2.3, -0.62, 0.21], [0.72, 1.44, 2.87]])

CASES = {
    "sinh": unary("sinh", 0.4, arr(2, 3, lo=-2, hi=2)),
    "cosh": unary("cosh", 0.4, -1.1, arr(2, 3, lo=-2, hi=2)),
    "arcsin": unary("arcsin", 0.3, arr(2, 3, lo=-0.8, hi=0.8)),
    "arccos": unary("arccos", 0.3, arr(2, 3, lo=-0.8, hi=0.8)),
    "arctan": unary("arctan", 0.4, arr(2, 3, lo=-3, hi=3)),
    "arcsinh": unary("arcsinh", 0.4, arr(2, 3, lo=-3, hi=3)),
    "arccosh": unary("arccosh", 1.7, arr(2, 3, lo=1.2, hi=3)),
    "arctanh": unary("arctanh", 0.3, arr(2, 3, lo=-0.8, hi=0.8)),
    "log2": unary("log2", 3.0, arr(2, 3, lo=0.5, hi=2)),
    "log10": unary("log10", 3.0, arr(2, 3, lo=0.5, hi=2)),
    "exp2": unary("exp2", 0.4, arr(2, 3, lo=-2, hi=2)),
    "cbrt": unary("cbrt", 0.7, -2.0, arr(2, 3, lo=0.3, hi=2), -arr(4, lo=0.3, hi=2)),
    "deg2rad": unary("deg2rad", 40.0, arr(2, 3, lo=-180, hi=180)),
    "rad2deg": unary("rad2deg", 0.4, arr(2, 3, lo=-3, hi=3)),
    # at 0 the rule switches to its Taylor term: sinc''(0) = -pi**2/3 must come out
    "sinc": unary("sinc", 0.4, 0.0, arr(2, 3, lo=-2, hi=2), np.array([0.0, 0.5, -1.3])),
    "arctan2": binary("arctan2", *shapes()),
    "hypot": binary("hypot", *shapes(0.2, 2.0)),
    "logaddexp": binary("logaddexp", *shapes(-2, 2)),
    "logaddexp2": binary("logaddexp2", *shapes(-2, 2)),
    # a nan loses to a number: the derivative goes to the number
    "fmax": binary("fmax", *shapes(), (np.array([np.nan, 0.5, 2.0]), np.array([0.0, np.nan, 3.0]))),
    "fmin": binary("fmin", *shapes(), (np.array([np.nan, 0.5, 2.0]), np.array([0.0, np.nan, 3.0]))),
    "ldexp": binary("ldexp", (0.3, 3), (arr(3), np.array([1, -2, 0])), (arr(2, 3), 2),
                    (arr(3, 1), np.array([1, 2])), argnums=0),
    "floor": unary("floor", 0.4, OFF_GRID),
    "ceil": unary("ceil", 0.4, OFF_GRID),
    "rint": unary("rint", 0.4, OFF_GRID),
    "trunc": unary("trunc", -0.4, OFF_GRID),
    "fix": unary("fix", -0.4, OFF_GRID),
    "round": [case(lambda x: PRIMITIVES["round"](x, decimals=1), OFF_GRID + 0.013,
                   label="round(decimals=1)"),
              case(lambda x: PRIMITIVES["round"](x), 0.3, label="round(scalar)")],
    "nan_to_num": unary("nan_to_num", 0.4, arr(2, 3))
    + [case(lambda x: PRIMITIVES["nan_to_num"](x, nan=1.0, posinf=5.0),
            np.array([1.0, np.nan, np.inf, -0.5]), label="nan_to_num with nan, inf")],
}

NONDIFF_CASES = {
    "isnan": (lambda x: PRIMITIVES["isnan"](x), np.array([1.0, np.nan]),
              np.array([False, True])),
    "isfinite": (lambda x: PRIMITIVES["isfinite"](x), np.array([1.0, np.nan]),
                 np.array([True, False])),
}
