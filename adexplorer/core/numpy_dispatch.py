"""Which NumPy function is which row: plain ``np.sin(x)``, ``np.sum(x, axis=0)``,
``x @ W`` on AD values are routed here by ``__array_ufunc__``/``__array_function__``.

A NumPy function missing from these tables raises ``NoDerivativeRule`` naming it, so an
unsupported operation is never silently differentiated wrong.
"""

from __future__ import annotations

import numpy as np

from . import rules as R
from . import rules_numpy as RN
from .errors import NoDerivativeRule
from .primitives import ADValue, bind, numpy_semantics, strip

# ufunc -> row (or a function of the inputs built from rows)
UFUNCS = {
    np.add: R.add, np.subtract: R.sub, np.multiply: R.mul, np.divide: R.div,
    np.true_divide: R.div, np.power: R.power, np.float_power: R.power,
    np.negative: R.neg, np.absolute: R.absolute, np.fabs: R.absolute,
    np.mod: R.mod, np.remainder: R.mod,
    np.sin: R.sin, np.cos: R.cos, np.tan: R.tan, np.exp: R.exp, np.log: R.log,
    np.log1p: R.log1p, np.expm1: R.expm1, np.sqrt: R.sqrt, np.tanh: R.tanh,
    np.maximum: R.maximum, np.minimum: R.minimum, np.matmul: RN.matmul,
    # without derivative: answered on primals
    np.sign: R.sign, np.floor_divide: R.floordiv,
    np.less: R.less, np.less_equal: R.less_equal, np.greater: R.greater,
    np.greater_equal: R.greater_equal, np.equal: R.equal, np.not_equal: R.not_equal,
}

COMPOSITE_UFUNCS = {
    np.square: lambda x: x ** 2,
    np.reciprocal: lambda x: 1.0 / x,
    np.positive: lambda x: x,
    np.conjugate: lambda x: x,
}

# ufuncs whose result has no derivative; computed on the primal values.
PLAIN_UFUNCS = {np.isfinite, np.isnan, np.isinf, np.signbit, np.logical_and,
                np.logical_or, np.logical_not}


def apply_ufunc(ufunc, method, inputs, kwargs):
    """A NumPy ufunc on AD values, by its row. NumPy's semantics hold even for Python
    floats inside (``np.log(x)`` at -1.0 is nan with a RuntimeWarning, as without AD),
    where ``ad.log`` and Python's operators raise."""
    name = f"np.{ufunc.__name__}"
    if method != "__call__":
        if method == "reduce" and ufunc in (np.add, np.maximum, np.minimum):
            reducer = {np.add: RN.sum, np.maximum: RN.max, np.minimum: RN.min}[ufunc]
            axis = kwargs.get("axis", 0)
            return bind(reducer, inputs[0], axis=axis, keepdims=kwargs.get("keepdims", False))
        raise NoDerivativeRule(f"{name}.{method}", "call the function itself instead")
    if kwargs.get("out") is not None:
        raise TypeError(f"{name}(..., out=...) writes in place and cannot be differentiated; "
                        "drop out= and use the returned value")
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
    raise NoDerivativeRule(name, "use a supported function, or give it a rule with @ad.adjoint")


def _unsupported(name: str, **options):
    """Refuse keyword options that are given but not implemented (never ignore them)."""
    given = [k for k, v in options.items() if v is not None and v is not np._NoValue]
    if given:
        raise NoDerivativeRule(f"np.{name}(..., {given[0]}=...)",
                               "that option is not supported on AD values; compute it "
                               "without the option (e.g. np.where for a mask)")


def _axis_fn(row):
    def fn(a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=None):
        if out is not None:
            raise TypeError(f"np.{row.name}(..., out=...) writes in place and cannot be "
                            "differentiated; drop out= and use the returned value")
        _unsupported(row.name, dtype=dtype, initial=initial,
                     where=None if where is True else where)
        if isinstance(axis, list):
            axis = tuple(axis)
        return bind(row, a, axis=axis, keepdims=bool(keepdims))
    return fn


def _c_order(name, order):
    if order not in ("C", "A", "K", None):
        raise NoDerivativeRule(f"np.{name}(..., order={order!r})",
                               "only C order is supported; transpose first instead")


