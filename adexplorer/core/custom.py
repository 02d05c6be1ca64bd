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

from .errors import InputError
from .primitives import bind, defprim, strip
from .rules import shape
from .reverse import gradient
from .rules_numpy import PerArgument
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
    g = gradient(lambda x: _vdot(cotangent, linear(x)), _zero_like(x_like))[0]
    return _zero_like(x_like) if g is None else g


def _row_key(fn) -> str:
    """Where a user row lives in the table: its module and qualified name, so a user's
    ``add`` is the row named ``add`` in traces without replacing the built-in ``add``."""
    return f"user:{fn.__module__}.{fn.__qualname__}"


def _n_positional(fn) -> int | None:
    """How many positional arguments ``fn`` takes (None if it takes ``*args``)."""
    params = inspect.signature(fn).parameters.values()
    if any(p.kind == p.VAR_POSITIONAL for p in params):
        return None
    return sum(p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) for p in params)


class _Pullback:
    """A user's pullback; remembers its last answer, since every argument asks for it,
    and checks that it has one cotangent per argument, shaped like it."""

    def __init__(self, pullback, name, args):
        self.pullback = pullback
        self.name = name
        self.shapes = [np.shape(strip(a)) for a in args]
        self.last = None

    def __call__(self, g):
        last = self.last
        if last is None or last[0] is not g or (isinstance(g, np.ndarray)
                                                and not np.array_equal(last[1], g)):
            result = self.pullback(g)
            if not isinstance(result, tuple) or len(result) != len(self.shapes):
                got = (f"{len(result)} entries" if isinstance(result, tuple)
                       else f"a {type(result).__name__}")
                raise InputError(f"the pullback of {self.name} must return a tuple with one "
                                 f"cotangent per argument ({len(self.shapes)}), got {got}")
            for k, (c, s) in enumerate(zip(result, self.shapes)):
                if c is not None and np.shape(strip(c)) != s:
                    raise InputError(f"the pullback of {self.name} returned shape "
                                     f"{np.shape(strip(c))} for argument {k + 1}, which has "
                                     f"shape {s}")
            self.last = (g, np.array(g) if isinstance(g, np.ndarray) else None, result)
            return result
        return last[2]


def _rules(n, make):
    return PerArgument(make) if n is None else tuple(make(i) for i in range(n))


def adjoint(fn):
    """Give ``fn`` a reverse-mode rule: ``fn(*args)`` returns ``(value, pullback)`` and
    ``pullback(Δ)`` returns one cotangent per argument (``None`` for none), like Zygote's
    ``@adjoint add(a, b) = add(a, b), Δ -> (Δ, Δ)``. Calling the decorated function
    returns just the value."""
    n = _n_positional(fn)

    def forward_pass(*args):
        value, pullback = fn(*args)
        return value, _Pullback(pullback, fn.__name__, args)

    def vjp(i):
        def rule(g, ans, *args, _pullback=None):
            pb = _pullback if _pullback is not None else forward_pass(*args)[1]
            return pb(g)[i]               # None: no cotangent for this argument
        return rule

    def jvp(i):
        def rule(t, ans, *args, _pullback=None):
            pb = _pullback if _pullback is not None else forward_pass(*args)[1]
            return _transpose(lambda g: _nonone(pb(g)[i], args[i]), ans, t)
        return rule

    prim = defprim(fn.__name__, lambda *args: fn(*args)[0], key=_row_key(fn),
                   jvp=_rules(n, jvp), vjp=_rules(n, vjp), forward_pass=forward_pass,
                   user=True)
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

    prim = defprim(fn.__name__, value_of, key=_row_key(fn), jvp=_rules(None, jvp),
                   vjp=_rules(None, vjp), user=True)
    # It is called with the primals only, f(x, ...), not f(primals, tangents).
    @functools.wraps(fn)
    def ruled(*args):
        return bind(prim, *args)
    del ruled.__wrapped__
    ruled.__signature__ = inspect.Signature(
        [inspect.Parameter("x", inspect.Parameter.POSITIONAL_ONLY),
         inspect.Parameter("more", inspect.Parameter.VAR_POSITIONAL)])
    ruled.primitive = prim
    return ruled


def _nonone(c, like):
    return _zero_like(like) if c is None else c


def _decorated(fn, prim):
    signature = inspect.signature(fn)

    @functools.wraps(fn)
    def ruled(*args, **kwargs):
        if kwargs:                        # the row takes its arguments by position
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            args = bound.args
        return bind(prim, *args)
    ruled.primitive = prim
    return ruled
