"""Reductions and scans beyond sum/mean/max/min: prod, cumsum, cumprod, var, std,
average, logsumexp, nansum, nanmean, ptp, diff.

Rows: ``prod``, ``cumsum``, ``cumprod``, ``var``, ``std``, ``logsumexp``, ``diff``, and
two helpers their rules are written with: ``shift`` (move values along an axis, filling
the gap) and ``recurrence`` (the scan ``h[i] = a[i] * h[i-1] + b[i]``). ``average``,
``nansum``, ``nanmean`` and ``ptp`` are NumPy entries written with rows.

Products never divide: d prod(x)/dx_j is the product of the *other* elements, built from
running products from the left and from the right, and the derivative of a running
product is a ``recurrence``, whose own derivatives are recurrences again. So an input
that is exactly zero gets its right gradient, at every order.
"""

from __future__ import annotations

import numpy as np

from . import rules as R
from . import rules_numpy as RN
from .keywords import float_dtype, honours, refuse_value
from .primitives import defprim, strip
from .rules import exp, ndim, shape
from .rules_numpy import _count, _kept_shape, _normalize_axis, _spread

# The array rows these rules are written with (sum/max/min not to shadow the builtins).
concatenate, mean, reshape, transpose = RN.concatenate, RN.mean, RN.reshape, RN.transpose
sum_, max_, min_ = RN.sum, RN.max, RN.min


def _float_type(x):
    dtype = np.result_type(x)
    return dtype if dtype.kind in "fc" else np.dtype(float)


def _keep(y, x, axis, keepdims):
    """A reduction's output ``y`` with the reduced axes kept (length 1), differentiably,
    so it broadcasts against ``x`` (a full reduction's scalar already does)."""
    if keepdims or axis is None:
        return y
    return reshape(y, shape=_kept_shape(tuple(shape(x)), axis))


# ---------------------------------------------------------------------------
# Helpers: shift along an axis, and a first-order linear recurrence (a scan)

def _shift_impl(x, axis, by, fill=0.0):
    x = np.asarray(x)
    moved = np.moveaxis(x, axis, -1)
    out = np.full(moved.shape, fill, dtype=_float_type(x))
    n = moved.shape[-1]
    if 0 <= by < n:
        out[..., by:] = moved[..., :n - by]
    elif -n < by < 0:
        out[..., :n + by] = moved[..., -by:]
    return np.moveaxis(out, -1, axis)


shift = defprim(
    "shift", _shift_impl,
    jvp=lambda t, ans, x, axis, by, fill=0.0: shift(t, axis=axis, by=by),
    vjp=lambda g, ans, x, axis, by, fill=0.0: shift(g, axis=axis, by=-by),
)


def _recurrence_impl(a, b, axis, reverse=False):
    a, b = np.broadcast_arrays(np.asarray(a), np.asarray(b))
    a, b = np.moveaxis(a, axis, -1), np.moveaxis(b, axis, -1)
    h = np.empty(b.shape, dtype=np.result_type(_float_type(a), _float_type(b)))
    previous = np.zeros(b.shape[:-1], dtype=h.dtype)
    n = b.shape[-1]
    for i in (range(n - 1, -1, -1) if reverse else range(n)):
        previous = a[..., i] * previous + b[..., i]
        h[..., i] = previous
    return np.moveaxis(h, -1, axis)


def _step(reverse):
    """Where the previous element of a scan sits: one back, or one ahead if reversed."""
    return -1 if reverse else 1


def _reverse_scan(g, a, axis, reverse):
    """The adjoint of b -> recurrence(a, b): the same scan run the other way, with
    ``a`` moved by one (b̄[j] = g[j] + a[j+1] * b̄[j+1])."""
    return recurrence(shift(a, axis=axis, by=-_step(reverse)), g, axis=axis,
                      reverse=not reverse)


