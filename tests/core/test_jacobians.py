"""Jacobians both ways, the dot-product identity between jvp and vjp, and a Hessian."""

import numpy as np
import pytest

import adexplorer as ad

rng = np.random.default_rng(7)
A = rng.standard_normal((3, 4))


FUNCTIONS = {
    "R4 -> R3 nonlinear": (lambda x: np.tanh(A @ x) * ad.exp(x[0]), rng.standard_normal(4)),
    "R3 -> R3 elementwise": (lambda x: ad.sin(x) * x ** 2, rng.standard_normal(3)),
    "R3 -> R": (lambda x: ad.sum(ad.log1p(x ** 2)), rng.standard_normal(3)),
    "R -> R2": (lambda t: ad.stack([ad.cos(t), ad.sin(t) * t]), 0.7),
    "matrix -> matrix": (lambda M: M.T @ M + ad.sigmoid(M).sum(axis=0), rng.standard_normal((2, 3))),
    "cumulative products": (lambda x: ad.stack([x[0], x[0] * x[1], x[0] * x[1] * x[2]]),
                            rng.standard_normal(3)),
}


@pytest.mark.parametrize("f, x", FUNCTIONS.values(), ids=FUNCTIONS.keys())
def test_jacfwd_equals_jacrev(f, x):
    jf = np.asarray(ad.jacfwd(f)(x))
    jr = np.asarray(ad.jacrev(f)(x))
    out_shape = np.shape(f(x))
    assert jf.shape == jr.shape == out_shape + np.shape(x)
    np.testing.assert_allclose(jf, jr, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("f, x", FUNCTIONS.values(), ids=FUNCTIONS.keys())
def test_jacobian_against_central_differences(f, x):
    x = np.asarray(x, dtype=float)
    h = 1e-6
    cols = []
    for k in range(x.size):
        e = np.zeros(x.size)
        e[k] = h
        e = e.reshape(x.shape)
        cols.append((np.asarray(f(x + e)) - np.asarray(f(x - e))) / (2 * h))
    fd = np.stack(cols, axis=-1).reshape(np.shape(f(x)) + x.shape)
    np.testing.assert_allclose(np.asarray(ad.jacrev(f)(x)), fd, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("f, x", FUNCTIONS.values(), ids=FUNCTIONS.keys())
def test_dot_product_identity(f, x):
    """<vjp(u), v> == <u, jvp(v)> for random u, v: reverse mode is the transpose."""
    for _ in range(3):
        v = rng.standard_normal(np.shape(x)) if np.ndim(x) else float(rng.standard_normal())
        out, pullback = ad.vjp(f, x)
        u = rng.standard_normal(np.shape(out))
        (ct,) = pullback(u)
        out2, tangent = ad.jvp(f, (x,), (v,))
        np.testing.assert_allclose(out2, out, rtol=1e-15)
        lhs = np.vdot(np.ravel(ct), np.ravel(v))
        rhs = np.vdot(np.ravel(u), np.ravel(tangent))
        assert lhs == pytest.approx(rhs, rel=1e-12)


def test_jacobian_with_respect_to_the_second_argument():
    W = rng.standard_normal((2, 3))
    x = rng.standard_normal(3)
    f = lambda W, x: W @ x
    # d(Wx)_i / dx_j = W_ij ; d(Wx)_i / dW_jk = delta_ij x_k
    np.testing.assert_allclose(ad.jacfwd(f, argnums=1)(W, x), W, rtol=1e-15)
    np.testing.assert_allclose(ad.jacrev(f, argnums=1)(W, x), W, rtol=1e-15)
    expected = np.einsum("ij,k->ijk", np.eye(2), x)
    np.testing.assert_allclose(ad.jacrev(f, argnums=0)(W, x), expected, rtol=1e-15)
    np.testing.assert_allclose(ad.jacfwd(f, argnums=0)(W, x), expected, rtol=1e-15)


def rosenbrock(x):
    return ad.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)


def rosenbrock_hessian(x):
    """Analytic Hessian of sum_i 100 (x[i+1] - x[i]**2)**2 + (1 - x[i])**2."""
    n = x.size
    H = np.zeros((n, n))
    for i in range(n - 1):
        H[i, i] += 1200 * x[i] ** 2 - 400 * x[i + 1] + 2
        H[i, i + 1] += -400 * x[i]
        H[i + 1, i] += -400 * x[i]
        H[i + 1, i + 1] += 200
    return H


def rosenbrock_gradient(x):
    g = np.zeros_like(x)
    g[:-1] += -400 * x[:-1] * (x[1:] - x[:-1] ** 2) - 2 * (1 - x[:-1])
    g[1:] += 200 * (x[1:] - x[:-1] ** 2)
    return g


@pytest.mark.parametrize("x", [np.array([-1.2, 1.0]), np.array([0.5, -0.3, 1.7, 0.9, 1.1]),
                               np.ones(4)])
def test_rosenbrock_hessian(x):
    np.testing.assert_allclose(ad.gradient(rosenbrock, x)[0], rosenbrock_gradient(x),
                               rtol=1e-13, atol=1e-12)
    H = ad.hessian(rosenbrock)(x)
    assert np.shape(H) == (x.size, x.size)
    np.testing.assert_allclose(H, rosenbrock_hessian(x), rtol=1e-13, atol=1e-11)
    np.testing.assert_allclose(ad.jacrev(ad.grad(rosenbrock))(x), rosenbrock_hessian(x),
                               rtol=1e-13, atol=1e-11)
