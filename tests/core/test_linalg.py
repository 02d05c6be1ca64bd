"""``np.linalg`` on AD values: NumPy's values and result types, the Wengert list of a
least-squares fit, source_grad on loops that use the rows, and the refusals (each names
the function and says what to do instead)."""

import numpy as np
import pytest

import adexplorer as ad
from adexplorer.core.errors import NoDerivativeRule
from adexplorer.testing import check_grads

from .shape_notes import commented, note

rng = np.random.default_rng(99)
A3 = rng.uniform(-1, 1, (3, 3)) + 3 * np.eye(3)
B3 = rng.uniform(-1, 1, (3, 3))
S3 = B3 @ B3.T + 3 * np.eye(3)
V3 = np.array([0.4, -1.2, 0.9])
M34 = rng.uniform(-1, 1, (3, 4))


# ---------------------------------------------------------------------------
# Values and result types are NumPy's


def test_values_and_named_results_are_numpys():
    out, _ = ad.vjp(lambda A: np.linalg.slogdet(A), -A3)
    assert out.sign == np.linalg.slogdet(-A3).sign == -1.0
    assert out.logabsdet == pytest.approx(np.linalg.slogdet(-A3).logabsdet, rel=1e-15)
    w, v = ad.vjp(lambda A: np.linalg.eigh(A), S3)[0]
    np.testing.assert_array_equal(w, np.linalg.eigh(S3).eigenvalues)
    np.testing.assert_array_equal(v, np.linalg.eigh(S3).eigenvectors)
    u, s, vh = ad.vjp(lambda A: np.linalg.svd(A, full_matrices=False), M34)[0]
    for ours, theirs in zip((u, s, vh), np.linalg.svd(M34, full_matrices=False)):
        np.testing.assert_array_equal(ours, theirs)
    q, r = ad.vjp(lambda A: np.linalg.qr(A), A3)[0]
    np.testing.assert_array_equal(q, np.linalg.qr(A3).Q)
    np.testing.assert_array_equal(r, np.linalg.qr(A3).R)
    assert ad.jvp(lambda A: np.linalg.matrix_rank(A), (A3,), (B3,))[0] == 3


@pytest.mark.parametrize("ord", [1, -1, np.inf, -np.inf])
@pytest.mark.parametrize("axis, keepdims", [(None, False), ((1, 0), True), ((0, 1), False)])
def test_matrix_norms_one_and_inf_give_numpys_value_and_a_right_derivative(ord, axis, keepdims):
    def f(x):
        return np.linalg.norm(x, ord, axis, keepdims)
    np.testing.assert_allclose(ad.vjp(f, M34)[0], np.linalg.norm(M34, ord, axis, keepdims),
                               rtol=1e-15)
    check_grads(f, M34, order=2)


def test_matrix_and_vector_norm_of_numpy_2():
    x = rng.uniform(-1, 1, (2, 3, 4))
    cases = [(lambda x: np.linalg.matrix_norm(x), {}),
             (lambda x: np.linalg.matrix_norm(x, ord="nuc", keepdims=True), {}),
             (lambda x: np.linalg.matrix_norm(x, ord=np.inf), {}),
             (lambda x: np.linalg.vector_norm(x, axis=(0, 2), ord=3), {}),
             (lambda x: np.linalg.vector_norm(x, keepdims=True), {})]
    for f, _ in cases:
        np.testing.assert_allclose(ad.vjp(f, x)[0], f(x), rtol=1e-14)
        check_grads(f, x, order=1)


@pytest.mark.parametrize("shapes", [[(4,), (4, 3), (3, 2), (2,)], [(2, 4), (4, 3), (3, 5)],
                                    [(4,), (4, 2), (2, 3)], [(3, 3), (3,)]])
def test_multi_dot_gives_numpys_value_and_derivative(shapes):
    arrays = [rng.uniform(-1, 1, s) for s in shapes]
    np.testing.assert_allclose(ad.vjp(lambda *a: np.linalg.multi_dot(a), *arrays)[0],
                               np.linalg.multi_dot(arrays), rtol=1e-14)
    check_grads(lambda *a: np.linalg.multi_dot(list(a)), *arrays, order=2)


