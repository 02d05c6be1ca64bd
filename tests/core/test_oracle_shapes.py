"""HIPS autograd as an independent oracle for the shapes family (einsum, products,
diagonals, joining, repeating, sorting, ...): each function written twice, for adexplorer
(plain NumPy) and for ``autograd.numpy``. Gradients (``grad``), vjps (``make_vjp``) and
jvps (``make_jvp``) must agree to 1e-9 relative."""

from collections import namedtuple

import numpy as np
import pytest

autograd = pytest.importorskip("autograd")
import autograd.numpy as anp  # noqa: E402

import adexplorer as ad  # noqa: E402

from .oracle_tools import assert_close

rng = np.random.default_rng(31)
Case = namedtuple("Case", "ours theirs args")


def r(*shape):
    return rng.uniform(-1.0, 1.0, size=shape)


def spread(n):
    """n values at least 0.1 apart (sorting away from ties)."""
    return rng.permutation(np.arange(n)) * 0.25 + rng.uniform(-0.08, 0.08, n)


M = r(3, 3)


def softmax_rows(z, lib):
    e = lib.exp(z - lib.max(z, axis=-1, keepdims=True))
    return e / lib.sum(e, axis=-1, keepdims=True)


def attention(lib):
    def f(Q, K, V):
        scores = lib.einsum("qd,kd->qk", Q, K) / lib.sqrt(3.0)
        return lib.einsum("qk,kv->qv", softmax_rows(scores, lib), V)
    return f


def batched_attention(lib):
    def f(Q, K, V):
        scores = lib.einsum("bqd,bkd->bqk", Q, K)
        return lib.sum(lib.tanh(lib.einsum("bqk,bkv->bqv", softmax_rows(scores, lib), V)))
    return f


def their_diagonal(A):
    """The diagonal of the last two axes, for autograd (whose reverse mode of np.diagonal,
    and of einsum with a repeated label, is not implemented)."""
    return anp.sum(A * anp.eye(A.shape[-1]), axis=-1)


def both(make):
    """A case whose two versions differ only in the NumPy module they use."""
    return make(np), make(anp)


