"""HIPS autograd as an independent oracle: a zoo of scalar and array functions, each
written twice — for adexplorer (plain NumPy and ``ad.*``) and for ``autograd.numpy`` —
whose gradients must agree to 1e-9 relative, in reverse and in forward mode."""

from collections import namedtuple

import numpy as np
import pytest

autograd = pytest.importorskip("autograd")
import autograd.numpy as anp  # noqa: E402

import adexplorer as ad  # noqa: E402

from .oracle_tools import assert_close

rng = np.random.default_rng(12345)
Case = namedtuple("Case", "ours theirs args")


def r(*shape, lo=-1.0, hi=1.0):
    return rng.uniform(lo, hi, size=shape)


# Fixed data the functions close over (constants, not differentiated).
X = r(8, 5)
Y = r(8, 3)
LABELS = np.eye(4)[rng.integers(0, 4, 8)]
T = np.sign(r(8)) + 0.0
A_SYM = r(4, 4)
A_SYM = A_SYM + A_SYM.T
IDX = np.array([0, 3, 3, 1])


def our_pow(x, n):
    r_ = 1.0
    while n > 0:
        n -= 1
        r_ = r_ * x
    return r_


def our_logsumexp(x, axis=None):
    m = np.max(x, axis=axis, keepdims=True)
    return np.squeeze(m, axis=axis) + np.log(np.sum(np.exp(x - m), axis=axis))


def their_logsumexp(x, axis=None):
    m = anp.max(x, axis=axis, keepdims=True)
    return anp.squeeze(m, axis=axis) + anp.log(anp.sum(anp.exp(x - m), axis=axis))


def our_softmax(z):
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)


def their_softmax(z):
    e = anp.exp(z - anp.max(z, axis=-1, keepdims=True))
    return e / anp.sum(e, axis=-1, keepdims=True)


def our_mlp(W1, b1, W2, b2):
    h = np.tanh(X @ W1 + b1)
    out = h @ W2 + b2
    return np.mean((out - Y) ** 2)


def their_mlp(W1, b1, W2, b2):
    h = anp.tanh(anp.dot(X, W1) + b1)
    out = anp.dot(h, W2) + b2
    return anp.mean((out - Y) ** 2)


def our_xent(W, b):
    logits = X @ W + b
    logp = logits - our_logsumexp(logits, axis=1)[:, None]
    return -np.mean(np.sum(LABELS * logp, axis=1))


def their_xent(W, b):
    logits = anp.dot(X, W) + b
    logp = logits - their_logsumexp(logits, axis=1)[:, None]
    return -anp.mean(anp.sum(LABELS * logp, axis=1))


def our_relu_net(W, V):
    h = np.maximum(X @ W, 0.0)
    return np.sum((h @ V) ** 2)


def their_relu_net(W, V):
    h = anp.maximum(anp.dot(X, W), 0.0)
    return anp.sum(anp.dot(h, V) ** 2)


def our_attention(Q, K, V):
    weights = our_softmax(Q @ K.T / np.sqrt(3.0))
    return np.sum(np.tanh(weights @ V))


def their_attention(Q, K, V):
    weights = their_softmax(anp.dot(Q, K.T) / anp.sqrt(3.0))
    return anp.sum(anp.tanh(anp.dot(weights, V)))


def our_layer_norm(x, gamma, beta):
    mu = np.mean(x, axis=-1, keepdims=True)
    var = np.mean((x - mu) ** 2, axis=-1, keepdims=True)
    return np.sum(((x - mu) / np.sqrt(var + 1e-5) * gamma + beta) ** 3)


def their_layer_norm(x, gamma, beta):
    mu = anp.mean(x, axis=-1, keepdims=True)
    var = anp.mean((x - mu) ** 2, axis=-1, keepdims=True)
    return anp.sum(((x - mu) / anp.sqrt(var + 1e-5) * gamma + beta) ** 3)


def our_horner(coeffs, x):
    acc = 0.0
    for c in coeffs:
        acc = acc * x + c
    return np.sum(acc)


def their_horner(coeffs, x):
    acc = 0.0
    for c in coeffs:
        acc = acc * x + c
    return anp.sum(acc)