def test_lstsq_gives_numpys_four_results_and_the_normal_equations_gradient():
    A = np.array([[1.0, 0.5], [0.2, 2.0], [1.5, -1.0], [0.3, 0.3]])
    b = np.array([1.0, -2.0, 0.5, 3.0])
    x, residuals, rank, s = ad.vjp(lambda A, b: np.linalg.lstsq(A, b), A, b)[0]
    for ours, theirs in zip((x, residuals, rank, s), np.linalg.lstsq(A, b)):
        np.testing.assert_allclose(ours, theirs, rtol=1e-13)
    # the same minimiser as the normal equations, so the same gradient of |x|²
    by_lstsq = ad.gradient(lambda A, b: np.sum(np.linalg.lstsq(A, b)[0] ** 2), A, b)
    by_normal = ad.gradient(lambda A, b: np.sum(np.linalg.solve(A.T @ A, A.T @ b) ** 2), A, b)
    for ours, theirs in zip(by_lstsq, by_normal):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12)


def test_a_singular_matrix_raises_numpys_error():
    singular = np.array([[1.0, 2.0], [2.0, 4.0]])
    with pytest.raises(np.linalg.LinAlgError):
        ad.gradient(lambda A: np.sum(np.linalg.inv(A)), singular)
    with pytest.raises(np.linalg.LinAlgError):
        ad.jvp(lambda A: np.linalg.solve(A, np.ones(2)), (singular,), (np.eye(2),))


def test_the_gradient_of_det_at_a_singular_matrix_is_its_cofactor_matrix():
    singular = np.array([[1.0, 2.0], [2.0, 4.0]])
    np.testing.assert_array_equal(ad.gradient(np.linalg.det, singular)[0],
                                  [[4.0, -2.0], [-2.0, 1.0]])
    # d²det/dA₁₁dA₂₂ at diag(1, 0, 0) is the minor left, A₀₀ = 1
    hessian = ad.hessian(np.linalg.det)(np.diag([1.0, 0.0, 0.0]))
    assert hessian[1, 1, 2, 2] == 1.0 and hessian[0, 0, 1, 1] == 0.0


def test_keywords_are_honoured_and_others_refused():
    g = ad.gradient(lambda A: np.linalg.norm(A, ord="fro", axis=[0, 1], keepdims=True).sum(), M34)[0]
    np.testing.assert_allclose(g, M34 / np.linalg.norm(M34), rtol=1e-14)
    with pytest.raises(NoDerivativeRule, match=r"np\.linalg\.pinv\(\.\.\., rcond="):
        ad.gradient(lambda A: np.sum(np.linalg.pinv(A, rcond=0.5)), A3)
    with pytest.raises(NoDerivativeRule, match=r"np\.linalg\.svd\(\.\.\., hermitian="):
        ad.gradient(lambda A: np.sum(np.linalg.svd(A, hermitian=True)[1]), S3)


# ---------------------------------------------------------------------------
# The Wengert list reads like the math


def least_squares(A, b):
    At = A.T
    x = np.linalg.solve(At @ A, At @ b)       # the normal equations
    r = A @ x - b
    return r @ r


def test_wengert_list_of_least_squares_with_solve():
    A = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 7.0]])
    b = np.array([1.0, 0.0, 2.0])
    AtA, Atb = A.T @ A, A.T @ b                      # NumPy's own values for the comments
    x = np.linalg.solve(AtA, Atb)
    expected = f"# A: {note(A)}\n# b: {note(b)}\n" + commented([
        ("y1 = transpose(A)", A.T),
        ("y2 = y1 @ A", AtA),
        ("y3 = y1 @ b", Atb),
        ("y4 = solve(y2, y3)", x),
        ("y5 = A @ y4", A @ x),
        ("y6 = y5 - b", A @ x - b),
        ("y7 = y6 @ y6", None)])
    assert str(ad.trace(least_squares, A, b)) == expected


def test_wengert_list_names_each_output_of_a_decomposition():
    text = str(ad.trace(lambda A: np.linalg.slogdet(A)[1] + np.sum(np.linalg.qr(A).R), A3))
    assert "y1 = slogdet(A).logabsdet" in text
    assert "= qr(A).Q" in text and "= qr(A).R" in text


# ---------------------------------------------------------------------------
# source_grad: loops that use the rows (np.linalg goes to the tape)


def newton_steps(A, b):
    x = b
    for _ in range(3):
        x = x + np.linalg.solve(A, b - 0.5 * (A @ x))
    return np.sum(x ** 2)


def power_iteration(A):
    v = np.ones(3)
    for _ in range(6):
        w = A @ v
        v = w / np.linalg.norm(w)
    return v @ (A @ v)


def det_while(A, n):
    total = 0.0
    k = 0
    while k < n:
        total = total + np.linalg.det(A) * (k + 1)
        A = 0.5 * (A @ A)
        k += 1
    return total