# h[i] = a[i] * h[i-1] + b[i] (h[i+1] if reverse), starting from 0.
recurrence = defprim(
    "recurrence", _recurrence_impl,
    jvp=(lambda t, ans, a, b, axis, reverse=False:
         recurrence(a, t * shift(ans, axis=axis, by=_step(reverse)), axis=axis, reverse=reverse),
         lambda t, ans, a, b, axis, reverse=False: recurrence(a, t, axis=axis, reverse=reverse)),
    vjp=(lambda g, ans, a, b, axis, reverse=False:
         _reverse_scan(g, a, axis, reverse) * shift(ans, axis=axis, by=_step(reverse)),
         lambda g, ans, a, b, axis, reverse=False: _reverse_scan(g, a, axis, reverse)),
)


# ---------------------------------------------------------------------------
# Scans: cumsum and cumprod (axis=None scans the flattened array, as NumPy does)

def _scan_impl(np_scan):
    def impl(x, axis=None, reverse=False):
        if not reverse:
            return np_scan(x, axis=axis)
        x = np.ravel(x) if axis is None else np.asarray(x)
        axis = 0 if axis is None else axis
        return np.flip(np_scan(np.flip(x, axis), axis=axis), axis)
    impl.__name__ = np_scan.__name__
    return impl


def _flat(x, axis):
    """``x`` and the axis a scan runs along: a flattened ``x`` for ``axis=None``."""
    if axis is None:
        return (x if ndim(x) == 1 else reshape(x, shape=(int(np.prod(shape(x))),))), 0
    return x, axis


def _unflat(g, x, axis):
    """A cotangent of the flattened ``x`` back in the shape of ``x``."""
    if axis is not None or ndim(x) == 1:
        return g
    return reshape(g, shape=tuple(shape(x)))


cumsum = defprim(
    "cumsum", _scan_impl(np.cumsum),
    jvp=lambda t, ans, x, axis=None, reverse=False: cumsum(t, axis=axis, reverse=reverse),
    vjp=lambda g, ans, x, axis=None, reverse=False:
        _unflat(cumsum(g, axis=0 if axis is None else axis, reverse=not reverse), x, axis),
)


def _cumprod_jvp(t, ans, x, axis=None, reverse=False):
    """y[i] = x[i] * y[i-1], so dy[i] = x[i] * dy[i-1] + dx[i] * y[i-1]: a recurrence."""
    (x, axis), (t, _) = _flat(x, axis), _flat(t, axis)
    before = shift(ans, axis=axis, by=_step(reverse), fill=1.0)
    return recurrence(x, t * before, axis=axis, reverse=reverse)


def _cumprod_vjp(g, ans, x, axis=None, reverse=False):
    """x̄[j] = y[j-1] * Σ_{i≥j} g[i] * x[j+1] ⋯ x[i]: no division, so zeros are fine."""
    flat, along = _flat(x, axis)
    before = shift(ans, axis=along, by=_step(reverse), fill=1.0)
    return _unflat(before * _reverse_scan(g, flat, along, reverse), x, axis)


cumprod = defprim("cumprod", _scan_impl(np.cumprod), jvp=_cumprod_jvp, vjp=_cumprod_vjp)


# ---------------------------------------------------------------------------
# prod: the derivative is the product of the other elements, never ans / x

def _others_along(x, axis):
    """Π_{k≠j} x[k] along ``axis``: running products from the left times from the right."""
    left = shift(cumprod(x, axis=axis), axis=axis, by=1, fill=1.0)
    right = shift(cumprod(x, axis=axis, reverse=True), axis=axis, by=-1, fill=1.0)
    return left * right


def _others(x, axis):
    """For every element, the product of the others in its reduced slice."""
    nd = ndim(x)
    if nd == 0:
        return 1.0
    axes = tuple(range(nd)) if axis is None else _normalize_axis(axis, nd)
    if len(axes) == 1:
        return _others_along(x, axes[0])
    kept = tuple(i for i in range(nd) if i not in axes)
    order = kept + axes
    moved = transpose(x, axes=order) if order != tuple(range(nd)) else x
    moved_shape = tuple(shape(moved))
    merged = int(np.prod(moved_shape[len(kept):]))
    flat = reshape(moved, shape=moved_shape[:len(kept)] + (merged,))
    out = reshape(_others_along(flat, len(kept)), shape=moved_shape)
    if order == tuple(range(nd)):
        return out
    return transpose(out, axes=tuple(int(i) for i in np.argsort(order)))


