"""A floor for case 8: the least a pure-Python tape can do for the talk's while loop
while recording what adexplorer's tape records there (``n > 0`` noted, ``n - 1`` and
``r * x`` recorded).

Written for this loop alone: one tuple per record, one object per value, a sweep that
runs the multiplications' adjoints. It checks nothing (no levels, no finished traces,
no operand types), so it shows what the checks of adexplorer's fast paths cost, not a
competitor: it answers this one function and nothing else.
"""

from __future__ import annotations

_new = object.__new__
SUB, MUL = 0, 1


class Node:
    """A recorded value: its number, its record's index, the tape (records, notes)."""

    __slots__ = ("value", "index", "tape")

    def __gt__(self, other):
        self.tape[1].append(("gt", self.index))
        return self.value > other

    def __sub__(self, other):
        tape = self.tape
        records = tape[0]
        value = self.value - other
        records.append((SUB, (self.value, other), value, self.index))
        out = _new(Node)
        out.value = value
        out.index = len(records) - 1
        out.tape = tape
        return out

    def __mul__(self, other):
        tape = self.tape
        records = tape[0]
        a = self.value
        b = other.value
        value = a * b
        records.append((MUL, (a, b), value, (self.index, other.index)))
        out = _new(Node)
        out.value = value
        out.index = len(records) - 1
        out.tape = tape
        return out


def _leaf(value, tape) -> Node:
    node = _new(Node)
    node.value, node.index, node.tape = value, len(tape[0]), tape
    tape[0].append(None)
    return node


def gradient(pow_loop, x: float, n: int) -> float:
    """d pow_loop(x, n) / dx with the minimal tape (``pow_loop`` starts from ``r = 1``:
    the first product is ``1 * x``, recorded here as ``one * x``)."""
    tape = ([], [])
    xs, ns, one = _leaf(x, tape), _leaf(n, tape), _leaf(1.0, tape)

    def loop(x, n):
        r = one
        while n > 0:
            n -= 1
            r *= x
        return r
    out = loop(xs, ns)
    records = tape[0]
    grads = [None] * len(records)
    grads[out.index] = 1.0
    for i in range(len(records) - 1, 2, -1):
        g = grads[i]
        if g is None:
            continue
        record = records[i]
        if record[0] == MUL:              # the counter's records never get an adjoint
            _, (a, b), _, (first, second) = record
            before = grads[first]
            grads[first] = g * b if before is None else before + g * b
            before = grads[second]
            grads[second] = g * a if before is None else before + g * a
        grads[i] = None
    return grads[xs.index]
