"""Which NumPy function is which row: plain ``np.sin(x)``, ``np.sum(x, axis=0)``,
``np.add.reduce(x)``, ``x.clip(0, 1)`` on AD values are routed here by
``__array_ufunc__``/``__array_function__`` and the array methods of ``operators.py``.

A NumPy function missing from these tables raises ``NoDerivativeRule`` naming it, so an
unsupported operation is never silently differentiated wrong. Likewise every entry lists
the keywords it honours (``@honours``, see ``keywords.py``); any other keyword is refused.
"""

from __future__ import annotations

import numpy as np

from . import rules as R
from . import (rules_elementwise, rules_linalg, rules_numpy as RN, rules_products,
               rules_reductions, rules_shapes)
from .errors import InPlaceOutput, NoDerivativeRule
from .keywords import check_keywords, float_dtype, honours, refuse_value
from .primitives import bind, numpy_semantics, strip

# ufunc -> row (or a function of the inputs built from rows)
UFUNCS = {
    np.add: R.add, np.subtract: R.sub, np.multiply: R.mul, np.divide: R.div,
    np.true_divide: R.div, np.power: R.power, np.float_power: R.power,
    np.negative: R.neg, np.absolute: R.absolute, np.fabs: R.absolute,
    np.mod: R.mod, np.remainder: R.mod,
    np.sin: R.sin, np.cos: R.cos, np.tan: R.tan, np.exp: R.exp, np.log: R.log,
    np.log1p: R.log1p, np.expm1: R.expm1, np.sqrt: R.sqrt, np.tanh: R.tanh,
    np.maximum: R.maximum, np.minimum: R.minimum, np.matmul: RN.matmul,
    np.conjugate: R.conj,
    # without derivative: answered on primals
    np.sign: R.sign, np.floor_divide: R.floordiv,
    np.less: R.less, np.less_equal: R.less_equal, np.greater: R.greater,
    np.greater_equal: R.greater_equal, np.equal: R.equal, np.not_equal: R.not_equal,
}

COMPOSITE_UFUNCS = {
    np.square: lambda x: x ** 2,
    np.reciprocal: lambda x: 1.0 / x,
    np.positive: lambda x: x,
}

# ufuncs whose result has no derivative; computed on the primal values.
PLAIN_UFUNCS = {np.isfinite, np.isnan, np.isinf, np.signbit, np.logical_and,
                np.logical_or, np.logical_not}


@honours()
def _ufunc_call(*inputs, out=None, where=True, casting="same_kind", order="K", dtype=None,
                subok=True, signature=None):
    """The keywords of a ufunc call: none is honoured on AD values beyond its default."""


def apply_ufunc(ufunc, method, inputs, kwargs):
    """A NumPy ufunc on AD values, by its row. NumPy's semantics hold even for Python
    floats inside (``np.log(x)`` at -1.0 is nan with a RuntimeWarning, as without AD),
    where ``ad.log`` and Python's operators raise."""
    if method != "__call__":
        name = f"np.{ufunc.__name__}"
        entry = UFUNC_METHODS.get(method, {}).get(ufunc)
        if entry is None:
            raise _refuse_method(f"{name}.{method}", method)
        return call(f"{name}.{method}", entry, inputs, kwargs)
    if kwargs:
        check_keywords(f"np.{ufunc.__name__}", _ufunc_call, inputs, kwargs)
    if ufunc in PLAIN_UFUNCS:
        return ufunc(*[strip(x) for x in inputs])
    row = UFUNCS.get(ufunc)
    if row is not None:
        with numpy_semantics:
            return bind(row, *inputs)
    composite = COMPOSITE_UFUNCS.get(ufunc)
    if composite is not None:
        with numpy_semantics:
            return composite(*inputs)
    raise NoDerivativeRule(f"np.{ufunc.__name__}",
                           "use a supported function, or give it a rule with @ad.adjoint")


def call(name, entry, args, kwargs):
    """Call a dispatch entry as ``name`` after refusing the keywords it does not honour."""
    check_keywords(name, entry, args, kwargs)
    return entry(*args, **kwargs)


def _refuse_method(name, method):
    if method == "at":
        return InPlaceOutput(f"{name} writes in place and cannot be differentiated; build "
                             "a new array instead (np.where, np.concatenate, np.stack)")
    return NoDerivativeRule(name, "write it with supported operations (np.sum, np.max, "
                                  "np.min, np.add.accumulate, np.<ufunc>.outer)")


# ---------------------------------------------------------------------------
# Reductions: a row, with NumPy's options written with other rows.