def _prod_impl(x, axis=None, keepdims=False):
    return np.prod(x, axis=axis, keepdims=keepdims)


prod = defprim(
    "prod", _prod_impl,
    jvp=lambda t, ans, x, axis=None, keepdims=False:
        sum_(t * _others(x, axis), axis=axis, keepdims=keepdims),
    vjp=lambda g, ans, x, axis=None, keepdims=False:
        _spread(g, x, axis, keepdims) * _others(x, axis),
)


# ---------------------------------------------------------------------------
# var and std: d var = 2/(N - ddof) * Σ (x - mean) dx

def _var_impl(x, axis=None, ddof=0, keepdims=False):
    return np.var(x, axis=axis, ddof=ddof, keepdims=keepdims)


def _std_impl(x, axis=None, ddof=0, keepdims=False):
    return np.std(x, axis=axis, ddof=ddof, keepdims=keepdims)


def _centred(x, axis):
    return x - mean(x, axis=axis, keepdims=True)


def _var_jvp(t, ans, x, axis=None, ddof=0, keepdims=False):
    factor = 2 / (_count(x, axis) - ddof)
    return sum_(_centred(x, axis) * t, axis=axis, keepdims=keepdims) * factor


def _var_vjp(g, ans, x, axis=None, ddof=0, keepdims=False):
    return _spread(g, x, axis, keepdims) * _centred(x, axis) * (2 / (_count(x, axis) - ddof))


def _std_jvp(t, ans, x, axis=None, ddof=0, keepdims=False):
    if _count(x, axis) == 1:            # one element: std is 0 whatever x is
        return sum_(t, axis=axis, keepdims=keepdims) * 0.0
    return sum_(_centred(x, axis) * t, axis=axis, keepdims=keepdims) / (
        (_count(x, axis) - ddof) * ans)


def _std_vjp(g, ans, x, axis=None, ddof=0, keepdims=False):
    if _count(x, axis) == 1:
        return _spread(g, x, axis, keepdims) * 0.0
    return _spread(g / ans, x, axis, keepdims) * _centred(x, axis) / (_count(x, axis) - ddof)


var = defprim("var", _var_impl, jvp=_var_jvp, vjp=_var_vjp)
std = defprim("std", _std_impl, jvp=_std_jvp, vjp=_std_vjp)


# ---------------------------------------------------------------------------
# logsumexp: its derivative is the softmax exp(x - logsumexp(x))

def _logsumexp_impl(x, axis=None, keepdims=False):
    x = np.asarray(x)
    top = np.max(x, axis=axis, keepdims=True)
    top = np.where(np.isfinite(top), top, 0.0)          # all -inf (or inf): no shift
    with np.errstate(divide="ignore"):
        out = np.log(np.sum(np.exp(x - top), axis=axis, keepdims=True)) + top
    return out if keepdims else np.squeeze(out, axis=axis)


def _softmax(ans, x, axis, keepdims):
    return exp(x - _keep(ans, x, axis, keepdims))


logsumexp_row = defprim(
    "logsumexp", _logsumexp_impl,
    jvp=lambda t, ans, x, axis=None, keepdims=False:
        sum_(t * _softmax(ans, x, axis, keepdims), axis=axis, keepdims=keepdims),
    vjp=lambda g, ans, x, axis=None, keepdims=False:
        _spread(g, x, axis, keepdims) * _softmax(ans, x, axis, keepdims),
)


# ---------------------------------------------------------------------------
# diff: linear; its adjoint is minus the difference of the zero-padded cotangent

