"""Python operators, array methods and the NumPy protocols for every AD value.

``Dual``, ``Traced`` and ``Sym`` inherit from ``Operators``: ``a * b`` becomes
``bind(mul, a, b)``, ``np.sin(a)`` reaches ``__array_ufunc__`` and ``np.sum(a)``
reaches ``__array_function__``; both look the NumPy function up in
``numpy_dispatch``. Conversions that would silently drop a derivative
(``float(x)``, hence ``math.sin(x)``) raise an error that says what to use instead.
"""

from __future__ import annotations

import operator

import numpy as np

from . import arrays, numpy_dispatch
from . import rules as R
from . import rules_numpy as RN
from .operator_table import OPERATORS, UNARY
from .errors import LostDerivative, NoDerivativeRule, lost_derivative
from .primitives import ADValue, bind, strip


# the commonest first: isinstance tries them in order
_OPERANDS = (ADValue, np.ndarray, float, int, complex, np.generic)


def operate(row, a, b):
    """A binary operator on an AD value. ``NotImplemented`` unless both sides are numbers,
    arrays or AD values, so Python does what it would do without AD: ``[x] * n`` repeats
    the list (``n`` only counts), ``x == "a"`` is False. A list or tuple meeting an AD
    *array* is an array, as NumPy makes it (``x * [1.0, 2.0]``)."""
    if isinstance(a, _OPERANDS) and isinstance(b, _OPERANDS):
        return bind(row, a, b)
    if type(a) in (list, tuple) and _holds_array(b):
        return bind(row, arrays.lift(np.asarray(a)), b)
    if type(b) in (list, tuple) and _holds_array(a):
        return bind(row, a, arrays.lift(np.asarray(b)))
    return NotImplemented


def _holds_array(x) -> bool:
    return isinstance(x, ADValue) and isinstance(strip(x), (np.ndarray, np.generic))


class Operators(ADValue):
    """Operator overloading shared by all AD value types (they set ``primal``, ``_level``)."""

    __slots__ = ()
    __array_priority__ = 1000

    # The operators (``+``, ``<``, unary ``-``, ...) are made from ``operator_table``
    # below the class; these are the ones that are no row of their own.
    def __divmod__(self, other): return self // other, self % other
    def __rdivmod__(self, other): return other // self, other % self
    def __pos__(self): return self
    def __abs__(self): return bind(R.absolute, self)

    # Control flow on an AD value follows its primal; the level is told (see explain.py).
    def __hash__(self):
        self._level.note_use("hash", self)
        return hash(self.primal)

    def __bool__(self):
        self._level.note_use("bool", self)
        return bool(self.primal)

    # -- conversions -------------------------------------------------------------
    def __index__(self):
        self._level.note_use("index", self)
        return operator.index(self.primal)

    # A value whose call has finished (levels.py) converts like its plain value.
    def __int__(self):
        if self._level.done:
            return int(self.primal)
        if isinstance(strip(self), (int, np.integer)):
            self._level.note_use("int", self)
            return int(self.primal)
        raise lost_derivative("int", type(self).__name__)

    def __float__(self):
        if self._level.done:
            return float(self.primal)
        raise lost_derivative("float", type(self).__name__)

    def __complex__(self):
        if self._level.done:
            return complex(self.primal)
        raise lost_derivative("complex", type(self).__name__)

    def __round__(self, ndigits=None):
        if self._level.done:
            return round(self.primal, ndigits)
        if ndigits is None:               # an int: it only counts or steers
            self._level.note_use("int", self)
            return round(self.primal)
        raise lost_derivative("round", type(self).__name__)

    def __format__(self, spec):
        # f"{x:.3f}" formats the value; plain f"{x}" shows the AD value itself
        if spec or self._level.done:
            return format(self.primal if self._level.done else strip(self), spec)
        return str(self)

    # -- array protocol ------------------------------------------------------------
    @property
    def shape(self):
        return np.shape(strip(self))

    @property
    def ndim(self):
        return len(self.shape)

    @property
    def size(self):
        return int(np.prod(self.shape))

    @property
    def dtype(self):
        return np.result_type(strip(self))

    @property
    def T(self):
        return bind(RN.transpose, self, axes=None)

    def __len__(self):
        return len(strip(self))

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]

    def __getitem__(self, index):
        return bind(RN.getitem, self, index=_static_index(index))

    def __setitem__(self, index, value):
        raise TypeError("in-place assignment into an AD value is not differentiable; "
                        "build a new array instead (np.where, np.concatenate, np.stack)")

    # x.real and x.imag are rows (x.conj() and x.conjugate() are np.conjugate, as every
    # unary ufunc is a method: see _ufunc_method below)
    @property
    def real(self):
        return bind(R.real, self)

    @property
    def imag(self):
        return bind(R.imag, self)

    def __array__(self, dtype=None, copy=None):
        """NumPy asks for a plain array (``np.array([x, y])``, ``np.asarray(x)``). An AD
        value can only sit in an object array: a scalar as itself, an array split into
        its scalar elements. adexplorer stacks such arrays back into one AD array
        (``arrays.lift``), so derivatives flow through them. Asking for numbers
        (``dtype=float``) would drop the derivative and is refused."""
        if self._level.done:
            return np.asarray(self.primal, dtype=dtype)
        if dtype is not None and np.dtype(dtype) != object:
            raise lost_derivative("np.asarray(dtype)", type(self).__name__)
        value = strip(self)
        if np.ndim(value) == 0:
            out = np.empty((), dtype=object)
            out[()] = self
            return out
        if np.size(value) > arrays.MAX_SPLIT:
            raise lost_derivative("np.asarray(large)", type(self).__name__)
        return arrays.split(self)

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        return numpy_dispatch.apply_ufunc(ufunc, method, arrays.lift_arguments(inputs), kwargs)

    def __array_function__(self, func, types, args, kwargs):
        return numpy_dispatch.apply_function(func, arrays.lift_arguments(args), kwargs)


