# Over 450 lines: the shape and complex helpers call these rows (sum_to, real), so they stay here.
"""The rows for arithmetic, elementwise math, comparisons and broadcasting.

Read each row as calculus: ``sin`` has tangent ``t * cos(x)`` and adjoint ``g * cos(x)``.
``t`` is an incoming tangent, ``g`` an incoming cotangent, ``ans`` the row's output.
Rules use the differentiable functions defined here, so they can be differentiated again.
A row is callable (``sin(x)`` binds it); the public ``ad.sin`` is the same row behind a
scalar fast path (``fastpaths.py``).
"""

from __future__ import annotations

import cmath
import functools
import math
import operator

import numpy as np

from .errors import NoComplexRule
from .primitives import (COMPARE, POWER, PRODUCT, SUM, UNARY, defprim, numpy_semantics,
                         strip)

# ---------------------------------------------------------------------------
# Shapes and broadcasting

def shape(x) -> tuple:
    """The shape of a number, array or AD value (``()`` for scalars)."""
    t = type(x)
    if t is float or t is int:
        return ()
    s = getattr(x, "shape", None)
    return s if s is not None else np.shape(x)


def ndim(x) -> int:
    return len(shape(x))


def unbroadcast(g, like):
    """Sum a cotangent ``g`` down to the shape of ``like`` (undo NumPy broadcasting),
    keeping only its real part if ``like`` is real (``match_real``)."""
    if type(g) is np.ndarray and type(like) is np.ndarray \
            and (g.dtype.kind != "c" or like.dtype.kind == "c"):
        # NumPy arrays with no real part to take, answered before the general tests:
        # the shape is right (the common case), or the row's sum runs directly
        return g if g.shape == like.shape else _sum_to_impl(g, like.shape)
    target = shape(like)
    if shape(g) != target:
        g = sum_to(g, shape=target)
    return match_real(g, like)


def broadcast_like(t, like):
    """Broadcast a tangent ``t`` up to the shape of ``like``."""
    target = shape(like)
    if shape(t) == target:
        return t
    return broadcast_to(t, shape=target)


def uniform_value(g):
    """The one value of a cotangent that is a single number broadcast to an array (every
    stride 0, as ``sum`` and ``mean`` send theirs back), or ``None``."""
    if type(g) is np.ndarray and g.ndim and not any(g.strides) and g.size:
        return g.flat[0]
    return None


def times(g, v, fresh=False):
    """``g * v`` for a cotangent ``g``, without the array passes that change nothing.

    The cotangent a ``sum`` sends back is the scalar 1 broadcast to a read-only array:
    multiplying a real array by it changes no bit (1.0 * v is v, -0.0, inf and nan
    included), so ``v`` comes back as it is, as a read-only broadcast view (the tape or
    the user may own ``v``: rules never write into their inputs, and
    ``gradients.user_gradient`` copies a read-only array before a user gets it). A
    factor of 1 (``x ** 1``) gives ``g`` back. ``fresh`` says that ``v`` is a new array
    this rule has just made (``cos(x)``): nobody else holds it, so the product is
    written into it rather than into one more new array, and with a cotangent of ones
    ``v`` itself is the answer.
    """
    if type(g) is np.ndarray:
        if type(v) is np.ndarray:
            if v.dtype.kind == "f" and g.dtype.kind == "f" \
                    and g.dtype.itemsize <= v.dtype.itemsize and uniform_value(g) == 1:
                if fresh and v.shape == g.shape:
                    return v
                return np.broadcast_to(v, np.broadcast_shapes(g.shape, v.shape))
            if fresh and v.shape == g.shape and v.dtype == np.result_type(g, v):
                return np.multiply(g, v, out=v)
        elif type(v) is int and v == 1 and g.dtype.kind == "f":
            return g
    return g * v


def _sum_to_impl(x, shape):
    x = np.asarray(x)
    if x.shape == tuple(shape):
        return x
    lead = x.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(
        lead + i for i, n in enumerate(shape) if n == 1 and x.shape[lead + i] != 1)
    out = x.sum(axis=axes, keepdims=True)
    return out.reshape(shape) if lead else out


def _broadcast_to_impl(x, shape):
    # A read-only view, not a copy: cotangents of sums stay cheap. Arrays users get back
    # are made writeable by gradients.user_gradient and forward.tangent_of.
    return np.broadcast_to(x, shape)


broadcast_to = defprim(
    "broadcast_to", _broadcast_to_impl,
    jvp=lambda t, ans, x, shape: broadcast_to(t, shape=shape),
    vjp=lambda g, ans, x, shape: sum_to(g, shape=shape_of(x)),
)

