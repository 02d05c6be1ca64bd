"""User-defined derivative rules: ``@adjoint`` (Zygote's) and ``@tangent``.

Both add a row to the same primitive table, so a ruled function is one node in a trace
and its rule is used by every mode. The mode a user did not write a rule for is derived
by transposing the given one with reverse mode (a pullback is linear in its cotangent,
a tangent rule is linear in its tangents), so ``check_grads`` can compare the two.
"""

from __future__ import annotations

import functools
import inspect

import numpy as np

from .primitives import PRIMITIVES, bind, defprim, strip
from .rules import shape
from .rules_numpy import sum as _sum


def _vdot(a, b):
    """<a, b>, differentiably."""
    if shape(a) == () and shape(b) == ():
        return a * b
    return _sum(a * b)


def _zero_like(x):
    v = strip(x)
    if isinstance(v, np.ndarray):
        return np.zeros(v.shape)
    return 0.0


def _transpose(linear, x_like, cotangent):
    """Given ``linear`` (a linear map of one argument shaped like ``x_like``), return its
    transpose applied to ``cotangent``: the gradient of <cotangent, linear(x)> in x."""
    from .reverse import gradient
    g = gradient(lambda x: _vdot(cotangent, linear(x)), _zero_like(x_like))[0]
    return _zero_like(x_like) if g is None else g


def _row_name(fn) -> str:
    name = fn.__name__
    existing = PRIMITIVES.get(name)
    if existing is not None and not existing.user:
        name = f"{fn.__module__}.{fn.__qualname__}"
    return name


def _n_positional(fn) -> int | None:
    """How many positional arguments ``fn`` takes (None if it takes ``*args``)."""
    params = inspect.signature(fn).parameters.values()
    if any(p.kind == p.VAR_POSITIONAL for p in params):
        return None
    return sum(p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) for p in params)


class _Pullback:
    """A user's pullback; remembers its last answer, since every argument asks for it."""

    def __init__(self, pullback):
        self.pullback = pullback
        self.last = None

    def __call__(self, g):
        if self.last is None or self.last[0] is not g:
            result = self.pullback(g)
            if not isinstance(result, tuple):
                raise TypeError(f"a pullback must return a tuple with one entry per "
                                f"argument, got {type(result).__name__}")
            self.last = (g, result)
        return self.last[1]


def _rules(n, make):
    from .rules_numpy import _PerArgument
    return _PerArgument(make) if n is None else tuple(make(i) for i in range(n))


def adjoint(fn):
    """Give ``fn`` a reverse-mode rule: ``fn(*args)`` returns ``(value, pullback)`` and
    ``pullback(Δ)`` returns one cotangent per argument (``None`` for none), like Zygote's
    ``@adjoint add(a, b) = add(a, b), Δ -> (Δ, Δ)``. Calling the decorated function
    returns just the value."""
    n = _n_positional(fn)

    def forward_pass(*args):
        value, pullback = fn(*args)
        return value, _Pullback(pullback)

    def vjp(i):
        def rule(g, ans, *args, _pullback=None):
            pb = _pullback if _pullback is not None else forward_pass(*args)[1]
            c = pb(g)[i]
            return _zero_like(args[i]) if c is None else c
        return rule

    def jvp(i):
        def rule(t, ans, *args, _pullback=None):
            pb = _pullback if _pullback is not None else forward_pass(*args)[1]
            return _transpose(lambda g: _nonone(pb(g)[i], args[i]), ans, t)
        return rule

    prim = defprim(_row_name(fn), lambda *args: fn(*args)[0], jvp=_rules(n, jvp),
                   vjp=_rules(n, vjp), display=fn.__name__ + "({args})",
                   forward_pass=forward_pass, user=True)
    return _decorated(fn, prim)


def tangent(fn):
    """Give ``fn`` a forward-mode rule: ``fn(primals, tangents)`` returns
    ``(value, tangent_out)``. Calling the decorated function ``f(*primals)`` returns the
    value; reverse mode transposes the tangent rule."""
    def value_of(*args):
        return fn(args, tuple(_zero_like(a) for a in args))[0]

    def jvp(i):
        def rule(t, ans, *args):
            tangents = tuple(t if j == i else _zero_like(a) for j, a in enumerate(args))
            return fn(args, tangents)[1]
        return rule

    def vjp(i):
        def rule(g, ans, *args):
            def linear(t):
                tangents = tuple(t if j == i else _zero_like(a) for j, a in enumerate(args))
                return fn(args, tangents)[1]
            return _transpose(linear, args[i], g)
        return rule

    prim = defprim(_row_name(fn), value_of, jvp=_rules(None, jvp), vjp=_rules(None, vjp),
                   display=fn.__name__ + "({args})", user=True)
    ruled = _decorated(fn, prim)
    # It is called with the primals only: f(x, y), not f(primals, tangents).
    del ruled.__wrapped__
    ruled.__signature__ = inspect.Signature(
        [inspect.Parameter("x", inspect.Parameter.VAR_POSITIONAL)])
    return ruled


def _nonone(c, like):
    return _zero_like(like) if c is None else c


def _decorated(fn, prim):
    @functools.wraps(fn)
    def ruled(*args):
        return bind(prim, *args)
    ruled.primitive = prim
    return ruled
