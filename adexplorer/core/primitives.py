"""The primitive table: one row per operation, and ``bind``, the one way to apply a row.

A row (``Primitive``) holds everything every part of adexplorer knows about an
operation: its name, its implementation on plain numbers and arrays, a jvp rule and a
vjp rule per differentiable argument, and a display form. Forward mode, reverse mode,
the derivative Wengert list and the generated adjoint source all read the same row.

Rule signatures are flat and uniform::

    jvp=lambda t, ans, x: t * cos(x)        # tangent contribution of argument x
    vjp=lambda g, ans, x: g * cos(x)        # cotangent contribution to argument x

For an n-ary row, ``jvp``/``vjp`` are tuples with one such function per argument
(``None`` marks an argument that is not differentiable). Rules call the differentiable
functions themselves, so higher-order derivatives need no extra code.
"""

from __future__ import annotations

import inspect
import string
import threading
from typing import Callable, Sequence

import numpy as np
from numpy import ndarray

from .errors import NoDerivativeRule
from .names import literal

# Operator precedences for display forms (higher binds tighter).
ATOM, POWER, UNARY, PRODUCT, SUM, COMPARE = 100, 14, 13, 12, 11, 6


class Primitive:
    """One row of the primitive table."""

    __slots__ = ("name", "impl", "jvp", "vjp", "display", "precedence", "nondiff",
                 "forward_pass", "user", "scalar_vjp", "scalar_step", "__weakref__")

    def __init__(self, name: str, impl: Callable, *, jvp=None, vjp=None,
                 display: str | None = None, precedence: int = ATOM,
                 nondiff: bool = False, forward_pass: Callable | None = None,
                 user: bool = False):
        self.name = name
        self.impl = impl
        self.jvp = _as_rules(jvp)
        self.vjp = _as_rules(vjp)
        self.display = display if display is not None else name + "({args})"
        self.precedence = precedence
        self.nondiff = nondiff
        # For user adjoints: f(*args) -> (value, pullback); the pullback is kept per call.
        self.forward_pass = forward_pass
        self.user = user
        # Compiled scalar forms of the vjp rules, one per argument, and of the whole
        # reverse step of a fast record: set by fastpaths.py for scalar rows.
        self.scalar_vjp = None
        self.scalar_step = None

    def __repr__(self):
        return f"<primitive {self.name}>"

    def __call__(self, *args, **params):
        return bind(self, *args, **params)

    def jvp_rule(self, i: int):
        """The jvp rule for argument ``i``, or a ``NoDerivativeRule`` error naming the row."""
        return self._rule(self.jvp, i, "forward mode")

    def vjp_rule(self, i: int):
        """The vjp rule for argument ``i``, or a ``NoDerivativeRule`` error naming the row."""
        return self._rule(self.vjp, i, "reverse mode")

    def _rule(self, rules, i: int, mode: str):
        if rules is None or i >= len(rules) or rules[i] is None:
            raise NoDerivativeRule(f"'{self.name}' (argument {i + 1}, {mode})",
                                   _missing_hint(self))
        return rules[i]

    @property
    def symbol(self) -> str:
        """The row in a word, for a sentence: the operator of an infix or prefix form
        (``>``, ``//``, ``-``, ``[]``), else the function's name (``sign``); never a
        template with placeholders in it."""
        fixed = "".join(text for text, *_ in string.Formatter().parse(self.display)).strip()
        if "(" in fixed:
            fixed = fixed.split("(")[0].strip()
        return fixed or self.name

    def format(self, args: Sequence[str], params: dict | None = None) -> str:
        """The display form with argument texts (already parenthesised) filled in.

        Parameters at their default value are not shown (``sum(y2)``, not
        ``sum(y2, axis=None, keepdims=False)``); hidden ones start with ``_``.
        """
        defaults = _defaults(self.impl)
        params = {k: v for k, v in (params or {}).items()
                  if not k.startswith("_") and not (k in defaults and _same(defaults[k], v))}
        if "{args}" in self.display:
            listed = list(args) + [f"{k}={_keyword_text(v)}" for k, v in params.items()
                                   if "{" + k + "}" not in self.display]
            text = self.display.replace("{args}", ", ".join(listed))
            for k, v in params.items():          # named parameters: einsum({subscripts}, {args})
                text = text.replace("{" + k + "}", _param_text(v))
            return text
        return self.display.format(*args, **{k: _param_text(v) for k, v in params.items()})


def _param_text(value) -> str:
    return literal(value)


