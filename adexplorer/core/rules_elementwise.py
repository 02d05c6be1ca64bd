"""Elementwise rows beyond the basic ones: hyperbolic and inverse trigonometric functions,
logarithms and exponentials in other bases, angle conversion, sinc, fmax/fmin, and the
piecewise-constant steps (floor, ceil, round, ...) whose derivative is zero.

Read them as ``rules.py``: ``t`` an incoming tangent, ``g`` an incoming cotangent, ``ans``
the row's output; the rules call differentiable rows, so they differentiate again.
On Python numbers the rows keep Python's semantics (``arcsin(2.0)`` raises ValueError as
``math.asin`` does); through ``np.arcsin`` they keep NumPy's (nan with a warning).
"""

from __future__ import annotations

import math

import numpy as np

from .errors import InPlaceOutput, NoDerivativeRule
from .keywords import honours
from .primitives import defprim, numpy_semantics, strip
from . import rules as R
from .rules import (broadcast_like, cos, elementwise_impl, equal, exp, real, shared_row, sin,
                    sqrt, unbroadcast, where)

LN2, LN10 = math.log(2.0), math.log(10.0)
PI = math.pi


# ---------------------------------------------------------------------------
# Implementations: Python numbers in, Python numbers out.

def _numpy_only(np_fn, name=None):
    """A NumPy function with no ``math`` twin and no domain error (``cbrt``, ``sinc``):
    a Python number gets a Python float back."""
    def impl(x):
        if type(x) is float or type(x) is int:
            return float(np_fn(np.float64(x)))
        return np_fn(x)
    impl.__name__ = name or np_fn.__name__
    return impl


def _binary(math_fn, np_fn):
    """``math_fn`` on two Python numbers (its domain errors raise, as in Python), else
    ``np_fn``. Without a ``math`` twin, Python numbers get ``np_fn``'s value as a float."""
    def impl(a, b):
        if (type(a) is float or type(a) is int) and (type(b) is float or type(b) is int):
            if math_fn is not None:
                try:
                    return math_fn(a, b)
                except (ValueError, OverflowError):
                    if not numpy_semantics:
                        raise
            return float(np_fn(np.float64(a), np.float64(b)))
        return np_fn(a, b)
    impl.__name__ = np_fn.__name__
    return impl


def _exp2_scalar(x):
    return 2.0 ** x


def _round_impl(x, decimals=0):
    if type(x) is float or type(x) is int:
        return float(np.round(np.float64(x), decimals))
    return np.round(x, decimals)


def _nan_to_num_impl(x, nan=0.0, posinf=None, neginf=None):
    out = np.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf)
    return float(out) if type(x) is float or type(x) is int else out


def _mask(np_fn, math_fn):
    def impl(x):
        if type(x) is float or type(x) is int:
            return math_fn(x)
        return np_fn(x)
    impl.__name__ = np_fn.__name__
    return impl


# ---------------------------------------------------------------------------
# Masks used by the rules: no derivative, answered on the primal values.

isnan = defprim("isnan", _mask(np.isnan, math.isnan), nondiff=True)
isfinite = defprim("isfinite", _mask(np.isfinite, math.isfinite), nondiff=True)


# ---------------------------------------------------------------------------
# Hyperbolic and inverse trigonometric functions

sinh = defprim(
    "sinh", elementwise_impl(math.sinh, np.sinh),
    jvp=lambda t, ans, x: t * cosh(x),
    vjp=lambda g, ans, x: g * cosh(x),
)

cosh = defprim(
    "cosh", elementwise_impl(math.cosh, np.cosh),
    jvp=lambda t, ans, x: t * sinh(x),
    vjp=lambda g, ans, x: g * sinh(x),
)

arcsin = defprim(
    "arcsin", elementwise_impl(math.asin, np.arcsin),
    jvp=lambda t, ans, x: t / sqrt(1 - x ** 2),
    vjp=lambda g, ans, x: g / sqrt(1 - x ** 2),
)

arccos = defprim(
    "arccos", elementwise_impl(math.acos, np.arccos),
    jvp=lambda t, ans, x: -t / sqrt(1 - x ** 2),
    vjp=lambda g, ans, x: -g / sqrt(1 - x ** 2),
)

arctan = defprim(
    "arctan", elementwise_impl(math.atan, np.arctan),
    jvp=lambda t, ans, x: t / (1 + x ** 2),
    vjp=lambda g, ans, x: g / (1 + x ** 2),
)

arcsinh = defprim(
    "arcsinh", elementwise_impl(math.asinh, np.arcsinh),
    jvp=lambda t, ans, x: t / sqrt(x ** 2 + 1),
    vjp=lambda g, ans, x: g / sqrt(x ** 2 + 1),
)

