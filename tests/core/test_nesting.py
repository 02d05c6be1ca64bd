"""Nested derivatives: no perturbation confusion, and second derivatives in every mix.

The classic trap (Siskind & Pearlmutter): d/dx [x * d/dy (x + y)] at x = 1. The inner
derivative is 1, so the answer is d/dx [x] = 1; an implementation that confuses the two
perturbations gets 2.
"""

import math

import numpy as np
import pytest

import adexplorer as ad


def fwd(f):
    return ad.D(f)


def rev(f):
    return ad.grad(f)


NESTINGS = {
    "forward-forward": (fwd, fwd),
    "reverse-reverse": (rev, rev),
    "forward-reverse": (fwd, rev),     # outer forward, inner reverse
    "reverse-forward": (rev, fwd),     # outer reverse, inner forward
}


@pytest.mark.parametrize("outer, inner", NESTINGS.values(), ids=NESTINGS.keys())
def test_perturbation_confusion(outer, inner):
    assert outer(lambda x: x * inner(lambda y: x + y)(1.0))(1.0) == 1


@pytest.mark.parametrize("outer, inner", NESTINGS.values(), ids=NESTINGS.keys())
def test_perturbation_confusion_with_ints(outer, inner):
    assert outer(lambda x: x * inner(lambda y: x + y)(1))(1) == 1


def test_perturbation_confusion_with_gradient_and_derivative():
    assert ad.derivative(lambda x: x * ad.derivative(lambda y: x + y, 1.0), 1.0) == 1
    assert ad.gradient(lambda x: x * ad.gradient(lambda y: x + y, 1.0)[0], 1.0) == (1,)
    assert ad.gradient(lambda x: x * ad.derivative(lambda y: x + y, 1.0), 1.0) == (1,)
    assert ad.derivative(lambda x: x * ad.gradient(lambda y: x + y, 1.0)[0], 1.0) == 1


@pytest.mark.parametrize("outer, inner", NESTINGS.values(), ids=NESTINGS.keys())
def test_inner_derivative_that_depends_on_the_outer_variable(outer, inner):
    # d/dx [x * d/dy (x*y)](y=2) = d/dx x**2 = 2x; at x = 3: 6
    assert outer(lambda x: x * inner(lambda y: x * y)(2.0))(3.0) == pytest.approx(6.0)
    # d/dx d/dy [sin(x*y)] at y = x: the inner derivative is x cos(x*y) evaluated at y=x,
    # so the outer one differentiates x cos(x**2): cos(x**2) - 2 x**2 sin(x**2)
    x = 0.7
    got = outer(lambda x: inner(lambda y: ad.sin(x * y))(x))(x)
    assert got == pytest.approx(math.cos(x * x) - 2 * x * x * math.sin(x * x), rel=1e-13)


# Second derivatives of scalar functions in every combination, against closed forms.
SCALAR = [
    (lambda x: x ** 3, lambda x: 6 * x, 1.3),
    (lambda x: ad.exp(ad.sin(x)), lambda x: math.exp(math.sin(x)) * (math.cos(x) ** 2
                                                                      - math.sin(x)), 0.4),
    (lambda x: ad.log(x) * x, lambda x: 1 / x, 2.5),
    (lambda x: ad.tanh(x), lambda x: -2 * math.tanh(x) * (1 - math.tanh(x) ** 2), 0.3),
    (lambda x: 1 / (1 + x * x), lambda x: (6 * x * x - 2) / (1 + x * x) ** 3, 0.8),
    (lambda x: ad.sqrt(x) ** 3, lambda x: 0.75 / math.sqrt(x), 2.0),
]


@pytest.mark.parametrize("f, d2f, x", SCALAR)
@pytest.mark.parametrize("outer, inner", NESTINGS.values(), ids=NESTINGS.keys())
def test_second_derivatives(f, d2f, x, outer, inner):
    assert outer(inner(f))(x) == pytest.approx(d2f(x), rel=1e-12)


def test_third_derivative_by_mixed_nesting():
    # d3/dx3 sin(2x) = -8 cos(2x)
    x = 0.3
    expected = -8 * math.cos(2 * x)
    f = lambda x: ad.sin(2 * x)
    for third in (ad.D(ad.D(ad.D(f))), ad.grad(ad.grad(ad.grad(f))),
                  ad.D(ad.grad(ad.D(f))), ad.grad(ad.D(ad.grad(f)))):
        assert third(x) == pytest.approx(expected, rel=1e-12)


def test_hessian_of_a_function_of_two_variables():
    # f(x) = x0**2 x1 + sin(x0 x1)
    def f(x):
        return x[0] ** 2 * x[1] + ad.sin(x[0] * x[1])

    x0, x1 = 0.6, -1.1
    s, c = math.sin(x0 * x1), math.cos(x0 * x1)
    expected = np.array([[2 * x1 - x1 ** 2 * s, 2 * x0 + c - x0 * x1 * s],
                         [2 * x0 + c - x0 * x1 * s, -x0 ** 2 * s]])
    x = np.array([x0, x1])
    np.testing.assert_allclose(ad.hessian(f)(x), expected, rtol=1e-12)
    np.testing.assert_allclose(ad.jacfwd(ad.grad(f))(x), expected, rtol=1e-12)
    np.testing.assert_allclose(ad.jacrev(ad.grad(f))(x), expected, rtol=1e-12)


def test_grad_of_grad_with_two_arguments():
    # f(x, y) = x**2 * y**3; d/dy [df/dx] = 6 x y**2
    f = lambda x, y: x ** 2 * y ** 3
    dfdx = ad.grad(f, 0)
    assert ad.grad(dfdx, 1)(1.5, 2.0) == pytest.approx(6 * 1.5 * 4.0, rel=1e-14)
    assert ad.gradient(lambda x, y: ad.gradient(f, x, y)[0], 1.5, 2.0) == (
        pytest.approx(2 * 8.0, rel=1e-14), pytest.approx(6 * 1.5 * 4.0, rel=1e-14))


def test_derivative_of_a_function_that_closes_over_an_inner_derivative():
    # g(a) = argument-free use of an inner gradient: d/da [grad_x (a x**2)](x=3) = 6
    def g(a):
        return ad.grad(lambda x: a * x ** 2)(3.0)

    assert ad.D(g)(2.0) == pytest.approx(6.0)
    assert ad.grad(g)(2.0) == pytest.approx(6.0)
