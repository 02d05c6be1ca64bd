"""Errors that name the problem and say what to do instead.

Every error adexplorer raises on bad user input is one of these (or a plain
``TypeError``/``ValueError`` subclass of them), so the Jupyter layer and the CLI can
show one readable line instead of a traceback.
"""

from __future__ import annotations

import linecache
import re
import sys


class ADError(Exception):
    """Base class for errors caused by how adexplorer was used."""


class NoDerivativeRule(ADError, TypeError):
    """An operation reached AD that has no row in the primitive table."""

    def __init__(self, what: str, hint: str = ""):
        message = f"{what} has no derivative rule in adexplorer"
        if hint:
            message += f"; {hint}"
        super().__init__(message)
        self.what = what


class NoComplexRule(NoDerivativeRule):
    """A row that needs an order or a sign (``maximum``, ``max``, ``sign``) met a complex
    number under AD."""


class LostDerivative(ADError, TypeError):
    """An AD value was converted to a plain number, which would drop its derivative."""


class InPlaceOutput(ADError, TypeError):
    """An operation would write into an existing array (``out=``, ``np.add.at``), which
    cannot be differentiated."""


class NotScalarOutput(ADError, ValueError):
    """``gradient``/``grad`` needs a function with one scalar output."""


class InputError(ADError, TypeError):
    """An argument cannot be differentiated as given (wrong type, wrong shape, ...)."""


_MATH_CALL = re.compile(r"\bmath\.(\w+)\s*\(")


def lost_derivative(kind: str, value_type: str) -> LostDerivative:
    """Build the error for ``float(ad_value)`` and friends, pointing at the user's line.

    ``math.sin(x)`` calls ``float(x)`` in C, so the error is raised from ``__float__``;
    the frame that called the math function is the nearest frame outside adexplorer.
    """
    value_type = {"Traced": "traced value (reverse mode)",
                  "Dual": "dual number (forward mode)"}.get(value_type, value_type)
    line, where = _user_line()
    names = list(dict.fromkeys(_MATH_CALL.findall(line or "")))
    if kind == "np.asarray(dtype)":
        message = (f"NumPy was asked to turn a {value_type} into numbers "
                   "(np.array(..., dtype=float), np.asarray(x, dtype=...), .astype), which "
                   "would drop its derivative. Leave out dtype=: np.array([x, y]) of AD "
                   "values works and is the stack of its entries")
    elif kind == "np.asarray(large)":
        message = (f"np.asarray/np.array of a large {value_type} would split it into one "
                   "traced number per element. AD arrays already work with NumPy "
                   "functions: pass the value on directly")
    elif kind == "np.asarray":
        message = (f"NumPy was asked to turn a {value_type} into a plain array "
                   "(np.asarray, np.array, np.float64, or storing it into a float array), "
                   "which would drop its derivative. AD values already work with NumPy "
                   "functions: pass them on directly, and build arrays with np.stack or "
                   "np.concatenate")
    elif names:
        called = ", ".join(f"math.{fn}" for fn in names)
        turns = "they turn" if len(names) > 1 else "it turns"
        message = (f"{called} cannot see derivatives: {turns}"
                   f" a {value_type} into a plain float. " + _instead(names))
    else:
        message = (f"{kind}() was called on a {value_type}, which would drop its derivative. "
                   "Typical causes: a `math` function (use ad.sin / np.sin instead of "
                   "math.sin), or storing it into a float NumPy array (use np.stack or "
                   "ad.stack to build arrays)")
    if line:
        message += f" (at {where}: {line.strip()})"
    return LostDerivative(message)


# The math functions adexplorer has a function for (``ad.<NumPy name>``); a test checks
# this list against the package, which this module must not import.
MATH_FUNCTIONS = frozenset({
    "acos", "acosh", "asin", "asinh", "atan", "atan2", "atanh", "cbrt", "ceil", "cos", "cosh",
    "degrees", "erf", "exp", "exp2", "expm1", "fabs", "floor", "hypot", "ldexp", "lgamma",
    "log", "log10", "log1p", "log2", "radians", "sin", "sinh", "sqrt", "tan", "tanh",
    "trunc"})

# math functions whose NumPy (and adexplorer) name is another one
_NUMPY_NAMES = {"asin": "arcsin", "acos": "arccos", "atan": "arctan", "asinh": "arcsinh",
                "acosh": "arccosh", "atanh": "arctanh", "atan2": "arctan2",
                "radians": "deg2rad", "degrees": "rad2deg"}


def _instead(math_names) -> str:
    """Suggest the adexplorer functions that exist for these math functions."""
    known = [fn for fn in math_names if fn in MATH_FUNCTIONS]
    unknown = [f"math.{fn}" for fn in math_names if fn not in known]
    text = ""
    if known:
        named = [_NUMPY_NAMES.get(fn, fn) for fn in known]
        text = "Use " + ", ".join(f"ad.{fn} (or np.{fn})" for fn in named) + " instead"
    if unknown:
        text += ("; " if text else "") + (", ".join(unknown) + " has no derivative rule in "
                                           "adexplorer: write it with supported functions "
                                           "or give it one with @ad.adjoint")
    return text


def _user_line() -> tuple[str, str]:
    """The source line of the innermost frame that is not adexplorer's own code."""
    frame = sys._getframe(2)
    package = __name__.rsplit(".", 2)[0]
    while frame is not None:
        module = frame.f_globals.get("__name__", "")
        if not (module == package or module.startswith(package + ".")):
            filename = frame.f_code.co_filename
            line = linecache.getline(filename, frame.f_lineno)
            short = filename.rsplit("/", 1)[-1]
            return line, f"{short}, line {frame.f_lineno}"
        frame = frame.f_back
    return "", ""
