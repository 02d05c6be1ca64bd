"""np.cross, np.real_if_close and x.astype on AD values: values equal NumPy's,
derivatives agree with check_grads (finite differences, order 2) and autograd."""

import autograd
import autograd.numpy as anp
import numpy as np
import pytest

import adexplorer as ad
from adexplorer.testing import check_grads

rng = np.random.default_rng(7)
A, B = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))


@pytest.mark.parametrize("kwargs, a, b", [
    ({}, A[0], B[0]), ({}, A, B), ({}, A, B[0]),
    ({"axisa": 0, "axisb": 0, "axisc": 0}, A.T, B.T), ({"axis": 0}, A.T, B.T)])
def test_cross_is_numpys_and_its_derivatives_are_right(kwargs, a, b):
    f = lambda a, b: np.cross(a, b, **kwargs)
    np.testing.assert_allclose(ad.trace(f, a, b).output, np.cross(a, b, **kwargs))
    check_grads(f, a, b, order=2)


def test_cross_agrees_with_autograd():
    w = rng.standard_normal(3)
    ours = ad.gradient(lambda a, b: np.sum(np.cross(a, b) ** 2 * w), A, B)
    theirs = autograd.grad(lambda a, b: anp.sum(anp.cross(a, b) ** 2 * w), (0, 1))(A, B)
    for o, t in zip(ours, theirs):
        np.testing.assert_allclose(o, t, rtol=1e-9)


def test_cross_of_2_vectors_is_refused_by_name():
    with pytest.raises(ad.NoDerivativeRule, match="np.cross"):
        ad.gradient(lambda a: np.sum(np.cross(a, a[::-1])), np.array([1.0, 2.0]))


def test_real_if_close_drops_a_negligible_imaginary_part_only():
    z = np.array([1.0 + 1e-18j, 2.0 + 0j])
    value, tangent = ad.jvp(lambda z: np.real_if_close(z * z), (z,), (np.ones(2),))
    assert value.dtype == float and tangent.dtype == float
    np.testing.assert_allclose(tangent, 2 * z.real)
    value, tangent = ad.jvp(lambda z: np.real_if_close(z * z), (np.array([1 + 1j]),),
                            (np.ones(1),))
    assert np.iscomplexobj(value) and tangent[0] == pytest.approx(2 + 2j)
    g = ad.gradient(lambda x: np.sum(np.real_if_close(x * (1 + 0j)) ** 2), np.array([1.0, 3.0]))
    np.testing.assert_allclose(g[0], [2.0, 6.0])


def test_astype_float_keeps_the_derivative_and_other_dtypes_are_refused():
    x = np.array([1.0, -2.0], dtype=np.float32)
    g = ad.gradient(lambda v: np.sum(v.astype(np.float64) ** 2), x)[0]
    assert g.dtype == np.float32
    np.testing.assert_allclose(g, 2 * x)
    assert ad.derivative(lambda v: v.astype(float) * 3.0, 2.0) == 3.0
    for dtype in (int, np.float16):
        with pytest.raises(ad.NoDerivativeRule, match="astype"):
            ad.gradient(lambda v, dtype=dtype: np.sum(v.astype(dtype)), np.ones(2))
