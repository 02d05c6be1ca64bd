"""Special functions for a statistics lecture: ``erf``, ``lgamma`` and the polygamma
functions that are their derivatives' building blocks.

NumPy has no ufuncs for them, so they are ``ad.erf`` and ``ad.lgamma`` (like ``math.erf``
and ``math.lgamma`` on Python numbers, elementwise on arrays). d lgamma / dx is the
digamma function ψ = polygamma(0, x), and d polygamma(n, x) / dx = polygamma(n + 1, x):
one row with the order as a parameter, so every derivative order is a row again.
"""

from __future__ import annotations

import math

import numpy as np

from .primitives import defprim, numpy_semantics
from .rules import exp

TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


def _elementwise_math(math_fn, name):
    """``math_fn`` on Python numbers (its domain errors raise, as in Python), elementwise
    on arrays (a domain error gives nan or inf with a RuntimeWarning, as NumPy does)."""
    def on_number(x):
        try:
            return math_fn(x)
        except (ValueError, OverflowError):
            with np.errstate(all="warn"):
                return float(np.float64(np.inf) if math_fn is math.lgamma else np.nan)

    vectorised = np.vectorize(on_number, otypes=[float])

    def impl(x):
        if type(x) is float or type(x) is int:
            if numpy_semantics:
                return on_number(x)
            return math_fn(x)
        out = vectorised(x)
        kind = np.result_type(x)
        if kind.kind == "f" and kind != out.dtype:        # float32 in, float32 out
            out = out.astype(kind)
        return out if np.ndim(x) else out[()]
    impl.__name__ = name
    return impl


# Bernoulli numbers B2 ... B16 for the asymptotic series of the polygamma functions.
_BERNOULLI = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510)


def _polygamma_impl(x, n):
    """ψ⁽ⁿ⁾(x): shift x up with the recurrence ψ⁽ⁿ⁾(x) = ψ⁽ⁿ⁾(x + 1) + (-1)ⁿ⁺¹ n! / xⁿ⁺¹
    until it is large, then sum the asymptotic series. Poles (0, -1, ...) give inf/nan."""
    scalar = type(x) is float or type(x) is int or np.ndim(x) == 0
    z = np.array(x, dtype=float, ndmin=1)
    sign = -1.0 if n % 2 == 0 else 1.0              # (-1)^(n+1)
    factorial = math.factorial(n)
    total = np.zeros_like(z)
    large = 16.0 + n
    with np.errstate(divide="ignore", invalid="ignore"):
        for _ in range(int(max(0.0, large - np.nanmin(z, initial=large))) + 1):
            small = z < large
            if not small.any():
                break
            total += np.where(small, sign * factorial / z ** (n + 1), 0.0)
            z = np.where(small, z + 1.0, z)
        if n == 0:
            series = np.log(z) - 0.5 / z
            for k, b in enumerate(_BERNOULLI, start=1):
                series -= b / (2 * k * z ** (2 * k))
        else:
            series = math.factorial(n - 1) / z ** n + factorial / (2 * z ** (n + 1))
            for k, b in enumerate(_BERNOULLI, start=1):
                series += b * math.factorial(2 * k + n - 1) / (math.factorial(2 * k)
                                                               * z ** (2 * k + n))
            series = sign * series
        out = series + total
    poles = (np.asarray(x, dtype=float) <= 0) & (np.asarray(x, dtype=float) == np.round(x))
    out = np.where(np.reshape(poles, out.shape), np.inf if n % 2 else np.nan, out)
    if scalar:
        return float(out[0])
    kind = np.result_type(x)
    return out.reshape(np.shape(x)).astype(kind if kind.kind == "f" else float)


polygamma = defprim(
    "polygamma", _polygamma_impl,
    jvp=lambda t, ans, x, n: t * polygamma(x, n=n + 1),
    vjp=lambda g, ans, x, n: g * polygamma(x, n=n + 1),
)

erf = defprim(
    "erf", _elementwise_math(math.erf, "erf"),
    jvp=lambda t, ans, x: t * (TWO_OVER_SQRT_PI * exp(-(x * x))),
    vjp=lambda g, ans, x: g * (TWO_OVER_SQRT_PI * exp(-(x * x))),
)

lgamma = defprim(
    "lgamma", _elementwise_math(math.lgamma, "lgamma"),
    jvp=lambda t, ans, x: t * polygamma(x, n=0),
    vjp=lambda g, ans, x: g * polygamma(x, n=0),
)


def digamma(x):
    """ψ(x) = d lgamma(x) / dx, differentiable."""
    return polygamma(x, n=0)


# No NumPy entries: NumPy has no erf or lgamma.
UFUNCS: dict = {}
FUNCTIONS: dict = {}
METHODS: dict = {}

# ``ad.<name>`` (and known to ``%%autodiff`` and the CLI).
PUBLIC = ("erf", "lgamma", "digamma")

# source_grad reads the ``math`` functions as these rows.
SOURCE_ROWS = {math.erf: erf, math.lgamma: lgamma}
SCALAR_ROWS = frozenset((erf, lgamma, polygamma))
