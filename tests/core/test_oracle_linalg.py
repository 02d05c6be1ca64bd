"""HIPS autograd as an independent oracle for ``np.linalg``: a zoo of functions written
twice — for adexplorer (plain NumPy) and for ``autograd.numpy`` — whose gradients, vjps
and jvps must agree to 1e-9 relative. autograd has no jvp rules for most of
``np.linalg``; there its Jacobian (by reverse mode) times the direction is the oracle.
Matrices are well conditioned, eigenvalues and singular values well separated."""

from collections import namedtuple

import numpy as np
import pytest

autograd = pytest.importorskip("autograd")
import autograd.numpy as anp  # noqa: E402

import adexplorer as ad  # noqa: E402

from .oracle_tools import assert_close

rng = np.random.default_rng(4242)
Case = namedtuple("Case", "ours theirs args")


def r(*shape, lo=-1.0, hi=1.0):
    return rng.uniform(lo, hi, size=shape)


def well(*shape):
    return r(*shape) + 3 * np.eye(shape[-1])


def spd(n):
    b = r(n, n)
    return b @ b.T + n * np.eye(n)


X = r(6, 3)                      # data the functions close over (constants)
Y = r(6)
C3 = r(3, 3)
IDX3 = np.arange(3)
LOG_2PI = np.log(2 * np.pi)


# --- least squares, Gaussians, regularised losses -------------------------------

def our_lstsq(A, b):
    x = np.linalg.solve(A.T @ A, A.T @ b)            # normal equations
    return np.sum((A @ x - b) ** 2)


def their_lstsq(A, b):
    x = anp.linalg.solve(anp.dot(A.T, A), anp.dot(A.T, b))
    return anp.sum((anp.dot(A, x) - b) ** 2)


def our_gauss(x, mu, S):
    d = x - mu
    return -0.5 * (np.linalg.slogdet(S)[1] + d @ np.linalg.solve(S, d) + len(d) * LOG_2PI)


def their_gauss(x, mu, S):
    d = x - mu
    return -0.5 * (anp.linalg.slogdet(S)[1] + anp.dot(d, anp.linalg.solve(S, d)) + len(d) * LOG_2PI)


def our_chol_logdet(B):
    L = np.linalg.cholesky(B @ B.T + 3 * np.eye(3))
    return 2 * np.sum(np.log(L[IDX3, IDX3]))


def their_chol_logdet(B):
    L = anp.linalg.cholesky(anp.dot(B, B.T) + 3 * anp.eye(3))
    return 2 * anp.sum(anp.log(L[IDX3, IDX3]))


def our_ridge(w, lam):
    return np.mean((X @ w - Y) ** 2) + lam * np.linalg.norm(w) + 0.1 * np.linalg.norm(w, 3)


def their_ridge(w, lam):
    return anp.mean((anp.dot(X, w) - Y) ** 2) + lam * anp.linalg.norm(w) + 0.1 * anp.linalg.norm(w, 3)


def our_ridge_closed(lam):
    w = np.linalg.solve(X.T @ X + lam * np.eye(3), X.T @ Y)
    return np.sum(w ** 2) + np.sum((X @ w - Y) ** 2)


def their_ridge_closed(lam):
    w = anp.linalg.solve(anp.dot(X.T, X) + lam * anp.eye(3), anp.dot(X.T, Y))
    return anp.sum(w ** 2) + anp.sum((anp.dot(X, w) - Y) ** 2)


def our_gp(ell, noise):
    d2 = (X[:, None, 0] - X[None, :, 0]) ** 2
    K = np.exp(-0.5 * d2 / ell ** 2) + noise * np.eye(6)
    L = np.linalg.cholesky(K)
    alpha = np.linalg.solve(K, Y)
    return 0.5 * Y @ alpha + np.sum(np.log(L[np.arange(6), np.arange(6)]))


def their_gp(ell, noise):
    d2 = (X[:, None, 0] - X[None, :, 0]) ** 2
    K = anp.exp(-0.5 * d2 / ell ** 2) + noise * anp.eye(6)
    L = anp.linalg.cholesky(K)
    alpha = anp.linalg.solve(K, Y)
    return 0.5 * anp.dot(Y, alpha) + anp.sum(anp.log(L[anp.arange(6), anp.arange(6)]))


def our_kalman(P, H):
    S = H @ P @ H.T + np.eye(2)
    K = P @ H.T @ np.linalg.inv(S)
    return np.sum((np.eye(3) - K @ H) @ P)