def _static_index(index):
    """Indices are not differentiated: strip AD wrappers from ints and index arrays."""
    if isinstance(index, tuple):
        return tuple(_static_index(i) for i in index)
    if isinstance(index, list):
        return np.asarray([_static_index(i) for i in index])
    if isinstance(index, ADValue):
        index._level.note_use("index", index)
        return _static_index(index.primal)
    return index


_TO_PYTHON = ("item", "tolist", "tobytes", "tofile", "dump", "dumps", "itemset")


def _unsupported_method(name):
    """The error for an ndarray method AD values do not have: point at ``np.<name>`` only
    when that is dispatched to a rule."""
    if name in _TO_PYTHON:
        return LostDerivative(f"x.{name}() converts to plain Python values and would drop "
                              "the derivative; keep the AD value, or use float() after the "
                              "derivative call")
    if numpy_dispatch.dispatched(getattr(np, name, None)):
        return NoDerivativeRule(f"the array method x.{name}()",
                                f"use the NumPy function instead: np.{name}(x)")
    return NoDerivativeRule(f"the array method x.{name}()",
                            "write it with supported operations (np.sum, np.mean, "
                            "np.sqrt, ...), or give it a rule with @ad.adjoint")


def _array_method(name):
    def method(self, *args, **kwargs):
        return numpy_dispatch.apply_method(name, self, args, kwargs)
    method.__name__ = method.__qualname__ = name
    method.__doc__ = (f"``x.{name}(...)`` with NumPy's arguments; honours the keywords of "
                      f"its entry in numpy_dispatch.METHODS and refuses the others.")
    return method


# Array methods (``x.sum()``, ``x.var(ddof=1)``, ...): one per entry of the METHODS table,
# so a family that adds an entry adds the method.
for _name in numpy_dispatch.METHODS:
    if _name not in Operators.__dict__:
        setattr(Operators, _name, _array_method(_name))


# No ``__getattr__``: a class with one loses CPython's fast attribute reads (every
# ``x.primal`` of the fast paths would take the slow lookup: about 15% of a scalar
# operation's time). The names it would answer are class attributes instead:
def _ufunc_method(ufunc):
    """NumPy's loop over an object array (``np.arcsinh(np.array([x, y]))``) asks each
    element for a method named like the ufunc: apply the ufunc to the element."""
    def method(self):
        return ufunc(self)
    method.__name__ = method.__qualname__ = ufunc.__name__
    return method


def _refused_attribute(name):
    """An ndarray attribute or method AD values do not have: reading it raises the error
    naming what to write instead (``x.item`` drops the derivative, ``x.cumsum`` ...)."""
    def refuse(self):
        raise _unsupported_method(name)
    return property(refuse, doc=f"Not available on AD values (``x.{name}``): the error "
                                "names what to use instead.")


for _name in dir(np):
    _ufunc = getattr(np, _name)
    if isinstance(_ufunc, np.ufunc) and _ufunc.nin == 1 and not _name.startswith("_") \
            and not hasattr(Operators, _name):
        setattr(Operators, _name, _ufunc_method(_ufunc))
for _name in dir(np.ndarray):
    if not _name.startswith("_") and not hasattr(Operators, _name):
        setattr(Operators, _name, _refused_attribute(_name))


def _operator_methods(op):
    """``__add__`` and ``__radd__`` (or ``__neg__``, or ``__lt__``) binding the row."""
    row = op.row
    if op in UNARY:
        def unary(self):
            return bind(row, self)
        return {op.method: unary}

    def method(self, other):
        return operate(row, self, other)

    def reflected(self, other):
        return operate(row, other, self)
    if op.reflected is None:
        return {op.method: method}
    return {op.method: method, op.reflected: reflected}


# Python's operators: the methods of each entry of the table that has a row.
for _op in OPERATORS:
    if _op.row is not None:
        for _name, _fn in _operator_methods(_op).items():
            _fn.__name__ = _fn.__qualname__ = _name
            setattr(Operators, _name, _fn)
