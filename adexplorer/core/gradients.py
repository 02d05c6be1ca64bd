"""What a user gets back as a gradient: one per argument, in the argument's structure.

Reverse mode (``ad.gradient``, ``ad.vjp``) and the generated adjoint code
(``ad.source_grad``) both end with a cotangent per leaf of an argument;
``structured_gradient`` turns them into the gradient the user sees, with ``None`` where a
leaf got none (Zygote's ``nothing``), and ``user_gradient`` converts one leaf: a Python
number for a number, a writeable array of its own in the argument's dtype for an array.
"""

from __future__ import annotations

import numpy as np

from . import trees
from .calls import with_dtype_of
from .rules import is_complex


def structured_gradient(arg, leaf_gradient, finish=None):
    """The gradient of ``arg``: ``user_gradient(leaf_gradient(leaf), leaf)`` for each leaf
    in ``trees.leaves`` order, in ``arg``'s structure (``trees.mirror``: a dataclass's as a
    dict of its fields, a container without any gradient as ``None``); ``finish``, if
    given, sees each leaf's gradient last (``ad.gradient`` copies an array handed out
    twice)."""
    if finish is None:
        return trees.mirror(lambda leaf: user_gradient(leaf_gradient(leaf), leaf), arg)
    return trees.mirror(lambda leaf: finish(user_gradient(leaf_gradient(leaf), leaf)), arg)


def user_gradient(g, leaf):
    """What a user gets: a Python-number argument gets a Python-number gradient (not a
    0-d NumPy value); an array gradient is a writeable array of its own, in the
    argument's floating dtype (float32 in, float32 out). A real argument's gradient is
    real (the imaginary part of a cotangent says nothing about a real direction), a
    complex argument's is complex."""
    if type(g) is np.ndarray and type(leaf) is np.ndarray and g.dtype == leaf.dtype:
        # the common case (float64 in, float64 out), answered before the general tests:
        # already real or complex like the argument, and in its dtype
        return g if g.flags.writeable else np.array(g)
    if g is None:
        return g
    if is_complex(leaf):
        if not is_complex(g):
            g = g + 0j
    elif type(g) is float:
        return g if type(leaf) is float or type(leaf) is int else with_dtype_of(g, leaf)
    elif is_complex(g):
        g = np.real(g)
        if type(g) is np.ndarray:
            g = g.copy()                  # its own contiguous array, not a view of g
    g = with_dtype_of(g, leaf)
    if type(leaf) in (float, int, complex) and isinstance(g, (np.generic, np.ndarray)) \
            and np.ndim(g) == 0:
        return g.item()
    if type(g) is np.ndarray and not g.flags.writeable:
        return np.array(g)
    return g
