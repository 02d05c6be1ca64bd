# Over 450 lines: the norms and the np.linalg entry table, which lists them in one place.
"""Linear algebra (``np.linalg``) on AD values: the norms, and the NumPy entries.

``np.linalg.inv, det, slogdet, solve, pinv, lstsq, matrix_power, multi_dot`` reach the
rows of ``rules_matrix.py``; ``cholesky, eigh, eigvalsh, qr, svd, svdvals`` those of
``rules_decompositions.py``; ``norm``, ``vector_norm`` and ``matrix_norm`` the norm rows
here. NumPy 2's array-API functions (``matrix_transpose``, ``outer``, ``vecdot``,
``matmul``, ``diagonal``, ``trace``) are written with rows. Each entry has NumPy's
parameters and returns NumPy's named results (``slogdet(A).logabsdet``,
``eigh(A).eigenvectors``).

Refused by name, with what to use instead: ``eig`` and ``eigvals`` (non-symmetric
eigenproblems), ``cond``, the options without a derivative (``svd(full_matrices=True)``
of a non-square matrix, ``qr(mode="raw")``, ``pinv(rcond=...)``), and complex matrices
where a function is not holomorphic (``inv``, ``det``, ``solve``, ``matrix_power`` and
``multi_dot`` take them, with autograd's convention).
"""

from __future__ import annotations

import functools
import operator

import numpy as np

from .errors import NoDerivativeRule
from .keywords import float_dtype, honours, refuse_value
from .primitives import defprim, strip
from .rules import absolute, ndim, shape, sign
from .rules_decompositions import (
    cholesky,
    eigh_vectors,
    eigvalsh,
    qr_q,
    qr_r,
    svd_u,
    svd_vh,
    svdvals,
)
from .rules_matrix import (
    column,
    det,
    inv,
    logabsdet,
    lstsq,
    matrix_power,
    mT,
    pinv,
    refuse_repeated,
    row_of,
    solve,
)
from .rules_numpy import extreme_mask, matmul, reshape, transpose
from .rules_numpy import max as max_
from .rules_numpy import min as min_
from .rules_numpy import sum as sum_

# ---------------------------------------------------------------------------
# Norms. One row per NumPy function; ``ord``, ``axis`` and ``keepdims`` are its
# parameters. Both rules are "the norm's gradient times the direction": jvp =
# sum(t * slope), vjp = g * slope, with the slope of each ``ord`` below.


def _norm_axes(x, ord, axis, vector_only=False):
    """The reduced axes, and whether it is a vector norm (else a matrix norm)."""
    nd = ndim(x)
    if axis is None:
        if vector_only or ord is None or nd == 1:
            return tuple(range(nd)), True
        return tuple(range(nd)), False
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    axes = tuple(a % nd for a in axes)
    return axes, vector_only or len(axes) == 1


def _kept(v, x, axes):
    """A value with one entry per norm, shaped to broadcast against ``x``."""
    return reshape(v, shape=tuple(1 if i in axes else n for i, n in enumerate(shape(x))))


def _nonzero(ans, what):
    v = strip(ans)
    if v is not None and np.any(np.asarray(v) == 0):
        raise NoDerivativeRule(f"{what} at zero", "a norm has no derivative at the zero "
                                                  "vector; move the point or add a small "
                                                  "constant inside")


def _vector_slope(x, ans, ord, axes, keepdims, what):
    """∂‖x‖/∂x for a vector norm of order ``ord`` over ``axes``."""
    if ord is None or ord == 2:
        _nonzero(ans, what)
        return x / _kept(ans, x, axes)
    if ord == 1:
        return sign(x)
    if ord == np.inf or ord == -np.inf:         # ties share the derivative evenly
        return sign(x) * extreme_mask(absolute(x), ans, axis=axes, keepdims=keepdims)
    if ord == 0:                               # counts nonzero entries: flat
        return 0.0 * x
    _nonzero(ans, what)
    if ord < 1:                                # |x|^(ord-1) is infinite at a zero entry
        _nonzero(x, f"{what}(..., ord={ord}) of an entry")
    return sign(x) * (absolute(x) / _kept(ans, x, axes)) ** (ord - 1)


def _matrix_last(x, axes):
    """``x`` with the two matrix axes moved last, and the permutation back."""
    nd = ndim(x)
    order = tuple(i for i in range(nd) if i not in axes) + tuple(axes)
    if order == tuple(range(nd)):
        return x, None
    back = tuple(int(i) for i in np.argsort(order))
    return transpose(x, axes=order), back


