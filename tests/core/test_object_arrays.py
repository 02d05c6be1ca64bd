"""Arrays built by NumPy out of AD values (``np.array([x * y, np.sin(x)])``).

NumPy cannot be stopped from building an object array of AD values; adexplorer stacks
such an array into one AD array wherever it comes back (an output, an argument of a
NumPy function), so it is the stack of its entries under every transform. Expected
Jacobians are written from calculus.
"""

import numpy as np
import pytest

import adexplorer as ad

X = np.array([1.0, 2.0])


def F(x):
    return np.array([x[0] * x[1], np.sin(x[0])])


def J_F(x):
    return np.array([[x[1], x[0]], [np.cos(x[0]), 0.0]])


BUILDERS = {
    "np.array": lambda x: np.array([x[0] * x[1], np.sin(x[0])]),
    "np.asarray": lambda x: np.asarray([x[0] * x[1], np.sin(x[0])]),
    "dtype=object": lambda x: np.array([x[0] * x[1], np.sin(x[0])], dtype=object),
    "list then array": lambda x: np.array(list(map(lambda v: v, [x[0] * x[1], np.sin(x[0])]))),
}


@pytest.mark.parametrize("build", BUILDERS.values(), ids=list(BUILDERS))
@pytest.mark.parametrize("jacobian", [ad.jacrev, ad.jacfwd], ids=["jacrev", "jacfwd"])
def test_jacobian_of_an_array_built_from_entries(build, jacobian):
    J = jacobian(build)(X)
    assert J.dtype == float
    np.testing.assert_allclose(J, J_F(X))


def test_derivative_and_D_of_a_built_array():
    f = lambda s: np.array([s, s * s])
    np.testing.assert_allclose(ad.derivative(f, 2.0), [1.0, 4.0])
    np.testing.assert_allclose(ad.D(f)(3.0), [1.0, 6.0])


def test_vjp_and_jvp_of_a_built_array():
    out, pullback = ad.vjp(F, X)
    np.testing.assert_allclose(out, [2.0, np.sin(1.0)])
    assert out.dtype == float
    ct = np.array([1.0, -2.0])
    np.testing.assert_allclose(pullback(ct)[0], ct @ J_F(X))
    value, tangent = ad.jvp(F, (X,), (np.array([0.5, 1.0]),))
    np.testing.assert_allclose(value, F(X))
    np.testing.assert_allclose(tangent, J_F(X) @ [0.5, 1.0])


def test_lists_of_lists_give_a_matrix():
    f = lambda x: np.array([[x[0], 2.0], [x[1] * x[0], np.exp(x[1])]])
    J = ad.jacrev(f)(X)
    assert J.shape == (2, 2, 2)
    expected = np.zeros((2, 2, 2))
    expected[0, 0] = [1.0, 0.0]
    expected[1, 0] = [X[1], X[0]]
    expected[1, 1] = [0.0, np.exp(X[1])]
    np.testing.assert_allclose(J, expected)
    np.testing.assert_allclose(ad.jacfwd(f)(X), expected)


def test_a_built_array_used_further_in_numpy():
    W = np.array([[1.0, 2.0], [3.0, -1.0]])

    def loss(x):
        v = np.array([x[0] * x[1], np.sin(x[0])])
        return np.sum(np.tanh(v @ W))
    g = ad.gradient(loss, X)[0]
    v = F(X)
    expected = ((1 - np.tanh(v @ W) ** 2) @ W.T) @ J_F(X)
    np.testing.assert_allclose(g, expected)
    value, g2 = ad.value_and_grad(loss)(X)
    assert value == pytest.approx(loss(X))
    np.testing.assert_allclose(g2, expected)


def test_a_built_array_meets_an_ad_array():
    # an object array as an argument of a NumPy function on AD values is lifted first
    def f(x):
        v = np.array([x[0] * x[0], x[1]])
        return np.dot(v, x)                          # x0^3 + x1^2
    np.testing.assert_allclose(ad.gradient(f, X)[0], [3 * X[0] ** 2, 2 * X[1]])
    g = ad.gradient(lambda x: np.sum(np.stack([np.array([x[0], x[1]]), x])), X)[0]
    np.testing.assert_allclose(g, [2.0, 2.0])


def test_scalar_entries_from_several_inputs():
    f = lambda a, b: np.sum(np.array([a * b, a + b, 3.0]) ** 2)
    a, b = 1.5, -0.5
    ga = 2 * a * b * b + 2 * (a + b)
    gb = 2 * a * a * b + 2 * (a + b)
    assert ad.gradient(f, a, b) == pytest.approx((ga, gb))
    assert ad.grad(f, argnums=(0, 1))(a, b) == pytest.approx((ga, gb))