sum_to = defprim(
    "sum_to", _sum_to_impl,
    jvp=lambda t, ans, x, shape: sum_to(t, shape=shape),
    vjp=lambda g, ans, x, shape: broadcast_to(g, shape=shape_of(x)),
)

shape_of = shape  # for rules whose ``shape`` parameter hides the function


# ---------------------------------------------------------------------------
# Complex numbers, with autograd's convention: a cotangent ``g`` of a value ``z`` means
# the change ``Re(g * dz)``, so holomorphic rules need no conjugation (mul sends
# ``g * b`` to ``a``) and only the rows that are not holomorphic (abs, conj, real, imag,
# angle) have rules of their own. A real value moves only in the real direction: its
# cotangent keeps the real part, and so does the tangent of a real output.


def is_complex(x) -> bool:
    """Is the value inside ``x`` (a number, an array, any AD value) complex?"""
    v = strip(x)
    t = type(v)
    if t is float or t is int:
        return False
    if t is np.ndarray:
        return v.dtype.kind == "c"
    if t is complex:
        return True
    if v is None:                      # a symbol (symbolic.py) says what it stands for
        return getattr(x, "is_complex", False)
    if isinstance(v, np.generic):
        return isinstance(v, np.complexfloating)
    return np.iscomplexobj(v)


def match_real(v, like):
    """``v``, or its real part where ``like`` is real (autograd's ``match_complex``)."""
    if is_complex(v) and not is_complex(like):
        return real(v)
    return v


def real_only(name: str, *args):
    """Refuse a row that needs an order or a sign (``maximum``, ``max``, ``sign``) on
    complex numbers, in forward and reverse mode alike."""
    if any(is_complex(a) for a in args):
        raise NoComplexRule(f"'{name}' of complex numbers",
                            "complex numbers have no order: compare abs(z) or np.real(z) "
                            "instead (and write sign(z) as z / abs(z))")


# ---------------------------------------------------------------------------
# Implementations that keep Python floats as Python floats (fast, and they print as
# 0.758…, not np.float64(0.758…)) with Python's semantics: log(-1.0) raises ValueError
# as math.log does. Under ``numpy_semantics`` (np.log(x), a rule at a boundary) they
# follow NumPy instead: nan with a RuntimeWarning.


def elementwise_impl(math_fn, np_fn):
    def impl(x):
        if type(x) is float or type(x) is int:
            try:
                return math_fn(x)
            except (ValueError, OverflowError):
                if not numpy_semantics:
                    raise
                return float(np_fn(np.float64(x)))
        return np_fn(x)
    impl.__name__ = np_fn.__name__
    impl.scalar = math_fn          # fastpaths.py calls it directly on plain numbers
    return impl


def _sigmoid_scalar(x):
    return 0.5 * (math.tanh(0.5 * x) + 1.0)


def _sigmoid_array(x):
    return 0.5 * (np.tanh(0.5 * np.asarray(x)) + 1.0)


def _sign_impl(x):
    if type(x) is float or type(x) is int:
        return (x > 0) - (x < 0)
    # sign(z) = z / |z| is not constant for complex z: treated as a constant it would
    # give a wrong derivative (plain NumPy values never get here, only AD values)
    real_only("sign", x)
    return np.sign(x)


def _real_impl(x):
    out = np.real(x)
    # a complex array's real part is a strided view: a contiguous copy is faster to use
    # and is the caller's own when it is handed out as a gradient
    return np.ascontiguousarray(out) if type(out) is np.ndarray and out.ndim else out


def _imag_impl(x):
    out = np.imag(x)
    return np.ascontiguousarray(out) if type(out) is np.ndarray and out.ndim else out


def _conj_impl(x):
    t = type(x)
    return x.conjugate() if t is complex or t is float or t is int else np.conjugate(x)


def _angle_impl(x):
    t = type(x)
    return cmath.phase(x) if t is complex or t is float or t is int else np.angle(x)


def _abs_impl(x):
    if type(x) is float or type(x) is int:
        return abs(x)
    return np.abs(x)


def _python_semantics(op, ufunc):
    """``op`` as Python computes it: 1/0 and 0.0 ** -1 raise ZeroDivisionError,
    (-8.0) ** 0.5 is complex. Under ``numpy_semantics`` Python numbers get what ``ufunc``
    gives them instead (inf or nan with a RuntimeWarning), as NumPy values always do."""
    def impl(a, b):
        try:
            out = op(a, b)
        except (ZeroDivisionError, OverflowError):
            if not numpy_semantics:
                raise
            return _plain(ufunc(a, b))
        if type(out) is complex and numpy_semantics and type(a) is not complex \
                and type(b) is not complex:
            return _plain(ufunc(a, b))
        return out
    impl.__name__ = op.__name__
    return impl


