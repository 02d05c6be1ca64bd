"""Arrays NumPy builds out of AD values: ``np.array([x * y, np.sin(x)])``.

``np.array`` cannot be intercepted, so NumPy asks each AD value for an array
(``Operators.__array__``) and builds an *object* array holding the AD values themselves.
NumPy can compute with such an array element by element (through the AD values'
operators), and wherever it reaches adexplorer again — an output of a transformation, or
an argument of a NumPy function on AD values — ``lift`` turns it into one AD array: the
stack of its entries. So the entries' derivatives are never lost on the way.
"""

from __future__ import annotations

import re
import types

import numpy as np

from . import primitives
from . import rules_numpy as RN
from . import trees
from .errors import InputError
from .primitives import ADValue

# ``np.asarray(x)`` of an AD array splits it into this many scalar AD values at most;
# each is one indexing operation in the trace, so a larger array is refused instead.
MAX_SPLIT = 4096


def holds_ad_values(x) -> bool:
    """Is ``x`` an object array with at least one AD value in it?"""
    return (type(x) is np.ndarray and x.dtype == object
            and any(isinstance(e, ADValue) for e in x.flat))


def lift(x):
    """``x`` itself, unless it is an object array holding AD values: then the AD array
    that stacks its entries (shape kept; plain entries are constants)."""
    if not holds_ad_values(x):
        return x
    entries = [lift(e) for e in x.flat]
    if x.ndim == 0:
        return entries[0]
    stacked = RN.stack(*entries, axis=0)
    return stacked if x.ndim == 1 else RN.reshape(stacked, shape=x.shape)


def lift_tree(out):
    """``lift`` every leaf of an output (tuples, lists, dicts, dataclasses)."""
    if type(out) is np.ndarray:
        return lift(out)
    if isinstance(out, (ADValue, float, int)):
        return out
    return trees.map_structure(lift, out)


def lift_arguments(args):
    """``lift`` the arguments of a NumPy call, and the arrays inside a list or tuple
    argument (``np.stack([a, b])``)."""
    out = []
    changed = False
    for a in args:
        if type(a) is np.ndarray:
            b = lift(a)
        elif type(a) is list or type(a) is tuple:
            b = type(a)(lift(e) if type(e) is np.ndarray else e for e in a)
        else:
            b = a
        changed = changed or b is not a
        out.append(b)
    return tuple(out) if changed else args


# ``bind`` lifts object arrays through these (primitives.py cannot import this module).
primitives.object_arrays = types.SimpleNamespace(holds_ad_values=holds_ad_values,
                                                 lift_arguments=lift_arguments)


def split(value):
    """An object array of scalar AD values, one per element of the AD array ``value``
    (what ``np.asarray(value)`` gives: NumPy can only hold AD values as objects)."""
    out = np.empty(value.shape, dtype=object)
    for index in np.ndindex(*value.shape):
        out[index] = value[index]
    return out


_OBJECT_LOOP = re.compile(r"loop of ufunc does not support argument \d+ of type (\w+) "
                          r"which has no callable (\w+) method")


def mixed_object_loop(err: TypeError):
    """NumPy's own error when an elementwise function meets an object array that holds a
    plain number next to AD values (``np.exp(np.array([x, 1.0]))``): the error that says
    what happened and what to do, or None for any other TypeError."""
    found = _OBJECT_LOOP.search(str(err))
    if found is None or found[1] in ("Traced", "Dual"):
        return None
    return InputError(f"np.{found[2]} met an array built with np.array([...]) that holds a "
                      f"plain {found[1]} next to AD values, which NumPy cannot compute "
                      "element by element; build it with np.stack([...]) instead")
