"""Linear algebra (``np.linalg``): inv, det, slogdet, solve, norm, pinv, cholesky, eigh,
qr, svd, matrix_power, multi_dot.

Every row works on stacks of matrices (``(..., n, n)``) as NumPy does. Rules are written
with rows (``matmul``, ``solve``, ``inv``, ...), so their own derivatives come free.
A decomposition with several outputs is one row per output (``eigvalsh`` and
``eigh(A).eigenvectors``, ``qr(A).Q`` and ``qr(A).R``, ...); each rule calls the rows
of the other outputs it needs. Two conventions to know:

- NumPy's ``cholesky`` and ``eigh`` read one triangle of their input only, so their
  derivatives are those of that function: the gradient lives on that triangle (the
  diagonal counts once, an off-diagonal entry for both places it stands for).
- Where a derivative does not exist — eigenvectors at repeated eigenvalues, singular
  vectors at repeated (or, for a non-square matrix, zero) singular values, a 2-norm at
  zero — the rule refuses by name instead of returning nan. The eigenvalues and singular
  values themselves keep autograd's convention there (``V diag(ḡ) Vᵀ``).
"""

from __future__ import annotations

import numpy as np

from .errors import NoDerivativeRule
from .keywords import honours, refuse_value
from .primitives import bind, defprim, strip
from .rules import absolute, ndim, shape, sign, unbroadcast
from .rules_numpy import extreme_mask, matmul, reshape, transpose
from .rules_numpy import max as max_, min as min_, sum as sum_

# ---------------------------------------------------------------------------
# Matrix helpers, written with rows (so they can be differentiated again)


def _mT(x):
    """The transpose of the last two axes."""
    n = ndim(x)
    return transpose(x, axes=tuple(range(n - 2)) + (n - 1, n - 2))


def _col(x):
    """``x[..., None]``: a vector as a column."""
    return reshape(x, shape=tuple(shape(x)) + (1,))


def _uncol(x):
    """``x[..., 0]`` of a column."""
    return reshape(x, shape=tuple(shape(x))[:-1])


def _row_of(x):
    """``x[..., None, :]``: a vector as a row (scales the columns of a matrix)."""
    s = tuple(shape(x))
    return reshape(x, shape=s[:-1] + (1, s[-1]))


def _matrix_of(x):
    """``x[..., None, None]``: one number per matrix, to scale the matrix."""
    return reshape(x, shape=tuple(shape(x)) + (1, 1))


def _inner(a, b):
    """⟨a, b⟩ per matrix: ``sum(a * b)`` over the last two axes, i.e. tr(aᵀ b)."""
    return sum_(a * b, axis=(-2, -1))


def _eye(x):
    """The identity with as many rows as ``x``."""
    return np.eye(shape(x)[-2])


def _lower_weights(n, uplo="L"):
    """Ones strictly below (``"L"``) or above (``"U"``) the diagonal, ½ on it."""
    strict = np.tril(np.ones((n, n)), -1) if uplo == "L" else np.triu(np.ones((n, n)), 1)
    return strict + 0.5 * np.eye(n)


def _from_triangle(t, uplo):
    """The symmetric matrix a function reading one triangle of ``t`` sees."""
    w = _lower_weights(shape(t)[-1], uplo) * t
    return w + _mT(w)


def _to_triangle(s, uplo):
    """The adjoint of ``_from_triangle``: a cotangent on that triangle."""
    return _lower_weights(shape(s)[-1], uplo) * (s + _mT(s))


def _gaps_inverse(w):
    """F[i, j] = 1 / (w[j] - w[i]) off the diagonal, 0 on it."""
    n = shape(w)[-1]
    gaps = _row_of(w) - _col(w) + np.eye(n)
    return (1.0 - np.eye(n)) / gaps


def _refuse_repeated(values, what, also_zero=False):
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
    vjp=lambda g, ans, a: -matmul(matmul(_mT(ans), g), _mT(ans)),
)

# d det(A) = det(A) tr(A⁻¹ dA)
det = defprim(
    "det", np.linalg.det,
    jvp=lambda t, ans, a: ans * _inner(_mT(inv(a)), t),
    vjp=lambda g, ans, a: _matrix_of(g * ans) * _mT(inv(a)),
)