def _diff_impl(x, n=1, axis=-1):
    return np.diff(x, n=n, axis=axis)


def _undiff(g, axis):
    """The adjoint of one difference: x̄[j] = g[j-1] - g[j] (zero beyond the ends)."""
    edge = list(shape(g))
    edge[axis] = 1
    zeros = np.zeros(tuple(edge))
    return -diff(concatenate(zeros, g, zeros, axis=axis), axis=axis)


def _diff_vjp(g, ans, x, n=1, axis=-1):
    for _ in range(n):
        g = _undiff(g, axis)
    return g


diff = defprim(
    "diff", _diff_impl,
    jvp=lambda t, ans, x, n=1, axis=-1: diff(t, n=n, axis=axis),
    vjp=_diff_vjp,
)


# ---------------------------------------------------------------------------
# NumPy entries (keywords as NumPy names them; @honours lists the ones implemented)

def _axis(axis):
    return tuple(axis) if isinstance(axis, list) else axis


def _flag(keepdims):
    return False if keepdims is None or keepdims is np._NoValue else bool(keepdims)


def _given(option):
    return option is not None and option is not np._NoValue


def _masked(a, where_, fill):
    """``where=``: the left-out elements replaced by the reduction's identity."""
    if not _given(where_) or where_ is True:
        return a
    return R.where(np.broadcast_to(strip(where_), np.shape(strip(a))), a, fill)


@honours("axis", "dtype", "keepdims", "initial", "where")
def _prod(a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=True):
    a = _masked(float_dtype("np.prod", a, dtype), where, 1.0)
    result = prod(a, axis=_axis(axis), keepdims=_flag(keepdims))
    return result * initial if _given(initial) else result


def _scan(name, row):
    @honours("axis", "dtype")
    def scan(a, axis=None, dtype=None, out=None):
        a = float_dtype(name, a, dtype)
        if ndim(a) == 0:
            a = reshape(a, shape=(1,))
        return row(a, axis=axis)
    return scan


def _ddof(name, ddof, correction):
    if _given(correction):
        if ddof != 0:
            raise ValueError(f"{name} got both ddof= and correction=; give only one, "
                             "as in NumPy")
        return correction
    return ddof


def _moment(name, row, root):
    @honours("axis", "dtype", "ddof", "keepdims", "mean", "correction")
    def moment(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=True,
               mean=None, correction=None):
        a = float_dtype(name, a, dtype)
        ddof, axis, keepdims = _ddof(name, ddof, correction), _axis(axis), _flag(keepdims)
        if not _given(mean):
            return row(a, axis=axis, ddof=ddof, keepdims=keepdims)
        # a mean given (NumPy's mean=, with the reduced axes kept): the second moment
        # about it, differentiated through the given mean as well
        spread = sum_((a - mean) ** 2, axis=axis, keepdims=keepdims) / (_count(a, axis) - ddof)
        return spread ** 0.5 if root else spread
    return moment


def logsumexp(x, axis=None, keepdims=False):
    """log(Σ exp(x)) over ``axis``, computed without overflow (the largest element is
    taken out first); its gradient is the softmax of ``x``."""
    return logsumexp_row(x, axis=_axis(axis), keepdims=_flag(keepdims))


