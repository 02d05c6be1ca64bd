"""``source_grad(f)``: the gradient of ``f`` by adjoint code generated from its SSA form.

The returned ``AdjointFunction`` takes ``f``'s arguments and returns what
``ad.gradient(f, *args)`` returns: ``source_grad(pow)(2.0, 5) == (80.0, None)``.
Keyword arguments are passed to ``f`` and held constant (no gradient for them). ``f``
may be a ``def`` or a lambda, a bound method, an object with ``__call__``, or a
``functools.partial`` of one (its arguments held constant); anything without Python
source of its own (a builtin, a NumPy function, a class) is refused by name.

Two forms are generated (each once, when first needed) and compiled. For a function
that maps numbers to numbers (only scalar rows, no arrays inside) and number arguments,
the code is plain arithmetic (``x̄ += r̄ * r``); otherwise the rules keep their
broadcasting (``x̄ = sum_to(ȳ1 * y, shape=shape(x))``). ``.source`` shows the form the
function gets for numbers (``grad_pow`` and, for functions it calls, their forward
and reverse passes ``forward_g`` and ``backward_g``), ``.array_source`` the form for
arrays.

Python numbers keep Python's semantics, as in the plain call and in ``ad.gradient``:
where the user's code raises (``1 / 0.0``, ``0.0 ** -1``, an overflow) the gradient
raises the same error, so a ``try``/``except`` in it takes the same branch. The rules
follow NumPy at a domain boundary (sqrt'(0) is inf with a RuntimeWarning), as the tape's
do: if the code raises, it runs again with its reverse passes under ``numpy_semantics``
(``guards.numpy_rules``), where the forward pass raises again if the error was the
user's. With print or tape calls that form runs from the start (so nothing runs twice).
NumPy values follow NumPy throughout. Globals are read when the gradient is called: if a
name the code read now means another object, ``f`` is lowered again.

Calls to other Python functions of the user's are lowered and differentiated the same
way (recursion included; default and keyword arguments too); a function that cannot be
lowered (no source, unsupported syntax, a decorator's wrapper, a library function) is
differentiated by the tape, ``ad.vjp``, for that call.

Arguments may be numbers, arrays, and lists, tuples or dicts of them (indexed as
``xs[i]``, ``p["w"]``): the gradient of a container is the same container, with
``None`` for items that got none, as from ``ad.gradient``.
"""

from __future__ import annotations

import functools
import html
import inspect
import itertools

import numpy as np

from ..core import rules as R
from ..core import rules_elementwise, rules_special
from .assemble import Unit
from .guards import numpy_rules
from .ir import CALL, GETITEM, ROW, TAPE, Constant
from ..core.errors import NoComplexRule, NoDerivativeRule, NotScalarOutput
from ..core.primitives import BOUNDARY_ERRORS, numpy_semantics
from ..core.values import short_value
from .resolve import classify
from .lower import LoweringError, SourceUnavailable, lowered_or_none, ssa
from .source_code import UNDEFINED, watch
from .runtime import ComplexOutput, plain_gradient

_SCALARS = (float, int, bool, complex, type(None), str)
_BUILDS = itertools.count(1)          # each build its own file name for tracebacks
# Rows that map numbers to numbers: on scalar arguments every value stays a scalar, so
# the rules' broadcasting (``unbroadcast``) can be left out of the text.
SCALAR_ROWS = {R.add, R.sub, R.mul, R.div, R.neg, R.power, R.mod, R.floordiv, R.sin, R.cos,
               R.tan, R.exp, R.log, R.log1p, R.expm1, R.sqrt, R.tanh, R.sigmoid,
               R.absolute, R.sign, R.maximum, R.minimum, R.less, R.less_equal, R.greater,
               R.greater_equal, R.equal, R.not_equal} | rules_elementwise.SCALAR_ROWS \
    | rules_special.SCALAR_ROWS


def _any_complex(values) -> bool:
    """Is any number in ``values`` (lists, tuples and dicts of them) complex?"""
    for v in values:
        t = type(v)
        if t is float or t is int:
            continue
        if t is complex or isinstance(v, np.complexfloating) or (
                t is np.ndarray and v.dtype.kind == "c"):
            return True
        if (t is list or t is tuple) and _any_complex(v):
            return True
        if t is dict and _any_complex(v.values()):
            return True
    return False


