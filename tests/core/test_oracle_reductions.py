"""HIPS autograd as an oracle for the reductions family: a zoo of functions using prod,
cumsum, cumprod, var, std, average, logsumexp, nansum, nanmean, ptp and diff, each written
for adexplorer (NumPy) and for ``autograd.numpy``. Gradients, vjps (random cotangents)
and jvps (random tangents) agree with autograd's grad, make_vjp and make_jvp to 1e-9.

Where autograd has no rule (cumprod, average, nansum, ptp) or divides by the input
(prod at a zero), its side is written with operations it does differentiate."""

from collections import namedtuple

import numpy as np
import pytest

autograd = pytest.importorskip("autograd")
import autograd.numpy as anp
from autograd.scipy.special import logsumexp as their_logsumexp

import adexplorer as ad

from .oracle_tools import assert_close

rng = np.random.default_rng(20261206)
Case = namedtuple("Case", "ours theirs args")


def r(*shape, lo=-1.0, hi=1.0):
    return rng.uniform(lo, hi, size=shape)


MASK = rng.uniform(size=(3, 4)) > 0.3
W5 = r(5, lo=0.5, hi=2.0)
W4 = r(4, lo=0.5, hi=2.0)
LABELS = np.eye(4)[[2, 0, 3]]
ZERO_V = np.array([0.8, -1.3, 0.0, 1.7, 0.6])
ZERO_M = np.array([[0.7, 0.0, -1.3, 0.9], [1.1, -0.6, 0.8, 1.4], [0.0, 0.5, 1.2, 0.0]])


def their_product(x):
    """Π x by repeated multiplication: right at zeros (autograd's prod divides by x)."""
    out = x[0]
    for i in range(1, len(x)):
        out = out * x[i]
    return out


def their_cumprod(x):
    out = [x[0]]
    for i in range(1, len(x)):
        out.append(out[-1] * x[i])
    return anp.stack(out)


def without_nan(x):
    return anp.where(anp.isnan(x), 0.0, x)


