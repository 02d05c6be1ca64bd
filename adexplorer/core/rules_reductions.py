"""Reductions beyond sum/mean/max/min, and the NumPy entries of this family.

Rows: ``prod``, ``var``, ``std`` and ``logsumexp`` (the scans ``cumsum``, ``cumprod``
and ``diff`` are rows of ``rules_scans.py``). NumPy entries: np.prod, cumsum, cumprod,
var, std, average, nansum, nanmean, nanprod, nancumsum, nancumprod, nanvar, nanstd, ptp,
diff, gradient, cumulative_sum and cumulative_prod, the array methods x.prod, cumsum,
cumprod, var and std, and ``ad.logsumexp``.

Products never divide: d prod(x)/dx_j is the product of the *other* elements, built from
running products from the left and from the right (``cumprod``, whose derivatives are
recurrences). So an input that is exactly zero gets its right gradient, at every order.
"""

from __future__ import annotations

import numpy as np

from . import rules as R
from . import rules_numpy as RN
from .errors import NoDerivativeRule
from .keywords import float_dtype, honours, refuse_value
from .primitives import defprim, strip
from .rules import exp, ndim, shape
from .rules_numpy import n_reduced, kept_shape, normalize_axis, unreduce
from .rules_scans import floating_dtype, cumprod, cumsum, diff, shift

# The array rows these rules are written with (sum/max/min not to shadow the builtins).
concatenate, mean, reshape, transpose = RN.concatenate, RN.mean, RN.reshape, RN.transpose
sum_, max_, min_ = RN.sum, RN.max, RN.min


def _keep(y, x, axis, keepdims):
    """A reduction's output ``y`` with the reduced axes kept (length 1), differentiably,
    so it broadcasts against ``x`` (a full reduction's scalar already does)."""
    if keepdims or axis is None:
        return y
    return reshape(y, shape=kept_shape(tuple(shape(x)), axis))


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
    axes = tuple(range(nd)) if axis is None else normalize_axis(axis, nd)
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
        unreduce(g, x, axis, keepdims) * _others(x, axis),
)


# ---------------------------------------------------------------------------
# var and std: d var = 2/(N - ddof) * Σ (x - mean) dx

def _var_impl(x, axis=None, ddof=0, keepdims=False):
    return np.var(x, axis=axis, ddof=ddof, keepdims=keepdims)


def _std_impl(x, axis=None, ddof=0, keepdims=False):
    return np.std(x, axis=axis, ddof=ddof, keepdims=keepdims)


def _centred(x, axis):
    return x - mean(x, axis=axis, keepdims=True)


def _centred_conj(x, axis):
    """x - mean, conjugated for complex x: var = mean |x - m|² changes by
    2 Re(conj(x - m) dx) / (N - ddof), so its rules carry conj(x - m) (autograd's convention)."""
    c = _centred(x, axis)
    return R.conj(c) if R.is_complex(x) else c


def _real_part(y, x):
    return R.real(y) if R.is_complex(x) else y


def _var_jvp(t, ans, x, axis=None, ddof=0, keepdims=False):
    factor = 2 / (n_reduced(x, axis) - ddof)
    return _real_part(sum_(_centred_conj(x, axis) * t, axis=axis, keepdims=keepdims),
                      x) * factor


def _var_vjp(g, ans, x, axis=None, ddof=0, keepdims=False):
    return (unreduce(g, x, axis, keepdims) * _centred_conj(x, axis)
            * (2 / (n_reduced(x, axis) - ddof)))


def _std_jvp(t, ans, x, axis=None, ddof=0, keepdims=False):
    if n_reduced(x, axis) == 1:            # one element: std is 0 whatever x is
        return _real_part(sum_(t, axis=axis, keepdims=keepdims), x) * 0.0
    return _real_part(sum_(_centred_conj(x, axis) * t, axis=axis, keepdims=keepdims),
                      x) / ((n_reduced(x, axis) - ddof) * ans)


def _std_vjp(g, ans, x, axis=None, ddof=0, keepdims=False):
    if n_reduced(x, axis) == 1:
        return unreduce(g, x, axis, keepdims) * 0.0
    return (unreduce(g / ans, x, axis, keepdims) * _centred_conj(x, axis)
            / (n_reduced(x, axis) - ddof))


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
    return out if keepdims else np.squeeze(out, axis=axis)[()]     # a scalar as NumPy's


def _softmax(ans, x, axis, keepdims):
    return exp(x - _keep(ans, x, axis, keepdims))