def _matrix_slope(x, ans, ord, axes, what):
    """∂‖x‖/∂x for a matrix norm: x / ‖x‖ (Frobenius), U Vᵀ (nuclear), u₁ v₁ᵀ (2)."""
    if ord is None or ord == "fro":
        _nonzero(ans, what)
        return x / _kept(ans, x, axes)
    m, back = _matrix_last(x, axes)
    u, vh = svd_u(m), svd_vh(m)
    if ord == "nuc":
        slope = matmul(u, vh)
    else:                                      # 2 or -2: the largest or smallest one
        k = 0 if ord == 2 else -1
        refuse_repeated(svdvals(m), f"{what}(..., ord={ord})")
        k = k % shape(vh)[-2]
        slope = matmul(column(u[..., k]), row_of(vh[..., k, :]))
    return slope if back is None else transpose(slope, axes=back)


def _slope(x, ans, ord, axis, keepdims, vector_only, what):
    axes, vector = _norm_axes(x, ord, axis, vector_only)
    if vector:
        return axes, _vector_slope(x, ans, ord, axes, keepdims, what)
    return axes, _matrix_slope(x, ans, ord, axes, what)


def _norm_rules(what, vector_only):
    def jvp(t, ans, x, ord=None, axis=None, keepdims=False):
        axes, slope = _slope(x, ans, ord, axis, keepdims, vector_only, what)
        return sum_(t * slope, axis=axes, keepdims=keepdims)

    def vjp(g, ans, x, ord=None, axis=None, keepdims=False):
        axes, slope = _slope(x, ans, ord, axis, keepdims, vector_only, what)
        return _kept(g, x, axes) * slope
    return jvp, vjp


def _norm_impl(x, ord=None, axis=None, keepdims=False):
    return np.linalg.norm(x, ord=ord, axis=axis, keepdims=keepdims)


def _vector_norm_impl(x, ord=2, axis=None, keepdims=False):
    return np.linalg.vector_norm(x, ord=ord, axis=axis, keepdims=keepdims)


_jvp, _vjp = _norm_rules("np.linalg.norm", False)
norm = defprim("norm", _norm_impl, jvp=_jvp, vjp=_vjp)
_jvp, _vjp = _norm_rules("np.linalg.vector_norm", True)
vector_norm = defprim("vector_norm", _vector_norm_impl, jvp=_jvp, vjp=_vjp)

# ---------------------------------------------------------------------------
# The NumPy entries: np.linalg.<name>(...) on AD values, with NumPy's parameters.

_SLOGDET = type(np.linalg.slogdet(np.eye(1)))    # NumPy's named results
_EIGH = type(np.linalg.eigh(np.eye(1)))
_QR = type(np.linalg.qr(np.eye(1)))
_SVD = type(np.linalg.svd(np.eye(1)))


def _static_axis(axis):
    return tuple(axis) if isinstance(axis, list) else axis


@honours()
def _inv(a):
    return inv(a)


@honours()
def _det(a):
    return det(a)


@honours()
def _slogdet(a):
    """(sign, log|det A|): the sign is piecewise constant, so it is a plain value."""
    return _SLOGDET(np.linalg.slogdet(strip(a))[0], logabsdet(a))


@honours()
def _solve(a, b):
    return solve(a, b)


@honours()
def _pinv(a, rcond=None, hermitian=False, *, rtol=np._NoValue):
    return pinv(a)


@honours()
def _lstsq(a, b, rcond=None):
    """(x, residuals, rank, s) as NumPy gives them; x, the residuals and the singular
    values are differentiable, the rank is a plain integer."""
    _, plain_residuals, rank, _ = np.linalg.lstsq(strip(a), strip(b))
    x = lstsq(a, b)
    residuals = plain_residuals
    if np.size(plain_residuals):              # full column rank, more rows than columns
        residuals = sum_((matmul(a, x) - b) ** 2, axis=0)
        residuals = reshape(residuals, shape=np.shape(plain_residuals))
    return x, residuals, rank, svdvals(a)


@honours("ord", "axis", "keepdims")
def _norm(x, ord=None, axis=None, keepdims=False):
    axis = _static_axis(axis)
    axes, vector = _norm_axes(x, ord, axis)
    if not vector and ord in (1, -1, np.inf, -np.inf):
        return _max_sum_norm(x, ord, axes, keepdims)
    return norm(x, ord=ord, axis=axis, keepdims=bool(keepdims))