def _no_complex_code() -> NoDerivativeRule:
    """The generated code has the rules for real numbers only; complex numbers need the
    tape's checks (which part is real, which row is not holomorphic)."""
    return NoDerivativeRule("source_grad with complex numbers",
                            "its generated code has rules for real numbers only; use "
                            "ad.gradient, which follows autograd's convention for them")


def scalar_safe(fn_ssa, seen=None, lower=lowered_or_none) -> bool:
    """Do numbers in give numbers everywhere? (Only scalar rows, constants that are not
    arrays, no tape calls, indexing of constant tuples only, callees alike; ``lower``
    gives a callee's SSA form, or None.)"""
    seen = set() if seen is None else seen
    seen.add(fn_ssa.function)
    for s in fn_ssa.statements():
        if any(isinstance(a, Constant) and isinstance(a.value, np.ndarray) for a in s.args):
            return False
        if s.kind == ROW and s.row not in SCALAR_ROWS or s.kind == TAPE:
            return False
        if s.kind == GETITEM and not isinstance(s.args[0], Constant):
            return False
        if s.kind == CALL and s.fn not in seen:
            callee = lower(s.fn)
            if callee is None or not scalar_safe(callee, seen, lower):
                return False
    return True


class AdjointFunction:
    """The gradient function of ``f`` compiled from generated adjoint code."""

    def __init__(self, f):
        # the function whose source is lowered; what goes before the caller's arguments
        # (a method's self, a partial's arguments); a partial's keywords; names
        self.function, self._bound, self._keywords, shown = _unpack(f)
        self._n_self = int(inspect.ismethod(self.function))
        try:
            self._lower()
        except LoweringError as e:
            if shown:                  # say what was given: "Model object: ..."
                e.args = (f"{shown}: {e.args[0]}",) + e.args[1:]
            raise
        self.__name__ = self.__qualname__ = f"source_grad({shown or self._name})"
        self.__doc__ = (f"The gradient of {shown or self._name} by generated adjoint code; "
                        "see .source.")

    def _lower(self):
        """Lower ``f`` and generate the form it needs first (again when a global it
        reads has changed since)."""
        self.ssa = ssa(self.function)
        self._lowered = {self.function: self.ssa}          # each function lowered once
        self._name = _code_name(self.function, self.ssa)
        self._compiled, self._sources, self._units, self._safe, self._effects = {}, {}, {}, {}, {}
        self._globals_read, self._cells_read = [], []     # names read, checked per call
        self._watch(self.ssa)
        params = self.ssa.params[len(self._bound):]
        self._counts = (len(params) - len(self.function.__defaults__ or ()), len(params))
        if self._keywords:
            self._check_keywords(self._keywords)
        self.scalar = scalar_safe(self.ssa, lower=self._lower_callee)
        self._build("scalar" if self.scalar else "array")

    def _lower_callee(self, fn):
        """A called function's SSA form (None if it cannot be lowered), lowered once for
        both forms and for the checks."""
        if fn not in self._lowered:
            self._lowered[fn] = lowered_or_none(fn)
        return self._lowered[fn]

    def _build(self, mode):
        unit = Unit(mode, self._lower_callee)
        source, name = unit.grad_source(self.ssa)
        full = "\n\n".join([source] + unit.sources)
        unit.compile(full, f"{self.ssa.name} ({mode}, #{next(_BUILDS)})")
        self._units[mode] = (unit, name)
        self._compiled[mode] = self._entry(unit.ns.globals[name])
        self._sources[mode] = full
        for sub in unit.lowered.values():
            if sub is not None:
                self._watch(sub)
        # With print or tape calls (effects) the NumPy form runs from the start, so an
        # effect never happens twice.
        self._effects[mode] = unit.effects

    def _watch(self, fn_ssa):
        names, cells = watch(fn_ssa)
        self._globals_read += names
        self._cells_read += cells

    def _fresh(self):
        """Globals are read live, as the source reads: if one the code was generated
        for now means something else (``K = 5.0`` in a later cell, a helper defined
        again), lower and generate again."""
        for namespace, name, value in self._globals_read:
            if namespace.get(name, UNDEFINED) is not value:
                return self._lower()
        for cell, value in self._cells_read:
            try:
                if cell.cell_contents is not value:
                    return self._lower()
            except ValueError:               # the variable was deleted
                return self._lower()

    def _entry(self, fn):
        fn.__defaults__ = self.function.__defaults__
        return fn

    def _numpy_form(self, mode):
        """The same code with its reverse passes under ``numpy_semantics`` (NumPy at a
        boundary, as the tape's rules); the forward passes as written."""
        if mode not in self._safe:
            unit, name = self._units[mode]
            switch = unit.ns.bind("numpy_semantics", numpy_semantics)
            source = numpy_rules(self._sources[mode], unit.ns.row_name, unit.reverse_parts,
                                 switch, unit.numpy_targets)
            ns = dict(unit.ns.globals)
            unit.compile(source, f"{self.ssa.name} ({mode}, NumPy form)", ns)
            self._safe[mode] = self._entry(ns[name])
        return self._safe[mode]

    @property
    def source(self) -> str:
        """The generated gradient code: for numbers, or for arrays when the function
        works with arrays inside (then broadcasting shows: ``sum_to(...)``)."""
        self._fresh()
        return self._sources["scalar" if self.scalar else "array"]

    @property
    def array_source(self) -> str:
        """The generated gradient code for NumPy arrays."""
        self._fresh()
        if "array" not in self._sources:
            self._build("array")
        return self._sources["array"]

    def _run(self, mode, args):
        if mode not in self._compiled:
            self._build(mode)
        if self._effects[mode]:
            return self._numpy_form(mode)(*args)
        try:
            grads = self._compiled[mode](*args)
        except ComplexOutput:           # np.power(-4.0, 0.5) is nan, not Python's complex
            return self._numpy_form(mode)(*args)
        except NotScalarOutput:
            raise
        except BOUNDARY_ERRORS:
            # A rule's 1 / 0.0 (sqrt'(0)) is NumPy's inf, as in ad.gradient; the user's
            # own 1 / 0.0 raises again in the forward pass, as in the plain call.
            return self._numpy_form(mode)(*args)
        if complex in map(type, grads) and not any(np.iscomplexobj(a) for a in args):
            return self._numpy_form(mode)(*args)    # complex inside, from a NumPy function?
        return grads

    def __call__(self, *args, **kwargs):
        """The gradient for each positional argument, as ``ad.gradient(f, *args,
        **kwargs)``: keyword arguments are passed to ``f`` and held constant."""
        try:
            self._fresh()
            if kwargs or self._keywords:
                everything = self._with_keywords(args, kwargs)
            else:
                self._check_count(args)
                everything = self._bound + args if self._bound else args
            values = everything[self._n_self:] if self._n_self else everything
            scalar = self.scalar and all(type(a) in _SCALARS or isinstance(a, np.generic)
                                         for a in values)
            grads = self._run("scalar" if scalar else "array", everything)
            if scalar and any(isinstance(g, np.ndarray) and g.ndim for g in grads):
                grads = self._run("array", everything)   # arrays appeared inside
            # (after the run, so a complex output is refused as such, like the tape does)
            if _any_complex(grads) or _any_complex(everything):
                raise _no_complex_code()
        except NoComplexRule:                # abs of a complex value reached sign
            raise _no_complex_code() from None
        except (LoweringError, NotScalarOutput) as e:
            raise e.with_traceback(None) from None      # the message says it all
        if self._bound:
            grads = grads[len(self._bound):]
        return tuple(map(plain_gradient, grads, args))

    def _check_count(self, args):
        low, high = self._counts
        if not low <= len(args) <= high:
            params = self.ssa.params[len(self._bound):]
            raise TypeError(f"{self._name}() takes {len(params)} arguments "
                            f"({', '.join(params)}); {len(args)} were given")

    def _check_keywords(self, keywords):
        params = self.ssa.params
        for name in keywords:
            if name not in params[self._n_self:]:
                raise TypeError(f"{self._name}() has no parameter {name!r}; its "
                                f"parameters are {', '.join(params[self._n_self:])}")

    def _with_keywords(self, args, kwargs) -> tuple:
        """Every parameter's value in order: bound ones, ``args``, then keywords (the
        partial's, overridden by the call's) and defaults, as Python would bind them."""
        params = self.ssa.params
        given = self._bound + args
        keywords = {**self._keywords, **kwargs}
        self._check_keywords(kwargs)
        if len(given) > len(params):
            self._check_count(args)
        values = list(given) + [UNDEFINED] * (len(params) - len(given))
        for name, value in keywords.items():
            k = params.index(name)
            if k < len(given):
                raise TypeError(f"{self._name}() got two values for {name!r}: "
                                "by position and by keyword")
            values[k] = value
        defaults = self.function.__defaults__ or ()
        first_default = len(params) - len(defaults)
        for k, value in enumerate(values):
            if value is UNDEFINED:
                if k < first_default:
                    raise TypeError(f"{self._name}() is missing argument {params[k]!r}")
                values[k] = defaults[k - first_default]
        return tuple(values)

    def __repr__(self):
        return f"<{self.__name__}: generated adjoint code, see .source>"

    def _repr_html_(self):
        return ('<pre class="adexplorer-adjoint" style="line-height:1.35">'
                + html.escape(self.source) + "</pre>")


