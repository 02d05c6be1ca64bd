"""Scans and differences along one axis: the rows ``cumsum``, ``cumprod`` and ``diff``,
and two helpers their rules are written with, ``shift`` (move values along an axis,
filling the gap) and ``recurrence`` (the scan ``h[i] = a[i] * h[i-1] + b[i]``).

A running product's derivative is a recurrence, and a recurrence's derivatives are
recurrences again; nothing divides by the input, so zeros get their right derivatives
at every order. The NumPy entries (``np.cumsum``, ``np.diff``, ...) are in
``rules_reductions.py``.
"""

from __future__ import annotations

import numpy as np

from .primitives import defprim
from .rules import ndim, shape
from .rules_numpy import concatenate, reshape


def floating_dtype(x):
    dtype = np.result_type(x)
    return dtype if dtype.kind in "fc" else np.dtype(float)


# ---------------------------------------------------------------------------
# Helpers: shift along an axis, and a first-order linear recurrence (a scan)

def _shift_impl(x, axis, by, fill=0.0):
    x = np.asarray(x)
    moved = np.moveaxis(x, axis, -1)
    out = np.full(moved.shape, fill, dtype=floating_dtype(x))
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
    h = np.empty(b.shape, dtype=np.result_type(floating_dtype(a), floating_dtype(b)))
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