ZOO = {
    # prod
    "prod": Case(lambda x: np.prod(x), lambda x: anp.prod(x), (r(6, lo=0.5, hi=1.5),)),
    "prod over rows": Case(lambda M: np.sum(np.prod(M, axis=0) ** 2),
                           lambda M: anp.sum(anp.prod(M, axis=0) ** 2), (r(3, 4),)),
    "prod with a zero": Case(lambda x: np.prod(x), their_product, (ZERO_V,)),
    "prod with zeros along an axis": Case(lambda M: np.prod(M, axis=1),
                                          lambda M: M[:, 0] * M[:, 1] * M[:, 2] * M[:, 3],
                                          (ZERO_M,)),
    "prod axis tuple keepdims": Case(
        lambda T: np.sin(np.prod(T, axis=(0, 2), keepdims=True)),
        lambda T: anp.sin(anp.prod(anp.prod(T, axis=2, keepdims=True), axis=0, keepdims=True)),
        (r(2, 3, 2, lo=0.5, hi=1.5),)),
    "x.prod method": Case(lambda M: M.prod(axis=1) @ np.arange(1.0, 4.0),
                          lambda M: anp.dot(anp.prod(M, axis=1), anp.arange(1.0, 4.0)),
                          (r(3, 4),)),
    # cumsum, cumprod, diff
    "cumsum": Case(lambda x: np.sum(np.cumsum(x) ** 2), lambda x: anp.sum(anp.cumsum(x) ** 2),
                   (r(6),)),
    "cumsum along rows": Case(lambda M: np.tanh(np.cumsum(M, axis=1)),
                              lambda M: anp.tanh(anp.cumsum(M, axis=1)), (r(3, 4),)),
    "x.cumsum method flattened": Case(lambda M: M.cumsum() * np.arange(12.0),
                                      lambda M: anp.cumsum(M) * anp.arange(12.0), (r(3, 4),)),
    "cumsum then diff": Case(lambda x: np.sum(np.diff(np.cumsum(x) ** 2, n=2) ** 2),
                             lambda x: anp.sum(anp.diff(anp.cumsum(x) ** 2, n=2) ** 2), (r(7),)),
    "running mean": Case(lambda x: np.cumsum(x) / np.arange(1.0, 7.0),
                         lambda x: anp.cumsum(x) / anp.arange(1.0, 7.0), (r(6),)),
    "diff n=2 along axis 0": Case(lambda M: np.diff(M, n=2, axis=0) ** 3,
                                  lambda M: anp.diff(M, n=2, axis=0) ** 3, (r(5, 3),)),
    "diff with prepend and append": Case(
        lambda x: np.sum(np.diff(x, prepend=0.5, append=1.0) ** 2),
        lambda x: anp.sum(anp.diff(anp.concatenate([anp.array([0.5]), x, anp.array([1.0])])) ** 2),
        (r(5),)),
    "cumprod of positives": Case(lambda x: np.cumprod(x),
                                 lambda x: anp.exp(anp.cumsum(anp.log(x))),
                                 (r(5, lo=0.5, hi=1.5),)),
    "np.gradient": Case(lambda x: np.gradient(x) ** 2, lambda x: anp.gradient(x) ** 2, (r(6),)),
    "np.gradient of a matrix along an axis": Case(lambda M: np.sin(np.gradient(M, axis=0)),
                                                  lambda M: anp.sin(anp.gradient(M, axis=0)),
                                                  (r(4, 3),)),
    "cumprod through a zero": Case(lambda x: np.cumprod(x) * np.arange(1.0, 6.0),
                                   lambda x: their_cumprod(x) * anp.arange(1.0, 6.0), (ZERO_V,)),
    # var and std
    "var": Case(lambda x: np.var(x), lambda x: anp.var(x), (r(7),)),
    "var along rows ddof": Case(lambda M: np.var(M, axis=1, ddof=1),
                                lambda M: anp.var(M, axis=1, ddof=1), (r(3, 5),)),
    "var axis tuple keepdims": Case(lambda T: np.exp(np.var(T, axis=(0, 2), keepdims=True)),
                                    # autograd's forward-mode var fails on a tuple
                                    # of axes: the axes are merged into one for it
                                    lambda T: anp.exp(anp.reshape(anp.var(anp.reshape(
                                        anp.transpose(T, (1, 0, 2)), (3, 8)), axis=1),
                                        (1, 3, 1))),
                                    (r(2, 3, 4),)),
    "std": Case(lambda x: np.std(x), lambda x: anp.std(x), (r(6),)),
    "std along columns ddof": Case(lambda M: np.std(M, axis=0, ddof=1),
                                   lambda M: anp.std(M, axis=0, ddof=1), (r(4, 3),)),
    "x.var and x.std methods": Case(lambda M: np.sum(M.var(axis=0) * M.std(axis=0)),
                                    lambda M: anp.sum(anp.var(M, axis=0) * anp.std(M, axis=0)),
                                    (r(4, 3),)),
    "standardising with mean and std": Case(
        lambda M: np.sum(((M - np.mean(M, axis=1, keepdims=True))
                          / np.std(M, axis=1, keepdims=True)) ** 3),
        lambda M: anp.sum(((M - anp.mean(M, axis=1, keepdims=True))
                           / anp.std(M, axis=1, keepdims=True)) ** 3),
        (r(3, 5),)),
    "layer norm with var": Case(
        lambda M, g: ((M - np.mean(M, axis=-1, keepdims=True))
                      / np.sqrt(np.var(M, axis=-1, keepdims=True) + 1e-5)) * g,
        lambda M, g: ((M - anp.mean(M, axis=-1, keepdims=True))
                      / anp.sqrt(anp.var(M, axis=-1, keepdims=True) + 1e-5)) * g,
        (r(3, 4), r(4))),
    "gaussian likelihood with fitted scale": Case(
        lambda x: -0.5 * np.sum(((x - np.mean(x)) / np.std(x, ddof=1)) ** 2)
        - x.size * np.log(np.std(x, ddof=1)),
        lambda x: -0.5 * anp.sum(((x - anp.mean(x)) / anp.std(x, ddof=1)) ** 2)
        - x.size * anp.log(anp.std(x, ddof=1)),
        (r(8),)),
    # logsumexp and softmax
    "logsumexp": Case(lambda x: ad.logsumexp(x), lambda x: their_logsumexp(x), (r(6),)),
    "logsumexp of large values": Case(lambda x: ad.logsumexp(x * 500.0),
                                      lambda x: their_logsumexp(x * 500.0), (r(5),)),
    "logsumexp over rows keepdims": Case(lambda M: ad.logsumexp(M, axis=1, keepdims=True),
                                         lambda M: their_logsumexp(M, axis=1, keepdims=True),
                                         (r(3, 4),)),
    "softmax from logsumexp": Case(lambda z: np.exp(z - ad.logsumexp(z)),
                                   lambda z: anp.exp(z - their_logsumexp(z)), (r(5),)),
    "log-softmax cross-entropy": Case(
        lambda Z: -np.sum(LABELS * (Z - ad.logsumexp(Z, axis=1, keepdims=True))),
        lambda Z: -anp.sum(LABELS * (Z - their_logsumexp(Z, axis=1, keepdims=True))),
        (r(3, 4, lo=-3, hi=3),)),
    "logsumexp of a cumsum": Case(lambda x: ad.logsumexp(np.cumsum(x)),
                                  lambda x: their_logsumexp(anp.cumsum(x)), (r(6),)),
    # average, nansum, nanmean, ptp
    "average with fixed weights": Case(lambda x: np.average(x, weights=W5) ** 2,
                                       lambda x: (anp.sum(x * W5) / anp.sum(W5)) ** 2, (r(5),)),
    "average in data and weights": Case(lambda x, w: np.average(np.sin(x), weights=w),
                                        lambda x, w: anp.sum(anp.sin(x) * w) / anp.sum(w),
                                        (r(5), r(5, lo=0.5, hi=2.0))),
    "average along an axis": Case(lambda M: np.average(M, axis=1, weights=W4),
                                  lambda M: anp.dot(M, W4) / anp.sum(W4), (r(3, 4),)),
    "nansum": Case(lambda M: np.nansum(np.where(MASK, M, np.nan) ** 2, axis=0),
                   lambda M: anp.sum(without_nan(anp.where(MASK, M, np.nan) ** 2), axis=0),
                   (r(3, 4),)),
    "nanmean": Case(lambda M: np.nanmean(np.where(MASK, M, np.nan)) ** 2,
                    lambda M: (anp.sum(without_nan(anp.where(MASK, M, np.nan)))
                               / np.sum(MASK)) ** 2, (r(3, 4),)),
    "ptp": Case(lambda M: np.ptp(M, axis=1) ** 2,
                lambda M: (anp.max(M, axis=1) - anp.min(M, axis=1)) ** 2, (r(3, 4),)),
}