arccosh = defprim(
    "arccosh", elementwise_impl(math.acosh, np.arccosh),
    jvp=lambda t, ans, x: t / sqrt(x ** 2 - 1),
    vjp=lambda g, ans, x: g / sqrt(x ** 2 - 1),
)

arctanh = defprim(
    "arctanh", elementwise_impl(math.atanh, np.arctanh),
    jvp=lambda t, ans, x: t / (1 - x ** 2),
    vjp=lambda g, ans, x: g / (1 - x ** 2),
)

# ---------------------------------------------------------------------------
# Logarithms and exponentials in base 2 and 10, the cube root

log2 = defprim(
    "log2", elementwise_impl(math.log2, np.log2),
    jvp=lambda t, ans, x: t / (x * LN2),
    vjp=lambda g, ans, x: g / (x * LN2),
)

log10 = defprim(
    "log10", elementwise_impl(math.log10, np.log10),
    jvp=lambda t, ans, x: t / (x * LN10),
    vjp=lambda g, ans, x: g / (x * LN10),
)

exp2 = defprim(
    "exp2", elementwise_impl(_exp2_scalar, np.exp2),
    jvp=lambda t, ans, x: t * ans * LN2,
    vjp=lambda g, ans, x: g * ans * LN2,
)

cbrt = defprim(
    "cbrt", _numpy_only(np.cbrt),
    jvp=lambda t, ans, x: t / (3 * ans ** 2),
    vjp=lambda g, ans, x: g / (3 * ans ** 2),
)

# ---------------------------------------------------------------------------
# Angles and sinc

deg2rad = defprim(
    "deg2rad", elementwise_impl(math.radians, np.deg2rad),
    jvp=lambda t, ans, x: t * (PI / 180),
    vjp=lambda g, ans, x: g * (PI / 180),
)

rad2deg = defprim(
    "rad2deg", elementwise_impl(math.degrees, np.rad2deg),
    jvp=lambda t, ans, x: t * (180 / PI),
    vjp=lambda g, ans, x: g * (180 / PI),
)


def _sinc_slope_impl(x, ans):
    """sinc'(x) = (cos(πx) - sinc(x)) / x; at x = 0 it is 0, written as its Taylor term
    -π²x/3 so that the slope's own derivative (sinc''(0) = -π²/3) is right there too."""
    if not np.any(np.equal(x, 0)):
        return (cos(PI * x) - ans) / x
    if np.ndim(x) == 0:
        return -(PI ** 2 / 3) * x
    zero = equal(x, 0)
    safe = where(zero, 1.0, x)
    return where(zero, -(PI ** 2 / 3) * x, (cos(PI * safe) - sinc(safe)) / safe)


def _has_zero(x) -> bool:
    v = strip(x)
    return v is not None and bool(np.any(np.equal(v, 0)))


def _slope_dx(x, ans):
    """d/dx of ``sinc_slope(x, ans)`` with ``ans`` held: (-π sin(πx) - slope) / x, and
    -π²/3 at 0; where an array has zeros the slope is sinc's own (ans is not read)."""
    if not _has_zero(x):
        return (-(PI * sin(PI * x)) - sinc_slope(x, ans)) / x
    if np.ndim(strip(x)) == 0:
        return -(PI ** 2 / 3) + 0 * x
    zero = equal(x, 0)
    safe = where(zero, 1.0, x)
    return where(zero, -(PI ** 2 / 3),
                 (-(PI * sin(PI * safe)) - 2 * sinc_slope(safe, sinc(safe))) / safe)


def _slope_dans(x):
    """d/dans of ``sinc_slope(x, ans)``: -1 / x, and 0 where x has zeros (ans not read)."""
    if not _has_zero(x):
        return -(1 / x)
    return 0 * x


# sinc's slope decides on the value (its Taylor term at 0), so it is a row: every level
# prints, compiles and binds it like the rest.
sinc_slope = defprim(
    "sinc_slope", _sinc_slope_impl,
    jvp=(lambda t, ans, x, a: t * _slope_dx(x, a),
         lambda t, ans, x, a: t * _slope_dans(x)),
    vjp=(lambda g, ans, x, a: g * _slope_dx(x, a),
         lambda g, ans, x, a: g * _slope_dans(x)),
)

sinc = defprim(
    "sinc", _numpy_only(np.sinc),
    jvp=lambda t, ans, x: t * sinc_slope(x, ans),
    vjp=lambda g, ans, x: g * sinc_slope(x, ans),
)

# ---------------------------------------------------------------------------
# Binary functions: each cotangent is summed back to its argument's shape.

