"""What generated adjoint code calls besides the rows: ``ZERO``, ``seed``, ``row_vjp``, ``tape``.

- ``ZERO`` is a symbolic zero cotangent: "nothing has reached this adjoint yet" (Zygote's
  ``nothing``, JAX's ``Zero``). ``ZERO + g`` is ``g``; any row applied to it gives
  ``ZERO``, since every vjp rule is linear in its cotangent. A gradient that is still
  ``ZERO`` at the end becomes ``None``, exactly where the tape answers ``None``.
- ``seed(y)`` is the cotangent a scalar output starts with (``1``, ``1.0``; ``ZERO`` for
  a bool), as in ``ad.gradient``; a non-scalar output raises ``NotScalarOutput``.
- ``row_vjp(row, i, g, ans, *args, **params)`` runs a row's vjp rule on numbers, for rows
  whose rule does not read as plain Python text (reductions, user rules).
- ``tape(f, *args, **kwargs)`` differentiates one call by reverse mode: ``(value,
  pullback)``, the pullback giving ``ZERO`` (not ``None``) for unreached arguments.
- ``Parts`` is the cotangent of a list, tuple or dict (a list argument indexed as
  ``xs[i]``, a tuple a call returned): one cotangent per item, added item by item.
  ``plain_gradient`` turns it into the argument's structure, as ``ad.gradient`` does.
"""

from __future__ import annotations

import numpy as np

from ..core import rules as R
from ..core import trees
from ..core.errors import InputError, NotScalarOutput
from ..core.levels import Level
from ..core.operators import Operators
from ..core.primitives import strip
from ..core.gradients import structured_gradient
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
    if isinstance(v, (bool, np.bool_)):
        return ZERO                  # a bool output has no derivative: None, as the tape
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


class Parts:
    """The cotangent of a list, tuple or dict: ``{key: cotangent}`` (missing is zero)."""

    __slots__ = ("items",)
    __array_ufunc__ = None          # ndarray + Parts: NumPy leaves it to Parts.__radd__

    def __init__(self, items: dict):
        self.items = items

    def __add__(self, other):
        if other is ZERO or other is None:
            return self
        other = as_parts(other)
        if not isinstance(other, Parts):
            return NotImplemented
        out = dict(self.items)
        for k, v in other.items.items():
            out[k] = out[k] + v if k in out else v
        return Parts(out)

    __radd__ = __add__

    def __repr__(self):
        return f"Parts({self.items!r})"


def as_parts(c):
    """The cotangent of a container as ``Parts``: from a list, tuple or dict of
    cotangents (``None`` parts become ``ZERO``), or from an array over a list (a row's
    rule treats ``[1.0, 2.0]`` as an array: one part per row)."""
    if c is None or c is ZERO:
        return ZERO
    if isinstance(c, np.ndarray) and c.ndim:
        return Parts(dict(enumerate(c)))
    if isinstance(c, (list, tuple)):
        return Parts({k: _part(v) for k, v in enumerate(c)})
    if isinstance(c, dict):
        return Parts({k: _part(v) for k, v in c.items()})
    return c


def _part(v):
    return as_parts(v) if v is None or _containers(v) else v


def _containers(x) -> bool:
    return isinstance(x, (list, tuple, dict))


def _index_parts(g, container, index):
    """The cotangent of ``container`` (a list, tuple or dict) from ``container[index]``'s."""
    if isinstance(index, slice):
        positions = range(*index.indices(len(container)))
        g = as_parts(g)
        return Parts({p: g.items.get(k, ZERO) for k, p in enumerate(positions)})
    if isinstance(index, (int, np.integer)) and not isinstance(container, dict):
        index = int(index) % len(container)
    return Parts({index: g})


def row_vjp(row, i, g, ans, *args, **params):
    """The cotangent ``row`` sends to argument ``i``, by running its vjp rule."""
    if g is ZERO:
        return ZERO
    row = getattr(row, "primitive", row)       # ad.sin is the sin row behind a fast path
    if row.name == "getitem" and _containers(args[0]):
        return _index_parts(g, args[0], params["index"])
    c = row.vjp_rule(i)(g, ans, *args, **params)
    return ZERO if c is None else c            # a user pullback may send nothing back


def tape(f, *args, **kwargs):
    """``(f(*args, **kwargs), pullback)`` by the tape; the pullback returns ``ZERO`` for
    arguments the output does not depend on."""
    value, pullback = _vjp(f, *args, **kwargs)

    def back(g):
        if g is ZERO:
            return (ZERO,) * len(args)
        if isinstance(g, Parts):
            g = _structure(g, value)
        return tuple(as_parts(c) if _containers(a) else ZERO if c is None else c
                     for c, a in zip(pullback(g), args))
    return value, back


def _structure(g, like):
    """``Parts`` as the list, tuple or dict ``like`` is (``None`` for zero parts)."""
    if g is ZERO or g is None:
        return None
    if not isinstance(g, Parts) or not _containers(like):
        return g
    keys = like.keys() if isinstance(like, dict) else range(len(like))
    values = [_structure(g.items.get(k, ZERO), like[k]) for k in keys]
    if isinstance(like, dict):
        return dict(zip(keys, values))
    return type(like)(*values) if hasattr(like, "_fields") else type(like)(values)


def plain_gradient(g, arg):
    """What a user gets for one argument: ``None`` for no gradient, a Python number for
    a number argument, a writeable array of its own for an array, the same structure
    for a list, tuple or dict (``None`` for items without one, as ``ad.gradient``)."""
    parts = iter(_leaf_cotangents(g, arg))
    return structured_gradient(arg, lambda leaf: next(parts))    # as ad.gradient gives it


def _leaf_cotangents(g, arg) -> list:
    """The cotangent of each leaf of ``arg`` (``None`` for none), in ``trees.leaves``
    order, from ``g``: ``Parts`` for a list, tuple or dict."""
    if _containers(arg) and g is not ZERO and g is not None:
        parts = as_parts(g)
        if not isinstance(parts, Parts):
            raise InputError(f"a gradient of {type(parts).__name__} for a "
                             f"{type(arg).__name__} argument")
        keys = arg.keys() if isinstance(arg, dict) else range(len(arg))
        return [c for k in keys for c in _leaf_cotangents(parts.items.get(k, ZERO), arg[k])]
    if _containers(arg) or g is ZERO or g is None or not trees.is_differentiable(arg):
        return [None] * len(trees.leaves(arg))
    return [g]
