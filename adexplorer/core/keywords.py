"""Which NumPy keywords an entry honours, and the one check that refuses all others.

Every NumPy entry point that takes AD values (``np.sum``, ``np.add.reduce``, ``x.clip``,
...) is a Python function whose parameters follow NumPy's, in NumPy's order, and whose
``@honours(...)`` line lists the keywords it implements. ``check_keywords`` refuses any
other keyword, and any parameter not listed that is given a value other than its default,
whether by keyword or by position: a keyword is never silently ignored. Values of an
honoured keyword that an entry does not implement are refused by the entry itself.
"""

from __future__ import annotations

import functools
import inspect

import numpy as np

from .errors import InPlaceOutput, NoDerivativeRule
from .primitives import strip


def honours(*keywords: str):
    """Mark an entry with the keywords it implements on AD values (its inputs, the
    parameters without a default, are always taken)."""
    def mark(fn):
        fn.keywords = keywords
        return fn
    return mark


def check_keywords(name: str, entry, args: tuple, kwargs: dict) -> None:
    """Refuse what ``entry`` (called as ``name``) does not honour among ``args``/``kwargs``."""
    honoured = getattr(entry, "keywords", ())
    params, positional = _parameters(entry)
    for key, value in kwargs.items():
        if key not in honoured and not _is_default(params.get(key), value):
            raise refuse_keyword(name, key, honoured)
    for param, value in zip(positional, args):
        if param.default is not param.empty and param.name not in honoured \
                and not _is_default(param, value):
            raise refuse_keyword(name, param.name, honoured)


def refuse_keyword(name: str, key: str, honoured=()) -> Exception:
    """The error for ``name(..., key=...)``: it says what ``name`` honours instead."""
    if key == "out":
        return InPlaceOutput(f"{name}(..., out=...) writes in place and cannot be "
                             "differentiated; drop out= and use the returned value")
    if honoured:
        listed = ", ".join(f"{k}=" for k in honoured)
        hint = f"on AD values {name} honours only {listed}; drop {key}="
    else:
        hint = f"on AD values {name} takes no keyword options; drop {key}="
    return NoDerivativeRule(f"{name}(..., {key}=...)",
                            hint + " and compute that part with supported operations")


def refuse_value(name: str, key: str, value, hint: str) -> NoDerivativeRule:
    """The error for an honoured keyword given a value the entry does not implement."""
    shown = getattr(value, "__name__", None) or repr(value)
    return NoDerivativeRule(f"{name}(..., {key}={shown})", hint)


def float_dtype(name: str, x, dtype):
    """``dtype=``: a float type at least as wide as ``x``'s is honoured by promoting ``x``
    (multiplying by one of that type, exact); a narrower or non-float type is refused."""
    if dtype is None:
        return x
    want, have = np.dtype(dtype), np.result_type(strip(x))
    if want.kind != "f" or np.promote_types(have, want) != want:
        raise refuse_value(name, "dtype", dtype,
                           f"only a float dtype at least as wide as the input ({have}) is "
                           "supported on AD values; drop dtype=")
    return x if have == want else x * want.type(1)


_PARAMETERS: dict = {}


def _parameters(entry):
    """The entry's parameters by name, and its positional ones in order (cached)."""
    found = _PARAMETERS.get(entry)
    if found is None:
        try:
            params = inspect.signature(entry).parameters
        except (TypeError, ValueError):    # a builtin without a signature: names only
            params = {}
        positional = tuple(p for p in params.values()
                           if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD))
        found = _PARAMETERS[entry] = ({k: p for k, p in params.items()
                                       if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)},
                                      positional)
    return found


def _is_default(param, value) -> bool:
    """A parameter given its default (or ``None``/NumPy's "no value") asks for nothing."""
    if param is None:
        return False
    if value is None or value is np._NoValue or value is param.default:
        return True
    default = param.default
    if default is param.empty or type(value) is not type(default):
        return False
    try:
        return bool(value == default)
    except (TypeError, ValueError):
        return False


# Static arguments (axes, counts, indices) are never differentiated; a transformation that
# differentiates every number it is given (the tape of source_grad) may still wrap them.

def _plain(value):
    if isinstance(value, (tuple, list)):
        return type(value)(_plain(v) for v in value)
    return strip(value)


def statics(*names):
    """Strip AD wrappers from the named parameters before the entry sees them."""
    def wrap(fn):
        signature = inspect.signature(fn)

        @functools.wraps(fn)
        def entry(*args, **kwargs):
            bound = signature.bind(*args, **kwargs)
            for name in names:
                if name in bound.arguments:
                    bound.arguments[name] = _plain(bound.arguments[name])
            return fn(*bound.args, **bound.kwargs)
        return entry
    return wrap