def _reduce(name, row, a, axis, dtype, keepdims, initial=None, where=True, fill=0.0):
    """``row`` over ``axis``. ``where=`` replaces the left-out elements by ``fill`` (the
    identity: 0 for a sum, ``initial`` for a max/min); ``initial=`` is added to a sum and
    taken into the maximum/minimum of a max/min."""
    a = float_dtype(name, a, dtype)
    if _masks(where):
        mask = np.broadcast_to(strip(where), np.shape(strip(a)))
        a = bind(R.where, mask, a, fill)
    out = bind(row, a, axis=_static_axis(axis), keepdims=_flag(keepdims))
    if not _given(initial):
        return out
    combine = {RN.sum: R.add, RN.max: R.maximum, RN.min: R.minimum}[row]
    return bind(combine, out, initial)


def _given(option):
    return option is not None and option is not np._NoValue


def _masks(where):
    return _given(where) and where is not True


def _static_axis(axis):
    return tuple(axis) if isinstance(axis, list) else axis


def _flag(keepdims):
    return False if keepdims is None or keepdims is np._NoValue else bool(keepdims)


@honours("axis", "dtype", "keepdims", "initial", "where")
def _sum(a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=True):
    return _reduce("np.sum", RN.sum, a, axis, dtype, keepdims, initial, where)


@honours("axis", "dtype", "keepdims", "where")
def _mean(a, axis=None, dtype=None, out=None, keepdims=False, *, where=True):
    if not _masks(where):
        a = float_dtype("np.mean", a, dtype)
        return bind(RN.mean, a, axis=_static_axis(axis), keepdims=_flag(keepdims))
    total = _reduce("np.mean", RN.sum, a, axis, dtype, keepdims, where=where)
    counted = np.broadcast_to(strip(where), np.shape(strip(a)))
    return total / np.sum(counted, axis=_static_axis(axis), keepdims=_flag(keepdims))


def _extremum(name, row):
    @honours("axis", "keepdims", "initial", "where")
    def extremum(a, axis=None, out=None, keepdims=False, initial=None, where=True):
        if _masks(where) and not _given(initial):
            raise ValueError(f"{name}(..., where=...) needs initial= as well, as in NumPy "
                             "(a maximum or minimum has no identity to fill in)")
        return _reduce(name, row, a, axis, None, keepdims, initial, where, fill=initial)
    return extremum


_max, _min = _extremum("np.max", RN.max), _extremum("np.min", RN.min)


# ---------------------------------------------------------------------------
# ufunc methods: np.add.reduce is np.sum along axis 0; outer products broadcast.

@honours("axis", "dtype", "keepdims", "initial", "where")
def _add_reduce(array, axis=0, dtype=None, out=None, keepdims=False, initial=None,
                where=True):
    return _reduce("np.add.reduce", RN.sum, array, axis, dtype, keepdims, initial, where)


def _extremum_reduce(name, row):
    extremum = _extremum(name, row)

    @honours("axis", "dtype", "keepdims", "initial", "where")
    def reduce(array, axis=0, dtype=None, out=None, keepdims=False, initial=None,
               where=True):
        return extremum(float_dtype(name, array, dtype), axis, None, keepdims, initial, where)
    return reduce


@honours("axis", "dtype")
def _add_accumulate(array, axis=0, dtype=None, out=None):
    """Running sums along ``axis``: a product with a triangle of ones (upper[i, j] = 1
    for i <= j), with ``axis`` moved last and back."""
    array = float_dtype("np.add.accumulate", array, dtype)
    value = strip(array)
    nd = np.ndim(value)
    if nd == 0:
        raise ValueError("np.add.accumulate needs an array with at least one dimension")
    axis = axis % nd
    n = np.shape(value)[axis]
    upper = np.triu(np.ones((n, n), dtype=np.result_type(value)))
    if axis == nd - 1:
        return bind(RN.matmul, array, upper)
    order = tuple(i for i in range(nd) if i != axis) + (axis,)
    moved = bind(RN.matmul, bind(RN.transpose, array, axes=order), upper)
    return bind(RN.transpose, moved, axes=tuple(int(i) for i in np.argsort(order)))


def _outer(ufunc):
    @honours()
    def outer(A, B):
        """``ufunc(a, b)`` for every pair: ``A`` gets one new axis per axis of ``B``."""
        column = bind(RN.reshape, A, shape=np.shape(strip(A)) + (1,) * np.ndim(strip(B)))
        return apply_ufunc(ufunc, "__call__", (column, B), {})
    return outer


# ufunc method -> {ufunc: entry}; one missing here is refused naming np.<ufunc>.<method>.
UFUNC_METHODS = {
    "reduce": {np.add: _add_reduce, np.maximum: _extremum_reduce("np.maximum.reduce", RN.max),
               np.minimum: _extremum_reduce("np.minimum.reduce", RN.min)},
    "accumulate": {np.add: _add_accumulate},
    "outer": {u: _outer(u) for u in UFUNCS if u.nin == 2 and u.signature is None},
}