def _logabsdet_impl(a):
    return np.linalg.slogdet(a)[1]


logabsdet = defprim(
    "logabsdet", _logabsdet_impl, display="slogdet({args}).logabsdet",
    jvp=lambda t, ans, a: _inner(_mT(inv(a)), t),
    vjp=lambda g, ans, a: _matrix_of(g) * _mT(inv(a)),
)


# solve(A, b): x = A⁻¹ b, dx = A⁻¹ (db - dA x). A 1-D b is one vector (NumPy 2); the
# rules work on it as a column.

def _columns(b, *vs):
    return tuple(_col(v) for v in vs) if ndim(b) == 1 else vs


def _solve_jvp_a(t, ans, a, b):
    (x,) = _columns(b, ans)
    dx = -solve(a, matmul(t, x))
    return _uncol(dx) if ndim(b) == 1 else dx


def _solve_vjp_a(g, ans, a, b):
    gc, x = _columns(b, g, ans)
    return unbroadcast(-matmul(solve(_mT(a), gc), _mT(x)), a)


def _solve_vjp_b(g, ans, a, b):
    (gc,) = _columns(b, g)
    gb = solve(_mT(a), gc)
    return unbroadcast(_uncol(gb) if ndim(b) == 1 else gb, b)


solve = defprim(
    "solve", np.linalg.solve,
    jvp=(_solve_jvp_a,
         lambda t, ans, a, b: solve(a, t)),
    vjp=(_solve_vjp_a, _solve_vjp_b),
)

# pinv: Golub and Pereyra's formula for a matrix of constant rank, P = A⁺:
# dP = -P dA P + P Pᵀ dAᵀ (I - A P) + (I - P A) dAᵀ Pᵀ P


def _pinv_jvp(t, ans, a):
    p = ans
    return (-matmul(matmul(p, t), p)
            + matmul(matmul(matmul(p, _mT(p)), _mT(t)), _eye(a) - matmul(a, p))
            + matmul(matmul(_eye(p) - matmul(p, a), _mT(t)), matmul(_mT(p), p)))


def _pinv_vjp(g, ans, a):
    p = ans
    return (-matmul(matmul(_mT(p), g), _mT(p))
            + matmul(matmul(_eye(a) - matmul(a, p), _mT(g)), matmul(p, _mT(p)))
            + matmul(matmul(_mT(p), p), matmul(_mT(g), _eye(p) - matmul(p, a))))


def _pinv_impl(a):
    return np.linalg.pinv(a)


pinv = defprim("pinv", _pinv_impl, jvp=_pinv_jvp, vjp=_pinv_vjp)

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
        _refuse_repeated(svdvals(m), f"{what}(..., ord={ord})")
        k = k % shape(vh)[-2]
        slope = matmul(_col(u[..., k]), _row_of(vh[..., k, :]))
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
# cholesky: A = L Lᵀ from A's lower triangle. With X = L⁻¹ dA L⁻ᵀ (dA as the symmetric
# matrix that triangle stands for), dL = L Φ(X), Φ: the lower triangle, half diagonal.


def _cholesky_jvp(t, ans, a):
    low = ans
    x = _mT(solve(low, _mT(solve(low, _from_triangle(t, "L")))))
    return matmul(low, _lower_weights(shape(a)[-1]) * x)


def _cholesky_vjp(g, ans, a):
    low = ans
    y = solve(_mT(low), _lower_weights(shape(a)[-1]) * matmul(_mT(low), g))
    return _to_triangle(_mT(solve(_mT(low), _mT(y))), "L")


cholesky = defprim("cholesky", np.linalg.cholesky, jvp=_cholesky_jvp, vjp=_cholesky_vjp)

# ---------------------------------------------------------------------------
# eigh: A V = V Λ from one triangle of A. With P = Vᵀ dA V: dλ = diag(P) and
# dV = V (F ∘ P), F[i, j] = 1 / (λⱼ - λᵢ) off the diagonal.


