"""Rows for matrix functions (``np.linalg``): inv, det, slogdet, solve, pinv, lstsq,
matrix_power, and the matrix helpers every linear-algebra rule is written with.

Every row works on stacks of matrices (``(..., n, n)``) as NumPy does, and its rules
are written with rows (``matmul``, ``solve``, ``inv``, ...), so their own derivatives
come free. The NumPy entries that reach these rows are in ``rules_linalg.py``.
"""

from __future__ import annotations

import numpy as np

from .errors import NoDerivativeRule
from .primitives import defprim, strip
from .rules import ndim, shape, unbroadcast
from .rules_numpy import matmul, reshape, transpose
from .rules_numpy import sum as sum_

# ---------------------------------------------------------------------------
# Matrix helpers, written with rows (so they can be differentiated again)


def mT(x):
    """The transpose of the last two axes (``transpose(A)`` for a matrix)."""
    n = ndim(x)
    if n <= 2:
        return transpose(x)
    return transpose(x, axes=tuple(range(n - 2)) + (n - 1, n - 2))


def column(x):
    """``x[..., None]``: a vector as a column."""
    return reshape(x, shape=tuple(shape(x)) + (1,))


def uncolumn(x):
    """``x[..., 0]`` of a column."""
    return reshape(x, shape=tuple(shape(x))[:-1])


def row_of(x):
    """``x[..., None, :]``: a vector as a row (scales the columns of a matrix)."""
    s = tuple(shape(x))
    return reshape(x, shape=s[:-1] + (1, s[-1]))


def per_matrix(x):
    """``x[..., None, None]``: one number per matrix, to scale the matrix."""
    return reshape(x, shape=tuple(shape(x)) + (1, 1))


def inner(a, b):
    """⟨a, b⟩ per matrix: ``sum(a * b)`` over the last two axes, i.e. tr(aᵀ b)."""
    return sum_(a * b, axis=(-2, -1))


def eye_rows(x):
    """The identity with as many rows as ``x``."""
    return np.eye(shape(x)[-2])


def triangle_weights(n, uplo="L"):
    """Ones strictly below (``"L"``) or above (``"U"``) the diagonal, ½ on it."""
    strict = np.tril(np.ones((n, n)), -1) if uplo == "L" else np.triu(np.ones((n, n)), 1)
    return strict + 0.5 * np.eye(n)


def from_triangle(t, uplo):
    """The symmetric matrix a function reading one triangle of ``t`` sees."""
    w = triangle_weights(shape(t)[-1], uplo) * t
    return w + mT(w)


def to_triangle(s, uplo):
    """The adjoint of ``from_triangle``: a cotangent on that triangle."""
    return triangle_weights(shape(s)[-1], uplo) * (s + mT(s))


def gaps_inverse(w):
    """F[i, j] = 1 / (w[j] - w[i]) off the diagonal, 0 on it."""
    n = shape(w)[-1]
    gaps = row_of(w) - column(w) + np.eye(n)
    return (1.0 - np.eye(n)) / gaps


def refuse_repeated(values, what, also_zero=False):
    """Refuse a rule that divides by gaps between ``values`` (nothing to check on symbols)."""
    v = strip(values)
    if v is None or not isinstance(v, np.ndarray) or v.shape[-1] < 1:
        return
    v = np.sort(v, axis=-1)
    scale = np.max(np.abs(v), axis=-1, keepdims=True)
    tol = 10 * v.shape[-1] * np.finfo(np.result_type(v, float)).eps * np.maximum(scale, 1e-300)
    repeated = v.shape[-1] > 1 and np.any(np.diff(v, axis=-1) <= tol[..., :1])
    zero = also_zero and np.any(np.abs(v) <= tol)
    if repeated or zero:
        raise NoDerivativeRule(f"{what} at {'repeated' if repeated else 'zero'} values",
                               "they are not differentiable there (the derivative divides "
                               "by the gaps); differentiate a function of the values only, "
                               "or move the point")


# ---------------------------------------------------------------------------
# inv, det, slogdet, solve


inv = defprim(
    "inv", np.linalg.inv,
    jvp=lambda t, ans, a: -matmul(matmul(ans, t), ans),
    vjp=lambda g, ans, a: -matmul(matmul(mT(ans), g), mT(ans)),
)

# d det(A) = ⟨cof(A), dA⟩, with the cofactor matrix cof(A) = det(A) A⁻ᵀ.


def _cofactors(a, ans):
    """cof(A): det(A) A⁻ᵀ, or, at a singular matrix (where it exists all the same), the
    signed determinants of the minors: cof(A)[i, j] = (-1)^(i+j) det(A without row i,
    column j), all n² minors gathered by one indexing and passed to ``det`` at once."""
    v = strip(a)
    n = shape(a)[-1]
    if v is None or not _singular(np.asarray(v)):
        return per_matrix(ans) * mT(inv(a))
    if n == 1:
        return 0.0 * a + 1.0
    keep = np.array([[j for j in range(n) if j != i] for i in range(n)])
    minors = a[..., keep[:, None, :, None], keep[None, :, None, :]]   # (..., n, n, n-1, n-1)
    return (-1.0) ** np.add.outer(np.arange(n), np.arange(n)) * det(minors)


def _singular(v):
    s = np.linalg.svd(v, compute_uv=False)
    return np.any(s[..., -1] <= v.shape[-1] * np.finfo(float).eps * s[..., 0])


det = defprim(
    "det", np.linalg.det,
    jvp=lambda t, ans, a: inner(_cofactors(a, ans), t),
    vjp=lambda g, ans, a: per_matrix(g) * _cofactors(a, ans),
)