ZOO = {
    # --- einsum
    "attention softmax(Q K^T) V": Case(*both(attention), (r(4, 3), r(5, 3), r(5, 2))),
    "batched attention": Case(*both(batched_attention), (r(2, 3, 4), r(2, 5, 4), r(2, 5, 3))),
    "bilinear form": Case(*both(lambda lib: lambda x, A, y: lib.einsum("i,ij,j", x, A, y)),
                          (r(3), r(3, 4), r(4))),
    "batched bilinear forms": Case(*both(lambda lib: lambda x, A, y:
                                         lib.einsum("bi,ij,bj->b", x, A, y) ** 2),
                                   (r(5, 3), r(3, 2), r(5, 2))),
    "batched matmul": Case(*both(lambda lib: lambda A, B: lib.tanh(lib.einsum("bij,bjk->bik", A, B))),
                           (r(2, 3, 4), r(2, 4, 2))),
    "ellipsis matmul": Case(*both(lambda lib: lambda A, B: lib.einsum("...ij,...jk->...ik", A, B)),
                            (r(2, 2, 3), r(2, 3, 2))),
    "implicit matmul": Case(*both(lambda lib: lambda A, B: lib.sin(lib.einsum("ij,jk", A, B))),
                            (r(2, 3), r(3, 4))),
    "trace of A A by einsum": Case(lambda A: np.einsum("ii", np.einsum("ij,jk->ik", A, A)),
                                   lambda A: anp.trace(anp.einsum("ij,jk->ik", A, A)), (r(3, 3),)),
    "diagonal by einsum": Case(lambda A: np.exp(np.einsum("ii->i", A)),
                               lambda A: anp.exp(their_diagonal(A)), (r(4, 4),)),
    "chain of three": Case(*both(lambda lib: lambda A, B, C: lib.einsum("ij,jk,kl->il", A, B, C)),
                           (r(2, 3), r(3, 4), r(4, 2))),
    "frobenius inner product": Case(*both(lambda lib: lambda A, B: lib.einsum("ij,ij->", A, lib.cos(B))),
                                    (r(3, 2), r(3, 2))),
    "outer by einsum": Case(*both(lambda lib: lambda a, b: lib.tanh(lib.einsum("i,j->ij", a, b))),
                            (r(3), r(4))),
    # --- products
    "tensordot axes=1": Case(*both(lambda lib: lambda a, b: lib.tensordot(a, b, axes=1)),
                             (r(2, 3), r(3, 4))),
    "tensordot pair of axes": Case(*both(lambda lib: lambda a, b: lib.tensordot(a, b, axes=([0, 2], [1, 0]))),
                                   (r(2, 3, 4), r(4, 2, 5))),
    "tensordot default": Case(*both(lambda lib: lambda a, b: lib.sum(lib.tensordot(a, b) ** 2)),
                              (r(2, 3, 4), r(3, 4, 2))),
    "outer": Case(*both(lambda lib: lambda a, b: lib.outer(a, lib.sin(b))), (r(3), r(4))),
    "inner": Case(*both(lambda lib: lambda a, b: lib.inner(a, b)), (r(2, 3), r(4, 3))),
    "kron of matrices": Case(*both(lambda lib: lambda a, b: lib.kron(a, b) ** 2),
                             (r(2, 3), r(2, 2))),
    "kron chain of vectors": Case(*both(lambda lib: lambda a, b, c: lib.sum(lib.kron(a, lib.kron(b, c)) ** 3)),
                                  (r(2), r(3), r(2))),
    # --- diagonals, traces, triangles
    "trace with offset": Case(*both(lambda lib: lambda A: lib.trace(A, offset=1) * lib.trace(A)),
                              (r(3, 4),)),
    "trace of a 3-D array": Case(lambda A: np.trace(A, axis1=1, axis2=2),
                                 lambda A: anp.sum(their_diagonal(A), axis=-1), (r(2, 3, 3),)),
    "diag quadratic form": Case(*both(lambda lib: lambda v, x: lib.dot(x, lib.dot(lib.diag(v), x))),
                                (r(4), r(4))),
    "diag of a matrix": Case(*both(lambda lib: lambda A: lib.diag(A, -1) ** 2), (r(3, 3),)),
    "diagonal": Case(lambda A: np.diagonal(A) * np.diagonal(A.T @ A),
                     lambda A: their_diagonal(A) * their_diagonal(anp.dot(A.T, A)), (r(3, 3),)),
    "cholesky-like product of tril": Case(*both(lambda lib: lambda A: lib.sum(lib.dot(lib.tril(A), lib.tril(A).T) ** 2)),
                                          (r(3, 3),)),
    "strict triu": Case(*both(lambda lib: lambda A: lib.triu(A, 1) * A), (r(3, 4),)),
    # --- joining
    "vstack and hstack": Case(*both(lambda lib: lambda a, b: lib.sum(lib.vstack([a, b]) ** 2)
                                    + lib.sum(lib.hstack([b, b]) * 3.0)), (r(3), r(2, 3))),
    "dstack and column_stack": Case(*both(lambda lib: lambda a, b: lib.sum(lib.dstack([a, b]) ** 3)
                                          * lib.sum(lib.column_stack([a, b]))), (r(4), r(4))),
    "append": Case(*both(lambda lib: lambda a, b: lib.append(a, b, axis=0) ** 2), (r(2, 3), r(1, 3))),
    # --- repeating, rolling, flipping
    "repeat": Case(*both(lambda lib: lambda a: lib.repeat(a, 2, axis=1) * lib.arange(6.0)),
                   (r(2, 3),)),
    "tile": Case(*both(lambda lib: lambda a: lib.tile(a, (2, 3)) ** 2), (r(2, 2),)),
    "roll": Case(*both(lambda lib: lambda a: lib.roll(a, 1, axis=1) * a), (r(3, 4),)),
    "fliplr and flipud": Case(*both(lambda lib: lambda a: lib.fliplr(a) * lib.flipud(a)), (r(3, 3),)),
    "rot90": Case(*both(lambda lib: lambda a: lib.rot90(a) @ a), (r(3, 3),)),
    "moveaxis and rollaxis": Case(*both(lambda lib: lambda a: lib.moveaxis(a, 0, 2) * lib.rollaxis(a, 0, 3)),
                                  (r(2, 3, 4),)),
    "atleast_2d and atleast_3d": Case(*both(lambda lib: lambda a: lib.sum(lib.atleast_2d(a) @ lib.atleast_2d(a).T)
                                            + lib.sum(lib.atleast_3d(a) ** 2)), (r(3),)),
    # --- splitting and padding
    "split and array_split": Case(*both(lambda lib: lambda a: lib.split(a, 2, axis=1)[1] * lib.array_split(a, 3, axis=1)[0][:, :1]),
                                  (r(3, 4),)),
    "hsplit vsplit dsplit": Case(*both(lambda lib: lambda a: lib.sum(lib.hsplit(a, 2)[0] ** 2)
                                       + lib.sum(lib.vsplit(a, 2)[1]) + lib.sum(lib.dsplit(a, [1])[1] ** 3)),
                                 (r(2, 4, 3),)),
    "pad constant": Case(*both(lambda lib: lambda a: lib.pad(a, ((1, 2), (0, 1)), mode="constant") ** 2),
                         (r(2, 3),)),
    # --- sorting and selecting (away from ties)
    "sorted-weights loss": Case(*both(lambda lib: lambda x: lib.sum(lib.sort(x) * lib.arange(1.0, 7.0))),
                                (spread(6),)),
    "1-D wasserstein distance": Case(*both(lambda lib: lambda x, y: lib.mean(lib.abs(lib.sort(x) - lib.sort(y)))),
                                     (spread(5), spread(5) + 0.03)),
    "trimmed mean": Case(*both(lambda lib: lambda x: lib.mean(lib.sort(x)[1:-1] ** 2)), (spread(7),)),
    "top-k by partition": Case(*both(lambda lib: lambda x: lib.sum(lib.partition(x, 4)[4:] ** 2)),
                               (spread(7),)),
    "select": Case(*both(lambda lib: lambda x: lib.select([x < -0.3, x > 0.3], [x ** 2, lib.sin(x)], x * 0.5)),
                   (r(8),)),
    # --- building arrays from AD values
    "linspace with AD endpoints": Case(*both(lambda lib: lambda a, b: lib.linspace(a, b, 6) ** 2),
                                       (0.3, 1.7)),
    "full with an AD fill value": Case(lambda c, x: np.full((4,), c) * x, lambda c, x: anp.full((4,), c) * x,
                                       (0.6, r(4))),
    # --- array methods
    "x.trace and x.diagonal": Case(lambda A: A.trace() * A.diagonal(), lambda A: anp.trace(A) * their_diagonal(A),
                                   (r(3, 3),)),
    "x.repeat": Case(lambda a: a.repeat(3) ** 2, lambda a: anp.repeat(a, 3) ** 2, (r(2, 2),)),
}


