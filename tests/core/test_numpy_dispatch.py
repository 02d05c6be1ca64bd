"""Plain NumPy on AD values, and the errors for what cannot be differentiated."""

import math
import warnings

import numpy as np
import pytest

import adexplorer as ad

rng = np.random.default_rng(3)


def test_np_ufuncs_on_scalars_and_arrays():
    x = rng.uniform(0.2, 2.0, 4)
    g = ad.gradient(lambda x: np.sum(np.sin(x) * np.exp(x) + np.log(x) + np.sqrt(x)), x)[0]
    expected = np.cos(x) * np.exp(x) + np.sin(x) * np.exp(x) + 1 / x + 0.5 / np.sqrt(x)
    np.testing.assert_allclose(g, expected, rtol=1e-13)
    assert ad.derivative(lambda x: np.tanh(x), 0.3) == pytest.approx(1 - math.tanh(0.3) ** 2)
    assert ad.derivative(lambda x: np.square(x) + np.reciprocal(x), 2.0) == pytest.approx(4 - 0.25)
    assert ad.gradient(lambda x: np.abs(x) + np.negative(x), -1.5) == (pytest.approx(-2.0),)


def test_matmul_operator_and_np_dot():
    W = rng.standard_normal((3, 4))
    x = rng.standard_normal(4)
    gW, gx = ad.gradient(lambda W, x: np.sum(W @ x), W, x)
    np.testing.assert_allclose(gW, np.tile(x, (3, 1)), rtol=1e-15)
    np.testing.assert_allclose(gx, W.sum(axis=0), rtol=1e-14)
    gx = ad.gradient(lambda x: np.dot(x, x), x)[0]
    np.testing.assert_allclose(gx, 2 * x, rtol=1e-15)
    gx = ad.gradient(lambda x: x.dot(W.T @ W) @ x, x)[0]           # x^T A x, A symmetric
    np.testing.assert_allclose(gx, 2 * (W.T @ W) @ x, rtol=1e-13)


def test_reductions_with_axis():
    X = rng.standard_normal((3, 4))
    # d/dX sum_j (sum_i X_ij)**2 = 2 * column sums, broadcast down the rows
    g = ad.gradient(lambda X: np.sum(np.sum(X, axis=0) ** 2), X)[0]
    np.testing.assert_allclose(g, np.tile(2 * X.sum(axis=0), (3, 1)), rtol=1e-14)
    g = ad.gradient(lambda X: np.sum(np.mean(X, axis=1, keepdims=True) * X), X)[0]
    m = X.mean(axis=1, keepdims=True)
    np.testing.assert_allclose(g, np.broadcast_to(m + X.sum(axis=1, keepdims=True) / 4, X.shape),
                               rtol=1e-13)
    g = ad.gradient(lambda X: X.max(axis=1).sum(), X)[0]
    np.testing.assert_array_equal(g, (X == X.max(axis=1, keepdims=True)).astype(float))
    g = ad.gradient(lambda X: np.min(X), X)[0]
    np.testing.assert_array_equal(g, (X == X.min()).astype(float))


def test_where_maximum_and_clip():
    x = np.array([-2.0, -0.5, 0.5, 2.0])
    g = ad.gradient(lambda x: np.sum(np.where(x > 0, x ** 2, 3 * x)), x)[0]
    np.testing.assert_array_equal(g, np.where(x > 0, 2 * x, 3.0))
    g = ad.gradient(lambda x: np.sum(np.maximum(x, 0.0) * 2), x)[0]      # relu
    np.testing.assert_array_equal(g, [0.0, 0.0, 2.0, 2.0])
    g = ad.gradient(lambda x: np.sum(np.clip(x, -1.0, 1.0)), x)[0]
    np.testing.assert_array_equal(g, [0.0, 1.0, 1.0, 0.0])


def test_reshape_transpose_and_indexing():
    X = rng.standard_normal((2, 3))
    C = rng.standard_normal((3, 2))
    g = ad.gradient(lambda X: np.sum(X.T * C), X)[0]
    np.testing.assert_array_equal(g, C.T)
    g = ad.gradient(lambda X: np.sum(np.transpose(X) * C), X)[0]
    np.testing.assert_array_equal(g, C.T)
    g = ad.gradient(lambda X: np.sum(X.reshape(3, 2) * C), X)[0]
    np.testing.assert_array_equal(g, C.reshape(2, 3))
    g = ad.gradient(lambda X: np.sum(np.reshape(X, (6,)) * np.arange(6.0)), X)[0]
    np.testing.assert_array_equal(g, np.arange(6.0).reshape(2, 3))
    g = ad.gradient(lambda X: X[1, 2] * X[0, 0] + X[:, 1].sum(), X)[0]
    expected = np.zeros((2, 3))
    expected[1, 2], expected[0, 0] = X[0, 0], X[1, 2]
    expected[:, 1] += 1
    np.testing.assert_allclose(g, expected, rtol=1e-15)
    g = ad.gradient(lambda X: X[[0, 1, 1], [2, 0, 0]].sum(), X)[0]   # integer-array indexing
    expected = np.zeros((2, 3))
    expected[0, 2], expected[1, 0] = 1.0, 2.0
    np.testing.assert_array_equal(g, expected)
    g = ad.gradient(lambda x: np.concatenate([x, x ** 2]).sum() + np.stack([x, x]).sum(),
                    np.array([1.0, 2.0]))[0]
    np.testing.assert_array_equal(g, [1 + 2 + 2, 1 + 4 + 2])


