"""``check_grads`` cases for the linear-algebra rows (``rules_linalg.py``), at order 2 in
both modes, on 2×2, 3×3 and stacked (2, 3, 3) inputs; ``test_rows.py`` runs them with
the rest of the table. Points are well conditioned: invertible matrices, distinct
eigenvalues and singular values, no zero or tied entries for the norms."""

import numpy as np

rng = np.random.default_rng(31)


def arr(*shape, lo=-1.0, hi=1.0):
    return rng.uniform(lo, hi, size=shape)


def well(*shape):
    """Well conditioned: a random matrix plus 3 on the diagonal."""
    return arr(*shape) + 3 * np.eye(shape[-1])


def spd(*shape):
    b = arr(*shape)
    return b @ np.swapaxes(b, -1, -2) + shape[-1] * np.eye(shape[-1])


def symmetric(*shape):
    """Symmetric with eigenvalues at least 0.5 apart (random eigenvectors)."""
    n = shape[-1]
    q = np.linalg.qr(arr(*shape))[0]
    w = np.arange(n) * 1.0 + arr(*shape[:-1], lo=0.0, hi=0.4) - n / 2
    return (q * w[..., None, :]) @ np.swapaxes(q, -1, -2)


def case(fn, *args, label=""):
    return (fn, args, None, label)


def square_cases(fn, name):
    return [case(fn, well(2, 2), label=f"{name} 2x2"), case(fn, well(3, 3), label=f"{name} 3x3"),
            case(fn, well(2, 3, 3), label=f"{name} (2,3,3)")]


inv = np.linalg.inv
V5 = np.array([0.7, -1.3, 0.4, 2.1, -0.9])
M34 = arr(3, 4) + np.array([[0.0, 0.3, 0.6, 0.9]])

