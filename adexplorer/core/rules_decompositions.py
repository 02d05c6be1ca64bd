"""Rows for the decompositions (``np.linalg``): cholesky, eigh, qr, svd.

A decomposition with several outputs is one row per output (``eigvalsh`` and
``eigh(A).eigenvectors``, ``qr(A).Q`` and ``qr(A).R``, ``svd(A).U``, ``svdvals``,
``svd(A).Vh``); each rule calls the rows of the other outputs it needs, so it can be
differentiated again. Two conventions to know:

- NumPy's ``cholesky`` and ``eigh`` read one triangle of their input only, so their
  derivatives are those of that function: the gradient lives on that triangle (the
  diagonal counts once, an off-diagonal entry for both places it stands for).
- Where a derivative does not exist — eigenvectors at repeated eigenvalues, singular
  vectors at repeated (or, for a non-square matrix, zero) singular values, QR of a wide
  matrix — the rule refuses by name instead of returning nan. The eigenvalues and
  singular values themselves keep autograd's convention there (``V diag(ḡ) Vᵀ``).
"""

from __future__ import annotations

import numpy as np

from .errors import NoDerivativeRule
from .primitives import defprim
from .rules import shape
from .rules_matrix import (
    column,
    from_triangle,
    gaps_inverse,
    mT,
    refuse_repeated,
    row_of,
    solve,
    to_triangle,
    triangle_weights,
)
from .rules_numpy import matmul
from .rules_numpy import sum as sum_

# ---------------------------------------------------------------------------
# cholesky: A = L Lᵀ from A's lower triangle. With X = L⁻¹ dA L⁻ᵀ (dA as the symmetric
# matrix that triangle stands for), dL = L Φ(X), Φ: the lower triangle, half diagonal.


def _cholesky_jvp(t, ans, a):
    low = ans
    x = mT(solve(low, mT(solve(low, from_triangle(t, "L")))))
    return matmul(low, triangle_weights(shape(a)[-1]) * x)


def _cholesky_vjp(g, ans, a):
    low = ans
    y = solve(mT(low), triangle_weights(shape(a)[-1]) * matmul(mT(low), g))
    return to_triangle(mT(solve(mT(low), mT(y))), "L")


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
    return sum_(v * matmul(from_triangle(t, UPLO), v), axis=-2)


def _eigvalsh_vjp(g, ans, a, UPLO="L", _with_vectors=False):
    v = eigh_vectors(a, UPLO=UPLO)
    return to_triangle(matmul(v * row_of(g), mT(v)), UPLO)


def _eigenvectors_jvp(t, ans, a, UPLO="L"):
    w = eigvalsh(a, UPLO=UPLO)
    refuse_repeated(w, "eigh(...).eigenvectors")
    p = matmul(matmul(mT(ans), from_triangle(t, UPLO)), ans)
    return matmul(ans, gaps_inverse(w) * p)


def _eigenvectors_vjp(g, ans, a, UPLO="L"):
    w = eigvalsh(a, UPLO=UPLO)
    refuse_repeated(w, "eigh(...).eigenvectors")
    inner = gaps_inverse(w) * matmul(mT(ans), g)
    return to_triangle(matmul(matmul(ans, inner), mT(ans)), UPLO)


eigvalsh = defprim("eigvalsh", _eigvalsh_impl, jvp=_eigvalsh_jvp, vjp=_eigvalsh_vjp)
eigh_vectors = defprim("eigh_vectors", _eigenvectors_impl,
                       display="eigh({args}).eigenvectors",
                       jvp=_eigenvectors_jvp, vjp=_eigenvectors_vjp)

# ---------------------------------------------------------------------------
# qr (reduced, m >= n): A = Q R. With C = Qᵀ dA R⁻¹ and up(C) = triu(C) + tril(C, -1)ᵀ:
# dR = up(C) R and dQ = dA R⁻¹ - Q up(C).