def source_grad(f) -> AdjointFunction:
    """Compile the adjoint of ``f`` from its SSA form; ``source_grad(f)(*args, **kwargs)``
    equals ``ad.gradient(f, *args, **kwargs)``, and ``.source`` is the generated code.

    ``f`` may be a function (``def`` or ``lambda``), a bound method (``self`` is passed
    along, not differentiated), an object with a ``__call__`` method (differentiated
    through it), or a ``functools.partial`` of any of these (its arguments held
    constant: the gradient has one entry per argument the call passes). Builtins,
    NumPy functions and classes are refused by name. Globals ``f`` reads are read when
    it is called, as the source suggests: after ``K = 5.0`` in a later cell the gradient
    uses 5.0.
    """
    try:
        return AdjointFunction(f)
    except LoweringError as e:
        raise e.with_traceback(None) from None          # the message names the line


def _unpack(f):
    """``(function to lower, values bound before the caller's arguments, fixed keywords,
    how to call f in messages or "")``; refuses what has no Python source of its own."""
    if isinstance(f, functools.partial):
        function, bound, keywords, shown = _unpack(f.func)
        fixed = [_shown(a) for a in f.args] + [f"{k}={_shown(v)}" for k, v in f.keywords.items()]
        inner = shown or _code_name(function)
        return (function, bound + tuple(f.args), {**keywords, **f.keywords},
                f"partial({', '.join([inner] + fixed)})")
    kind, row = classify(f)
    if kind == "row":
        raise SourceUnavailable(f"source_grad needs a function with Python source; got "
                                f"{_described(f)}, a row of adexplorer's table ('{row.name}'),"
                                " whose derivative is its rule: ad.gradient uses it")
    if inspect.ismethod(f):
        return f, (f.__self__,), {}, ""
    if inspect.isfunction(f):
        return f, (), {}, ""
    call = getattr(type(f), "__call__", None)
    if not isinstance(f, type) and inspect.isfunction(call):
        return f.__call__, (f,), {}, f"{type(f).__name__} object"
    raise SourceUnavailable(f"source_grad needs a Python function (def or lambda), a "
                            "bound method, an object with a __call__ method or a "
                            f"functools.partial of one; got {_described(f)}, which has no "
                            "Python source to generate code from; ad.gradient (the tape) "
                            "can differentiate it")