def shifted_logdets(S):
    acc = 0.0
    for s in range(3):
        acc = acc + np.linalg.slogdet(S + s * np.eye(3))[1]
    acc = acc + np.sum(np.linalg.inv(S) ** 2)
    return acc


def cholesky_loop(S):
    for _ in range(2):
        L = np.linalg.cholesky(S)
        S = L @ np.transpose(L) * 0.5 + np.eye(3)     # (ad.ssa has no x.attr)
    return np.sum(L)


def eigen_loop(S):
    total = 0.0
    k = 0
    while total < 50.0:
        w = np.linalg.eigvalsh(S + k * np.eye(3))
        V = np.linalg.eigh(S + k * np.eye(3))[1]
        total = total + np.sum(w) + np.sum(V[:, 0] ** 3)
        k += 1
    return total


def svd_and_pinv_loop(A):
    out = 0.0
    for i in range(2):
        out = out + np.sum(np.linalg.svd(A, compute_uv=False)) + np.sum(np.linalg.pinv(A))
        A = np.linalg.matrix_power(A, 2) * 0.3
    return out


LOOPS = [(newton_steps, (A3, V3)), (power_iteration, (S3,)), (det_while, (A3 / 3, 3)),
         (shifted_logdets, (S3,)), (cholesky_loop, (S3,)), (eigen_loop, (S3,)),
         (svd_and_pinv_loop, (A3,))]


@pytest.mark.parametrize("f, args", LOOPS, ids=[f.__name__ for f, _ in LOOPS])
def test_source_grad_equals_gradient_on_loops(f, args):
    ours = ad.source_grad(f)(*args)
    tape = ad.gradient(f, *args)
    assert len(ours) == len(tape)
    for o, t in zip(ours, tape):
        if t is None:
            assert o is None
        else:
            np.testing.assert_allclose(o, t, rtol=1e-12, atol=1e-12)


# ---------------------------------------------------------------------------
# Refusals: by name, with the reason and what to use


@pytest.mark.parametrize("call, name, hint", [
    (lambda A: np.linalg.eig(A)[0], "np.linalg.eig", "np.linalg.eigh"),
    (lambda A: np.linalg.eigvals(A), "np.linalg.eigvals", "np.linalg.eigvalsh"),
    (lambda A: np.linalg.cond(A), "np.linalg.cond", "np.linalg.norm"),
])
@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_functions_without_rules_are_refused_by_name(call, name, hint, mode):
    with pytest.raises(NoDerivativeRule) as info:
        if mode == "reverse":
            ad.gradient(lambda A: np.sum(call(A)), A3)
        else:
            ad.jvp(call, (A3,), (B3,))
    message = str(info.value)
    assert name in message and "no derivative rule" in message and hint in message


def test_eigenvectors_at_repeated_eigenvalues_are_refused_but_eigenvalues_answer():
    repeated = np.diag([1.0, 1.0, 3.0])
    with pytest.raises(NoDerivativeRule, match=r"eigh\(\.\.\.\)\.eigenvectors at repeated"):
        ad.gradient(lambda A: np.sum(np.linalg.eigh(A)[1] ** 3), repeated)
    with pytest.raises(NoDerivativeRule, match="repeated"):
        ad.jvp(lambda A: np.linalg.eigh(A)[1], (repeated,), (B3,))
    # autograd's convention for the values: V diag(ḡ) Vᵀ on the lower triangle. The sum
    # of the eigenvalues is the trace, whose gradient is the identity.
    g = ad.gradient(lambda A: np.sum(np.linalg.eigvalsh(A)), repeated)[0]
    np.testing.assert_allclose(g, np.eye(3), atol=1e-15)


def test_singular_vectors_at_repeated_singular_values_are_refused():
    with pytest.raises(NoDerivativeRule, match=r"svd\(\.\.\.\)\.U at repeated"):
        ad.gradient(lambda A: np.sum(np.linalg.svd(A)[0] ** 3), np.eye(3))
    g = ad.gradient(lambda A: np.sum(np.linalg.svd(A)[1]), np.eye(3))[0]   # nuclear norm
    np.testing.assert_allclose(g, np.eye(3), atol=1e-15)


def test_a_norm_at_zero_is_refused_not_nan():
    with pytest.raises(NoDerivativeRule, match=r"np\.linalg\.norm at zero"):
        ad.gradient(lambda x: np.linalg.norm(x), np.zeros(3))
    g = ad.gradient(lambda x: np.linalg.norm(x, 1), np.array([0.5, -2.0]))[0]   # sign(x)
    np.testing.assert_array_equal(g, [1.0, -1.0])