def _up(c):
    n = shape(c)[-1]
    return np.triu(np.ones((n, n))) * c + mT(np.tril(np.ones((n, n)), -1) * c)


def _up_adjoint(k):
    n = shape(k)[-1]
    return np.triu(np.ones((n, n))) * k + np.tril(np.ones((n, n)), -1) * mT(k)


def _times_inverse(x, r):
    """x R⁻¹."""
    return mT(solve(mT(r), mT(x)))


def _times_inverse_transpose(x, r):
    """x R⁻ᵀ."""
    return mT(solve(r, mT(x)))


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
    c = _times_inverse(matmul(mT(ans), t), r)
    return _times_inverse(t, r) - matmul(ans, _up(c))


def _qr_q_vjp(g, ans, a):
    _tall(a, "qr(...).Q")
    return _times_inverse_transpose(g - matmul(ans, _up_adjoint(matmul(mT(ans), g))), qr_r(a))


def _qr_r_jvp(t, ans, a):
    _tall(a, "qr(...).R")
    q = qr_q(a)
    return matmul(_up(_times_inverse(matmul(mT(q), t), ans)), ans)


def _qr_r_vjp(g, ans, a):
    _tall(a, "qr(...).R")
    return _times_inverse_transpose(matmul(qr_q(a), _up_adjoint(matmul(g, mT(ans)))), ans)


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
    refuse_repeated(s, what, also_zero=m != n)
    return s, gaps_inverse(s * s)


def _svdvals_jvp(t, ans, a, _with_vectors=False):
    return sum_(svd_u(a) * matmul(t, mT(svd_vh(a))), axis=-2)


def _svdvals_vjp(g, ans, a, _with_vectors=False):
    return matmul(svd_u(a) * row_of(g), svd_vh(a))


def _svd_u_jvp(t, ans, a):
    s, f = _singular_values(a, "svd(...).U")
    tv = matmul(t, mT(svd_vh(a)))
    p = matmul(mT(ans), tv)
    du = matmul(ans, f * (p * row_of(s) + column(s) * mT(p)))
    if shape(a)[-2] > shape(a)[-1]:
        du = du + (tv - matmul(ans, p)) / row_of(s)
    return du


def _svd_u_vjp(g, ans, a):
    s, f = _singular_values(a, "svd(...).U")
    vh = svd_vh(a)
    j = f * matmul(mT(ans), g)
    out = matmul(matmul(ans, (j + mT(j)) * row_of(s)), vh)
    if shape(a)[-2] > shape(a)[-1]:
        out = out + matmul((g - matmul(ans, matmul(mT(ans), g))) / row_of(s), vh)
    return out


def _svd_vh_jvp(t, ans, a):
    s, f = _singular_values(a, "svd(...).Vh")
    u, v = svd_u(a), mT(ans)
    p = matmul(matmul(mT(u), t), v)
    dv = matmul(v, f * (column(s) * p + mT(p) * row_of(s)))
    if shape(a)[-1] > shape(a)[-2]:
        dv = dv + (matmul(mT(t), u) - matmul(v, mT(p))) / row_of(s)
    return mT(dv)


def _svd_vh_vjp(g, ans, a):
    s, f = _singular_values(a, "svd(...).Vh")
    u, gv = svd_u(a), mT(g)
    j = f * matmul(ans, gv)
    out = matmul(matmul(u, column(s) * (j + mT(j))), ans)
    if shape(a)[-1] > shape(a)[-2]:
        out = out + matmul(u / row_of(s), g - matmul(matmul(g, mT(ans)), ans))
    return out


svd_u = defprim("svd_u", _svd_u_impl, display="svd({args}).U", jvp=_svd_u_jvp, vjp=_svd_u_vjp)
svdvals = defprim("svdvals", _svdvals_impl, jvp=_svdvals_jvp, vjp=_svdvals_vjp)
svd_vh = defprim("svd_vh", _svd_vh_impl, display="svd({args}).Vh",
                 jvp=_svd_vh_jvp, vjp=_svd_vh_vjp)