logsumexp_row = defprim(
    "logsumexp", _logsumexp_impl,
    jvp=lambda t, ans, x, axis=None, keepdims=False:
        sum_(t * _softmax(ans, x, axis, keepdims), axis=axis, keepdims=keepdims),
    vjp=lambda g, ans, x, axis=None, keepdims=False:
        unreduce(g, x, axis, keepdims) * _softmax(ans, x, axis, keepdims),
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
        spread = sum_((a - mean) ** 2, axis=axis, keepdims=keepdims) / (n_reduced(a, axis) - ddof)
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
        axes = normalize_axis(axis, len(a_shape))
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


def _how_many(counted, a, axis, keepdims):
    """How many numbers are counted, in ``a``'s real float type (float32 stays float32)."""
    dtype = np.empty(0, dtype=floating_dtype(strip(a))).real.dtype
    return np.sum(counted, axis=axis, keepdims=keepdims).astype(dtype)


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
    n = _how_many(counted, a, axis, keepdims)
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


@honours("axis", "edge_order")
def _gradient(f, *varargs, axis=None, edge_order=1):
    """``np.gradient`` with uniform spacings: central differences inside, one-sided
    ones at the two ends (``edge_order=1``), along each axis asked for."""
    if edge_order != 1:
        raise refuse_value("np.gradient", "edge_order", edge_order,
                           "only edge_order=1 is supported on AD values; drop edge_order=")
    f_shape = tuple(np.shape(strip(f)))
    axes = tuple(range(len(f_shape))) if axis is None else \
        tuple(a % len(f_shape) for a in ((axis,) if isinstance(axis, int) else axis))
    if not varargs:
        spacings = (1.0,) * len(axes)
    elif len(varargs) in (1, len(axes)) and all(ndim(h) == 0 for h in varargs):
        spacings = varargs * len(axes) if len(varargs) == 1 else varargs
    else:
        raise NoDerivativeRule("np.gradient with coordinate arrays",
                               "give one scalar spacing per axis (uniform samples)")
    for a in axes:
        if f_shape[a] < 2:
            raise ValueError("Shape of array too small to calculate a numerical gradient, "
                             "at least (edge_order + 1) elements are required.")
    out = tuple(_gradient_along(f, a, h) for a, h in zip(axes, spacings))
    return out[0] if len(out) == 1 else out


def _gradient_along(f, axis, h):
    def part(start, stop):
        return f[(slice(None),) * axis + (slice(start, stop),)]
    inside = (part(2, None) - part(None, -2)) / (2.0 * h)
    first, last = (part(1, 2) - part(0, 1)) / h, (part(-1, None) - part(-2, -1)) / h
    return concatenate(first, inside, last, axis=axis)


# NaN-skipping forms: NaNs replaced by the operation's identity (their gradient is 0)

def _nan_as(name, fill):
    def replaced(a, dtype):
        a = float_dtype(name, a, dtype)
        return R.where(np.isnan(strip(a)), fill, a)
    return replaced


@honours("axis", "dtype", "keepdims", "initial", "where")
def _nanprod(a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=True):
    return _prod(_nan_as("np.nanprod", 1.0)(a, dtype), axis, None, None, keepdims, initial,
                 where)


def _nan_scan(name, scan, fill):
    @honours("axis", "dtype")
    def nan_scan(a, axis=None, dtype=None, out=None):
        return scan(_nan_as(name, fill)(a, dtype), axis)
    return nan_scan


def _nan_moment(name, root):
    @honours("axis", "dtype", "ddof", "keepdims", "mean", "correction")
    def moment(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=True,
               mean=None, correction=None):
        a = float_dtype(name, a, dtype)
        ddof, axis, keepdims = _ddof(name, ddof, correction), _axis(axis), _flag(keepdims)
        counted = ~np.isnan(strip(a))
        a = R.where(counted, a, 0.0)         # first, so no NaN reaches a derivative
        if not _given(mean):
            mean = sum_(a, axis=axis, keepdims=True) / _how_many(counted, a, axis, True)
        d = a - mean
        squares = R.where(counted, R.real(R.conj(d) * d) if R.is_complex(a) else d ** 2, 0.0)
        n = _how_many(counted, a, axis, keepdims)
        with np.errstate(invalid="ignore", divide="ignore"):
            spread = sum_(squares, axis=axis, keepdims=keepdims) / np.maximum(n - ddof, 0)
        if not root:
            return spread
        # a slice with one number has std 0 whatever it is: slope 0, not sqrt'(0)
        alone = (n == 1) & (n - ddof > 0)
        if not np.any(alone):
            return spread ** 0.5
        return R.where(alone, 0.0, R.where(alone, 1.0, spread) ** 0.5)
    return moment


def _cumulative(name, row, identity):
    @honours("axis", "dtype", "include_initial")
    def cumulative(x, /, *, axis=None, dtype=None, out=None, include_initial=False):
        x = float_dtype(name, x, dtype)
        if axis is None:
            if ndim(x) != 1:
                raise ValueError("For arrays which have more than one dimension ``axis`` "
                                 "argument is required.")
            axis = 0
        out = row(x, axis=axis)
        if not include_initial:
            return out
        edge = list(np.shape(strip(x)))
        edge[axis] = 1
        return concatenate(np.full(tuple(edge), identity), out, axis=axis)
    return cumulative


# What this family adds to the NumPy dispatch (numpy_dispatch.py merges them):
UFUNCS: dict = {}       # np.<ufunc> -> row
FUNCTIONS: dict = {     # np.<function> -> entry (its honoured keywords marked with @honours)
    np.prod: _prod, np.cumsum: _scan("np.cumsum", cumsum),
    np.cumprod: _scan("np.cumprod", cumprod),
    np.var: _moment("np.var", var, root=False),
    np.std: _moment("np.std", std, root=True),
    np.average: _average, np.nansum: _nansum, np.nanmean: _nanmean, np.ptp: _ptp,
    np.diff: _diff, np.gradient: _gradient, np.nanprod: _nanprod,
    np.nancumsum: _nan_scan("np.nancumsum", _scan("np.nancumsum", cumsum), 0.0),
    np.nancumprod: _nan_scan("np.nancumprod", _scan("np.nancumprod", cumprod), 1.0),
    np.nanvar: _nan_moment("np.nanvar", root=False),
    np.nanstd: _nan_moment("np.nanstd", root=True),
    np.cumulative_sum: _cumulative("np.cumulative_sum", cumsum, 0.0),
    np.cumulative_prod: _cumulative("np.cumulative_prod", cumprod, 1.0),
}
METHODS: dict = {       # "name" -> entry for the array method x.<name>(...)
    "prod": _prod, "cumsum": FUNCTIONS[np.cumsum], "cumprod": FUNCTIONS[np.cumprod],
    "var": FUNCTIONS[np.var], "std": FUNCTIONS[np.std],
}