def test_second_derivatives_through_a_built_array():
    f = lambda x: np.sum(np.array([x ** 3, np.sin(x)]))
    assert ad.D(ad.D(f))(0.7) == pytest.approx(6 * 0.7 - np.sin(0.7))
    assert ad.grad(ad.grad(f))(0.7) == pytest.approx(6 * 0.7 - np.sin(0.7))
    H = ad.hessian(lambda x: np.sum(np.array([x[0] * x[1], x[1] ** 2])))(X)
    np.testing.assert_allclose(H, [[0.0, 1.0], [1.0, 2.0]])


def test_asarray_of_an_ad_array_splits_it_and_stays_right():
    f = lambda x: np.sum(np.asarray(x) * np.array([1.0, 2.0]))
    np.testing.assert_allclose(ad.gradient(f, X)[0], [1.0, 2.0])
    np.testing.assert_allclose(ad.jacfwd(lambda x: np.asarray(x) * 3.0)(X), 3 * np.eye(2))


def test_asking_for_float_entries_is_refused_by_name():
    with pytest.raises(ad.LostDerivative, match="dtype"):
        ad.jacrev(lambda x: np.array([x[0], x[1]], dtype=float))(X)
    with pytest.raises(ad.LostDerivative, match="dtype"):
        ad.derivative(lambda s: np.array([s, s], dtype=np.float64), 1.0)


def test_a_plain_call_still_gives_a_float_array():
    out = F(X)
    assert out.dtype == float
    np.testing.assert_allclose(out, [2.0, np.sin(1.0)])


@pytest.mark.parametrize("combine", [
    lambda x, a: x + a * 2.0, lambda x, a: x * a, lambda x, a: x / a,
    lambda x, a: x * np.exp(a), lambda x, a: ad.maximum(x, a), lambda x, a: ad.sin(a) + x])
def test_an_ad_value_on_the_left_of_a_built_array(combine):
    # the AD value's operator meets the object array first: it must be lifted there too
    f = lambda x, y: np.sum(combine(x, np.array([x, y])))
    x, y, h = 0.7, 1.3, 1e-6
    fd_x = (f(x + h, y) - f(x - h, y)) / (2 * h)
    fd_y = (f(x, y + h) - f(x, y - h)) / (2 * h)
    g = ad.gradient(f, x, y)
    assert g == pytest.approx((fd_x, fd_y), rel=1e-6)
    assert ad.jvp(f, (x, y), (1.0, 0.0))[1] == pytest.approx(fd_x, rel=1e-6)
    value, _ = ad.value_and_grad(f, argnums=(0, 1))(x, y)
    assert not isinstance(value, ad.core.primitives.ADValue) and value == pytest.approx(f(x, y))


def test_numpy_refuses_a_ufunc_on_a_mixed_built_array_it_cannot_loop_over():
    # np.array([Dual, 1.3]) holds a plain float; NumPy's object loop for exp asks the
    # float for an .exp method and refuses. A refusal, never a wrong number; np.stack
    # (dispatched to adexplorer) is the way that works.
    with pytest.raises(TypeError, match="exp"):
        ad.derivative(lambda x: np.sum(np.exp(np.array([x, 1.3]))), 0.7)
    assert ad.derivative(lambda x: np.sum(np.exp(np.stack([x, 1.3]))), 0.7) == \
        pytest.approx(np.exp(0.7))


def test_a_list_meeting_an_ad_array_is_an_array_as_in_numpy():
    # plain NumPy: ndarray * list is elementwise; a Python list * int repeats the list
    x = np.array([1.0, 2.0, 4.0])
    f = lambda x: np.sum(x * [1.0, 2.0, 3.0] + (3.0, 2.0, 1.0) * x)
    assert f(x) == ad.trace(f, x).output
    np.testing.assert_allclose(ad.gradient(f, x)[0], [4.0, 4.0, 4.0])
    g = ad.gradient(lambda x, y: np.sum(x * [y, 2.0, 3.0]), x, 5.0)   # an AD entry too
    np.testing.assert_allclose(g[0], [5.0, 2.0, 3.0])
    assert g[1] == 1.0
    np.testing.assert_allclose(ad.gradient(lambda x: np.average(x, weights=[1.0, 2.0, 3.0]),
                                           x)[0], [1 / 6, 2 / 6, 3 / 6])
    assert ad.gradient(lambda n: sum([1.0, 2.0] * n), 2) == (None,)   # repetition, as Python
    with pytest.raises(TypeError):
        ad.gradient(lambda s: [1.0] * s, 2.0)                        # as Python refuses