# ---------------------------------------------------------------------------
# Shapes

def _c_order(name, order, a):
    """AD values are read in C order: ``order="A"``/``"K"`` are that order only when the
    value is C-contiguous in memory; otherwise (and for ``"F"``) they are refused."""
    if order in ("C", None) or order in ("A", "K") and _c_contiguous(a):
        return
    raise refuse_value(name, "order", order, "only C order is supported; use order='C' "
                                             "(transpose first for Fortran order)")


def _c_contiguous(a):
    value = strip(a)
    return not isinstance(value, np.ndarray) or value.flags.c_contiguous


def _full_shape(x, shape):
    """Resolve a ``-1`` in a reshape target, so the row's parameter is a concrete shape."""
    shape = (shape,) if isinstance(shape, int) else tuple(int(n) for n in shape)
    if -1 in shape:
        size = int(np.size(strip(x)))
        known = int(np.prod([n for n in shape if n != -1]))
        missing = (size // known) if known else 0
        shape = tuple(missing if n == -1 else n for n in shape)
    return shape


@honours("shape", "order", "newshape")
def _reshape(a, shape=None, order="C", *, newshape=None, copy=None):
    _c_order("np.reshape", order, a)
    shape = newshape if shape is None else shape
    return bind(RN.reshape, a, shape=_full_shape(a, shape))


@honours("order")
def _reshape_method(a, *shape, order="C", copy=None):
    _c_order("x.reshape", order, a)
    if len(shape) == 1 and not isinstance(shape[0], int):
        shape = shape[0]
    return bind(RN.reshape, a, shape=_full_shape(a, shape))


@honours("axes")
def _transpose(a, axes=None):
    return bind(RN.transpose, a, axes=None if axes is None else tuple(axes))


@honours()
def _transpose_method(a, *axes):
    if len(axes) == 1 and not isinstance(axes[0], int):
        axes = axes[0]
    return bind(RN.transpose, a, axes=tuple(axes) if axes else None)


@honours()
def _swapaxes(a, axis1, axis2):
    axes = list(range(np.ndim(strip(a))))
    axes[axis1], axes[axis2] = axes[axis2], axes[axis1]
    return bind(RN.transpose, a, axes=tuple(axes))


@honours()
def _expand_dims(a, axis):
    return bind(RN.reshape, a, shape=np.expand_dims(strip(a), axis).shape)


@honours("axis")
def _squeeze(a, axis=None):
    return bind(RN.reshape, a, shape=np.squeeze(strip(a), axis).shape)


@honours("order")
def _ravel(a, order="C"):
    _c_order("np.ravel", order, a)
    return bind(RN.reshape, a, shape=(int(np.size(strip(a))),))


@honours()
def _copy(a, order="C"):
    return a                              # AD values are never changed in place


@honours("copy")
def _astype(a, dtype, order="K", casting="unsafe", subok=True, copy=True):
    """``x.astype(float)``: a float type at least as wide as ``x``'s keeps the derivative;
    anything else (ints, a narrower float) would change the values and is refused."""
    return float_dtype("x.astype", a, dtype)


@honours("axis")
def concatenate(arrays, axis=0):
    """``np.concatenate`` for AD values: join a sequence of arrays along ``axis``."""
    if axis is None:
        arrays = [bind(RN.reshape, x, shape=(int(np.size(strip(x))),)) for x in arrays]
        axis = 0
    return bind(RN.concatenate, *arrays, axis=axis)


@honours("axis")
def stack(arrays, axis=0):
    """``np.stack`` for AD values: join a sequence of arrays along a new ``axis``."""
    return bind(RN.stack, *arrays, axis=axis)


# ---------------------------------------------------------------------------
# Elementwise choices and products

@honours("x", "y")
def where(condition, x=None, y=None, /):
    """``np.where`` for AD values: ``x`` where ``condition`` holds, else ``y``. The
    condition only selects, so it is never differentiated."""
    if x is None and y is None:
        return np.where(strip(condition))
    return bind(R.where, strip(condition), x, y)


@honours("a_min", "a_max", "min", "max")
def _clip(a, a_min=None, a_max=None, out=None, *, min=None, max=None):
    for old, new, key in ((a_min, min, "min"), (a_max, max, "max")):
        if old is not None and new is not None:
            raise ValueError(f"np.clip got both a_{key}= and {key}=; give only one, as in NumPy")
    lo = a_min if min is None else min
    hi = a_max if max is None else max
    if lo is not None:
        a = bind(R.maximum, a, lo)
    if hi is not None:
        a = bind(R.minimum, a, hi)
    return a


@honours()
def _dot(a, b, out=None):
    return RN.dot(a, b)


@honours("deg")
def _angle(z, deg=False):
    a = bind(R.angle, z)
    return a * (180 / np.pi) if deg else a


@honours("axis", "norm")
def _fft(a, n=None, axis=-1, norm=None, out=None):
    return bind(RN.fft, a, axis=axis, norm=norm)


@honours("axis", "norm")
def _ifft(a, n=None, axis=-1, norm=None, out=None):
    return bind(RN.ifft, a, axis=axis, norm=norm)


def _on_primals(fn, *keywords):
    """A NumPy query whose answer has no derivative (shape, argmax, allclose, ...); the
    keywords are NumPy's own, computed on the primal values."""
    @honours(*keywords)
    def query(*args, **kwargs):
        return fn(*[strip(a) for a in args], **{k: strip(v) for k, v in kwargs.items()})
    return query


_LIKE = ("dtype", "order", "subok", "shape", "device")

FUNCTIONS = {
    np.sum: _sum, np.mean: _mean, np.max: _max, np.amax: _max, np.min: _min, np.amin: _min,
    np.dot: _dot, np.reshape: _reshape, np.transpose: _transpose,
    np.swapaxes: _swapaxes, np.expand_dims: _expand_dims, np.squeeze: _squeeze,
    np.ravel: _ravel, np.concatenate: concatenate, np.stack: stack,
    np.where: where, np.clip: _clip,
    np.real: R.real, np.imag: R.imag, np.angle: _angle, np.fft.fft: _fft, np.fft.ifft: _ifft,
    np.shape: _on_primals(np.shape), np.ndim: _on_primals(np.ndim),
    np.size: _on_primals(np.size, "axis"),
    np.argmax: _on_primals(np.argmax, "axis", "keepdims"),
    np.argmin: _on_primals(np.argmin, "axis", "keepdims"),
    np.allclose: _on_primals(np.allclose, "rtol", "atol", "equal_nan"),
    np.isclose: _on_primals(np.isclose, "rtol", "atol", "equal_nan"),
    np.zeros_like: _on_primals(np.zeros_like, *_LIKE),
    np.ones_like: _on_primals(np.ones_like, *_LIKE),
    np.result_type: _on_primals(np.result_type),
    np.argsort: _on_primals(np.argsort, "axis", "kind", "order", "stable"),
    np.array_equal: _on_primals(np.array_equal, "equal_nan"),
}

# Array methods on AD values (``x.sum()``): the method's parameters are NumPy's.
METHODS = {
    "sum": _sum, "mean": _mean, "max": _max, "min": _min, "clip": _clip, "dot": _dot,
    "squeeze": _squeeze, "swapaxes": _swapaxes, "ravel": _ravel, "flatten": _ravel,
    "reshape": _reshape_method, "transpose": _transpose_method, "copy": _copy,
    "astype": _astype,
}

# Families of rows that bring their own NumPy entries.
for _family in (rules_elementwise, rules_reductions, rules_shapes, rules_products,
                rules_linalg):
    UFUNCS.update(_family.UFUNCS)
    FUNCTIONS.update(_family.FUNCTIONS)
    METHODS.update(_family.METHODS)
# ... and the binary ufuncs among them their outer products (np.hypot.outer).
UFUNC_METHODS["outer"].update({u: _outer(u) for u in UFUNCS
                               if u.nin == 2 and u.signature is None})


def dispatched(func) -> bool:
    """Whether ``func`` (a NumPy function or ufunc) takes AD values here."""
    try:
        return (func in FUNCTIONS or func in UFUNCS or func in COMPOSITE_UFUNCS
                or func in PLAIN_UFUNCS)
    except TypeError:                      # unhashable
        return False


def apply_function(func, args, kwargs):
    fn = FUNCTIONS.get(func)
    if fn is None:
        raise NoDerivativeRule(_numpy_name(func), "use a supported function, or give it a "
                                                  "rule with @ad.adjoint")
    if kwargs or len(args) > 1:
        check_keywords(_numpy_name(func), fn, args, kwargs)
    return fn(*args, **kwargs)


_NAMES: dict = {}


def _numpy_name(func) -> str:
    """``np.sum``, ``np.linalg.det``: how the user wrote the function (cached)."""
    name = _NAMES.get(func)
    if name is None:
        module = getattr(func, "__module__", None) or "numpy"
        prefix = "np" + module[len("numpy"):] if module.startswith("numpy") else module
        name = _NAMES[func] = f"{prefix}.{func.__name__}"
    return name


def apply_method(method, x, args, kwargs):
    """``x.<method>(*args, **kwargs)`` on an AD value."""
    entry = METHODS[method]
    if args or kwargs:
        check_keywords("x." + method, entry, (x,) + args, kwargs)
    return entry(x, *args, **kwargs)