def _eigvalsh_impl(a, UPLO="L", _with_vectors=False):
    # eigh's values come from another LAPACK driver: the row gives each call its own
    if _with_vectors:
        return np.linalg.eigh(a, UPLO=UPLO)[0]
    return np.linalg.eigvalsh(a, UPLO=UPLO)


def _eigenvectors_impl(a, UPLO="L"):
    return np.linalg.eigh(a, UPLO=UPLO)[1]


def _eigvalsh_jvp(t, ans, a, UPLO="L", _with_vectors=False):
    v = eigh_vectors(a, UPLO=UPLO)
    return sum_(v * matmul(_from_triangle(t, UPLO), v), axis=-2)


def _eigvalsh_vjp(g, ans, a, UPLO="L", _with_vectors=False):
    v = eigh_vectors(a, UPLO=UPLO)
    return _to_triangle(matmul(v * _row_of(g), _mT(v)), UPLO)


def _eigenvectors_jvp(t, ans, a, UPLO="L"):
    w = eigvalsh(a, UPLO=UPLO)
    _refuse_repeated(w, "eigh(...).eigenvectors")
    p = matmul(matmul(_mT(ans), _from_triangle(t, UPLO)), ans)
    return matmul(ans, _gaps_inverse(w) * p)


def _eigenvectors_vjp(g, ans, a, UPLO="L"):
    w = eigvalsh(a, UPLO=UPLO)
    _refuse_repeated(w, "eigh(...).eigenvectors")
    inner = _gaps_inverse(w) * matmul(_mT(ans), g)
    return _to_triangle(matmul(matmul(ans, inner), _mT(ans)), UPLO)


eigvalsh = defprim("eigvalsh", _eigvalsh_impl, jvp=_eigvalsh_jvp, vjp=_eigvalsh_vjp)
eigh_vectors = defprim("eigh_vectors", _eigenvectors_impl,
                       display="eigh({args}).eigenvectors",
                       jvp=_eigenvectors_jvp, vjp=_eigenvectors_vjp)

# ---------------------------------------------------------------------------
# qr (reduced, m >= n): A = Q R. With C = Qᵀ dA R⁻¹ and up(C) = triu(C) + tril(C, -1)ᵀ:
# dR = up(C) R and dQ = dA R⁻¹ - Q up(C).


def _up(c):
    n = shape(c)[-1]
    return np.triu(np.ones((n, n))) * c + _mT(np.tril(np.ones((n, n)), -1) * c)


def _up_adjoint(k):
    n = shape(k)[-1]
    return np.triu(np.ones((n, n))) * k + np.tril(np.ones((n, n)), -1) * _mT(k)


def _times_inverse(x, r):
    """x R⁻¹."""
    return _mT(solve(_mT(r), _mT(x)))


def _times_inverse_transpose(x, r):
    """x R⁻ᵀ."""
    return _mT(solve(r, _mT(x)))


def _tall(a, what):
    m, n = shape(a)[-2:]
    if m < n:
        raise NoDerivativeRule(f"{what} of a wide matrix", "only matrices with at least "
                               "as many rows as columns are supported; factor the transpose")


def _qr_q_impl(a):
    return np.linalg.qr(a)[0]


def _qr_r_impl(a):
    return np.linalg.qr(a)[1]


def _qr_q_jvp(t, ans, a):
    _tall(a, "qr(...).Q")
    r = qr_r(a)
    c = _times_inverse(matmul(_mT(ans), t), r)
    return _times_inverse(t, r) - matmul(ans, _up(c))


def _qr_q_vjp(g, ans, a):
    _tall(a, "qr(...).Q")
    return _times_inverse_transpose(g - matmul(ans, _up_adjoint(matmul(_mT(ans), g))), qr_r(a))


def _qr_r_jvp(t, ans, a):
    _tall(a, "qr(...).R")
    q = qr_q(a)
    return matmul(_up(_times_inverse(matmul(_mT(q), t), ans)), ans)


def _qr_r_vjp(g, ans, a):
    _tall(a, "qr(...).R")
    return _times_inverse_transpose(matmul(qr_q(a), _up_adjoint(matmul(g, _mT(ans)))), ans)