def their_kalman(P, H):
    S = anp.dot(anp.dot(H, P), H.T) + anp.eye(2)
    K = anp.dot(anp.dot(P, H.T), anp.linalg.inv(S))
    return anp.sum(anp.dot(anp.eye(3) - anp.dot(K, H), P))


def sym(B):
    return (B + B.T) / 2


ZOO = {
    "least squares by normal equations": Case(our_lstsq, their_lstsq, (r(5, 3) + np.eye(5, 3), r(5))),
    "lstsq against the normal equations": Case(
        lambda A, b: np.sum(np.linalg.lstsq(A, b)[0] ** 3),
        lambda A, b: anp.sum(anp.linalg.solve(anp.dot(A.T, A), anp.dot(A.T, b)) ** 3),
        (r(5, 3) + np.eye(5, 3), r(5))),
    "gaussian log-density (slogdet, solve)": Case(our_gauss, their_gauss, (r(3), r(3), spd(3))),
    "log det of an SPD matrix via cholesky": Case(our_chol_logdet, their_chol_logdet, (r(3, 3),)),
    "norm-regularised loss": Case(our_ridge, their_ridge, (r(3), 0.3)),
    "ridge in closed form": Case(our_ridge_closed, their_ridge_closed, (0.7,)),
    "gaussian-process marginal likelihood": Case(our_gp, their_gp, (0.8, 0.5)),
    "kalman gain (inv)": Case(our_kalman, their_kalman, (spd(3), r(2, 3))),
    # --- products with inv, det, slogdet, solve
    "sum of inv(A) @ B": Case(lambda A, B: np.sum(np.linalg.inv(A) @ B),
                              lambda A, B: anp.sum(anp.dot(anp.linalg.inv(A), B)), (well(3, 3), r(3, 2))),
    "quadratic form with inv": Case(lambda A, x: x @ np.linalg.inv(A) @ x,
                                    lambda A, x: anp.dot(anp.dot(x, anp.linalg.inv(A)), x), (well(3, 3), r(3))),
    "inv(A) @ inv(A) squared": Case(lambda A: np.sum((np.linalg.inv(A) @ np.linalg.inv(A).T) ** 2),
                                    lambda A: anp.sum(anp.dot(anp.linalg.inv(A), anp.linalg.inv(A).T) ** 2),
                                    (well(2, 2),)),
    "det": Case(lambda A: np.linalg.det(A), lambda A: anp.linalg.det(A), (well(3, 3),)),
    "det of a stack": Case(lambda A: np.sum(np.linalg.det(A) ** 2),
                           lambda A: anp.sum(anp.linalg.det(A) ** 2), (well(2, 3, 3),)),
    "det times slogdet": Case(lambda A: np.linalg.det(A) * np.linalg.slogdet(A @ A.T)[1],
                              lambda A: anp.linalg.det(A) * anp.linalg.slogdet(anp.dot(A, A.T))[1],
                              (well(3, 3),)),
    "solve with a matrix right-hand side": Case(lambda A, B: np.sum(np.sin(np.linalg.solve(A, B))),
                                                lambda A, B: anp.sum(anp.sin(anp.linalg.solve(A, B))),
                                                (well(3, 3), r(3, 2))),
    "solve on a stack": Case(lambda A, B: np.sum(np.linalg.solve(A, B) ** 2),
                             lambda A, B: anp.sum(anp.linalg.solve(A, B) ** 2),
                             (well(2, 3, 3), r(2, 3, 2))),
    # --- norms
    "2-norm of a residual": Case(lambda A, x: np.linalg.norm(A @ x - 1.0),
                                 lambda A, x: anp.linalg.norm(anp.dot(A, x) - 1.0), (r(4, 3), r(3))),
    "p-norm": Case(lambda x: np.linalg.norm(x, 3.5), lambda x: anp.linalg.norm(x, 3.5), (r(5),)),
    "Frobenius norm": Case(lambda A: np.linalg.norm(A, "fro") ** 2 + np.linalg.norm(A),
                           lambda A: anp.linalg.norm(A, "fro") ** 2 + anp.linalg.norm(A), (r(3, 4),)),
    "nuclear norm": Case(lambda A: np.linalg.norm(A, "nuc"), lambda A: anp.linalg.norm(A, "nuc"),
                         (r(3, 4),)),
    # (autograd's norm rules break with keepdims=True; check_grads covers keepdims)
    "normalised rows": Case(lambda A: np.sum(A / np.linalg.norm(A, axis=1)[:, None] * C3[0]),
                            lambda A: anp.sum(A / anp.linalg.norm(A, axis=1)[:, None] * C3[0]),
                            (r(3, 3),)),
    "nuclear norm of a stack": Case(lambda A: np.sum(np.linalg.norm(A, "nuc", axis=(1, 2))),
                                    lambda A: anp.sum(anp.linalg.norm(A, "nuc", axis=(1, 2))),
                                    (r(2, 3, 3),)),
    # --- decompositions
    "pinv least squares": Case(lambda A, b: np.sum((np.linalg.pinv(A) @ b) ** 2),
                               lambda A, b: anp.sum(anp.dot(anp.linalg.pinv(A), b) ** 2),
                               (r(4, 2) + np.eye(4, 2), r(4))),
    "cholesky factor": Case(lambda B: np.sum(np.linalg.cholesky(B @ B.T + np.eye(3)) * C3),
                            lambda B: anp.sum(anp.linalg.cholesky(anp.dot(B, B.T) + anp.eye(3)) * C3),
                            (r(3, 3),)),
    "eigenvalues of a symmetric matrix": Case(lambda B: np.linalg.eigh(sym(B))[0] @ np.arange(1.0, 4.0),
                                              lambda B: anp.dot(anp.linalg.eigh(sym(B))[0], anp.arange(1.0, 4.0)),
                                              (r(3, 3),)),
    "eigenvectors, UPLO U": Case(lambda A: np.sum(np.linalg.eigh(A, UPLO="U")[1] ** 3 * C3),
                                 lambda A: anp.sum(anp.linalg.eigh(A, UPLO="U")[1] ** 3 * C3),
                                 (r(3, 3) + np.diag([0.0, 2.0, 4.0]),)),
    "singular values": Case(lambda A: np.sum(np.linalg.svd(A, compute_uv=False) ** 2 * np.array([1.0, 2.0, 3.0])),
                            lambda A: anp.sum(anp.linalg.svd(A, compute_uv=False) ** 2 * anp.array([1.0, 2.0, 3.0])),
                            (r(4, 3),)),
    "singular vectors": Case(lambda A: np.sum(np.linalg.svd(A, full_matrices=False)[0] ** 3)
                             + np.sum(np.linalg.svd(A, full_matrices=False)[2] ** 3),
                             lambda A: anp.sum(anp.linalg.svd(A, full_matrices=False)[0] ** 3)
                             + anp.sum(anp.linalg.svd(A, full_matrices=False)[2] ** 3),
                             (r(3, 4),)),
    "matrix_power and multi_dot": Case(lambda A, B: np.sum(np.linalg.matrix_power(A, 3) @ B)
                                       + np.linalg.multi_dot([B.T, A, A, B]).sum(),
                                       lambda A, B: anp.sum(anp.dot(anp.dot(anp.dot(A, A), A), B))
                                       + anp.sum(anp.dot(anp.dot(anp.dot(B.T, A), A), B)),
                                       (r(3, 3), r(3, 2))),
}