def test_broadcasting_gradients_are_unbroadcast():
    x = rng.standard_normal((3, 1))
    y = rng.standard_normal(4)
    gx, gy = ad.gradient(lambda x, y: np.sum(x * y + x), x, y)
    assert gx.shape == (3, 1) and gy.shape == (4,)
    np.testing.assert_allclose(gx, np.full((3, 1), y.sum() + 4), rtol=1e-14)
    np.testing.assert_allclose(gy, np.full(4, x.sum()), rtol=1e-14)
    gs = ad.gradient(lambda s, y: np.sum(s * y), 2.0, y)[0]
    assert isinstance(gs, float) and gs == pytest.approx(y.sum(), rel=1e-14)


def test_numpy_in_forward_mode():
    x = np.array([0.1, 0.2, 0.3])
    np.testing.assert_allclose(ad.D(np.sin)(x), np.cos(x), rtol=1e-15)
    out, t = ad.jvp(lambda x: np.sum(np.exp(x)), (x,), (np.ones(3),))
    assert t == pytest.approx(np.exp(x).sum(), rel=1e-14)


@pytest.mark.parametrize("call, name", [
    (lambda x: np.unwrap(x), "np.unwrap"),
    (lambda x: np.spacing(x), "np.spacing"),
    (lambda x: np.linalg.eig(x.reshape(2, 2)), "np.linalg.eig"),
    (lambda x: np.histogram(x)[0], "np.histogram"),
])
@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_unsupported_numpy_function_raises_type_error_naming_it(call, name, mode):
    x = np.array([0.3, 0.1, 0.4, 0.2])
    with pytest.raises(TypeError) as info:
        if mode == "reverse":
            ad.gradient(lambda x: np.sum(call(x)), x)
        else:
            ad.jvp(lambda x: call(x), (x,), (np.ones(4),))
    message = str(info.value)
    assert name in message and "no derivative rule" in message


def uses_math_sin(x):
    return math.sin(x) * 2


@pytest.mark.parametrize("transform", [
    lambda: ad.gradient(uses_math_sin, 0.5),
    lambda: ad.derivative(uses_math_sin, 0.5),
    lambda: ad.grad(uses_math_sin)(0.5),
], ids=["gradient", "derivative", "grad"])
def test_math_sin_on_an_ad_value_suggests_ad_sin_or_np_sin(transform):
    with pytest.raises(Exception) as info:
        transform()
    message = str(info.value)
    assert "math.sin" in message
    assert "ad.sin" in message and "np.sin" in message
    assert isinstance(info.value, TypeError)


def test_math_on_plain_numbers_still_works_inside_a_function():
    # math functions on constants are fine; only AD values are refused
    assert ad.gradient(lambda x: x * math.sin(0.5), 2.0) == (pytest.approx(math.sin(0.5)),)


def test_np_log_of_a_negative_number_is_nan_with_a_warning():
    with pytest.warns(RuntimeWarning):
        value, g = ad.value_and_grad(np.log)(-2.0)
    assert math.isnan(value) and g == pytest.approx(-0.5)        # d log x = 1/x still
    with pytest.warns(RuntimeWarning):
        out = ad.derivative(lambda x: np.log(x) * 0 + x, -2.0)
    assert out == 1.0
    with pytest.warns(RuntimeWarning):
        g = ad.gradient(lambda x: np.sum(np.log(x)), np.array([1.0, -1.0]))[0]
    np.testing.assert_array_equal(g, [1.0, -1.0])
    with pytest.warns(RuntimeWarning):
        assert math.isnan(ad.sqrt(np.float64(-4.0)))


def test_ad_log_of_a_negative_python_float_raises_as_math_log_does():
    with pytest.raises(ValueError, match="math domain error"):
        ad.log(-1.0)
    with pytest.raises(ValueError, match="math domain error"):
        ad.value_and_grad(ad.log)(-2.0)
    with pytest.raises(ValueError, match="math domain error"):
        ad.sqrt(-4.0)


def test_comparisons_and_queries_answer_on_the_primal():
    def f(x):
        assert np.shape(x) == (3,) and x.shape == (3,) and x.ndim == 1 and len(x) == 3
        k = int(np.argmax(x))
        return x[k] * 2
    np.testing.assert_array_equal(ad.gradient(f, np.array([1.0, 5.0, 2.0]))[0], [0, 2, 0])


BOUNDARY = {
    "sqrt at 0": (ad.sqrt, 0.0),                  # d sqrt(x) = 1 / (2 sqrt(x)) -> +inf
    "x ** 0.5 at 0": (lambda x: x ** 0.5, 0.0),
    "log at 0": (np.log, 0.0),                    # d log(x) = 1 / x -> +inf
    "log1p at -1": (np.log1p, -1.0),              # (ad.log(0.0) raises, as math.log)
}


@pytest.mark.parametrize("f, x", BOUNDARY.values(), ids=BOUNDARY.keys())
def test_derivative_at_a_domain_boundary_on_arrays_is_inf_with_a_warning(f, x):
    with pytest.warns(RuntimeWarning):
        g = ad.gradient(lambda v: np.sum(f(v)), np.array([x]))[0]
    assert g.tolist() == [math.inf]


@pytest.mark.parametrize("f, x", BOUNDARY.values(), ids=BOUNDARY.keys())
@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_derivative_at_a_domain_boundary_on_floats_is_inf_with_a_warning(f, x, mode):
    with pytest.warns(RuntimeWarning):
        g = ad.gradient(f, x)[0] if mode == "reverse" else ad.derivative(f, x)
    assert g == math.inf