def _logabsdet_impl(a):
    return np.linalg.slogdet(a)[1]


logabsdet = defprim(
    "logabsdet", _logabsdet_impl, display="slogdet({args}).logabsdet",
    jvp=lambda t, ans, a: inner(mT(inv(a)), t),
    vjp=lambda g, ans, a: per_matrix(g) * mT(inv(a)),
)


# solve(A, b): x = A⁻¹ b, dx = A⁻¹ (db - dA x). A 1-D b is one vector (NumPy 2); the
# rules work on it as a column.

def _columns(b, *vs):
    return tuple(column(v) for v in vs) if ndim(b) == 1 else vs


def _solve_jvp_a(t, ans, a, b):
    (x,) = _columns(b, ans)
    dx = -solve(a, matmul(t, x))
    return uncolumn(dx) if ndim(b) == 1 else dx


def _solve_vjp_a(g, ans, a, b):
    gc, x = _columns(b, g, ans)
    return unbroadcast(-matmul(solve(mT(a), gc), mT(x)), a)


def _solve_vjp_b(g, ans, a, b):
    (gc,) = _columns(b, g)
    gb = solve(mT(a), gc)
    return unbroadcast(uncolumn(gb) if ndim(b) == 1 else gb, b)


solve = defprim(
    "solve", np.linalg.solve,
    jvp=(_solve_jvp_a,
         lambda t, ans, a, b: solve(a, t)),
    vjp=(_solve_vjp_a, _solve_vjp_b),
)

# pinv: Golub and Pereyra's formula for a matrix of constant rank, P = A⁺:
# dP = -P dA P + P Pᵀ dAᵀ (I - A P) + (I - P A) dAᵀ Pᵀ P


def _full_rank(a):
    """The formula holds where the rank cannot change: refuse a rank-deficient matrix
    (pinv jumps there), judged as NumPy's pinv judges small singular values."""
    v = strip(a)
    if v is None:
        return
    s = np.linalg.svd(np.asarray(v), compute_uv=False)
    if np.any(s[..., -1:] <= 1e-15 * s[..., :1]):
        raise NoDerivativeRule("pinv of a rank-deficient matrix",
                               "the pseudo-inverse is not continuous where the rank drops; "
                               "differentiate at a matrix of full rank")


def _pinv_jvp(t, ans, a):
    _full_rank(a)
    p = ans
    return (-matmul(matmul(p, t), p)
            + matmul(matmul(matmul(p, mT(p)), mT(t)), eye_rows(a) - matmul(a, p))
            + matmul(matmul(eye_rows(p) - matmul(p, a), mT(t)), matmul(mT(p), p)))


def _pinv_vjp(g, ans, a):
    _full_rank(a)
    p = ans
    return (-matmul(matmul(mT(p), g), mT(p))
            + matmul(matmul(eye_rows(a) - matmul(a, p), mT(g)), matmul(p, mT(p)))
            + matmul(matmul(mT(p), p), matmul(mT(g), eye_rows(p) - matmul(p, a))))


def _pinv_impl(a):
    return np.linalg.pinv(a)


pinv = defprim("pinv", _pinv_impl, jvp=_pinv_jvp, vjp=_pinv_vjp)

# lstsq(A, b): x = A⁺ b for a matrix of full rank (least squares, or the least-norm
# solution of an underdetermined system), so dx = dA⁺ b + A⁺ db.


def _lstsq_impl(a, b):
    return np.linalg.lstsq(a, b)[0]


def _outer_cotangent(g, b):
    """The cotangent of A⁺ in x = A⁺ b, given x's: g bᵀ."""
    if ndim(b) == 1:
        return column(g) * row_of(b)
    return matmul(g, mT(b))


lstsq = defprim(
    "lstsq", _lstsq_impl, display="lstsq({args}).x",
    jvp=(lambda t, ans, a, b: matmul(_pinv_jvp(t, pinv(a), a), b),
         lambda t, ans, a, b: matmul(pinv(a), t)),
    vjp=(lambda g, ans, a, b: _pinv_vjp(_outer_cotangent(g, b), pinv(a), a),
         lambda g, ans, a, b: matmul(mT(pinv(a)), g)),
)

# ---------------------------------------------------------------------------
# matrix_power(A, n): d(Aⁿ) = Σₖ Aᵏ dA Aⁿ⁻¹⁻ᵏ; a negative n is the power of A⁻¹.


def _matrix_power_impl(a, n):
    return np.linalg.matrix_power(a, n)


def _power_sum(base, t, n, transposed):
    """Σₖ Bᵏ t Bⁿ⁻¹⁻ᵏ (with Bᵀ for ``transposed``); zero for n = 0."""
    def power(k):
        p = base if k == 1 else matrix_power(base, n=k)
        return mT(p) if transposed else p
    total = 0.0 * t
    for k in range(n):
        term = t if k == 0 else matmul(power(k), t)
        term = term if k == n - 1 else matmul(term, power(n - 1 - k))
        total = term if k == 0 else total + term
    return total


def _matrix_power_jvp(t, ans, a, n):
    if n >= 0:
        return _power_sum(a, t, n, False)
    b = inv(a)
    return _power_sum(b, -matmul(matmul(b, t), b), -n, False)


def _matrix_power_vjp(g, ans, a, n):
    if n >= 0:
        return _power_sum(a, g, n, True)
    b = inv(a)
    gb = _power_sum(b, g, -n, True)
    return -matmul(matmul(mT(b), gb), mT(b))


matrix_power = defprim("matrix_power", _matrix_power_impl, display="matrix_power({0}, {n})",
                       jvp=_matrix_power_jvp, vjp=_matrix_power_vjp)