def _max_sum_norm(x, ord, axes, keepdims):
    """Matrix norms 1 and inf (and -1, -inf): the largest (smallest) column or row sum
    of |x|, written with abs, sum and max (or min), whose rules share ties evenly."""
    if len(set(axes)) != 2:
        raise ValueError("Duplicate axes given.")       # NumPy's words
    rows, cols = axes
    summed, extreme = (rows, cols) if ord in (1, -1) else (cols, rows)
    sums = sum_(absolute(x), axis=summed, keepdims=True)
    out = (max_ if ord > 0 else min_)(sums, axis=extreme, keepdims=True)
    if keepdims:
        return out
    return reshape(out, shape=tuple(n for i, n in enumerate(shape(x)) if i not in axes))


@honours("keepdims", "ord")
def _matrix_norm(x, /, *, keepdims=False, ord="fro"):
    return _norm(x, ord=ord, axis=(-2, -1), keepdims=keepdims)


@honours("axis", "keepdims", "ord")
def _vector_norm(x, /, *, axis=None, keepdims=False, ord=2):
    return vector_norm(x, ord=ord, axis=_static_axis(axis), keepdims=bool(keepdims))


@honours("upper")
def _cholesky(a, /, *, upper=False):
    if upper:                    # U = Lᵀ of the transpose: reads a's upper triangle
        return mT(cholesky(mT(a)))
    return cholesky(a)


def _uplo(UPLO):
    uplo = str(UPLO).upper()
    if uplo not in ("L", "U"):
        raise ValueError("UPLO argument must be 'L' or 'U'")
    return uplo


@honours("UPLO")
def _eigh(a, UPLO="L"):
    uplo = _uplo(UPLO)
    return _EIGH(eigvalsh(a, UPLO=uplo, _with_vectors=True), eigh_vectors(a, UPLO=uplo))


@honours("UPLO")
def _eigvalsh(a, UPLO="L"):
    return eigvalsh(a, UPLO=_uplo(UPLO))


@honours("mode")
def _qr(a, mode="reduced"):
    m, n = np.shape(strip(a))[-2:]
    if mode == "r":
        return qr_r(a)
    if mode == "reduced" or mode == "complete" and m <= n:
        return _QR(qr_q(a), qr_r(a))
    if mode in ("complete", "raw"):
        raise refuse_value("np.linalg.qr", "mode", mode,
                           "use mode='reduced' (the same as 'complete' for a matrix with "
                           "no more rows than columns) or mode='r'")
    return np.linalg.qr(strip(a), mode=mode)        # NumPy's error for an unknown mode


@honours("full_matrices", "compute_uv")
def _svd(a, full_matrices=True, compute_uv=True, hermitian=False):
    if not compute_uv:
        return svdvals(a)
    m, n = np.shape(strip(a))[-2:]
    if full_matrices and m != n:
        raise refuse_value("np.linalg.svd", "full_matrices", True,
                           "the extra singular vectors of a non-square matrix are not "
                           "unique; use full_matrices=False")
    return _SVD(svd_u(a), svdvals(a, _with_vectors=True), svd_vh(a))


@honours()
def _svdvals(x, /):
    return svdvals(x)


@honours()
def _matrix_power(a, n):
    return matrix_power(a, n=operator.index(n))


@honours()
def _multi_dot(arrays, *, out=None):
    """A chain of products, in the cheapest order (as NumPy chooses it)."""
    arrays = list(arrays)
    if len(arrays) < 2:
        raise ValueError("Expecting at least two arrays.")
    first, last = ndim(arrays[0]) == 1, ndim(arrays[-1]) == 1
    if first:
        arrays[0] = row_of(arrays[0])
    if last:
        arrays[-1] = column(arrays[-1])
    out = _chain(arrays, _chain_order(arrays), 0, len(arrays) - 1)
    if first and last:
        return reshape(out, shape=())
    if first or last:
        return reshape(out, shape=(shape(out)[-1] if first else shape(out)[0],))
    return out


def _chain_order(arrays):
    """split[i][j]: where the cheapest product of arrays[i..j] splits (the textbook
    matrix-chain dynamic programme)."""
    dims = [shape(arrays[0])[0]] + [shape(a)[1] for a in arrays]
    n = len(arrays)
    cost = [[0] * n for _ in range(n)]
    split = [[0] * n for _ in range(n)]
    for length in range(1, n):
        for i in range(n - length):
            j = i + length
            cost[i][j] = None
            for k in range(i, j):
                c = cost[i][k] + cost[k + 1][j] + dims[i] * dims[k + 1] * dims[j + 1]
                if cost[i][j] is None or c < cost[i][j]:
                    cost[i][j], split[i][j] = c, k
    return split


def _chain(arrays, split, i, j):
    if i == j:
        return arrays[i]
    k = split[i][j]
    return matmul(_chain(arrays, split, i, k), _chain(arrays, split, k + 1, j))


# NumPy 2's array-API functions in np.linalg, written with rows.

