"""Forward mode: dual numbers carry a tangent next to every value.

``D(f)(x)`` runs ``f`` on ``Dual(x, 1)`` under a fresh level and reads the tangent of the
result: the slide's ``D(f, x) = f(Dual(x, one(x))).ϵ``, with a tag per call so that
``D(x -> x * D(y -> x + y)(1))(1)`` is 1, not 2.
"""

from __future__ import annotations

import functools

import numpy as np

from . import fastpaths, trees
from .calls import call, plain, split_aux, with_dtype_of
from .errors import InputError
from .levels import Level
from .operators import Operators
from .primitives import ADValue, alive, apply_rule, apply_rule_as_numpy, bind, strip
from .rules import broadcast_like, is_complex


class Dual(Operators):
    """A dual number ``primal + tangent·ε``; works for scalars and arrays."""

    __slots__ = ("primal", "tangent", "_level")

    def __init__(self, primal, tangent, level: "ForwardLevel | None" = None):
        self.primal = primal
        self.tangent = tangent
        if level is None:                 # made by hand: check (and spread) the tangent
            self._level = USER_LEVEL
            self.tangent = _matching_tangent(primal, tangent)
        else:
            self._level = level

    def __repr__(self):
        if self._level.done:                 # escaped its call: a plain value now
            return repr(self.primal)
        return f"Dual({self.primal!r}, {self.tangent!r})"


fastpaths.install(Dual, "dual")


class ForwardLevel(Level):
    """One forward-mode transformation: adds up jvp contributions of its own duals."""

    __slots__ = ()

    def process(self, prim, args, params):
        primals = list(args)
        tangents = None
        for i, a in enumerate(args):
            if type(a) is Dual and a._level is self:
                primals[i] = a.primal
                if tangents is None:
                    tangents = [None] * len(args)
                tangents[i] = a.tangent
            elif isinstance(a, ADValue) and a._level.done:
                primals[i] = alive(a)
        ans = bind(prim, *primals, **params)
        if tangents is None:
            return ans
        total = None
        for i, t in enumerate(tangents):
            if t is not None:
                c = apply_rule(prim.jvp_rule(i), t, ans, primals, params)
                total = c if total is None else total + c
        return Dual(ans, total, self)


def check_direction(primal, tangent):
    """A real value moves only along the real line: a complex tangent needs a complex
    primal (``Dual(2.0 + 0j, 1j)``), else the result would mean nothing."""
    if is_complex(tangent) and not is_complex(primal):
        raise InputError("a real value has a real tangent; to move it in a complex "
                         "direction make it complex first (x + 0j)")


def _matching_tangent(primal, tangent):
    """A hand-made dual's tangent has the primal's shape; a number is spread over an array
    (``Dual(np.array([1., 2.]), 1.0)`` moves every element at speed 1)."""
    check_direction(primal, tangent)
    p_shape, t_shape = np.shape(strip(primal)), np.shape(strip(tangent))
    if p_shape == t_shape:
        return tangent
    if t_shape == ():
        return tangent * np.ones(p_shape)
    raise InputError(f"a Dual's tangent has the shape of its primal: got {t_shape} for a "
                     f"primal of shape {p_shape}")


# Duals made by hand (``Dual(3.0, 1.0)``) share this outermost level.
USER_LEVEL = ForwardLevel(id=0)


def one_like(x):
    """The unit tangent for ``x``: 1 for ints, 1.0 for floats, ones for arrays. For a
    complex ``x`` it is the real direction, so ``D(f)(z)`` is f'(z) for holomorphic f."""
    v = strip(x)
    if isinstance(v, (bool, np.bool_)):
        raise InputError("a bool has no derivative; pass a number or an array")
    if isinstance(v, (int, np.integer)):
        return 1
    if isinstance(v, (float, np.floating, complex, np.complexfloating)):
        return 1.0
    if isinstance(v, np.ndarray) and v.dtype.kind in "fiuc":
        return np.ones(v.shape)
    raise InputError(f"cannot differentiate with respect to a {type(v).__name__}; "
                     "pass a number or a numeric array")


def zero_like(x):
    """The zero tangent/cotangent for ``x``."""
    v = strip(x)
    if isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_)):
        return 0
    if isinstance(v, (float, np.floating)):
        return 0.0
    if isinstance(v, (complex, np.complexfloating)):
        return 0j
    if isinstance(v, np.ndarray) and v.dtype.kind in "fc":
        return np.zeros(v.shape, dtype=v.dtype)
    return np.zeros(np.shape(v))