def test_options_without_a_derivative_are_refused_with_what_to_use():
    with pytest.raises(NoDerivativeRule, match=r"full_matrices=True.*full_matrices=False"):
        ad.gradient(lambda A: np.sum(np.linalg.svd(A)[0]), M34)
    with pytest.raises(NoDerivativeRule, match=r"mode='raw'"):
        ad.gradient(lambda A: np.sum(np.linalg.qr(A, mode="raw")[0]), A3)
    with pytest.raises(NoDerivativeRule, match=r"qr\(\.\.\.\)\.R of a wide matrix"):
        ad.gradient(lambda A: np.sum(np.linalg.qr(A)[1]), M34)


def test_complex_matrices_are_refused_the_same_in_both_modes_where_not_holomorphic():
    Z = A3 + 0.5j * B3
    with pytest.raises(NoDerivativeRule, match=r"np\.linalg\.norm of a complex matrix"):
        ad.gradient(lambda A: np.linalg.norm(A), Z)
    with pytest.raises(NoDerivativeRule, match=r"np\.linalg\.eigh of a complex matrix"):
        ad.jvp(lambda A: np.linalg.eigh(A)[0], (Z,), (B3,))
    with pytest.raises(NoDerivativeRule, match=r"np\.linalg\.slogdet of a complex matrix"):
        ad.gradient(lambda b: np.linalg.slogdet(Z * b[0])[1], V3)


def test_holomorphic_functions_of_complex_matrices_follow_autograd():
    autograd = pytest.importorskip("autograd")
    anp = pytest.importorskip("autograd.numpy")
    Z = A3 + 0.5j * B3
    w = V3 - 0.3j

    def ours(A, b):
        return (np.abs(np.linalg.det(A)) ** 2 + np.sum(np.abs(np.linalg.inv(A)) ** 2)
                + np.abs(np.sum(np.linalg.solve(A, b) * np.linalg.matrix_power(A, 2)[0])))

    def theirs(A, b):
        return (anp.abs(anp.linalg.det(A)) ** 2 + anp.sum(anp.abs(anp.linalg.inv(A)) ** 2)
                + anp.abs(anp.sum(anp.linalg.solve(A, b) * anp.dot(A, A)[0])))
    g = ad.gradient(ours, Z, w)
    for i in range(2):
        np.testing.assert_allclose(g[i], autograd.grad(theirs, i)(Z, w), rtol=1e-10)
    check_grads(ours, Z, w, order=2)


def test_pinv_of_a_rank_deficient_matrix_and_small_p_norms_at_zero_are_refused():
    rank_one = np.outer([1.0, 2.0, 3.0], [1.0, -1.0])
    np.testing.assert_allclose(ad.vjp(np.linalg.pinv, rank_one)[0], np.linalg.pinv(rank_one))
    with pytest.raises(NoDerivativeRule, match="pinv of a rank-deficient matrix"):
        ad.gradient(lambda A: np.sum(np.linalg.pinv(A)), rank_one)
    with pytest.raises(NoDerivativeRule, match=r"ord=0\.5\) of an entry at zero"):
        ad.gradient(lambda x: np.linalg.norm(x, 0.5), np.array([0.0, 1.0, 2.0]))


ARRAY_API = {
    "matrix_transpose": (lambda x: np.linalg.matrix_transpose(x), (rng.uniform(-1, 1, (2, 3, 4)),)),
    "outer": (lambda a, b: np.linalg.outer(a, b), (V3, M34[0])),
    "vecdot": (lambda a, b: np.linalg.vecdot(a, b), (M34, M34[::-1])),
    "vecdot axis": (lambda a, b: np.linalg.vecdot(a, b, axis=0), (M34, M34[::-1])),
    "matmul": (lambda a, b: np.linalg.matmul(a, b), (A3, M34)),
    "diagonal": (lambda x: np.linalg.diagonal(x), (rng.uniform(-1, 1, (2, 3, 4)),)),
    "diagonal offset": (lambda x: np.linalg.diagonal(x, offset=-1), (M34,)),
    "trace": (lambda x: np.linalg.trace(x), (rng.uniform(-1, 1, (2, 3, 3)),)),
    "trace offset": (lambda x: np.linalg.trace(x, offset=2, dtype=np.float64), (M34,)),
}


@pytest.mark.parametrize("f, args", ARRAY_API.values(), ids=ARRAY_API.keys())
def test_numpy_2_array_api_functions_in_linalg(f, args):
    np.testing.assert_allclose(ad.vjp(f, *args)[0], f(*args), rtol=1e-14)   # (summation order)
    check_grads(f, *args, order=2)