def _plain(v):
    """A NumPy scalar computed for Python numbers, as a Python number again."""
    return v.item() if isinstance(v, np.generic) else v


def _nonzero(v):
    """``v`` with exact zeros replaced by 1 (a divisor that may be 0)."""
    p = strip(v)
    if p is not None and np.any(np.equal(p, 0)):
        return where(equal(v, 0), 1.0, v)
    return v


def _abs_slope(x, ans):
    """d|x|: ``sign(x)`` for real ``x``; for complex ``x`` the cotangent factor
    ``conj(x) / |x|`` (0 at x = 0, as autograd), whose real part times a tangent is
    the change of |x|."""
    if is_complex(x):
        return conj(x) / _nonzero(ans)
    return sign(x)


def _share(name, i, ans, a, b):
    """Argument ``i``'s share of ``maximum``/``minimum``: 1 where it wins, half on ties."""
    real_only(name, a, b)
    if name == "maximum":
        won = a > b if i == 0 else b > a
    else:
        won = a < b if i == 0 else b < a
    return won + 0.5 * (a == b)


def shared_row(name: str, impl, share):
    """A row of two arguments whose derivative goes to argument ``i`` in proportion
    ``share(i, ans, a, b)`` (``maximum``, ``fmax``, ``logaddexp``)."""
    return defprim(
        name, impl,
        jvp=(lambda t, ans, a, b: broadcast_like(t * share(0, ans, a, b), ans),
             lambda t, ans, a, b: broadcast_like(t * share(1, ans, a, b), ans)),
        vjp=(lambda g, ans, a, b: unbroadcast(g * share(0, ans, a, b), a),
             lambda g, ans, a, b: unbroadcast(g * share(1, ans, a, b), b)),
    )


# ---------------------------------------------------------------------------
# Arithmetic

add = defprim(
    "add", operator.add, display="{0} + {1}", precedence=SUM,
    jvp=(lambda t, ans, a, b: broadcast_like(t, ans),
         lambda t, ans, a, b: broadcast_like(t, ans)),
    vjp=(lambda g, ans, a, b: unbroadcast(g, a),
         lambda g, ans, a, b: unbroadcast(g, b)),
)

sub = defprim(
    "sub", operator.sub, display="{0} - {1}", precedence=SUM,
    jvp=(lambda t, ans, a, b: broadcast_like(t, ans),
         lambda t, ans, a, b: broadcast_like(-t, ans)),
    vjp=(lambda g, ans, a, b: unbroadcast(g, a),
         lambda g, ans, a, b: unbroadcast(-g, b)),
)

mul = defprim(
    "mul", operator.mul, display="{0} * {1}", precedence=PRODUCT,
    jvp=(lambda t, ans, a, b: t * b,
         lambda t, ans, a, b: a * t),
    vjp=(lambda g, ans, a, b: unbroadcast(times(g, b), a),
         lambda g, ans, a, b: unbroadcast(times(g, a), b)),
)

div = defprim(
    "div", _python_semantics(operator.truediv, np.true_divide), display="{0} / {1}",
    precedence=PRODUCT,
    jvp=(lambda t, ans, a, b: broadcast_like(t / b, ans),
         lambda t, ans, a, b: broadcast_like(-(t * a) / b ** 2, ans)),
    vjp=(lambda g, ans, a, b: unbroadcast(g / b, a),
         lambda g, ans, a, b: unbroadcast(-(g * a) / b ** 2, b)),
)

neg = defprim(
    "neg", operator.neg, display="-{0}", precedence=UNARY,
    jvp=lambda t, ans, x: -t,
    vjp=lambda g, ans, x: -g,
)

_pow_impl = _python_semantics(operator.pow, np.power)

power = defprim(
    "pow", _pow_impl, display="{0} ** {1}", precedence=POWER,
    jvp=(lambda t, ans, a, b: broadcast_like(t * _power_factor(a, b), ans),
         lambda t, ans, a, b: broadcast_like(t * ans * log_nonzero(a), ans)),
    vjp=(lambda g, ans, a, b: unbroadcast(times(g, _power_factor(a, b), fresh=True), a),
         lambda g, ans, a, b: unbroadcast(g * ans * log_nonzero(a), b)),
)