def tangent_of(out, level):
    """The tangent of an output at ``level`` (zero if it does not depend on the input),
    in the output's floating dtype."""
    def leaf(o):
        if type(o) is Dual and o._level is level:
            t = with_dtype_of(broadcast_like(o.tangent, o.primal), o.primal)
            if type(o.primal) is not float and is_complex(o.primal) and not is_complex(t):
                t = t + 0j                # a complex output has a complex tangent
            return np.array(t) if type(t) is np.ndarray and not t.flags.writeable else t
        return zero_like(o) if trees.is_differentiable(o) else None
    return trees.map_structure(leaf, out)


def primal_of(out, level):
    def leaf(o):
        return o.primal if type(o) is Dual and o._level is level else o
    return trees.map_structure(leaf, out)


def D(f):
    """The derivative function of ``f`` (forward mode), w.r.t. its first argument.

    ``D(D(f))`` is the second derivative. For an array ``x`` the tangent is all ones,
    which is the elementwise derivative when ``f`` acts elementwise. Further positional
    and keyword arguments are held constant. At a complex ``x`` it is the derivative
    along the real direction (the dual number's ε-part): f'(z) for holomorphic f, and
    df/dx for a real-valued f (``ad.grad`` and ``ad.jacfwd`` give df/dx - i df/dy there).
    """
    @functools.wraps(f)
    def df(x, *args, **kwargs):
        level = ForwardLevel()
        out = call(f, (Dual(x, one_like(x), level),) + args, kwargs, level)
        return tangent_of(out, level)
    name = getattr(f, "__name__", "f")
    df.__name__ = df.__qualname__ = f"D({name})"
    return df


def derivative(f, x, *args, **kwargs):
    """f'(x) by forward mode (the slide's ``D(f, x)``)."""
    return D(f)(x, *args, **kwargs)


def jvp(f, primals, tangents, **kwargs):
    """``(f(*primals), J·tangents)``: the Jacobian-vector product, in one forward pass.
    Keyword arguments are passed to ``f`` and held constant."""
    out, tangent, _ = jvp_with_aux(f, primals, tangents, kwargs, False)
    return out, tangent


def jvp_with_aux(f, primals, tangents, kwargs, has_aux):
    """``(output, J·tangents, aux)`` in one forward pass (``aux`` is None without
    ``has_aux``); what ``jvp`` and ``jacfwd`` share."""
    primals, tangents = tuple(primals), tuple(tangents)
    if len(primals) != len(tangents):
        raise InputError(f"jvp got {len(primals)} primals but {len(tangents)} tangents")
    level = ForwardLevel()
    args = []
    for k, (p, t) in enumerate(zip(primals, tangents)):
        flat_t = iter(trees.align_leaves(t, p, "tangent", f" of argument {k}"))

        def wrap(leaf, _name, flat_t=flat_t):
            tangent = next(flat_t)
            if tangent is None or not trees.is_differentiable(leaf):
                return leaf
            check_direction(leaf, tangent)
            return Dual(leaf, tangent, level)
        args.append(trees.map_leaves(wrap, p, "x"))
    out, aux = split_aux(call(f, args, kwargs, level), has_aux, "jacfwd")
    return primal_of(out, level), tangent_of(out, level), plain(aux, level)


def push_tangents(trace, seeds: dict, on_step=None) -> list:
    """Replay a recorded trace in forward mode with the same jvp rules.

    ``seeds`` maps input node indices to tangents. ``on_step(node, position, parent,
    contribution, total)`` is called for every jvp contribution, in order.
    Returns the tangent of every node (``None`` where it is zero).
    """
    tangents = [None] * len(trace)
    numpy_nodes = trace.numpy_nodes
    for i, (prim, args, params, value, parents) in enumerate(trace.records()):
        if prim is None:
            tangents[i] = seeds.get(i)
            continue
        total = None
        run = apply_rule_as_numpy if i in numpy_nodes else apply_rule
        for position, parent in parents:
            t = tangents[parent]
            if t is None:
                continue
            c = run(prim.jvp_rule(position), t, value, args, params)
            total = c if total is None else total + c
            if on_step is not None:
                on_step(i, position, parent, c, total)
        tangents[i] = total
    return tangents