ZOO = {
    # --- scalar functions
    "5 sin(log x)": Case(lambda x: 5 * ad.sin(ad.log(x)),
                         lambda x: 5 * anp.sin(anp.log(x)), (3.0,)),
    "cubic": Case(lambda x: x ** 3 - 2 * x + 1, lambda x: x ** 3 - 2 * x + 1, (0.7,)),
    "gaussian wave": Case(lambda x: ad.exp(-x ** 2) * ad.cos(3 * x),
                          lambda x: anp.exp(-x ** 2) * anp.cos(3 * x), (0.4,)),
    "tanh * sigmoid": Case(lambda x: ad.tanh(x) * ad.sigmoid(x),
                           lambda x: anp.tanh(x) / (1 + anp.exp(-x)), (-0.8,)),
    "sqrt ratio": Case(lambda x: ad.sqrt(1 + x ** 2) / x,
                       lambda x: anp.sqrt(1 + x ** 2) / x, (1.3,)),
    "log1p and expm1": Case(lambda x: ad.log1p(x ** 2) + ad.expm1(x) / x,
                            lambda x: anp.log1p(x ** 2) + anp.expm1(x) / x, (0.6,)),
    "fractional and negative powers": Case(lambda x: x ** 2.5 + x ** -1.5 + x ** 0.5,
                                           lambda x: x ** 2.5 + x ** -1.5 + x ** 0.5, (1.7,)),
    "x ** y": Case(lambda x, y: x ** y, lambda x, y: x ** y, (1.8, 2.3)),
    "abs and maximum": Case(lambda x: ad.abs(x) * x + ad.maximum(x, 0.3),
                            lambda x: anp.abs(x) * x + anp.maximum(x, 0.3), (-0.9,)),
    "tan cos": Case(lambda x: ad.tan(x) * ad.cos(x) + ad.tan(x) ** 2,
                    lambda x: anp.tan(x) * anp.cos(x) + anp.tan(x) ** 2, (0.5,)),
    "three arguments": Case(lambda x, y, z: x * y * z + y / z - ad.exp(x * z),
                            lambda x, y, z: x * y * z + y / z - anp.exp(x * z),
                            (0.3, -1.2, 0.8)),
    "while-loop pow": Case(lambda x: our_pow(x, 5), lambda x: our_pow(x, 5), (1.1,)),
    "newton sqrt loop": Case(lambda a: _newton(a), lambda a: _newton(a), (2.7,)),
    # --- array functions
    "MLP loss": Case(our_mlp, their_mlp, (r(5, 6), r(6), r(6, 3), r(3))),
    "softmax cross-entropy": Case(our_xent, their_xent, (r(5, 4), r(4))),
    "logsumexp": Case(lambda x: our_logsumexp(x), lambda x: their_logsumexp(x), (r(7, lo=-3, hi=3),)),
    "logsumexp over rows": Case(lambda x: np.sum(our_logsumexp(x, axis=1) ** 2),
                                lambda x: anp.sum(their_logsumexp(x, axis=1) ** 2), (r(3, 4),)),
    "pairwise broadcasting": Case(lambda x, y: np.sum((x[:, None] - y[None, :]) ** 2 * x[:, None]),
                                  lambda x, y: anp.sum((x[:, None] - y[None, :]) ** 2 * x[:, None]),
                                  (r(4), r(3))),
    "scalar-array broadcasting": Case(lambda s, v: np.sum(np.sin(s * v + s)),
                                      lambda s, v: anp.sum(anp.sin(s * v + s)), (0.7, r(5))),
    "row and column broadcasting": Case(lambda M, row, col: np.sum(np.tanh(M * row + col)),
                                        lambda M, row, col: anp.sum(anp.tanh(M * row + col)),
                                        (r(3, 4), r(4), r(3, 1))),
    "slicing": Case(lambda x: np.sum(x[::2] * x[1::2]) + x[-1] ** 3,
                    lambda x: anp.sum(x[::2] * x[1::2]) + x[-1] ** 3, (r(6),)),
    "integer-array indexing": Case(lambda x: np.sum(x[IDX] ** 2 * np.arange(4.0)),
                                   lambda x: anp.sum(x[IDX] ** 2 * anp.arange(4.0)), (r(5),)),
    "2-D indexing": Case(lambda M: M[1, 2] * M[0, :].sum() + np.sum(M[:, [0, 0, 3]] ** 2),
                         lambda M: M[1, 2] * anp.sum(M[0, :]) + anp.sum(M[:, [0, 0, 3]] ** 2),
                         (r(3, 4),)),
    "where": Case(lambda x: np.sum(np.where(x > 0, x ** 2, -x * 3)),
                  lambda x: anp.sum(anp.where(x > 0, x ** 2, -x * 3)), (r(8),)),
    "huber loss": Case(lambda x: np.mean(np.where(np.abs(x) < 0.5, 0.5 * x ** 2,
                                                  0.5 * (np.abs(x) - 0.25))),
                       lambda x: anp.mean(anp.where(anp.abs(x) < 0.5, 0.5 * x ** 2,
                                                    0.5 * (anp.abs(x) - 0.25))), (r(9, lo=-2, hi=2),)),
    "relu network (maximum)": Case(our_relu_net, their_relu_net, (r(5, 4), r(4, 2))),
    "maximum of two arrays": Case(lambda x, y: np.sum(np.maximum(x, y) * np.minimum(x, y) ** 2),
                                  lambda x, y: anp.sum(anp.maximum(x, y) * anp.minimum(x, y) ** 2),
                                  (r(6), r(6))),
    "max and min with axis": Case(lambda M: np.sum(np.max(M, axis=0) ** 2) + np.sum(np.min(M, axis=1)),
                                  lambda M: anp.sum(anp.max(M, axis=0) ** 2) + anp.sum(anp.min(M, axis=1)),
                                  (r(4, 5),)),
    "euclidean norm": Case(lambda x: np.sqrt(np.sum(x ** 2)), lambda x: anp.sqrt(anp.sum(x ** 2)),
                           (r(5),)),
    "variance": Case(lambda x: np.mean((x - np.mean(x)) ** 2),
                     lambda x: anp.mean((x - anp.mean(x)) ** 2), (r(7),)),
    "batched matmul": Case(lambda A, B: np.sum(np.tanh(A @ B)),
                           lambda A, B: anp.sum(anp.tanh(anp.matmul(A, B))), (r(4, 2, 3), r(4, 3, 5))),
    "reshape and transpose": Case(lambda x, W: np.sum(np.sin(x.reshape(3, 4).T @ W)),
                                  lambda x, W: anp.sum(anp.sin(anp.dot(anp.reshape(x, (3, 4)).T, W))),
                                  (r(12), r(3, 2))),
    "concatenate and stack": Case(lambda x, w: np.sum(np.concatenate([x, x ** 2]) * w)
                                  + np.sum(np.stack([x, np.cos(x)], axis=1) ** 2),
                                  lambda x, w: anp.sum(anp.concatenate([x, x ** 2]) * w)
                                  + anp.sum(anp.stack([x, anp.cos(x)], axis=1) ** 2),
                                  (r(3), r(6))),
    "quadratic form": Case(lambda x: x @ A_SYM @ x, lambda x: anp.dot(anp.dot(x, A_SYM), x), (r(4),)),
    "cosine similarity": Case(lambda x, y: (x @ y) / (np.sqrt(x @ x) * np.sqrt(y @ y)),
                              lambda x, y: anp.dot(x, y) / (anp.sqrt(anp.dot(x, x)) * anp.sqrt(anp.dot(y, y))),
                              (r(5), r(5))),
    "logistic regression": Case(lambda w: np.mean(np.log1p(np.exp(-T * (X @ w)))),
                                lambda w: anp.mean(anp.log1p(anp.exp(-T * anp.dot(X, w)))), (r(5),)),
    "rosenbrock": Case(lambda x: np.sum(100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2),
                       lambda x: anp.sum(100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2),
                       (r(5, lo=-1.5, hi=1.5),)),
    "gaussian log-likelihood": Case(lambda x, mu, s: -0.5 * np.sum(((x - mu) / s) ** 2) - x.size * np.log(s),
                                    lambda x, mu, s: -0.5 * anp.sum(((x - mu) / s) ** 2) - x.size * anp.log(s),
                                    (r(6), 0.2, 1.3)),
    "attention": Case(our_attention, their_attention, (r(4, 3), r(5, 3), r(5, 2))),
    "layer norm": Case(our_layer_norm, their_layer_norm, (r(3, 6), r(6), r(6))),
    "horner loop over coefficients": Case(our_horner, their_horner, (r(5), r(3))),
    "sin times gaussian": Case(lambda x: np.sum(np.sin(x) * np.exp(-x ** 2)),
                               lambda x: anp.sum(anp.sin(x) * anp.exp(-x ** 2)), (r(50, lo=-3, hi=3),)),
    "clip": Case(lambda x: np.sum(np.clip(x, -0.5, 0.5) * x),
                 lambda x: anp.sum(anp.clip(x, -0.5, 0.5) * x), (r(8, lo=-1, hi=1),)),
}