arctan2 = defprim(
    "arctan2", _binary(math.atan2, np.arctan2),
    jvp=(lambda t, ans, y, x: broadcast_like(t * x / (x ** 2 + y ** 2), ans),
         lambda t, ans, y, x: broadcast_like(-(t * y) / (x ** 2 + y ** 2), ans)),
    vjp=(lambda g, ans, y, x: unbroadcast(g * x / (x ** 2 + y ** 2), y),
         lambda g, ans, y, x: unbroadcast(-(g * y) / (x ** 2 + y ** 2), x)),
)

hypot = defprim(
    "hypot", _binary(math.hypot, np.hypot),
    jvp=(lambda t, ans, a, b: broadcast_like(t * a / ans, ans),
         lambda t, ans, a, b: broadcast_like(t * b / ans, ans)),
    vjp=(lambda g, ans, a, b: unbroadcast(g * a / ans, a),
         lambda g, ans, a, b: unbroadcast(g * b / ans, b)),
)

# log(e^a + e^b): each argument's share is its softmax weight, e^(a - ans) (2^ for base 2)
logaddexp = shared_row("logaddexp", _binary(None, np.logaddexp),
                       lambda i, ans, a, b: exp((b if i else a) - ans))
logaddexp2 = shared_row("logaddexp2", _binary(None, np.logaddexp2),
                        lambda i, ans, a, b: exp2((b if i else a) - ans))

# fmax/fmin: as maximum/minimum (half each on ties), but a nan loses to a number, so the
# derivative goes to the number.


def _share(wins, a, b):
    """How much of the derivative goes to ``a``: where it ``wins`` over ``b``, half on a
    tie, and all of it where ``b`` is nan (the term is left out for a constant ``b``
    without nans)."""
    share = wins + 0.5 * (a == b)
    v = strip(b)
    if v is not None and not np.any(np.isnan(v)):
        return share
    return share + isnan(b)


def _fmax_share(i, ans, a, b):
    _real_only("fmax", a, b)
    return _share(a > b, a, b) if i == 0 else _share(b > a, b, a)


def _fmin_share(i, ans, a, b):
    _real_only("fmin", a, b)
    return _share(a < b, a, b) if i == 0 else _share(b < a, b, a)


def _real_only(name, *args):
    """fmax/fmin pick by order, and complex numbers have none."""
    if any(np.iscomplexobj(strip(a)) for a in args):
        raise NoDerivativeRule(f"'{name}' of complex numbers",
                               "complex numbers have no order: compare abs(z) or np.real(z)")


fmax = shared_row("fmax", _binary(None, np.fmax), _fmax_share)
fmin = shared_row("fmin", _binary(None, np.fmin), _fmin_share)

# ldexp(x, e) = x * 2**e. NumPy takes integer exponents only; as for ``a ** b`` with an
# int ``b``, the derivative in e is that of the smooth x * 2**e.
ldexp = defprim(
    "ldexp", _binary(math.ldexp, np.ldexp),
    jvp=(lambda t, ans, x, e: broadcast_like(t * 2.0 ** e, ans),
         lambda t, ans, x, e: broadcast_like(t * ans * LN2, ans)),
    vjp=(lambda g, ans, x, e: unbroadcast(g * 2.0 ** e, x),
         lambda g, ans, x, e: unbroadcast(g * ans * LN2, e)),
)

# ---------------------------------------------------------------------------
# Piecewise-constant steps: derivative zero (between the jumps, where it exists), so
# they stay in the trace and a gradient through them is 0, not "no dependence".


def _flat(t):
    """A zero shaped like ``t`` whatever ``t`` holds: an inf or nan reaching a step (from a
    rule upstream, as log(-2) for a power's exponent) still gives slope 0, not nan."""
    v = strip(t)
    return 0.0 if np.ndim(v) == 0 else np.zeros(np.shape(v))


def _step(name, np_fn):
    return defprim(name, _numpy_only(np_fn, name),
                   jvp=lambda t, ans, x: _flat(t),
                   vjp=lambda g, ans, x: _flat(g))


floor = _step("floor", np.floor)
ceil = _step("ceil", np.ceil)
rint = _step("rint", np.rint)
trunc = _step("trunc", np.trunc)
fix = _step("fix", np.fix)

round = defprim(
    "round", _round_impl,
    jvp=lambda t, ans, x, decimals=0: _flat(t),
    vjp=lambda g, ans, x, decimals=0: _flat(g),
)

# nan_to_num: the identity where x is finite, a constant where it is not.
nan_to_num = defprim(
    "nan_to_num", _nan_to_num_impl,
    jvp=lambda t, ans, x, nan=0.0, posinf=None, neginf=None: t * isfinite(x),
    vjp=lambda g, ans, x, nan=0.0, posinf=None, neginf=None: g * isfinite(x),
)


# ---------------------------------------------------------------------------
# NumPy entries (numpy_dispatch.py merges them)

@honours()
def _sinc(x):
    return sinc(x)