def _power_factor(a, b):
    """d(a ** b)/da = b * a ** (b - 1). A constant exponent decides the guard at once
    (``3 * x ** 2``, and ``2 * x``: one pass over an array instead of three); any other
    is the ``power_factor`` row."""
    if type(b) is int or type(b) is float:
        return _power_factor_impl(a, b)
    return power_factor(a, b)


def _pow_exponent(b):
    """``b - 1``, but 1 where ``b == 0``: the factor ``b`` is 0 there anyway, and
    ``0.0 ** -1`` must not turn 0 into nan."""
    if type(b) is complex:
        return 1 if b == 0 else b - 1
    if type(b) is np.ndarray:
        return np.where(b == 0, 1, b - 1)
    return where(equal(b, 0), 1, b - 1)


def _power_factor_impl(a, b):
    tb = type(b)
    if tb is int or tb is float:
        if b == 2:
            return 2 * a
        if b == 1:
            return 1
        e = 1 if b == 0 else b - 1
        ta = type(a)
        if ta is float or ta is int:
            try:
                out = a ** e
            except ArithmeticError:            # 0.0 ** -1: the row decides (raise or inf)
                return b * _pow_impl(a, e)
            # a negative base to a fraction: Python's complex, or the row's nan for NumPy
            return b * (out if type(out) is not complex else _pow_impl(a, e))
        # the row, not Python's **: NumPy values get nan for a negative base, as their
        # value does; AD values and symbols compose (``3 * x ** 2``)
        return b * power(a, e)
    return b * power(a, _pow_exponent(b))


def _log_nonzero_impl(a):
    if type(a) is float or type(a) is int:
        return log.impl(a) if a != 0 else 0.0
    if np.any(np.equal(a, 0)):
        return log(where(equal(a, 0), 1.0, a))
    return log(a)


def _where_nonzero(a, v):
    """``v`` where ``a`` is not 0, and 0 where it is (``v`` itself if ``a`` has no zeros)."""
    p = strip(a)
    if p is not None and np.any(np.equal(p, 0)):
        return where(equal(a, 0), 0.0, v)
    return v


# The guards of the power rule are rows, so every level prints, compiles and binds them
# like the rest. Their rules are the chain rule through ``b * a ** e`` with
# ``e = where(b == 0, 1, b - 1)`` and through ``log(where(a == 0, 1, a))``: the mask is
# piecewise constant, so where it holds, it stops the tangent.

power_factor = defprim(
    "power_factor", _power_factor_impl,
    jvp=(lambda t, ans, a, b: b * broadcast_like(t * _power_factor(a, _pow_exponent(b)), ans),
         lambda t, ans, a, b: broadcast_like(
             t * power(a, _pow_exponent(b))
             + b * (where(equal(b, 0), 0.0, t) * power(a, _pow_exponent(b)) * log_nonzero(a)),
             ans)),
    vjp=(lambda g, ans, a, b: unbroadcast(g * b * _power_factor(a, _pow_exponent(b)), a),
         lambda g, ans, a, b: unbroadcast(
             g * power(a, _pow_exponent(b))
             + where(equal(b, 0), 0.0, g * b * power(a, _pow_exponent(b)) * log_nonzero(a)),
             b)),
)

log_nonzero = defprim(
    "log_nonzero", _log_nonzero_impl,
    jvp=lambda t, ans, a: _where_nonzero(a, t) * (1 / _nonzero(a)),
    vjp=lambda g, ans, a: _where_nonzero(a, g * (1 / _nonzero(a))),
)

mod = defprim(
    "mod", _python_semantics(operator.mod, np.remainder), display="{0} % {1}",
    precedence=PRODUCT,
    jvp=(lambda t, ans, a, b: broadcast_like(t, ans),
         lambda t, ans, a, b: broadcast_like(-t * floordiv(a, b), ans)),
    vjp=(lambda g, ans, a, b: unbroadcast(g, a),
         lambda g, ans, a, b: unbroadcast(-g * floordiv(a, b), b)),
)

# ---------------------------------------------------------------------------
# Elementwise math

sin = defprim(
    "sin", elementwise_impl(math.sin, np.sin),
    jvp=lambda t, ans, x: t * cos(x),
    vjp=lambda g, ans, x: times(g, cos(x), fresh=True),
)

cos = defprim(
    "cos", elementwise_impl(math.cos, np.cos),
    jvp=lambda t, ans, x: -(t * sin(x)),
    vjp=lambda g, ans, x: -(g * sin(x)),
)

tan = defprim(
    "tan", elementwise_impl(math.tan, np.tan),
    jvp=lambda t, ans, x: t / cos(x) ** 2,
    vjp=lambda g, ans, x: g / cos(x) ** 2,
)