def test_the_zoo_is_large_enough():
    assert len(ZOO) >= 35


def random_like(x):
    return rng.standard_normal(np.shape(x)) if np.ndim(x) else float(rng.standard_normal())


@pytest.mark.parametrize("case", ZOO.values(), ids=ZOO.keys())
def test_value_and_gradient_agree_with_autograd(case):
    out = case.theirs(*case.args)
    assert_close(case.ours(*case.args), out, "value")
    weights = random_like(out)

    def ours(*a):
        return np.sum(case.ours(*a) * weights)

    def theirs(*a):
        return anp.sum(case.theirs(*a) * weights)
    got = ad.gradient(ours, *case.args)
    for i in range(len(case.args)):
        assert got[i] is not None, f"argument {i}: no gradient"
        assert_close(got[i], autograd.grad(theirs, i)(*case.args), f"gradient of argument {i}")


@pytest.mark.parametrize("case", ZOO.values(), ids=ZOO.keys())
def test_vjp_agrees_with_autograd_make_vjp(case):
    out, pullback = ad.vjp(case.ours, *case.args)
    cotangent = random_like(out)
    got = pullback(cotangent)
    for i in range(len(case.args)):
        vjp_fn, ans = autograd.make_vjp(case.theirs, i)(*case.args)
        assert_close(out, ans, "value")
        assert_close(got[i], vjp_fn(cotangent), f"vjp of argument {i}")


@pytest.mark.parametrize("case", ZOO.values(), ids=ZOO.keys())
def test_jvp_agrees_with_autograd_make_jvp(case):
    directions = tuple(random_like(a) for a in case.args)
    out, tangent = ad.jvp(case.ours, case.args, directions)
    expected = 0.0
    for i, d in enumerate(directions):
        ans, t = autograd.make_jvp(case.theirs, i)(*case.args)(d)
        expected = expected + t
    assert_close(out, ans, "value")
    assert_close(tangent, expected, "jvp")


# Second order: Hessians (forward over reverse here) against autograd's, for scalar
# functions of one array through einsum, kron, sort and the diagonals.
ZOO_K, ZOO_V = r(4, 3), r(4, 2)
SECOND_ORDER = {
    "attention loss": Case(lambda Q: np.sum(attention(np)(Q, ZOO_K, ZOO_V) ** 2),
                           lambda Q: anp.sum(attention(anp)(Q, ZOO_K, ZOO_V) ** 2), (r(2, 3),)),
    "bilinear form": Case(lambda x: np.einsum("i,ij,j", x, M, np.sin(x)),
                          lambda x: anp.einsum("i,ij,j", x, M, anp.sin(x)), (r(3),)),
    "kron": Case(lambda x: np.sum(np.kron(x, x) ** 3), lambda x: anp.sum(anp.kron(x, x) ** 3),
                 (r(3),)),
    "sorted weights": Case(lambda x: np.sum(np.sort(x) ** 3 * np.arange(5.0)),
                           lambda x: anp.sum(anp.sort(x) ** 3 * anp.arange(5.0)), (spread(5),)),
    "trace of a cube": Case(lambda A: np.trace(np.tensordot(A, A @ A, axes=1)),
                            lambda A: anp.trace(anp.dot(A, anp.dot(A, A))), (r(3, 3),)),
}


@pytest.mark.parametrize("case", SECOND_ORDER.values(), ids=SECOND_ORDER.keys())
def test_hessian_agrees_with_autograd(case):
    (x,) = case.args
    assert_close(ad.hessian(case.ours)(x), autograd.hessian(case.theirs)(x), "hessian")
