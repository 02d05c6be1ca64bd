"""The rows for arrays: reductions, matmul, reshaping, indexing, joining.

Static arguments (``axis``, ``keepdims``, ``shape``, ``index``) are keyword parameters of
the row, never differentiated. Reductions send cotangents back by broadcasting; indexing
sends them back with a scatter-add, whose own adjoint is indexing again.
"""

from __future__ import annotations

import math
import operator

import numpy as np

from .errors import NoDerivativeRule
from .primitives import ATOM, PRODUCT, defprim, strip
from .rules import (broadcast_to, equal, match_real, mul, ndim, real_only, shape, shape_of,
                    unbroadcast)


def normalize_axis(axis, nd):
    if axis is None:
        return None
    axes = axis if isinstance(axis, tuple) else (axis,)
    return tuple(sorted(a % nd if nd else 0 for a in axes))


def kept_shape(x_shape, axis):
    """The shape a reduction over ``axis`` has with ``keepdims=True``."""
    nd = len(x_shape)
    axes = range(nd) if axis is None else normalize_axis(axis, nd)
    return tuple(1 if i in axes else n for i, n in enumerate(x_shape))


def unreduce(g, x, axis, keepdims):
    """Broadcast the cotangent of a reduction back to the reduced value's shape."""
    x_shape = shape(x)
    if not keepdims and axis is not None:
        g = reshape(g, shape=kept_shape(x_shape, axis))
    return broadcast_to(g, shape=tuple(x_shape))


def n_reduced(x, axis):
    x_shape = shape(x)
    if axis is None:
        return math.prod(x_shape)
    return math.prod(x_shape[a] for a in normalize_axis(axis, len(x_shape)))


def _extreme_mask_impl(x, ans, axis=None, keepdims=False):
    xv, av = np.asarray(x), np.asarray(ans)
    if not keepdims and axis is not None:
        av = av.reshape(kept_shape(xv.shape, axis))
    hit = (xv == av).astype(float)
    return hit / hit.sum(axis=normalize_axis(axis, xv.ndim), keepdims=True)


# Where a max/min is attained, split evenly among ties. Piecewise constant: no derivative.
extreme_mask = defprim("extreme_mask", _extreme_mask_impl, nondiff=True)


def _extreme_mask(name, x, ans, axis, keepdims):
    real_only(name, x)
    return extreme_mask(x, ans, axis=axis, keepdims=keepdims)


# ---------------------------------------------------------------------------
# Reductions

def _sum_impl(x, axis=None, keepdims=False):
    return np.sum(x, axis=axis, keepdims=keepdims)


def _mean_impl(x, axis=None, keepdims=False):
    return np.mean(x, axis=axis, keepdims=keepdims)


def _max_impl(x, axis=None, keepdims=False):
    return np.max(x, axis=axis, keepdims=keepdims)


def _min_impl(x, axis=None, keepdims=False):
    return np.min(x, axis=axis, keepdims=keepdims)


sum = defprim(
    "sum", _sum_impl,
    jvp=lambda t, ans, x, axis=None, keepdims=False: sum(t, axis=axis, keepdims=keepdims),
    vjp=lambda g, ans, x, axis=None, keepdims=False: unreduce(g, x, axis, keepdims),
)


def _mean_vjp(g, ans, x, axis=None, keepdims=False):
    n = n_reduced(x, axis)
    if n == 0:                     # an empty mean: an empty cotangent, and no g / 0
        return unreduce(g, x, axis, keepdims)
    # g / n before broadcasting, not after: the same numbers without a pass over an
    # array of x's size, and a broadcast scalar stays one for the rules it reaches next
    return unreduce(g / n, x, axis, keepdims)


mean = defprim(
    "mean", _mean_impl,
    jvp=lambda t, ans, x, axis=None, keepdims=False: mean(t, axis=axis, keepdims=keepdims),
    vjp=_mean_vjp,
)


def _extreme(name, impl):
    """The ``max`` or ``min`` row: the derivative of the attained entries (ties split)."""
    return defprim(
        name, impl,
        jvp=lambda t, ans, x, axis=None, keepdims=False:
            sum(t * _extreme_mask(name, x, ans, axis, keepdims), axis=axis, keepdims=keepdims),
        vjp=lambda g, ans, x, axis=None, keepdims=False:
            unreduce(g, x, axis, keepdims) * _extreme_mask(name, x, ans, axis, keepdims),
    )


