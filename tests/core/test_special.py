"""ad.erf, ad.lgamma and the polygamma row behind their derivatives.

Values come from ``math`` and ``scipy.special`` (an independent implementation); derivatives
from the closed forms (erf' = 2/√π e^(-x²), lgamma' = ψ, ψ⁽ⁿ⁾' = ψ⁽ⁿ⁺¹⁾), finite
differences (check_grads) and autograd."""

import math

import autograd
import autograd.scipy.special as asp
import numpy as np
import pytest
import scipy.special as sp

import adexplorer as ad
from adexplorer.core.rules_special import polygamma
from adexplorer.testing import check_grads

GRID = np.concatenate([np.linspace(-5.3, 40.0, 97), [1e-3, 0.05, 0.5, 1e3]])


@pytest.mark.parametrize("n", range(5))
def test_polygamma_agrees_with_scipy(n):
    ours = polygamma(GRID, n=n)
    np.testing.assert_allclose(ours, sp.polygamma(n, GRID), rtol=1e-12, atol=1e-12)
    for x in (0.3, 2.5, -2.7):
        assert polygamma(x, n=n) == pytest.approx(sp.polygamma(n, x), rel=1e-12)


def test_values_are_maths_on_numbers_and_elementwise_on_arrays():
    for x in (-2.5, -0.5, 0.4, 1.0, 2.5, 10.0):
        assert ad.erf(x) == math.erf(x) and type(ad.erf(x)) is float
        assert ad.lgamma(x) == math.lgamma(x)
    np.testing.assert_allclose(ad.erf(GRID), sp.erf(GRID), rtol=1e-14)
    positive = GRID[GRID > 0]
    np.testing.assert_allclose(ad.lgamma(positive), sp.gammaln(positive), rtol=1e-13)


def test_python_numbers_keep_maths_errors_arrays_keep_numpys():
    with pytest.raises(ValueError):
        math.lgamma(0.0)
    with pytest.raises(ValueError):
        ad.lgamma(0.0)
    with pytest.raises(ValueError):
        ad.gradient(ad.lgamma, -1.0)
    assert ad.lgamma(np.array([0.0, 1.0]))[0] == np.inf


@pytest.mark.parametrize("x", [0.4, -1.3, 2.0])
def test_first_and_second_derivatives_are_the_closed_forms(x):
    assert ad.gradient(ad.erf, x)[0] == pytest.approx(2 / math.sqrt(math.pi) * math.exp(-x * x))
    assert ad.D(ad.D(ad.erf))(x) == pytest.approx(
        -4 * x / math.sqrt(math.pi) * math.exp(-x * x))
    if x > 0:
        assert ad.gradient(ad.lgamma, x)[0] == pytest.approx(sp.digamma(x), rel=1e-12)
        assert ad.hessian(ad.lgamma)(x) == pytest.approx(sp.polygamma(1, x), rel=1e-12)
        assert ad.grad(ad.grad(ad.digamma))(x) == pytest.approx(sp.polygamma(2, x), rel=1e-12)


@pytest.mark.parametrize("f, args", [
    (ad.erf, (0.7,)), (ad.erf, (np.array([-1.2, 0.1, 2.0]),)),
    (ad.lgamma, (3.3,)), (ad.lgamma, (np.array([0.4, 1.5, 7.0]),)),
    (lambda x: polygamma(x, n=1), (np.array([0.6, 2.0]),)),
    (lambda x: ad.erf(x) * ad.lgamma(x + 1.0), (np.array([0.3, 1.1]),)),
])
def test_check_grads_order_two_both_modes(f, args):
    check_grads(f, *args, order=2)


def test_agrees_with_autograd():
    x = np.array([0.3, 1.7, 4.2])
    ours = ad.gradient(lambda v: np.sum(ad.erf(v) * ad.lgamma(v)), x)[0]
    theirs = autograd.grad(lambda v: np.sum(asp.erf(v) * asp.gammaln(v)))(x)
    np.testing.assert_allclose(ours, theirs, rtol=1e-9)


def normal_cdf_loss(mu, sigma):
    """A statistics lecture's function: log-likelihood pieces with erf and lgamma."""
    total = 0.0
    for k in range(1, 4):
        z = (k - mu) / (sigma * math.sqrt(2.0))
        total = total + math.erf(z) - math.lgamma(k + sigma)
    return total


def test_source_grad_reads_math_erf_and_lgamma_as_rows():
    g = ad.source_grad(normal_cdf_loss)
    assert g(0.5, 1.2) == pytest.approx(
        ad.gradient(lambda m, s: _with_ad(m, s), 0.5, 1.2), rel=1e-12)


def _with_ad(mu, sigma):
    total = 0.0
    for k in range(1, 4):
        z = (k - mu) / (sigma * math.sqrt(2.0))
        total = total + ad.erf(z) - ad.lgamma(k + sigma)
    return total


def test_the_wengert_list_names_them():
    text = str(ad.trace(lambda x: ad.lgamma(x) + ad.erf(x), 2.5).tangent_wengert())
    assert text.splitlines()[0] == "dy1 = polygamma(x, n=0)"          # lgamma' = ψ


def test_float32_in_float32_out():
    x = np.array([0.1, 0.7], dtype=np.float32)
    for f in (ad.erf, ad.lgamma, ad.digamma):
        assert f(x).dtype == np.float32
    value, g = ad.value_and_grad(lambda v: np.sum(ad.erf(v)))(x)
    assert value.dtype == np.float32 and g.dtype == np.float32
