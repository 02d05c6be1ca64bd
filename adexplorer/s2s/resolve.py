"""What a call in the user's source is: a table row, a user function, or something else.

``classify(obj)`` answers for the object a name resolves to:

- ``("row", row)`` — ``ad.sin``, ``np.exp`` (a NumPy ufunc with a row), ``math.sin``,
  ``abs``, ``pow``, and functions with their own ``@ad.adjoint``/``@ad.tangent`` row;
- ``("call", fn)`` — a Python function of the user's own (not from an installed
  library), lowered to SSA and differentiated the same way, recursion included;
- ``("plain", fn)`` — a builtin without a derivative (``len``, ``int``, ``print``, ...);
- ``("tape", fn)`` — anything else callable (``np.sum``, builtin ``max``, a lambda):
  differentiated by the tape (``ad.vjp``) for that one call.
"""

from __future__ import annotations

import builtins
import inspect
import math
import os
import sys
import sysconfig

import numpy as np

from ..core import numpy_dispatch
from ..core import rules as R
from ..core import rules_numpy as RN
from ..core import rules_elementwise, rules_special
from ..core.primitives import Primitive

_MATH_ROWS = {
    math.sin: R.sin, math.cos: R.cos, math.tan: R.tan, math.exp: R.exp, math.log: R.log,
    math.log1p: R.log1p, math.expm1: R.expm1, math.sqrt: R.sqrt, math.tanh: R.tanh,
    math.fabs: R.absolute, math.pow: R.power,
}
_MATH_ROWS.update(rules_elementwise.SOURCE_ROWS)
_MATH_ROWS.update(rules_special.SOURCE_ROWS)
_BUILTIN_ROWS = {builtins.abs: R.absolute, builtins.pow: R.power}
# NumPy reductions are rows too (``axis``/``keepdims`` become the row's parameters).
_NUMPY_ROWS = {np.sum: RN.sum, np.mean: RN.mean, np.max: RN.max, np.amax: RN.max,
               np.min: RN.min, np.amin: RN.min}


def takes_row(obj, n_args: int, keywords) -> bool:
    """Whether a call of ``obj`` is its row: a NumPy reduction is, with ``axis`` (by
    position or keyword) and ``keepdims`` only. Its other options (``initial=``,
    ``where=``, ``dtype=``, more positional arguments) go to the tape, where
    numpy_dispatch honours or refuses each one as plain NumPy on AD values does."""
    try:
        reduction = obj in _NUMPY_ROWS
    except TypeError:                      # unhashable callables
        return True
    return not reduction or (n_args <= 2 and set(keywords) <= {"axis", "keepdims"})


# Builtins that answer without a derivative (their result is a plain value).
PLAIN_BUILTINS = {builtins.len: "len", builtins.int: "int", builtins.round: "round",
                  builtins.bool: "bool", builtins.print: "print",
                  builtins.isinstance: "isinstance", builtins.type: "type"}
IMPURE = {builtins.print}

_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_LIBRARY_DIRS = tuple({os.path.abspath(p) for p in (
    sysconfig.get_paths().get("purelib", ""), sysconfig.get_paths().get("platlib", ""),
    sysconfig.get_paths().get("stdlib", ""), sys.prefix + os.sep + "lib") if p})


def classify(obj):
    """What a call of ``obj`` is: ``("row", row)``, ``("plain", obj)`` (no derivative),
    ``("call", fn)`` (a user function), ``("tape", obj)``, or ``(None, obj)``."""
    prim = getattr(obj, "primitive", None)
    if isinstance(prim, Primitive):
        return "row", prim
    if isinstance(obj, Primitive):
        return "row", obj
    try:
        row = (numpy_dispatch.UFUNCS.get(obj) or _MATH_ROWS.get(obj)
               or _BUILTIN_ROWS.get(obj) or _NUMPY_ROWS.get(obj))
    except TypeError:                      # unhashable callables
        row = None
    if row is not None:
        return "row", row
    if _hashable(obj) and obj in PLAIN_BUILTINS:
        return "plain", obj
    if is_user_function(obj):
        return "call", obj
    if callable(obj):
        return "tape", obj
    return None, obj


def _hashable(obj) -> bool:
    try:
        hash(obj)
        return True
    except TypeError:
        return False


def is_user_function(obj) -> bool:
    """A plain ``def`` function from the user's own code: not a lambda, not from
    adexplorer, NumPy or any installed library."""
    if not inspect.isfunction(obj) or obj.__name__ == "<lambda>":
        return False
    filename = os.path.abspath(obj.__code__.co_filename)
    if filename.startswith(_PACKAGE_DIR + os.sep):
        return False
    if not filename.startswith("<") and filename.startswith(_LIBRARY_DIRS):
        return False
    return True
