"""One API across transforms, with the conventions JAX users bring: keyword arguments
held constant, ``argnums`` as an int or a tuple, ``has_aux``, dtypes kept.
Expected values are closed forms."""

import numpy as np
import pytest

import adexplorer as ad


def scaled(x, y, scale=1.0):
    return scale * x * x * y                  # d/dx = 2 scale x y, d/dy = scale x^2


def test_keyword_arguments_pass_through_every_transform():
    x, y = 3.0, 2.0
    assert ad.gradient(scaled, x, y, scale=2.0) == (24.0, 18.0)
    assert ad.grad(scaled)(x, y, scale=2.0) == 24.0
    assert ad.value_and_grad(scaled, argnums=1)(x, y, scale=2.0) == (36.0, 18.0)
    assert ad.derivative(scaled, x, y, scale=2.0) == 24.0
    assert ad.D(scaled)(x, y, scale=2.0) == 24.0
    assert ad.jvp(scaled, (x, y), (1.0, 0.0), scale=2.0) == (36.0, 24.0)
    out, pullback = ad.vjp(scaled, x, y, scale=2.0)
    assert out == 36.0 and pullback(1.0) == (24.0, 18.0)
    assert ad.jacfwd(scaled)(x, y, scale=2.0) == 24.0
    assert ad.jacrev(scaled, argnums=1)(x, y, scale=2.0) == 18.0
    assert ad.hessian(scaled)(x, y, scale=2.0) == 8.0         # 2 scale y
    t = ad.trace(scaled, x, y, scale=2.0)
    assert t.output == 36.0 and [n.name for n in t.nodes if n.is_input] == ["x", "y"]


def test_keyword_arguments_are_constants_even_when_numbers():
    # scale is a number, but held constant: no gradient entry for it, no node in the trace
    t = ad.trace(scaled, 1.0, 1.0, scale=5.0)
    assert sum(n.is_input for n in t.nodes) == 2
    assert len(ad.gradient(scaled, 1.0, 1.0, scale=5.0)) == 2


def test_tuple_argnums_give_tuples():
    x, y = 3.0, 2.0
    assert ad.grad(scaled, argnums=(0, 1))(x, y) == (12.0, 9.0)
    assert ad.value_and_grad(scaled, argnums=(1, 0))(x, y) == (18.0, (9.0, 12.0))
    assert ad.jacfwd(scaled, argnums=(0, 1))(x, y) == (12.0, 9.0)
    assert ad.jacrev(scaled, argnums=(0, 1))(x, y) == (12.0, 9.0)
    H = ad.hessian(scaled, argnums=(0, 1))(x, y)
    assert H == ((2 * y, 2 * x), (2 * x, 0.0))


def test_tuple_argnums_with_arrays():
    def f(W, b, x):
        return np.tanh(W @ x + b)
    W = np.array([[0.5, -1.0, 0.2], [0.1, 0.3, -0.4]])
    b = np.array([0.1, -0.2])
    x = np.array([1.0, 2.0, -1.0])
    s = 1 - np.tanh(W @ x + b) ** 2
    JW_expected = np.einsum("i,ij,k->ijk", s, np.eye(2), x)
    for jac in (ad.jacfwd, ad.jacrev):
        JW, Jb = jac(f, argnums=(0, 1))(W, b, x)
        assert JW.shape == (2, 2, 3) and Jb.shape == (2, 2)
        np.testing.assert_allclose(JW, JW_expected)
        np.testing.assert_allclose(Jb, np.diag(s))


def test_hessian_blocks_of_two_array_arguments():
    def f(a, b):
        return np.sum(a * a * b) + np.sum(b ** 3)
    a, b = np.array([1.0, 2.0]), np.array([3.0, -1.0])
    (Haa, Hab), (Hba, Hbb) = ad.hessian(f, argnums=(0, 1))(a, b)
    np.testing.assert_allclose(Haa, np.diag(2 * b))
    np.testing.assert_allclose(Hab, np.diag(2 * a))
    np.testing.assert_allclose(Hba, np.diag(2 * a))
    np.testing.assert_allclose(Hbb, np.diag(6 * b))


def test_jacobians_of_containers_mirror_them():
    def f(p):
        return {"u": p["a"] * p["b"], "v": np.sin(p["a"])}
    p = {"a": np.array([1.0, 2.0]), "b": 3.0}
    for jac in (ad.jacfwd, ad.jacrev):
        J = jac(f)(p)
        np.testing.assert_allclose(J["u"]["a"], 3.0 * np.eye(2))
        np.testing.assert_allclose(J["u"]["b"], p["a"])
        np.testing.assert_allclose(J["v"]["a"], np.diag(np.cos(p["a"])))
        np.testing.assert_allclose(J["v"]["b"], [0.0, 0.0])


def aux_loss(x, k=1.0):
    y = k * x * x
    return y, {"half": y / 2, "tag": "sq"}


def test_has_aux():
    g, aux = ad.grad(aux_loss, has_aux=True)(3.0, k=2.0)
    assert g == 12.0 and aux == {"half": 9.0, "tag": "sq"}
    assert type(aux["half"]) is float                       # plain, not a traced value
    (value, aux), g = ad.value_and_grad(aux_loss, has_aux=True)(3.0)
    assert (value, g, aux["half"]) == (9.0, 6.0, 4.5)
    for jac in (ad.jacfwd, ad.jacrev):
        J, aux = jac(lambda x: (x * x, np.sum(x)), has_aux=True)(np.array([1.0, 3.0]))
        np.testing.assert_allclose(J, np.diag([2.0, 6.0]))
        assert aux == 4.0 and not isinstance(aux, ad.core.primitives.ADValue)


def test_has_aux_needs_a_pair():
    with pytest.raises(ad.InputError, match="has_aux=True"):
        ad.grad(lambda x: x * x, has_aux=True)(1.0)


@pytest.mark.parametrize("bad", [1.5, "0", (), (0, "1"), True])
def test_malformed_argnums_are_refused_by_name(bad):
    for transform in (ad.grad, ad.value_and_grad, ad.jacfwd, ad.jacrev, ad.hessian):
        with pytest.raises(ad.InputError, match="argnums"):
            transform(scaled, argnums=bad)(1.0, 2.0)


def test_float32_in_float32_out():
    x = np.array([1.0, 2.0], dtype=np.float32)
    f = lambda x: np.sum(np.sin(x) * x)
    expected = np.cos(x.astype(float)) * x + np.sin(x.astype(float))
    for g in (ad.gradient(f, x)[0], ad.grad(f)(x), ad.value_and_grad(f)(x)[1],
              ad.vjp(f, x)[1](1.0)[0], ad.jacrev(f)(x), ad.jacfwd(f)(x)):
        assert g.dtype == np.float32
        np.testing.assert_allclose(g, expected, rtol=1e-6)
    value, tangent = ad.jvp(lambda x: np.sin(x), (x,), (np.ones(2, np.float32),))
    assert value.dtype == np.float32 and tangent.dtype == np.float32
    J = ad.jacrev(lambda x: x * x)(x)
    assert J.dtype == np.float32


def test_float64_and_integer_inputs_keep_their_rules():
    assert ad.gradient(lambda x: x * x, 3) == (6,)
    assert type(ad.gradient(lambda x: x * x, 3)[0]) is int
    g = ad.gradient(lambda x: np.sum(x * x), np.array([1, 2]))[0]
    np.testing.assert_allclose(g, [2.0, 4.0])
