"""tanh, exp, sin and log for micrograd's ``Value``, written the way micrograd writes ``relu``.

The PyPI package (micrograd 0.1.0) has +, *, ** and relu only. ``extend(Value)`` adds the
four methods to the class itself, because micrograd's operators build plain ``Value``
objects (a subclass would be lost after the first operation). Each method is spelled out
like micrograd's own, so micrograd pays no extra call for being extended.
"""

import math


def extend(Value):
    def tanh(self):
        out = Value(math.tanh(self.data), (self,), 'tanh')

        def _backward():
            self.grad += (1 - out.data ** 2) * out.grad
        out._backward = _backward
        return out

    def exp(self):
        out = Value(math.exp(self.data), (self,), 'exp')

        def _backward():
            self.grad += out.data * out.grad
        out._backward = _backward
        return out

    def sin(self):
        out = Value(math.sin(self.data), (self,), 'sin')

        def _backward():
            self.grad += math.cos(self.data) * out.grad
        out._backward = _backward
        return out

    def log(self):
        out = Value(math.log(self.data), (self,), 'log')

        def _backward():
            self.grad += out.grad / self.data
        out._backward = _backward
        return out

    Value.tanh, Value.exp, Value.sin, Value.log = tanh, exp, sin, log
    return Value