@honours("axis", "weights", "returned", "keepdims")
def _average(a, axis=None, weights=None, returned=False, *, keepdims=False):
    if returned:
        raise refuse_value("np.average", "returned", returned,
                           "the sum of the weights is not returned on AD values; drop "
                           "returned= and compute np.sum(weights, axis) alongside")
    axis, keepdims = _axis(axis), _flag(keepdims)
    if weights is None:
        return mean(a, axis=axis, keepdims=keepdims)
    a_shape, w_shape = tuple(np.shape(strip(a))), tuple(np.shape(strip(weights)))
    if w_shape != a_shape:
        if axis is None:
            raise TypeError("Axis must be specified when shapes of a and weights differ.")
        axes = _normalize_axis(axis, len(a_shape))
        given = (axis,) if isinstance(axis, int) else tuple(axis)
        if w_shape != tuple(a_shape[ax] for ax in given):
            raise ValueError("Shape of weights must be consistent with shape of a along "
                             "specified axis.")
        if len(given) > 1 and list(given) != sorted(given):
            weights = transpose(weights, axes=tuple(int(i) for i in np.argsort(given)))
        weights = reshape(weights, shape=tuple(s if i in axes else 1
                                               for i, s in enumerate(a_shape)))
    total = sum_(weights, axis=axis, keepdims=keepdims)
    if np.any(np.asarray(strip(total)) == 0.0):
        raise ZeroDivisionError("Weights sum to zero, can't be normalized")
    return sum_(a * weights, axis=axis, keepdims=keepdims) / total


def _without_nan(a):
    return R.where(np.isnan(strip(a)), 0.0, a)


@honours("axis", "dtype", "keepdims", "initial", "where")
def _nansum(a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=True):
    a = _masked(_without_nan(float_dtype("np.nansum", a, dtype)), where, 0.0)
    result = sum_(a, axis=_axis(axis), keepdims=_flag(keepdims))
    return result + initial if _given(initial) else result


@honours("axis", "dtype", "keepdims", "where")
def _nanmean(a, axis=None, dtype=None, out=None, keepdims=False, *, where=True):
    a = float_dtype("np.nanmean", a, dtype)
    counted = ~np.isnan(strip(a))
    if _given(where) and where is not True:
        counted = counted & np.broadcast_to(strip(where), counted.shape)
    axis, keepdims = _axis(axis), _flag(keepdims)
    total = sum_(R.where(counted, a, 0.0), axis=axis, keepdims=keepdims)
    n = np.sum(counted, axis=axis, keepdims=keepdims)
    with np.errstate(invalid="ignore", divide="ignore"):
        return total / n


@honours("axis", "keepdims")
def _ptp(a, axis=None, out=None, keepdims=False):
    axis, keepdims = _axis(axis), _flag(keepdims)
    return max_(a, axis=axis, keepdims=keepdims) - min_(a, axis=axis, keepdims=keepdims)


@honours("n", "axis", "prepend", "append")
def _diff(a, n=1, axis=-1, prepend=None, append=None):
    if n < 0:
        raise ValueError(f"order must be non-negative but got {n!r}")
    if n == 0:
        return a
    if ndim(a) == 0:
        raise ValueError("diff requires input that is at least one dimensional")
    if _given(prepend) or _given(append):
        a_shape = tuple(np.shape(strip(a)))
        edge = a_shape[:axis % len(a_shape)] + (1,) + a_shape[axis % len(a_shape) + 1:]

        def part(v):
            return v if ndim(v) else v + np.zeros(edge)
        parts = ([part(prepend)] if _given(prepend) else []) + [a] + \
            ([part(append)] if _given(append) else [])
        a = concatenate(*parts, axis=axis)
    return diff(a, n=n, axis=axis)


# What this family adds to the NumPy dispatch (numpy_dispatch.py merges them):
UFUNCS: dict = {}       # np.<ufunc> -> row
FUNCTIONS: dict = {     # np.<function> -> entry (its honoured keywords marked with @honours)
    np.prod: _prod, np.cumsum: _scan("np.cumsum", cumsum),
    np.cumprod: _scan("np.cumprod", cumprod),
    np.var: _moment("np.var", var, root=False),
    np.std: _moment("np.std", std, root=True),
    np.average: _average, np.nansum: _nansum, np.nanmean: _nanmean, np.ptp: _ptp,
    np.diff: _diff,
}
METHODS: dict = {       # "name" -> entry for the array method x.<name>(...)
    "prod": _prod, "cumsum": FUNCTIONS[np.cumsum], "cumprod": FUNCTIONS[np.cumprod],
    "var": FUNCTIONS[np.var], "std": FUNCTIONS[np.std],
}