def _keyword_text(value) -> str:
    """A parameter value after ``name=``: tuples keep their parentheses."""
    if isinstance(value, tuple):
        if not value:
            return "()"
        inner = _param_text(value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    return _param_text(value)


_DEFAULTS: dict = {}


def _defaults(impl) -> dict:
    """Default values of an implementation's keyword parameters (cached)."""
    found = _DEFAULTS.get(impl)
    if found is None:
        try:
            params = inspect.signature(impl).parameters.values()
            found = {p.name: p.default for p in params if p.default is not p.empty}
        except (TypeError, ValueError):
            found = {}
        _DEFAULTS[impl] = found
    return found


def _same(a, b) -> bool:
    try:
        return type(a) is type(b) and bool(a == b)
    except (TypeError, ValueError):
        return False


def _as_rules(rules):
    if rules is None:
        return None
    if isinstance(rules, tuple):
        return rules
    if callable(rules):
        return (rules,)
    return tuple(rules)


def _missing_hint(prim: Primitive) -> str:
    if prim.user:
        return "give it both rules with @ad.adjoint or @ad.tangent"
    return "add one with @ad.adjoint, or write the computation with supported operations"


PRIMITIVES: dict[str, Primitive] = {}


def defprim(name: str, impl: Callable, key: str | None = None, **row) -> Primitive:
    """Add a row to the table under ``key`` (default: its name). Built-in keys are
    unique; a user row may be redefined (a notebook cell run again)."""
    prim = Primitive(name, impl, **row)
    key = name if key is None else key
    old = PRIMITIVES.get(key)
    if old is not None and not (old.user and prim.user):
        raise ValueError(f"primitive {key!r} is already in the table")
    PRIMITIVES[key] = prim
    return prim


class ADValue:
    """Base of every value that carries derivative information (Dual, Traced, Sym)."""

    __slots__ = ()


# ``np.array([x, y])`` of AD values is an object array. Lifting it to one AD array takes
# the ``stack`` row, which sits above this table, so ``bind`` reaches it through
# ``object_arrays`` (``holds_ad_values``, ``lift_arguments``), which arrays.py sets.
object_arrays = None


def bind(prim: Primitive, *args, **params):
    """Apply a row: plain values go to ``impl``; AD values go to the innermost level.

    Each transformation (``D``, ``gradient``, ...) owns a level with a fresh, increasing
    id. The level with the largest id among the arguments handles the operation first;
    it strips its own wrappers, binds again on what is inside (so outer levels see the
    operation too), and wraps the result. That is what keeps nested derivatives apart.
    """
    top = None
    for a in args:
        if isinstance(a, ADValue):
            level = a._level
            if top is None or level.id > top.id:
                top = level
        elif type(a) is ndarray and a.dtype.hasobject:
            if object_arrays.holds_ad_values(a):   # np.array([x, y]) of AD values: their stack
                return bind(prim, *object_arrays.lift_arguments(args), **params)
    if top is None:
        return prim.impl(*args, **params)
    if top.done:                  # values that escaped a finished call act as plain values
        return bind(prim, *[a.primal if isinstance(a, ADValue) and a._level is top else a
                            for a in args], **params)
    if prim.nondiff:
        return top.nondiff(prim, args, params)
    return top.process(prim, args, params)


class _NumpySemantics(threading.local):
    """``with numpy_semantics:`` — Python numbers follow NumPy at a domain boundary.

    Python numbers keep Python's semantics under AD: ``1 / 0.0`` raises
    ``ZeroDivisionError`` and ``ad.log(-1.0)`` raises ``ValueError`` as ``math.log``
    does, plain and traced alike. NumPy's functions keep NumPy's (inf or nan with a
    RuntimeWarning) even on a Python float: ``np.log(x)`` sets this switch around its
    row, and so do derivative rules at a boundary (``apply_rule``). The rows read it only
    once Python has raised, so the common path pays nothing. Per thread; nests.
    """

    depth = 0

    def __bool__(self):
        return self.depth > 0

    def __enter__(self):
        self.depth += 1

    def __exit__(self, *exc):
        self.depth -= 1


numpy_semantics = _NumpySemantics()

# What Python raises at a domain boundary where NumPy gives inf or nan: 1 / 0,
# 0.0 ** -1 and overflow (ArithmeticError), math.log(-1) ("math domain error").
BOUNDARY_ERRORS = (ArithmeticError, ValueError)


def apply_rule(rule, first, ans, args, params):
    """Call a jvp/vjp rule. Derivatives follow NumPy at a domain boundary (sqrt'(0) and
    log'(0) are inf with a RuntimeWarning) where Python would raise: a rule that raises
    runs again on NumPy scalars with ``numpy_semantics`` on, so rows inside it, at any
    nesting depth, give inf or nan too."""
    try:
        return rule(first, ans, *args, **params) if params else rule(first, ans, *args)
    except BOUNDARY_ERRORS:
        return rule_at_boundary(rule, first, ans, args, params)


def rule_at_boundary(rule, first, ans, args, params):
    """``apply_rule`` once ``rule`` has raised at a domain boundary: the rule again on
    NumPy scalars under ``numpy_semantics``, its answer as Python numbers."""
    def numpy(v):
        t = type(v)
        if t is float or t is int:
            return np.float64(v)
        return np.complex128(v) if t is complex else v
    with numpy_semantics:
        out = rule(numpy(first), numpy(ans), *[numpy(a) for a in args], **(params or {}))
    if isinstance(out, np.floating):
        return float(out)
    return complex(out) if isinstance(out, np.complexfloating) else out


def apply_rule_as_numpy(rule, first, ans, args, params):
    """``apply_rule`` under ``numpy_semantics``: for a node whose value was computed
    under it (``np.power(x, 0.5)`` at -4.0 is nan, and so is its derivative)."""
    with numpy_semantics:
        return apply_rule(rule, first, ans, args, params)


def alive(x):
    """``x`` without the wrappers of finished levels (values that escaped their call),
    so a row's recorded arguments and its rules never hold one."""
    while isinstance(x, ADValue) and x._level.done:
        x = x.primal
    return x


def strip(x):
    """The plain value inside any number of AD wrappers."""
    while isinstance(x, ADValue):
        x = x.primal
    return x