@honours()
def _matrix_transpose(x, /):
    if ndim(x) < 2:
        raise ValueError("Input array must be at least 2-dimensional")   # NumPy's words
    return mT(x)


@honours()
def _outer(x1, x2, /):
    if ndim(x1) != 1 or ndim(x2) != 1:
        raise ValueError("Input arrays must be one-dimensional")
    return column(x1) * row_of(x2)


@honours("axis")
def _vecdot(x1, x2, /, *, axis=-1):
    return sum_(x1 * x2, axis=axis)


@honours()
def _matmul(x1, x2, /):
    return matmul(x1, x2)


@honours("offset")
def _diagonal(x, /, *, offset=0):
    rows, cols = shape(x)[-2:]
    start, stop = max(0, -offset), min(rows, cols - offset)
    i = np.arange(start, max(start, stop))
    return x[..., i, i + offset]


@honours("offset", "dtype")
def _trace(x, /, *, offset=0, dtype=None):
    return sum_(float_dtype("np.linalg.trace", _diagonal(x, offset=offset), dtype), axis=-1)


@honours("tol", "hermitian", "rtol")
def _matrix_rank(A, tol=None, hermitian=False, *, rtol=None):
    """An integer: no derivative, answered on the plain value."""
    return np.linalg.matrix_rank(strip(A), tol=tol, hermitian=hermitian, rtol=rtol)


def _refused(name, hint):
    @honours()
    def refuse(*args, **kwargs):
        raise NoDerivativeRule(name, hint)
    return refuse


def _real_only(func, entry):
    """``entry`` for real matrices only: its rules transpose where a complex matrix needs
    the conjugate transpose (it is not holomorphic), so a complex input is refused rather
    than answered wrong."""
    name = f"np.linalg.{func.__name__}"

    @functools.wraps(entry)
    def real(*args, **kwargs):
        for a in args:
            for leaf in (a if isinstance(a, (list, tuple)) else (a,)):
                if np.iscomplexobj(strip(leaf)):
                    raise NoDerivativeRule(f"{name} of a complex matrix",
                                           "only real matrices are supported")
        return entry(*args, **kwargs)
    return real


_NOT_SYMMETRIC = ("the eigenvalues and eigenvectors of a non-symmetric matrix are complex "
                  "and their derivative is not implemented; for a symmetric matrix use ")

_ENTRIES = {
    np.linalg.inv: _inv, np.linalg.det: _det, np.linalg.slogdet: _slogdet,
    np.linalg.solve: _solve, np.linalg.pinv: _pinv, np.linalg.norm: _norm,
    np.linalg.cholesky: _cholesky, np.linalg.eigh: _eigh, np.linalg.eigvalsh: _eigvalsh,
    np.linalg.qr: _qr, np.linalg.svd: _svd, np.linalg.matrix_power: _matrix_power,
    np.linalg.multi_dot: _multi_dot, np.linalg.lstsq: _lstsq,
}
for _name, _entry in (("matrix_norm", _matrix_norm), ("vector_norm", _vector_norm),
                      ("svdvals", _svdvals), ("matrix_transpose", _matrix_transpose),
                      ("outer", _outer), ("vecdot", _vecdot), ("matmul", _matmul),
                      ("diagonal", _diagonal), ("trace", _trace)):
    if hasattr(np.linalg, _name):                # NumPy 2
        _ENTRIES[getattr(np.linalg, _name)] = _entry

# Holomorphic (or linear) in their matrices: their rules hold for complex matrices as
# written, with autograd's convention (transposes, not conjugate transposes).
_HOLOMORPHIC = {_inv, _det, _solve, _matrix_power, _multi_dot, _matrix_transpose, _outer,
                _matmul, _diagonal, _trace}

# What this family adds to the NumPy dispatch (numpy_dispatch.py merges them):
UFUNCS: dict = {}       # np.<ufunc> -> row
FUNCTIONS: dict = {     # np.<function> -> entry (its honoured keywords marked with @honours)
    **{f: e if e in _HOLOMORPHIC else _real_only(f, e) for f, e in _ENTRIES.items()},
    np.linalg.matrix_rank: _matrix_rank,
    np.linalg.eig: _refused("np.linalg.eig", _NOT_SYMMETRIC + "np.linalg.eigh"),
    np.linalg.eigvals: _refused("np.linalg.eigvals", _NOT_SYMMETRIC + "np.linalg.eigvalsh"),
    np.linalg.cond: _refused("np.linalg.cond", "write it with norms, e.g. "
                             "np.linalg.norm(A) * np.linalg.norm(np.linalg.inv(A))"),
}
METHODS: dict = {}      # "name" -> entry for the array method x.<name>(...)