qr_q = defprim("qr_q", _qr_q_impl, display="qr({args}).Q", jvp=_qr_q_jvp, vjp=_qr_q_vjp)
qr_r = defprim("qr_r", _qr_r_impl, display="qr({args}).R", jvp=_qr_r_jvp, vjp=_qr_r_vjp)

# ---------------------------------------------------------------------------
# svd (reduced): A = U diag(s) Vᵀ. With P = Uᵀ dA V and F[i, j] = 1 / (sⱼ² - sᵢ²):
# ds = diag(P), dU = U (F ∘ (P S + S Pᵀ)) [+ (I - U Uᵀ) dA V S⁻¹ when m > n],
# dV = V (F ∘ (S P + Pᵀ S)) [+ (I - V Vᵀ) dAᵀ U S⁻¹ when n > m].


def _svd_u_impl(a):
    return np.linalg.svd(a, full_matrices=False)[0]


def _svdvals_impl(a, _with_vectors=False):
    if _with_vectors:                  # svd's S, from the driver that also gives U and Vh
        return np.linalg.svd(a, full_matrices=False)[1]
    return np.linalg.svd(a, compute_uv=False)


def _svd_vh_impl(a):
    return np.linalg.svd(a, full_matrices=False)[2]


def _singular_values(a, what):
    s = svdvals(a)
    m, n = shape(a)[-2:]
    _refuse_repeated(s, what, also_zero=m != n)
    return s, _gaps_inverse(s * s)


def _svdvals_jvp(t, ans, a, _with_vectors=False):
    return sum_(svd_u(a) * matmul(t, _mT(svd_vh(a))), axis=-2)


def _svdvals_vjp(g, ans, a, _with_vectors=False):
    return matmul(svd_u(a) * _row_of(g), svd_vh(a))


def _svd_u_jvp(t, ans, a):
    s, f = _singular_values(a, "svd(...).U")
    tv = matmul(t, _mT(svd_vh(a)))
    p = matmul(_mT(ans), tv)
    du = matmul(ans, f * (p * _row_of(s) + _col(s) * _mT(p)))
    if shape(a)[-2] > shape(a)[-1]:
        du = du + (tv - matmul(ans, p)) / _row_of(s)
    return du


def _svd_u_vjp(g, ans, a):
    s, f = _singular_values(a, "svd(...).U")
    vh = svd_vh(a)
    j = f * matmul(_mT(ans), g)
    out = matmul(matmul(ans, (j + _mT(j)) * _row_of(s)), vh)
    if shape(a)[-2] > shape(a)[-1]:
        out = out + matmul((g - matmul(ans, matmul(_mT(ans), g))) / _row_of(s), vh)
    return out


def _svd_vh_jvp(t, ans, a):
    s, f = _singular_values(a, "svd(...).Vh")
    u, v = svd_u(a), _mT(ans)
    p = matmul(matmul(_mT(u), t), v)
    dv = matmul(v, f * (_col(s) * p + _mT(p) * _row_of(s)))
    if shape(a)[-1] > shape(a)[-2]:
        dv = dv + (matmul(_mT(t), u) - matmul(v, _mT(p))) / _row_of(s)
    return _mT(dv)


def _svd_vh_vjp(g, ans, a):
    s, f = _singular_values(a, "svd(...).Vh")
    u, gv = svd_u(a), _mT(g)
    j = f * matmul(ans, gv)
    out = matmul(matmul(u, _col(s) * (j + _mT(j))), ans)
    if shape(a)[-1] > shape(a)[-2]:
        out = out + matmul(u / _row_of(s), g - matmul(matmul(g, _mT(ans)), ans))
    return out


svd_u = defprim("svd_u", _svd_u_impl, display="svd({args}).U", jvp=_svd_u_jvp, vjp=_svd_u_vjp)
svdvals = defprim("svdvals", _svdvals_impl, jvp=_svdvals_jvp, vjp=_svdvals_vjp)
svd_vh = defprim("svd_vh", _svd_vh_impl, display="svd({args}).Vh",
                 jvp=_svd_vh_jvp, vjp=_svd_vh_vjp)