max = _extreme("max", _max_impl)
min = _extreme("min", _min_impl)

# ---------------------------------------------------------------------------
# Matrix products. 1-D operands are treated as a row (left) or a column (right), as
# NumPy does, and the cotangent is summed over broadcast batch dimensions.


def _swap_last(x):
    n = ndim(x)
    axes = tuple(range(n - 2)) + (n - 1, n - 2)
    return transpose(x, axes=axes)


def _column(x):
    """``x[..., None]``, differentiably."""
    return reshape(x, shape=tuple(shape(x)) + (1,))


def _plain_matrices(*xs) -> bool:
    """Are these all real 2-D NumPy arrays? Their matmul rules are one matrix product each,
    written directly (no row calls for the transpose, the unbroadcast and the real part:
    they cost more than a small product)."""
    for x in xs:
        if type(x) is not np.ndarray or x.ndim != 2 or x.dtype.kind not in "fiu":
            return False
    return True


def _matmul_vjp_a(g, ans, a, b):
    na, nb = ndim(a), ndim(b)
    if na == 1 and nb == 1:                       # inner product
        return g * b
    if na == 1:                                   # (n,) @ (..., n, m)
        if nb == 2:
            return matmul(b, g)
        out = matmul(b, _column(g))
        return unbroadcast(reshape(out, shape=tuple(shape(out)[:-1])), a)
    if nb == 1:                                   # (..., m, n) @ (n,)
        return unbroadcast(_column(g) * b, a)
    return unbroadcast(matmul(g, _swap_last(b)), a)


def _matmul_vjp_b(g, ans, a, b):
    na, nb = ndim(a), ndim(b)
    if na == 1 and nb == 1:
        return g * a
    if nb == 1:                                   # (..., m, n) @ (n,)
        if na == 2:
            return matmul(g, a)
        return unbroadcast(_column(g) * a, b)
    if na == 1:                                   # (n,) @ (..., n, m)
        g_row = reshape(g, shape=tuple(shape(g)[:-1]) + (1, shape(g)[-1]))
        return unbroadcast(_column(a) * g_row, b)
    return unbroadcast(matmul(_swap_last(a), g), b)


matmul = defprim(
    "matmul", operator.matmul, display="{0} @ {1}", precedence=PRODUCT,
    jvp=(lambda t, ans, a, b: matmul(t, b),
         lambda t, ans, a, b: matmul(a, t)),
    vjp=(lambda g, ans, a, b: g @ b.T if _plain_matrices(g, a, b)
         else match_real(_matmul_vjp_a(g, ans, a, b), a),
         lambda g, ans, a, b: a.T @ g if _plain_matrices(g, a, b)
         else match_real(_matmul_vjp_b(g, ans, a, b), b)),
)


# ---------------------------------------------------------------------------
# Discrete Fourier transforms along one axis. The DFT matrix is symmetric, so (with
# autograd's convention, no conjugation) each transform's adjoint is the transform itself.


def _fft_impl(x, axis=-1, norm=None):
    return np.fft.fft(x, axis=axis, norm=norm)


def _ifft_impl(x, axis=-1, norm=None):
    return np.fft.ifft(x, axis=axis, norm=norm)


fft = defprim(
    "fft", _fft_impl,
    jvp=lambda t, ans, x, axis=-1, norm=None: fft(t, axis=axis, norm=norm),
    vjp=lambda g, ans, x, axis=-1, norm=None: match_real(fft(g, axis=axis, norm=norm), x),
)

ifft = defprim(
    "ifft", _ifft_impl,
    jvp=lambda t, ans, x, axis=-1, norm=None: ifft(t, axis=axis, norm=norm),
    vjp=lambda g, ans, x, axis=-1, norm=None: match_real(ifft(g, axis=axis, norm=norm), x),
)


def dot(a, b):
    """``np.dot``: a product of scalars, or a matrix product for 1-D and 2-D arrays."""
    if ndim(a) == 0 or ndim(b) == 0:
        return mul(a, b)
    if ndim(a) <= 2 and ndim(b) <= 2:
        return matmul(a, b)
    raise NoDerivativeRule("np.dot of arrays with more than 2 dimensions",
                           "use np.matmul (batched) or np.einsum-free reshapes instead")