def test_the_zoo_is_large_enough():
    assert len(ZOO) >= 30


def random_like(value):
    return rng.standard_normal(np.shape(value)) if np.ndim(value) else float(rng.standard_normal())


@pytest.mark.parametrize("case", ZOO.values(), ids=ZOO.keys())
def test_value_and_gradient_agree_with_autograd(case):
    value = case.ours(*case.args)
    assert_close(value, case.theirs(*case.args), "value")
    u = random_like(value)                     # an array output is weighted to a scalar
    ours = ad.gradient(lambda *a: np.sum(case.ours(*a) * u), *case.args)
    for i in range(len(case.args)):
        theirs = autograd.grad(lambda *a: anp.sum(case.theirs(*a) * u), i)(*case.args)
        assert ours[i] is not None, f"argument {i}: no gradient"
        assert_close(ours[i], theirs, f"gradient of argument {i}")


@pytest.mark.parametrize("case", ZOO.values(), ids=ZOO.keys())
def test_vjp_agrees_with_autograd_make_vjp(case):
    out, pullback = ad.vjp(case.ours, *case.args)
    u = random_like(out)
    ours = pullback(u)
    for i in range(len(case.args)):
        their_pullback, their_out = autograd.make_vjp(case.theirs, i)(*case.args)
        assert_close(out, their_out, "value")
        assert_close(ours[i], their_pullback(u), f"vjp of argument {i}")


@pytest.mark.parametrize("case", ZOO.values(), ids=ZOO.keys())
def test_jvp_agrees_with_autograd_make_jvp(case):
    tangents = tuple(random_like(a) for a in case.args)
    out, tangent = ad.jvp(case.ours, case.args, tangents)
    expected = 0.0
    for i, t in enumerate(tangents):
        their_out, their_tangent = autograd.make_jvp(case.theirs, i)(*case.args)(t)
        assert_close(out, their_out, "value")
        expected = expected + their_tangent
    assert_close(tangent, expected, "jvp")