# Array-valued functions: vjps against autograd's make_vjp, jvps against its Jacobian.
ARRAY_ZOO = {
    "inv": Case(lambda A: np.linalg.inv(A), lambda A: anp.linalg.inv(A), (well(3, 3),)),
    "solve, vector": Case(lambda A, b: np.linalg.solve(A, b), lambda A, b: anp.linalg.solve(A, b),
                          (well(3, 3), r(3))),
    "pinv of a wide matrix": Case(lambda A: np.linalg.pinv(A), lambda A: anp.linalg.pinv(A),
                                  (r(2, 4) + np.eye(2, 4),)),
    "cholesky of a Gram matrix": Case(lambda B: np.linalg.cholesky(B @ B.T + np.eye(3)),
                                      lambda B: anp.linalg.cholesky(anp.dot(B, B.T) + anp.eye(3)),
                                      (r(3, 3),)),
    "eigenvectors": Case(lambda A: np.linalg.eigh(A)[1], lambda A: anp.linalg.eigh(A)[1],
                         (r(3, 3) + np.diag([0.0, 2.0, 4.0]),)),
    "singular values of a stack": Case(lambda A: np.linalg.svd(A, compute_uv=False),
                                       lambda A: anp.linalg.svd(A, compute_uv=False), (r(2, 3, 4),)),
    "norm over rows": Case(lambda A: np.linalg.norm(A, axis=1), lambda A: anp.linalg.norm(A, axis=1),
                           (r(3, 4),)),
}


def test_the_zoo_is_large_enough():
    assert len(ZOO) + len(ARRAY_ZOO) >= 25 and len(ZOO) >= 25