# ---------------------------------------------------------------------------
# Shape changes


def _reshape_impl(x, shape):
    return np.reshape(x, shape)


reshape = defprim(
    "reshape", _reshape_impl,
    jvp=lambda t, ans, x, shape: reshape(t, shape=shape),
    vjp=lambda g, ans, x, shape: reshape(g, shape=shape_of(x)),
)


def _inverse_axes(axes, nd):
    if axes is None:
        return None
    return tuple(int(i) for i in np.argsort([a % nd for a in axes]))


def _transpose_impl(x, axes=None):
    return np.transpose(x, axes)


transpose = defprim(
    "transpose", _transpose_impl,
    jvp=lambda t, ans, x, axes=None: transpose(t, axes=axes),
    vjp=lambda g, ans, x, axes=None: transpose(g, axes=_inverse_axes(axes, ndim(x))),
)

# ---------------------------------------------------------------------------
# Indexing: basic (ints, slices, None, ...) and integer-array indexing.


def _getitem_impl(x, index):
    return x[index]


def _scatter_add_impl(g, index, shape):
    g = np.asarray(g)
    out = np.zeros(shape, dtype=np.result_type(g.dtype, float))
    np.add.at(out, index, g)
    return out


getitem = defprim(
    "getitem", _getitem_impl, display="{0}[{index}]", precedence=ATOM,
    jvp=lambda t, ans, x, index: getitem(t, index=index),
    vjp=lambda g, ans, x, index: scatter_add(g, index=index, shape=shape_of(x)),
)

scatter_add = defprim(
    "scatter_add", _scatter_add_impl,
    jvp=lambda t, ans, g, index, shape: scatter_add(t, index=index, shape=shape),
    vjp=lambda g, ans, x, index, shape: getitem(g, index=index),
)

# ---------------------------------------------------------------------------
# Joining arrays: one row argument per joined array.


def _concatenate_impl(*xs, axis=0):
    return np.concatenate(xs, axis=axis)


def _stack_impl(*xs, axis=0):
    return np.stack(xs, axis=axis)


def _part_index(i, xs, axis):
    """The index of the i-th joined part inside a concatenation along ``axis``."""
    nd = ndim(xs[0])
    axis = axis % nd
    start = int(np.sum([shape(x)[axis] for x in xs[:i]], dtype=int))
    stop = start + shape(xs[i])[axis]
    return (slice(None),) * axis + (slice(start, stop),)


def _join_jvp(join):
    """jvp rule ``i`` of a joining row: the tangent joined with zeros for the others."""
    def make(i):
        def rule(t, ans, *xs, axis=0):
            parts = [t if j == i else np.zeros(shape(x)) for j, x in enumerate(xs)]
            return join(*parts, axis=axis)
        return rule
    return make


def _concat_vjp(i):
    def rule(g, ans, *xs, axis=0):
        return match_real(getitem(g, index=_part_index(i, xs, axis)), xs[i])
    return rule


def _stack_vjp(i):
    def rule(g, ans, *xs, axis=0):
        nd = ndim(xs[0]) + 1
        return match_real(getitem(g, index=(slice(None),) * (axis % nd) + (i,)), xs[i])
    return rule


class PerArgument(tuple):
    """Rules for a row with any number of arguments: rule ``i`` is made on demand."""

    def __new__(cls, make):
        self = super().__new__(cls, ())
        self.make = make
        self.cache = {}
        return self

    def __len__(self):
        return 1 << 30

    def __getitem__(self, i):
        rule = self.cache.get(i)
        if rule is None:
            rule = self.cache[i] = self.make(i)
        return rule


concatenate = defprim("concatenate", _concatenate_impl,
                      jvp=PerArgument(_join_jvp(lambda *xs, axis: concatenate(*xs, axis=axis))),
                      vjp=PerArgument(_concat_vjp))
stack = defprim("stack", _stack_impl,
                jvp=PerArgument(_join_jvp(lambda *xs, axis: stack(*xs, axis=axis))),
                vjp=PerArgument(_stack_vjp))

__all__ = ["sum", "mean", "max", "min", "matmul", "dot", "fft", "ifft", "reshape", "transpose",
           "getitem", "scatter_add", "concatenate", "stack", "equal", "unbroadcast"]