CASES = {
    "inv": square_cases(lambda a: np.linalg.inv(a), "inv"),
    "det": square_cases(lambda a: np.linalg.det(a), "det") + [
        case(lambda a: np.linalg.det(a), -well(3, 3), label="negative det"),
        case(lambda a: np.linalg.det(a), np.outer(arr(3), arr(3)) + np.outer(arr(3), arr(3)),
             label="singular (rank 2): the cofactors"),
        case(lambda a: np.linalg.det(a), np.outer(arr(3), arr(3)), label="rank 1"),
        case(lambda a: np.linalg.det(a), np.stack([np.outer(arr(2), arr(2)), well(2, 2)]),
             label="a stack with a singular matrix")],
    "logabsdet": square_cases(lambda a: np.linalg.slogdet(a)[1], "slogdet") + [
        case(lambda a: np.linalg.slogdet(a).logabsdet, -well(3, 3), label="negative det")],
    "solve": [
        case(lambda a, b: np.linalg.solve(a, b), well(2, 2), arr(2), label="2x2 vector"),
        case(lambda a, b: np.linalg.solve(a, b), well(3, 3), arr(3), label="3x3 vector"),
        case(lambda a, b: np.linalg.solve(a, b), well(3, 3), arr(3, 2), label="3x3 matrix"),
        case(lambda a, b: np.linalg.solve(a, b), well(2, 3, 3), arr(2, 3, 2), label="batched"),
        case(lambda a, b: np.linalg.solve(a, b), well(2, 3, 3), arr(3), label="batched a, 1-D b"),
        case(lambda a, b: np.linalg.solve(a, b), well(3, 3), arr(2, 3, 2), label="batched b"),
    ],
    "pinv": [case(lambda a: np.linalg.pinv(a), arr(3, 2) + [[2, 0], [0, 2], [0, 0]], label="tall"),
             case(lambda a: np.linalg.pinv(a), arr(2, 3) + [[2, 0, 0], [0, 2, 0]], label="wide"),
             case(lambda a: np.linalg.pinv(a), well(3, 3), label="square"),
             case(lambda a: np.linalg.pinv(a), well(2, 3, 3), label="(2,3,3)")],
    "lstsq": [case(lambda a, b: np.linalg.lstsq(a, b)[0], arr(4, 2) + np.eye(4, 2), arr(4),
                   label="overdetermined"),
              case(lambda a, b: np.linalg.lstsq(a, b)[1], arr(4, 2) + np.eye(4, 2), arr(4, 3),
                   label="residuals, matrix b"),
              case(lambda a, b: np.linalg.lstsq(a, b)[0], arr(2, 3) + np.eye(2, 3), arr(2),
                   label="least-norm solution")],
    "norm": [
        case(lambda x: np.linalg.norm(x), V5, label="2-norm"),
        case(lambda x: np.linalg.norm(x, 1), V5, label="ord 1"),
        case(lambda x: np.linalg.norm(x, np.inf), V5, label="ord inf"),
        case(lambda x: np.linalg.norm(x, -np.inf), V5, label="ord -inf"),
        case(lambda x: np.linalg.norm(x, 3), V5, label="ord 3"),
        case(lambda x: np.linalg.norm(x, 0.5), V5, label="ord 0.5"),
        case(lambda x: np.linalg.norm(x, -1.5), V5, label="ord -1.5"),
        case(lambda x: np.linalg.norm(x), M34, label="matrix, Frobenius"),
        case(lambda x: np.linalg.norm(x, "fro", keepdims=True), M34, label="fro keepdims"),
        case(lambda x: np.linalg.norm(x, "nuc"), M34, label="nuclear"),
        case(lambda x: np.linalg.norm(x, 2), M34, label="matrix 2"),
        case(lambda x: np.linalg.norm(x, -2), M34.T, label="matrix -2"),
        case(lambda x: np.linalg.norm(x, axis=1), M34, label="rows"),
        case(lambda x: np.linalg.norm(x, 3, axis=0, keepdims=True), M34, label="ord 3 columns"),
        case(lambda x: np.linalg.norm(x, np.inf, axis=-1), M34, label="inf rows"),
        case(lambda x: np.linalg.norm(x, "nuc", axis=(2, 0)), arr(3, 2, 4), label="nuc axes"),
        case(lambda x: np.linalg.norm(x, 2, axis=(1, 2), keepdims=True), arr(2, 3, 3),
             label="batched 2"),
    ],
    "vector_norm": [
        case(lambda x: np.linalg.vector_norm(x), M34, label="all entries"),
        case(lambda x: np.linalg.vector_norm(x, ord=1, axis=(0, 1)), M34, label="ord 1 two axes"),
        case(lambda x: np.linalg.vector_norm(x, ord=4, axis=0, keepdims=True), M34, label="ord 4"),
    ],
    "cholesky": [case(lambda a: np.linalg.cholesky(a), spd(2, 2), label="2x2"),
                 case(lambda a: np.linalg.cholesky(a), spd(3, 3) + np.tril(arr(3, 3), -1) * 0,
                      label="3x3"),
                 case(lambda a: np.linalg.cholesky(a), spd(3, 3) + np.triu(arr(3, 3), 1),
                      label="reads the lower triangle only"),
                 case(lambda a: np.linalg.cholesky(a, upper=True), spd(3, 3), label="upper"),
                 case(lambda a: np.linalg.cholesky(a), spd(2, 3, 3), label="(2,3,3)")],
    "eigvalsh": [case(lambda a: np.linalg.eigvalsh(a), symmetric(2, 2), label="2x2"),
                 case(lambda a: np.linalg.eigh(a)[0], symmetric(3, 3), label="3x3"),
                 case(lambda a: np.linalg.eigvalsh(a, UPLO="U"), symmetric(3, 3)
                      + np.tril(arr(3, 3), -1), label="upper triangle"),
                 case(lambda a: np.linalg.eigh(a).eigenvalues, symmetric(2, 3, 3), label="(2,3,3)")],
    "eigh_vectors": [case(lambda a: np.linalg.eigh(a)[1], symmetric(2, 2), label="2x2"),
                     case(lambda a: np.linalg.eigh(a)[1], symmetric(3, 3)
                          + np.triu(arr(3, 3), 1), label="3x3, lower triangle"),
                     case(lambda a: np.linalg.eigh(a, UPLO="U").eigenvectors, symmetric(3, 3),
                          label="UPLO U"),
                     case(lambda a: np.linalg.eigh(a)[1], symmetric(2, 3, 3), label="(2,3,3)")],
    "qr_q": [case(lambda a: np.linalg.qr(a)[0], well(3, 3), label="3x3"),
             case(lambda a: np.linalg.qr(a).Q, arr(4, 2) + [[2, 0], [0, 2], [0, 0], [0, 0]], label="tall"),
             case(lambda a: np.linalg.qr(a)[0], well(2, 3, 3), label="(2,3,3)")],
    "qr_r": [case(lambda a: np.linalg.qr(a)[1], well(2, 2), label="2x2"),
             case(lambda a: np.linalg.qr(a, mode="r"), arr(4, 3) + 2 * np.eye(4, 3), label="tall"),
             case(lambda a: np.linalg.qr(a).R, well(2, 3, 3), label="(2,3,3)")],
    "svdvals": [case(lambda a: np.linalg.svd(a, compute_uv=False), M34, label="3x4"),
                case(lambda a: np.linalg.svdvals(a), well(3, 3), label="3x3"),
                case(lambda a: np.linalg.svd(a, full_matrices=False)[1], arr(2, 4, 3),
                     label="(2,4,3)")],
    "svd_u": [case(lambda a: np.linalg.svd(a)[0], symmetric(3, 3) + 0.1 * arr(3, 3), label="3x3"),
              case(lambda a: np.linalg.svd(a, full_matrices=False).U, M34.T, label="tall"),
              case(lambda a: np.linalg.svd(a, full_matrices=False)[0], M34, label="wide"),
              case(lambda a: np.linalg.svd(a)[0], well(2, 2, 2) - 2.5 * np.eye(2), label="(2,2,2)")],
    "svd_vh": [case(lambda a: np.linalg.svd(a)[2], symmetric(3, 3) + 0.1 * arr(3, 3), label="3x3"),
               case(lambda a: np.linalg.svd(a, full_matrices=False).Vh, M34, label="wide"),
               case(lambda a: np.linalg.svd(a, full_matrices=False)[2], M34.T, label="tall"),
               case(lambda a: np.linalg.svd(a, False)[2], arr(2, 4, 3), label="(2,4,3)")],
    "matrix_power": [case(lambda a: np.linalg.matrix_power(a, 3), arr(2, 2), label="n=3 2x2"),
                     case(lambda a: np.linalg.matrix_power(a, 2), arr(3, 3), label="n=2 3x3"),
                     case(lambda a: np.linalg.matrix_power(a, 0) * a, arr(3, 3), label="n=0"),
                     case(lambda a: np.linalg.matrix_power(a, -2), well(3, 3), label="n=-2"),
                     case(lambda a: np.linalg.matrix_power(a, 2), arr(2, 3, 3), label="(2,3,3)")],
}
