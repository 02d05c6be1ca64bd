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

from . import rules as R
from . import rules_numpy as RN
from .errors import lost_derivative
from .primitives import ADValue, bind, strip


class Operators(ADValue):
    """Operator overloading shared by all AD value types (they set ``primal``, ``_level``)."""

    __slots__ = ()
    __array_priority__ = 1000

    # -- arithmetic ------------------------------------------------------------
    def __add__(self, other): return bind(R.add, self, other)
    def __radd__(self, other): return bind(R.add, other, self)
    def __sub__(self, other): return bind(R.sub, self, other)
    def __rsub__(self, other): return bind(R.sub, other, self)
    def __mul__(self, other): return bind(R.mul, self, other)
    def __rmul__(self, other): return bind(R.mul, other, self)
    def __truediv__(self, other): return bind(R.div, self, other)
    def __rtruediv__(self, other): return bind(R.div, other, self)
    def __pow__(self, other): return bind(R.power, self, other)
    def __rpow__(self, other): return bind(R.power, other, self)
    def __mod__(self, other): return bind(R.mod, self, other)
    def __rmod__(self, other): return bind(R.mod, other, self)
    def __floordiv__(self, other): return bind(R.floordiv, self, other)
    def __rfloordiv__(self, other): return bind(R.floordiv, other, self)
    def __matmul__(self, other): return bind(RN.matmul, self, other)
    def __rmatmul__(self, other): return bind(RN.matmul, other, self)
    def __neg__(self): return bind(R.neg, self)
    def __pos__(self): return self
    def __abs__(self): return bind(R.absolute, self)

    # -- comparisons answer on the primal and return plain bools -----------------
    def __lt__(self, other): return bind(R.less, self, other)
    def __le__(self, other): return bind(R.less_equal, self, other)
    def __gt__(self, other): return bind(R.greater, self, other)
    def __ge__(self, other): return bind(R.greater_equal, self, other)
    def __eq__(self, other): return bind(R.equal, self, other)
    def __ne__(self, other): return bind(R.not_equal, self, other)

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

    def __int__(self):
        if isinstance(strip(self), (int, np.integer)):
            self._level.note_use("int", self)
            return int(self.primal)
        raise lost_derivative("int", type(self).__name__)

    def __float__(self):
        raise lost_derivative("float", type(self).__name__)

    def __complex__(self):
        raise lost_derivative("complex", type(self).__name__)

    def __format__(self, spec):
        return format(strip(self), spec)

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

    def reshape(self, *shape):
        if len(shape) == 1 and not isinstance(shape[0], int):
            shape = shape[0]
        return bind(RN.reshape, self, shape=_full_shape(self, shape))

    def transpose(self, *axes):
        if len(axes) == 1 and not isinstance(axes[0], int):
            axes = axes[0]
        return bind(RN.transpose, self, axes=tuple(axes) if axes else None)

    def ravel(self):
        return self.reshape(-1)

    flatten = ravel

    def sum(self, axis=None, keepdims=False):
        return bind(RN.sum, self, axis=_static_axis(axis), keepdims=keepdims)

    def mean(self, axis=None, keepdims=False):
        return bind(RN.mean, self, axis=_static_axis(axis), keepdims=keepdims)

    def max(self, axis=None, keepdims=False):
        return bind(RN.max, self, axis=_static_axis(axis), keepdims=keepdims)

    def min(self, axis=None, keepdims=False):
        return bind(RN.min, self, axis=_static_axis(axis), keepdims=keepdims)

    def dot(self, other):
        return RN.dot(self, other)

    # NumPy calls these methods on the elements of object arrays (np.array([x, y])).
    def sin(self): return bind(R.sin, self)
    def cos(self): return bind(R.cos, self)
    def tan(self): return bind(R.tan, self)
    def exp(self): return bind(R.exp, self)
    def log(self): return bind(R.log, self)
    def log1p(self): return bind(R.log1p, self)
    def expm1(self): return bind(R.expm1, self)
    def sqrt(self): return bind(R.sqrt, self)
    def tanh(self): return bind(R.tanh, self)

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        from .numpy_dispatch import apply_ufunc
        return apply_ufunc(ufunc, method, inputs, kwargs)

    def __array_function__(self, func, types, args, kwargs):
        from .numpy_dispatch import apply_function
        return apply_function(func, args, kwargs)


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


def _static_axis(axis):
    if isinstance(axis, list):
        return tuple(axis)
    return axis


def _full_shape(x, shape):
    """Resolve a ``-1`` in a reshape target, so the row's parameter is a concrete shape."""
    shape = (shape,) if isinstance(shape, int) else tuple(int(n) for n in shape)
    if -1 in shape:
        known = int(np.prod([n for n in shape if n != -1]))
        missing = (x.size // known) if known else 0
        shape = tuple(missing if n == -1 else n for n in shape)
    return shape
