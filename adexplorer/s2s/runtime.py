"""What generated adjoint code calls besides the rows: ``ZERO``, ``seed``, ``row_vjp``, ``tape``.

- ``ZERO`` is a symbolic zero cotangent: "nothing has reached this adjoint yet" (Zygote's
  ``nothing``, JAX's ``Zero``). ``ZERO + g`` is ``g``; any row applied to it gives
  ``ZERO``, since every vjp rule is linear in its cotangent. A gradient that is still
  ``ZERO`` at the end becomes ``None``, exactly where the tape answers ``None``.
- ``seed(y)`` is the cotangent a scalar output starts with (``1``, ``1.0``), as in
  ``ad.gradient``; a non-scalar output raises ``NotScalarOutput``.
- ``row_vjp(row, i, g, ans, *args, **params)`` runs a row's vjp rule on numbers, for rows
  whose rule does not read as plain Python text (reductions, user rules).
- ``tape(f, *args, **kwargs)`` differentiates one call by reverse mode: ``(value,
  pullback)``, the pullback giving ``ZERO`` (not ``None``) for unreached arguments.
"""

from __future__ import annotations

import numpy as np

from ..core import rules as R
from ..core import trees
from ..core.errors import NotScalarOutput
from ..core.levels import Level
from ..core.operators import Operators
from ..core.primitives import strip
from ..core.reverse import vjp as _vjp


class _ZeroLevel(Level):
    """The level of ``ZERO``: below every transformation, so it is asked last."""

    def process(self, prim, args, params):
        if prim is R.add:
            a, b = args
            return b if a is ZERO else a
        if prim is R.sub:
            a, b = args
            return a if b is ZERO else (ZERO if a is ZERO and b is ZERO else -b)
        return ZERO


class _Zero(Operators):
    """The symbolic zero cotangent (there is one, ``ZERO``)."""

    __slots__ = ()
    primal = 0.0
    _level = _ZeroLevel(id=float("-inf"))

    def __repr__(self):
        return "ZERO"

    def __bool__(self):
        return False


ZERO = _Zero()


class ComplexOutput(NotScalarOutput):
    """The output is a complex number (Python's ``(-8.0) ** 0.5`` is one)."""


def seed(y):
    """The cotangent of a scalar output: ``1`` for an int, ``1.0`` for a float."""
    t = type(y)
    if t is float:
        return 1.0
    if t is int:
        return 1
    v = strip(y)
    if np.iscomplexobj(v):
        raise ComplexOutput("source_grad needs a real output; the function returned a "
                            "complex number, whose gradient is not defined (take .real or abs)")
    if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, float, np.number, np.ndarray)):
        raise NotScalarOutput(f"source_grad needs a function that returns a number; "
                              f"it returned a {type(v).__name__}")
    if np.ndim(v) != 0:
        raise NotScalarOutput(f"source_grad needs a scalar output, but the function "
                              f"returned shape {np.shape(v)}")
    if isinstance(v, (int, np.integer)):
        return 1
    return np.ones(()) if isinstance(v, np.ndarray) else 1.0


def in_range(k, stop, step):
    """The loop condition of ``for k in range(start, stop, step)`` for a step of any sign."""
    if step > 0:
        return k < stop
    if step < 0:
        return k > stop
    raise ValueError("range() arg 3 must not be zero")


def row_vjp(row, i, g, ans, *args, **params):
    """The cotangent ``row`` sends to argument ``i``, by running its vjp rule."""
    if g is ZERO:
        return ZERO
    row = getattr(row, "primitive", row)       # ad.sin is the sin row behind a fast path
    c = row.vjp_rule(i)(g, ans, *args, **params)
    return ZERO if c is None else c            # a user pullback may send nothing back


def tape(f, *args, **kwargs):
    """``(f(*args, **kwargs), pullback)`` by the tape; the pullback returns ``ZERO`` for
    arguments the output does not depend on."""
    if kwargs:
        value, pullback = _vjp(lambda *a: f(*a, **kwargs), *args)
    else:
        value, pullback = _vjp(f, *args)

    def back(g):
        if g is ZERO:
            return (ZERO,) * len(args)
        return tuple(ZERO if c is None else c for c in pullback(g))
    return value, back


def plain_gradient(g, arg):
    """What a user gets for one argument: ``None`` for no gradient, a Python number for
    a number argument, a writeable array of its own for an array."""
    if g is ZERO or g is None or not trees.is_differentiable(arg):
        return None
    if type(g) is float:
        return g
    if type(arg) in (float, int) and isinstance(g, (np.generic, np.ndarray)) and np.ndim(g) == 0:
        return g.item()
    if type(g) is np.ndarray and not g.flags.writeable:
        return np.array(g)
    return g
