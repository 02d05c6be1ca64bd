"""The baseline for forward mode: a minimal pure-Python dual number, the talk's ``Dual`` struct.

Like the slide, a constant is promoted to ``Dual(c, 0)`` (Julia's ``convert``) and every
operation applies the one Dual-with-Dual rule.
"""

import math


class TinyDual:
    """A dual number ``x + eps·ε`` with +, *, ** (constant power), tanh and exp."""
    __slots__ = ("x", "eps")

    def __init__(self, x, eps=0.0):
        self.x, self.eps = x, eps

    def __add__(a, b):
        b = b if type(b) is TinyDual else TinyDual(b)
        return TinyDual(a.x + b.x, a.eps + b.eps)

    def __mul__(a, b):
        b = b if type(b) is TinyDual else TinyDual(b)
        return TinyDual(a.x * b.x, b.x * a.eps + a.x * b.eps)

    __radd__, __rmul__ = __add__, __mul__

    def __pow__(a, n):
        return TinyDual(a.x ** n, n * a.x ** (n - 1) * a.eps)

    def tanh(a):
        y = math.tanh(a.x)
        return TinyDual(y, (1.0 - y * y) * a.eps)

    def exp(a):
        y = math.exp(a.x)
        return TinyDual(y, y * a.eps)