exp = defprim(
    "exp", elementwise_impl(math.exp, np.exp),
    jvp=lambda t, ans, x: t * ans,
    vjp=lambda g, ans, x: times(g, ans),
)

log = defprim(
    "log", elementwise_impl(math.log, np.log),
    jvp=lambda t, ans, x: t * (1 / x),
    vjp=lambda g, ans, x: times(g, 1 / x, fresh=True),
)

log1p = defprim(
    "log1p", elementwise_impl(math.log1p, np.log1p),
    jvp=lambda t, ans, x: t / (1 + x),
    vjp=lambda g, ans, x: g / (1 + x),
)

expm1 = defprim(
    "expm1", elementwise_impl(math.expm1, np.expm1),
    jvp=lambda t, ans, x: t * (ans + 1),
    vjp=lambda g, ans, x: times(g, ans + 1, fresh=True),
)

sqrt = defprim(
    "sqrt", elementwise_impl(math.sqrt, np.sqrt),
    jvp=lambda t, ans, x: t / (2 * ans),
    vjp=lambda g, ans, x: g / (2 * ans),
)

tanh = defprim(
    "tanh", elementwise_impl(math.tanh, np.tanh),
    jvp=lambda t, ans, x: t * (1 - ans ** 2),
    vjp=lambda g, ans, x: times(g, 1 - ans ** 2, fresh=True),
)

sigmoid = defprim(
    "sigmoid", elementwise_impl(_sigmoid_scalar, _sigmoid_array),
    jvp=lambda t, ans, x: t * ans * (1 - ans),
    vjp=lambda g, ans, x: g * ans * (1 - ans),
)

absolute = defprim(
    "abs", _abs_impl,
    jvp=lambda t, ans, x: match_real(t * _abs_slope(x, ans), ans),
    vjp=lambda g, ans, x: g * _abs_slope(x, ans),
)

# Complex parts. ``-(g * 1j)`` is imag's cotangent: Re(-1j g dz) = g Im(dz).

real = defprim(
    "real", _real_impl,
    jvp=lambda t, ans, x: real(t),
    vjp=lambda g, ans, x: g,
)

imag = defprim(
    "imag", _imag_impl,
    jvp=lambda t, ans, x: imag(t),
    vjp=lambda g, ans, x: match_real(-(g * 1j), x),
)

conj = defprim(
    "conj", _conj_impl,
    jvp=lambda t, ans, x: conj(t),
    vjp=lambda g, ans, x: conj(g),
)

angle = defprim(
    "angle", _angle_impl,
    jvp=lambda t, ans, x: imag(t / x),
    vjp=lambda g, ans, x: match_real(g / (x * 1j), x),
)

# maximum/minimum send the derivative to the larger/smaller argument, half each on ties;
# complex numbers have no order, so both refuse them.

maximum = shared_row("maximum", np.maximum, functools.partial(_share, "maximum"))
minimum = shared_row("minimum", np.minimum, functools.partial(_share, "minimum"))

where = defprim(
    "where", np.where,
    jvp=(None,
         lambda t, ans, c, x, y: broadcast_like(where(c, t, 0.0), ans),
         lambda t, ans, c, x, y: broadcast_like(where(c, 0.0, t), ans)),
    vjp=(None,
         lambda g, ans, c, x, y: unbroadcast(where(c, g, 0.0), x),
         lambda g, ans, c, x, y: unbroadcast(where(c, 0.0, g), y)),
)

# ---------------------------------------------------------------------------
# Operations without a derivative: they answer on the primal values and return plain
# values (a comparison has no tangent; an int loop counter stops being tracked).

sign = defprim("sign", _sign_impl, nondiff=True)
floordiv = defprim("floordiv", _python_semantics(operator.floordiv, np.floor_divide),
                   display="{0} // {1}", precedence=PRODUCT, nondiff=True)
less = defprim("lt", operator.lt, display="{0} < {1}", precedence=COMPARE, nondiff=True)
less_equal = defprim("le", operator.le, display="{0} <= {1}", precedence=COMPARE,
                     nondiff=True)
greater = defprim("gt", operator.gt, display="{0} > {1}", precedence=COMPARE, nondiff=True)
greater_equal = defprim("ge", operator.ge, display="{0} >= {1}", precedence=COMPARE,
                        nondiff=True)
equal = defprim("eq", operator.eq, display="{0} == {1}", precedence=COMPARE, nondiff=True)
not_equal = defprim("ne", operator.ne, display="{0} != {1}", precedence=COMPARE,
                    nondiff=True)