@honours()
def _fix(x, out=None):
    return fix(x)


@honours("decimals")
def _round(a, decimals=0, out=None):
    return round(a, decimals=_integer("np.round", "decimals", decimals))


@honours("tol")
def _real_if_close(a, tol=100):
    """``np.real_if_close``: the real part when every imaginary part is within ``tol``
    machine epsilons of zero (decided on the values, as NumPy does), else ``a`` itself."""
    v = np.asarray(strip(a))
    if v.dtype.kind != "c":
        return a
    eps = np.finfo(v.dtype).eps
    limit = tol * eps if tol > 1 else tol
    return real(a) if np.all(np.abs(v.imag) < limit) else a


@honours("copy", "nan", "posinf", "neginf")
def _nan_to_num(x, copy=True, nan=0.0, posinf=None, neginf=None):
    if not copy:
        raise InPlaceOutput("np.nan_to_num(..., copy=False) writes in place and cannot be "
                            "differentiated; drop copy= and use the returned value")
    return nan_to_num(x, nan=float(nan),
                      posinf=None if posinf is None else float(posinf),
                      neginf=None if neginf is None else float(neginf))


def _integer(name, key, value):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name}: {key}= must be an int, got {value!r}")
    return int(value)


UFUNCS: dict = {
    np.sinh: sinh, np.cosh: cosh,
    np.arcsin: arcsin, np.arccos: arccos, np.arctan: arctan,
    np.arcsinh: arcsinh, np.arccosh: arccosh, np.arctanh: arctanh,
    np.log2: log2, np.log10: log10, np.exp2: exp2, np.cbrt: cbrt,
    np.deg2rad: deg2rad, np.radians: deg2rad, np.rad2deg: rad2deg, np.degrees: rad2deg,
    np.arctan2: arctan2, np.hypot: hypot, np.logaddexp: logaddexp,
    np.logaddexp2: logaddexp2, np.fmax: fmax, np.fmin: fmin, np.ldexp: ldexp,
    np.floor: floor, np.ceil: ceil, np.rint: rint, np.trunc: trunc,
}
FUNCTIONS: dict = {
    np.sinc: _sinc, np.fix: _fix, np.round: _round, np.around: _round,
    np.nan_to_num: _nan_to_num, np.real_if_close: _real_if_close,
}
METHODS: dict = {"round": _round}

# The rows that are also ``ad.<name>`` (and known to ``%%autodiff`` and the CLI).
PUBLIC = ("sinh", "cosh", "arcsin", "arccos", "arctan", "arcsinh", "arccosh", "arctanh",
          "log2", "log10", "exp2", "cbrt", "deg2rad", "rad2deg", "sinc", "arctan2", "hypot",
          "logaddexp", "logaddexp2", "fmax", "fmin", "ldexp", "floor", "ceil", "rint",
          "trunc", "fix", "round", "nan_to_num", "square", "reciprocal", "degrees",
          "radians", "fabs", "sign", "real_if_close")


# NumPy's other names for rows above, and the ufuncs NumPy composes from them: ad.<name>
# on numbers, arrays and AD values alike.
degrees, radians = rad2deg, deg2rad
fabs, sign = R.absolute, R.sign


def square(x):
    """``x ** 2``, differentiable (``np.square``)."""
    return x * x


def reciprocal(x):
    """``1 / x``, differentiable (``np.reciprocal``); Python numbers keep Python's
    ZeroDivisionError, as ``1 / x`` does."""
    return 1.0 / x


def real_if_close(a, tol=100):
    """``np.real_if_close`` on numbers, arrays and AD values."""
    return _real_if_close(a, tol)

# Functions that are these rows in source_grad's reading of a user's code: their ``math``
# twins, and the NumPy functions of one argument that are not ufuncs.
SOURCE_ROWS = {
    np.sinc: sinc, np.fix: fix,
    math.sinh: sinh, math.cosh: cosh, math.asin: arcsin, math.acos: arccos,
    math.atan: arctan, math.asinh: arcsinh, math.acosh: arccosh, math.atanh: arctanh,
    math.log2: log2, math.log10: log10, math.radians: deg2rad, math.degrees: rad2deg,
    math.atan2: arctan2, math.hypot: hypot, math.ldexp: ldexp,
}

# Rows that map numbers to numbers (source_grad's scalar form needs no broadcasting).
SCALAR_ROWS = frozenset((sinh, cosh, arcsin, arccos, arctan, arcsinh, arccosh, arctanh,
                         log2, log10, exp2, cbrt, deg2rad, rad2deg, sinc, arctan2, hypot,
                         logaddexp, logaddexp2, fmax, fmin, ldexp, floor, ceil, rint, trunc,
                         fix, round, nan_to_num, isnan, isfinite))
