"""The differential zoo, ``np.linalg``: programs that use the linear-algebra rows, run
plain and under every transform by ``test_differential.py`` (see ``programs.py``).
Matrices are well conditioned, eigenvalues and singular values well separated."""

from __future__ import annotations

import numpy as np

from .programs import M33, M34, V3, program, u

WELL = M33 + 3 * np.eye(3)
SPD = M33 @ M33.T + 3 * np.eye(3)
SYM = np.diag([-1.0, 0.5, 2.0]) + 0.1 * (M33 + M33.T)


@program(WELL, V3, diff=(0, 1), cat="np.linalg")
def linalg_solve(A, b): return np.sum(np.linalg.solve(A, b) ** 2)


@program(WELL, u(3, 2), diff=(0, 1), cat="np.linalg")
def linalg_solve_matrix(A, B): return np.sum(np.tanh(np.linalg.solve(A, B)))


@program(SPD, V3, diff=(0, 1), cat="np.linalg")
def linalg_gaussian_logpdf(S, x):
    return -0.5 * (np.linalg.slogdet(S)[1] + x @ np.linalg.solve(S, x))


@program(SPD, cat="np.linalg")
def linalg_cholesky_logdet(S):
    L = np.linalg.cholesky(S)
    return 2 * np.sum(np.log(L[[0, 1, 2], [0, 1, 2]]))


@program(WELL, cat="np.linalg")
def linalg_inv_det(A): return np.linalg.det(A) * np.sum(np.linalg.inv(A) ** 2)


@program(SYM, cat="np.linalg")
def linalg_eigh(A):
    w, V = np.linalg.eigh(A)
    return np.sum(w ** 3) + np.sum(V[:, 0] ** 3)


@program(M34, cat="np.linalg")
def linalg_svd(A):
    U, s, Vh = np.linalg.svd(A, full_matrices=False)
    return np.sum(s ** 2) + np.sum(U ** 3) + np.sum(Vh[0] ** 3)


@program(M34, cat="np.linalg")
def linalg_norms(A):
    return (np.linalg.norm(A, "nuc") + np.sum(np.linalg.norm(A, axis=0))
            + np.linalg.norm(A[0], 3))


@program(M34.T + np.eye(4, 3), V3 + 1.0, diff=(0, 1), cat="np.linalg")
def linalg_pinv_lstsq(A, b):
    return np.sum(np.linalg.pinv(A) ** 2) + np.sum(np.linalg.lstsq(A, A @ b)[0] ** 2)


@program(M33, cat="np.linalg")
def linalg_matrix_power_qr(A):
    return np.sum(np.linalg.matrix_power(A, 3)) + np.sum(np.linalg.qr(A + 3 * np.eye(3))[1])
