"""``source_grad(f)``: the gradient of ``f`` by adjoint code generated from its SSA form.

The returned ``AdjointFunction`` takes ``f``'s arguments and returns what
``ad.gradient(f, *args)`` returns: ``source_grad(pow)(2.0, 5) == (80.0, None)``.

Two forms are generated (each once, when first needed) and compiled. For a function
that maps numbers to numbers (only scalar rows, no arrays inside) and number arguments,
the code is plain arithmetic (``x̄ += r̄ * r``); otherwise the rules keep their
broadcasting (``x̄ = sum_to(ȳ1 * y, shape=shape(x))``). ``.source`` shows the form the
function gets for numbers (``grad_pow`` and, for functions it calls, their
``forward_``/``backward_`` passes), ``.array_source`` the form for arrays.

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

import html
import inspect
import itertools

import numpy as np

from ..core import rules as R
from ..core import rules_elementwise
from .codegen import Unit
from .guards import numpy_rules
from .ir import CALL, GETITEM, ROW, TAPE, Const
from ..core.errors import NotScalarOutput
from ..core.primitives import BOUNDARY_ERRORS, numpy_semantics
from .lower import UNDEFINED, LoweringError, ssa, watch
from .runtime import ComplexOutput, plain_gradient

_SCALARS = (float, int, bool, complex, type(None), str)
_BUILDS = itertools.count(1)          # each build its own file name for tracebacks
# Rows that map numbers to numbers: on scalar arguments every value stays a scalar, so
# the rules' broadcasting (``unbroadcast``) can be left out of the text.
SCALAR_ROWS = {R.add, R.sub, R.mul, R.div, R.neg, R.power, R.mod, R.floordiv, R.sin, R.cos,
               R.tan, R.exp, R.log, R.log1p, R.expm1, R.sqrt, R.tanh, R.sigmoid,
               R.absolute, R.sign, R.maximum, R.minimum, R.less, R.less_equal, R.greater,
               R.greater_equal, R.equal, R.not_equal} | rules_elementwise.SCALAR_ROWS


def scalar_safe(fn_ssa, seen=None) -> bool:
    """Do numbers in give numbers everywhere? (Only scalar rows, constants that are not
    arrays, no tape calls, indexing of constant tuples only, callees alike.)"""
    seen = set() if seen is None else seen
    seen.add(fn_ssa.function)
    for s in fn_ssa.statements():
        if any(isinstance(a, Const) and isinstance(a.value, np.ndarray) for a in s.args):
            return False
        if s.kind == ROW and s.row not in SCALAR_ROWS or s.kind == TAPE:
            return False
        if s.kind == GETITEM and not isinstance(s.args[0], Const):
            return False
        if s.kind == CALL and s.fn not in seen:
            try:
                callee = ssa(s.fn)
            except LoweringError:
                return False
            if not scalar_safe(callee, seen):
                return False
    return True


class AdjointFunction:
    """The gradient function of ``f`` compiled from generated adjoint code."""

    def __init__(self, f):
        self.function = f
        self._bound = (f.__self__,) if inspect.ismethod(f) else ()   # a method's self
        self.__name__ = self.__qualname__ = f"source_grad({f.__name__})"
        self.__doc__ = f"The gradient of {f.__name__} by generated adjoint code; see .source."
        self._lower()

    def _lower(self):
        """Lower ``f`` and generate the form it needs first (again when a global it
        reads has changed since)."""
        self.ssa = ssa(self.function)
        self._compiled, self._sources, self._units, self._safe, self._effects = {}, {}, {}, {}, {}
        self._globals_read, self._cells_read = [], []     # names read, checked per call
        self._watch(self.ssa)
        params = self.ssa.params[len(self._bound):]
        self._counts = (len(params) - len(self.function.__defaults__ or ()), len(params))
        self.scalar = scalar_safe(self.ssa)
        self._build("scalar" if self.scalar else "array")

    def _build(self, mode):
        unit = Unit(mode)
        source, name = unit.grad_source(ssa(self.function))
        full = "\n\n".join([source] + unit.sources)
        unit.compile(full, f"{self.function.__name__} ({mode}, #{next(_BUILDS)})")
        self._units[mode] = (unit, name)
        self._compiled[mode] = self._entry(unit.ns.d[name])
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
            ns = dict(unit.ns.d)
            unit.compile(source, f"{self.function.__name__} ({mode}, NumPy form)", ns)
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

    def __call__(self, *args):
        try:
            self._fresh()
            self._check_count(args)
            scalar = self.scalar and all(type(a) in _SCALARS or isinstance(a, np.generic)
                                         for a in args)
            everything = self._bound + args if self._bound else args
            grads = self._run("scalar" if scalar else "array", everything)
            if scalar and any(isinstance(g, np.ndarray) and g.ndim for g in grads):
                grads = self._run("array", everything)   # arrays appeared inside
        except (LoweringError, NotScalarOutput) as e:
            raise e.with_traceback(None) from None      # the message says it all
        if self._bound:
            grads = grads[len(self._bound):]
        return tuple(map(plain_gradient, grads, args))

    def _check_count(self, args):
        low, high = self._counts
        if not low <= len(args) <= high:
            params = self.ssa.params[len(self._bound):]
            raise TypeError(f"{self.function.__name__}() takes {len(params)} arguments "
                            f"({', '.join(params)}); {len(args)} were given")

    def __repr__(self):
        return f"<{self.__name__}: generated adjoint code, see .source>"

    def _repr_html_(self):
        return ('<pre class="adexplorer-adjoint" style="line-height:1.35">'
                + html.escape(self.source) + "</pre>")


def source_grad(f) -> AdjointFunction:
    """Compile the adjoint of ``f`` from its SSA form; ``source_grad(f)(*args)`` equals
    ``ad.gradient(f, *args)``, and ``.source`` is the generated code.

    ``f`` may be a function or a bound method (``self`` is passed along, not
    differentiated). Globals ``f`` reads are read when it is called, as the source
    suggests: after ``K = 5.0`` in a later cell the gradient uses 5.0.
    """
    try:
        return AdjointFunction(f)
    except LoweringError as e:
        raise e.with_traceback(None) from None          # the message names the line
