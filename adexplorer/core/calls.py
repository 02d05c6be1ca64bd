"""How every transformation calls the user's function, one way for all of them.

- Keyword arguments pass through to ``f`` and are held constant.
- ``argnums`` is an int (one gradient) or a tuple of ints (a tuple of gradients), as in JAX.
- ``has_aux=True``: ``f`` returns ``(output, aux)``; ``aux`` comes back as plain values.
- An object array of AD values in the output (``np.array([x, y])``) is lifted to one AD
  array (``arrays.lift``).
- When ``f`` returns (or raises), the level is finished: an AD value that escaped the
  call acts as its plain value from then on (``levels.py``).
"""

from __future__ import annotations

import numpy as np

from . import arrays, trees
from .errors import InputError
from .primitives import ADValue


def call(f, args, kwargs, level):
    """``f(*args, **kwargs)`` running under ``level``; its output with object arrays of AD
    values lifted. The level is finished afterwards, however ``f`` ends."""
    try:
        out = f(*args, **kwargs) if kwargs else f(*args)
        return out if isinstance(out, ADValue) else arrays.lift_tree(out)
    except TypeError as err:
        mixed = arrays.mixed_object_loop(err)
        if mixed is None:
            raise
        raise mixed from err
    finally:
        level.done = True


def argnums_positions(argnums, who: str) -> tuple[tuple, bool]:
    """``(positions, single)`` for an ``argnums`` of ``who``: an int, or a non-empty tuple
    (or list) of ints. Anything else is refused by name."""
    def is_int(i):
        return isinstance(i, (int, np.integer)) and not isinstance(i, (bool, np.bool_))
    if is_int(argnums):
        return (int(argnums),), True
    if isinstance(argnums, (tuple, list)) and argnums and all(is_int(i) for i in argnums):
        return tuple(int(i) for i in argnums), False
    raise InputError(f"{who}: argnums must be an int or a non-empty tuple of ints, "
                     f"got {argnums!r}")


_POSITIONS: dict = {}


def positions(which, n: int):
    """``argnums`` as non-negative positions among ``n`` arguments (``-1``: the last)."""
    if which is None:
        return None
    known = _POSITIONS.get((which, n))
    if known is not None:
        return known
    out = []
    for i in which:
        if not isinstance(i, (int, np.integer)) or not -n <= i < n:
            raise InputError(f"argnums {i!r} does not name one of the {n} arguments")
        out.append(int(i) % n)
    found = _POSITIONS[which, n] = tuple(out)
    return found


def split_aux(out, has_aux: bool, who: str):
    """``(output, aux)``: with ``has_aux`` the function must return a pair."""
    if not has_aux:
        return out, None
    if not isinstance(out, (tuple, list)) or len(out) != 2:
        raise InputError(f"{who}(..., has_aux=True) needs a function that returns a pair "
                         f"(output, aux); it returned {type(out).__name__}")
    return out[0], out[1]


def plain(x, level):
    """``x`` with the AD values of ``level`` replaced by their primal values."""
    def leaf(o):
        return o.primal if isinstance(o, ADValue) and o._level is level else o
    return trees.map_structure(leaf, x)


def pick(values, which, single: bool):
    """The entries of ``values`` at ``which``: one, or a tuple of them."""
    picked = tuple(values[i] for i in which)
    return picked[0] if single else picked


def with_dtype_of(g, like):
    """A floating gradient or tangent in the floating dtype of the value it belongs to
    (float32 in, float32 out); anything else is returned as it is."""
    if isinstance(like, (np.ndarray, np.floating)) and isinstance(g, (np.ndarray, np.floating)):
        dtype = like.dtype
        if dtype.kind == "f" and g.dtype.kind == "f" and g.dtype != dtype:
            return g.astype(dtype) if type(g) is np.ndarray else dtype.type(g)
    elif isinstance(like, np.floating) and type(g) is float and like.dtype != np.float64:
        return like.dtype.type(g)
    return g