def _reshape(a, shape=None, order="C", newshape=None, copy=None):
    _c_order("reshape", order)
    shape = newshape if shape is None else shape
    return a.reshape(shape) if isinstance(a, ADValue) else np.reshape(a, shape)


def _transpose(a, axes=None):
    return bind(RN.transpose, a, axes=None if axes is None else tuple(axes))


def _swapaxes(a, axis1, axis2):
    axes = list(range(np.ndim(strip(a))))
    axes[axis1], axes[axis2] = axes[axis2], axes[axis1]
    return bind(RN.transpose, a, axes=tuple(axes))


def _expand_dims(a, axis):
    return bind(RN.reshape, a, shape=np.expand_dims(strip(a), axis).shape)


def _squeeze(a, axis=None):
    return bind(RN.reshape, a, shape=np.squeeze(strip(a), axis).shape)


def _ravel(a, order="C"):
    _c_order("ravel", order)
    return bind(RN.reshape, a, shape=(int(np.size(strip(a))),))


def concatenate(arrays, axis=0, out=None, dtype=None, casting=None):
    """``np.concatenate`` for AD values: join a sequence of arrays along ``axis``."""
    _no_out("concatenate", out)
    _unsupported("concatenate", dtype=dtype, casting=casting)
    if axis is None:
        arrays = [bind(RN.reshape, x, shape=(int(np.size(strip(x))),)) for x in arrays]
        axis = 0
    return bind(RN.concatenate, *arrays, axis=axis)


def stack(arrays, axis=0, out=None, dtype=None, casting=None):
    """``np.stack`` for AD values: join a sequence of arrays along a new ``axis``."""
    _no_out("stack", out)
    _unsupported("stack", dtype=dtype, casting=casting)
    return bind(RN.stack, *arrays, axis=axis)


def _no_out(name, out):
    if out is not None:
        raise TypeError(f"np.{name}(..., out=...) writes in place and cannot be "
                        "differentiated; drop out= and use the returned value")


def where(condition, x=None, y=None):
    """``np.where`` for AD values: ``x`` where ``condition`` holds, else ``y``. The
    condition only selects, so it is never differentiated."""
    if x is None and y is None:
        return np.where(strip(condition))
    return bind(R.where, strip(condition), x, y)


def _clip(a, a_min=None, a_max=None, out=None, **kw):
    lo = kw.get("min", a_min)
    hi = kw.get("max", a_max)
    if lo is not None:
        a = bind(R.maximum, a, lo)
    if hi is not None:
        a = bind(R.minimum, a, hi)
    return a


def _on_primals(fn):
    """A NumPy query whose answer has no derivative (shape, argmax, allclose, ...)."""
    def query(*args, **kwargs):
        return fn(*[strip(a) for a in args], **{k: strip(v) for k, v in kwargs.items()})
    return query


FUNCTIONS = {
    np.sum: _axis_fn(RN.sum), np.mean: _axis_fn(RN.mean),
    np.max: _axis_fn(RN.max), np.amax: _axis_fn(RN.max),
    np.min: _axis_fn(RN.min), np.amin: _axis_fn(RN.min),
    np.dot: RN.dot, np.reshape: _reshape, np.transpose: _transpose,
    np.swapaxes: _swapaxes, np.expand_dims: _expand_dims, np.squeeze: _squeeze,
    np.ravel: _ravel, np.concatenate: concatenate, np.stack: stack,
    np.where: where, np.clip: _clip,
    np.shape: _on_primals(np.shape), np.ndim: _on_primals(np.ndim),
    np.size: _on_primals(np.size), np.argmax: _on_primals(np.argmax),
    np.argmin: _on_primals(np.argmin), np.allclose: _on_primals(np.allclose),
    np.isclose: _on_primals(np.isclose), np.zeros_like: _on_primals(np.zeros_like),
    np.ones_like: _on_primals(np.ones_like), np.result_type: _on_primals(np.result_type),
    np.argsort: _on_primals(np.argsort), np.array_equal: _on_primals(np.array_equal),
}


def apply_function(func, args, kwargs):
    fn = FUNCTIONS.get(func)
    if fn is None:
        module = getattr(func, "__module__", None) or "numpy"
        prefix = "np" + module[len("numpy"):] if module.startswith("numpy") else module
        raise NoDerivativeRule(f"{prefix}.{func.__name__}",
                               "use a supported function, or give it a rule with @ad.adjoint")
    return fn(*args, **kwargs)