def directions(args):
    return tuple(rng.standard_normal(np.shape(a)) if np.ndim(a) else float(rng.standard_normal())
                 for a in args)


def their_jvp(theirs, args, tangents):
    """autograd's jvp where it has rules; else its Jacobian (reverse mode) times them."""
    total = 0.0
    for i, t in enumerate(tangents):
        try:
            total = total + autograd.make_jvp(theirs, i)(*args)(t)[1]
        except NotImplementedError:
            out = np.asarray(theirs(*args))
            jac = autograd.jacobian(theirs, i)(*args)
            total = total + np.tensordot(jac, t, axes=np.ndim(t)).reshape(out.shape)
    return total


@pytest.mark.parametrize("case", ZOO.values(), ids=ZOO.keys())
def test_gradients_agree_with_autograd(case):
    assert_close(case.ours(*case.args), case.theirs(*case.args), "value")
    ours = ad.gradient(case.ours, *case.args)
    for i in range(len(case.args)):
        assert ours[i] is not None, f"argument {i}: no gradient"
        assert_close(ours[i], autograd.grad(case.theirs, i)(*case.args), f"gradient of argument {i}")


@pytest.mark.parametrize("case", list(ZOO.values()) + list(ARRAY_ZOO.values()),
                         ids=list(ZOO.keys()) + list(ARRAY_ZOO.keys()))
def test_jvps_agree_with_autograd(case):
    tangents = directions(case.args)
    _, ours = ad.jvp(case.ours, case.args, tangents)
    assert_close(ours, their_jvp(case.theirs, case.args, tangents), "jvp")


@pytest.mark.parametrize("case", ARRAY_ZOO.values(), ids=ARRAY_ZOO.keys())
def test_vjps_agree_with_autograd(case):
    out, pullback = ad.vjp(case.ours, *case.args)
    assert_close(out, case.theirs(*case.args), "value")
    cotangent = rng.standard_normal(np.shape(out))
    ours = pullback(cotangent)
    for i in range(len(case.args)):
        theirs = autograd.make_vjp(case.theirs, i)(*case.args)[0](cotangent)
        assert_close(ours[i], theirs, f"vjp, argument {i}")


SPD3 = spd(3)
HESSIAN_ZOO = {
    "log det": Case(lambda A: np.linalg.slogdet(A)[1], lambda A: anp.linalg.slogdet(A)[1], (spd(3),)),
    "det": Case(lambda A: np.linalg.det(A), lambda A: anp.linalg.det(A), (well(3, 3),)),
    "inv quadratic form": Case(lambda A: np.sum(np.linalg.inv(A) ** 2), lambda A: anp.sum(anp.linalg.inv(A) ** 2),
                               (well(3, 3),)),
    "solve": Case(lambda b: np.sum(np.linalg.solve(SPD3, b) ** 3),
                  lambda b: anp.sum(anp.linalg.solve(SPD3, b) ** 3), (r(3),)),
    "eigenvalues cubed": Case(lambda A: np.sum(np.linalg.eigh(sym(A))[0] ** 3),
                              lambda A: anp.sum(anp.linalg.eigh(sym(A))[0] ** 3), (spd(3),)),
    "eigenvectors": Case(lambda A: np.sum(np.linalg.eigh(A)[1] ** 3), lambda A: anp.sum(anp.linalg.eigh(A)[1] ** 3),
                         (spd(3),)),
    "nuclear norm": Case(lambda A: np.linalg.norm(A, "nuc"), lambda A: anp.linalg.norm(A, "nuc"), (r(3, 3),)),
    "cholesky of a Gram matrix": Case(lambda A: np.sum(np.linalg.cholesky(A @ A.T + np.eye(3))),
                                      lambda A: anp.sum(anp.linalg.cholesky(anp.dot(A, A.T) + anp.eye(3))),
                                      (r(3, 3),)),
    "pinv": Case(lambda A: np.sum(np.linalg.pinv(A) ** 2), lambda A: anp.sum(anp.linalg.pinv(A) ** 2),
                 (r(3, 2) + np.eye(3, 2),)),
}


@pytest.mark.parametrize("case", HESSIAN_ZOO.values(), ids=HESSIAN_ZOO.keys())
def test_hessians_agree_with_autograd(case):
    """Forward-over-reverse through the rules' own rules: order 2 comes free."""
    assert_close(ad.hessian(case.ours)(*case.args), autograd.hessian(case.theirs)(*case.args), "hessian")
