"""The general recording and sweep route (``ReverseLevel.process``, ``_sweep``'s general
branch, ``argument_gradients``) on containers of arrays: gradients equal a hand-written
adjoint or finite differences, every gradient array handed back is the caller's own and
writeable, a missing rule still names the row, and a NumPy scalar output is accepted.

Expected values are closed forms evaluated here with NumPy, or finite differences."""

import numpy as np
import pytest

import adexplorer as ad
from adexplorer.core.errors import NoDerivativeRule, NotScalarOutput
from adexplorer.core.primitives import defprim

rng = np.random.default_rng(11)


def mlp_loss(p, X, Y):
    h = np.tanh(X @ p["W1"] + p["b1"])
    return np.mean((h @ p["W2"] + p["b2"] - Y) ** 2)


def test_dict_of_arrays_matches_the_hand_adjoint():
    X, Y = rng.standard_normal((4, 6)), rng.standard_normal((4, 3))
    p = {"W1": rng.standard_normal((6, 5)), "b1": rng.standard_normal(5),
         "W2": rng.standard_normal((5, 3)), "b2": rng.standard_normal(3)}
    (g,) = ad.gradient(lambda q: mlp_loss(q, X, Y), p)
    h = np.tanh(X @ p["W1"] + p["b1"])
    r = h @ p["W2"] + p["b2"] - Y
    g_out = 2.0 * r / r.size
    g_a = (g_out @ p["W2"].T) * (1.0 - h * h)
    want = {"W1": X.T @ g_a, "b1": g_a.sum(axis=0), "W2": h.T @ g_out, "b2": g_out.sum(axis=0)}
    assert list(g) == list(p)
    for k, v in p.items():
        np.testing.assert_allclose(g[k], want[k], rtol=1e-12, atol=1e-14)
        assert g[k].dtype == v.dtype and g[k].flags.writeable


def test_a_shared_cotangent_reaches_each_leaf_as_its_own_array():
    # a + b sends the one cotangent object to both; each gradient must be separate
    a, b, c = (rng.standard_normal(3) for _ in range(3))
    (g,) = ad.gradient(lambda p: np.sum((p["a"] + p["b"]) * c), {"a": a, "b": b})
    np.testing.assert_array_equal(g["a"], c)
    np.testing.assert_array_equal(g["b"], c)
    assert g["a"] is not g["b"] and not np.shares_memory(g["a"], g["b"])
    g["a"][0] = 100.0
    assert g["b"][0] == c[0]


def test_a_shared_cotangent_across_arguments_and_containers():
    x, y, w = rng.standard_normal(4), rng.standard_normal(4), rng.standard_normal(4)
    gx, gp = ad.gradient(lambda x, p: np.sum((x + p[0]) * w) + np.sum(p[1] * 0.0),
                         x, [y, rng.standard_normal(4)])
    np.testing.assert_array_equal(gx, w)
    np.testing.assert_array_equal(gp[0], w)
    assert not np.shares_memory(gx, gp[0])
    for arr in (gx, gp[0], gp[1]):
        assert arr.flags.writeable


def test_a_sum_cotangent_comes_back_writeable():
    # sum sends back a read-only broadcast of 1; the user gets a writeable array of ones
    (g,) = ad.gradient(lambda p: np.sum(p["x"]), {"x": np.arange(5.0)})
    assert g["x"].flags.writeable
    np.testing.assert_array_equal(g["x"], np.ones(5))


def test_float32_leaves_keep_their_dtype_and_float32_output_is_a_scalar():
    x = rng.standard_normal(5).astype(np.float32)
    value, (g,) = ad.value_and_grad(lambda p: np.mean(p["x"] ** 2), argnums=(0,))({"x": x})
    assert isinstance(value, np.float32)
    assert g["x"].dtype == np.float32
    np.testing.assert_allclose(g["x"], 2 * x / x.size, rtol=1e-6)


def test_a_complex_numpy_scalar_output_is_still_refused():
    with pytest.raises(NotScalarOutput):
        ad.gradient(lambda x: np.sum(x * 1j), np.ones(3))


def test_non_float_leaves_of_a_dict():
    p = {"w": np.array([1.0, 2.0]), "mask": np.array([True, False]), "n": np.array([3, 4])}
    (g,) = ad.gradient(lambda q: np.sum(q["w"] * q["n"]), p)
    np.testing.assert_array_equal(g["w"], [3.0, 4.0])
    assert g["mask"] is None
    np.testing.assert_array_equal(g["n"], [1.0, 2.0])


def test_a_missing_vjp_rule_names_the_row():
    row = defprim("half_known_test_row", lambda a, b: a * b,
                  vjp=(lambda g, ans, a, b: g * b,), user=True)
    x, y = np.ones(2), np.full(2, 3.0)
    (gx,) = ad.gradient(lambda x: np.sum(row(x, y)), x)
    np.testing.assert_array_equal(gx, y)
    with pytest.raises(NoDerivativeRule, match="half_known_test_row"):
        ad.gradient(lambda y: np.sum(row(x, y)), y)


def test_a_rule_at_a_domain_boundary_follows_numpy():
    # a vjp that raises in Python (1 / 0.0) is run again with NumPy's semantics: inf
    row = defprim("reciprocal_test_row", lambda a: 1.0 / a if a else np.inf,
                  vjp=lambda g, ans, a: -g / (a * a), user=True)
    with np.errstate(divide="ignore"):
        (g,) = ad.gradient(lambda t: row(t[0]), [0.0])
    assert g[0] == -np.inf


def test_gradients_by_finite_differences_through_containers():
    A = rng.standard_normal((3, 3))

    def f(p):
        return np.sum(np.tanh(A @ p["v"] + p["c"]) * p["v"])
    p = {"v": rng.standard_normal(3), "c": rng.standard_normal(3)}
    (g,) = ad.gradient(f, p)
    for k, v in p.items():
        fd = np.zeros(3)
        for i in range(3):
            up = {**p, k: v.copy()}
            down = {**p, k: v.copy()}
            up[k][i] += 1e-6
            down[k][i] -= 1e-6
            fd[i] = (f(up) - f(down)) / 2e-6
        np.testing.assert_allclose(g[k], fd, rtol=1e-6, atol=1e-8)