def _newton(a):
    x = 1.0
    for _ in range(8):
        x = 0.5 * (x + a / x)
    return x


def test_the_zoo_is_large_enough():
    assert len(ZOO) >= 30


@pytest.mark.parametrize("case", ZOO.values(), ids=ZOO.keys())
def test_reverse_mode_agrees_with_autograd(case):
    assert_close(case.ours(*case.args), case.theirs(*case.args), "value")
    ours = ad.gradient(case.ours, *case.args)
    for i in range(len(case.args)):
        theirs = autograd.grad(case.theirs, i)(*case.args)
        assert ours[i] is not None, f"argument {i}: no gradient"
        assert_close(ours[i], theirs, f"gradient of argument {i}")


@pytest.mark.parametrize("case", ZOO.values(), ids=ZOO.keys())
def test_forward_mode_agrees_with_autograd(case):
    """jvp along a random direction == <autograd gradient, direction>."""
    directions = tuple(rng.standard_normal(np.shape(a)) if np.ndim(a) else float(rng.standard_normal())
                       for a in case.args)
    _, tangent = ad.jvp(case.ours, case.args, directions)
    expected = sum(float(np.vdot(np.ravel(autograd.grad(case.theirs, i)(*case.args)), np.ravel(d)))
                   for i, d in enumerate(directions))
    assert_close(tangent, expected, "jvp")