def _shown(value) -> str:
    return repr(value) if type(value) in _SCALARS else short_value(value)


def _described(f) -> str:
    """``the NumPy ufunc np.sin``, ``the builtin function math.sin``, ``the class C``."""
    name = getattr(f, "__name__", None)
    module = getattr(f, "__module__", None) or ""
    if isinstance(f, np.ufunc):
        return f"the NumPy ufunc np.{name}"
    if isinstance(f, type):
        return f"the class {f.__qualname__}"
    if module.split(".")[0] == "numpy":
        return f"the NumPy function np.{name}"
    if module.split(".")[0] == "adexplorer":
        return f"ad.{name}"
    if inspect.isbuiltin(f) or type(f).__name__ in ("builtin_function_or_method",
                                                    "method-wrapper", "wrapper_descriptor"):
        where = f"{module}." if module and module != "builtins" else ""
        return f"the builtin function {where}{name}"
    if name:
        return f"{name!r} ({type(f).__name__})"
    return f"a {type(f).__name__} object"


def _code_name(function, fn_ssa=None) -> str:
    """The name in messages: ``g``, ``C.__call__``, or a lambda's name in its SSA form."""
    if fn_ssa is not None and function.__name__ == "<lambda>":
        return fn_ssa.name
    if inspect.ismethod(function) and function.__name__ == "__call__":
        return f"{type(function.__self__).__name__}.__call__"
    return function.__name__