# ---------------------------------------------------------------------------
# matrix_power(A, n): d(Aⁿ) = Σₖ Aᵏ dA Aⁿ⁻¹⁻ᵏ; a negative n is the power of A⁻¹.


def _matrix_power_impl(a, n):
    return np.linalg.matrix_power(a, n)


def _power_sum(base, t, n, transposed):
    """Σₖ Bᵏ t Bⁿ⁻¹⁻ᵏ (with Bᵀ for ``transposed``); zero for n = 0."""
    def power(k):
        p = base if k == 1 else matrix_power(base, n=k)
        return _mT(p) if transposed else p
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
    return -matmul(matmul(_mT(b), gb), _mT(b))


matrix_power = defprim("matrix_power", _matrix_power_impl, display="matrix_power({0}, {n})",
                       jvp=_matrix_power_jvp, vjp=_matrix_power_vjp)

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
        return _mT(cholesky(_mT(a)))
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
    import operator
    return matrix_power(a, n=operator.index(n))


@honours()
def _multi_dot(arrays, *, out=None):
    """A chain of products, in the cheapest order (as NumPy chooses it)."""
    arrays = list(arrays)
    if len(arrays) < 2:
        raise ValueError("Expecting at least two arrays.")
    first, last = ndim(arrays[0]) == 1, ndim(arrays[-1]) == 1
    if first:
        arrays[0] = _row_of(arrays[0])
    if last:
        arrays[-1] = _col(arrays[-1])
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


@honours("tol", "hermitian", "rtol")
def _matrix_rank(A, tol=None, hermitian=False, *, rtol=None):
    """An integer: no derivative, answered on the plain value."""
    return np.linalg.matrix_rank(strip(A), tol=tol, hermitian=hermitian, rtol=rtol)


def _refused(name, hint):
    @honours()
    def refuse(*args, **kwargs):
        raise NoDerivativeRule(name, hint)
    refuse.__name__ = name.rsplit(".", 1)[1]
    return refuse


_NOT_SYMMETRIC = ("the eigenvalues and eigenvectors of a non-symmetric matrix are complex "
                  "and their derivative is not implemented; for a symmetric matrix use ")

# What this family adds to the NumPy dispatch (numpy_dispatch.py merges them):
UFUNCS: dict = {}       # np.<ufunc> -> row
FUNCTIONS: dict = {     # np.<function> -> entry (its honoured keywords marked with @honours)
    np.linalg.inv: _inv, np.linalg.det: _det, np.linalg.slogdet: _slogdet,
    np.linalg.solve: _solve, np.linalg.pinv: _pinv, np.linalg.norm: _norm,
    np.linalg.cholesky: _cholesky, np.linalg.eigh: _eigh, np.linalg.eigvalsh: _eigvalsh,
    np.linalg.qr: _qr, np.linalg.svd: _svd, np.linalg.matrix_power: _matrix_power,
    np.linalg.multi_dot: _multi_dot, np.linalg.matrix_rank: _matrix_rank,
    np.linalg.eig: _refused("np.linalg.eig", _NOT_SYMMETRIC + "np.linalg.eigh"),
    np.linalg.eigvals: _refused("np.linalg.eigvals", _NOT_SYMMETRIC + "np.linalg.eigvalsh"),
    np.linalg.lstsq: _refused("np.linalg.lstsq", "write the least-squares solution as "
                              "np.linalg.solve(A.T @ A, A.T @ b) or np.linalg.pinv(A) @ b"),
    np.linalg.cond: _refused("np.linalg.cond", "write it with norms, e.g. "
                             "np.linalg.norm(A) * np.linalg.norm(np.linalg.inv(A))"),
}
for _name, _entry in (("matrix_norm", _matrix_norm), ("vector_norm", _vector_norm),
                      ("svdvals", _svdvals)):
    if hasattr(np.linalg, _name):                # NumPy 2
        FUNCTIONS[getattr(np.linalg, _name)] = _entry
METHODS: dict = {}      # "name" -> entry for the array method x.<name>(...)
