"""Levels (tags) that keep nested derivatives apart.

Every call of a transformation (``D(f)(x)``, ``gradient(f, x)``, ...) creates a new
level whose id is larger than every earlier one, so the innermost running
transformation always has the largest id. ``bind`` hands an operation to the level with
the largest id among its arguments; a value from an outer level is a constant there.
This is the tagging that prevents perturbation confusion in
``D(x -> x * D(y -> x + y)(1))(1)``.

When its call returns, a level is *finished* (``done``). An AD value of a finished level
that escaped the call (``losses.append(L)``) acts as its plain value from then on: it
never takes part in a later derivative, and ``float(L)`` works.
"""

from __future__ import annotations

import itertools

from .primitives import strip

_ids = itertools.count(1)
fresh_id = _ids.__next__          # a new level id, larger than every earlier one


class Level:
    """A transformation in progress; subclasses say how it processes a primitive."""

    __slots__ = ("id", "done")
    symbolic = False

    def __init__(self, id: int | None = None):
        self.id = next(_ids) if id is None else id
        self.done = False

    def process(self, prim, args, params):  # pragma: no cover - abstract
        raise NotImplementedError

    def nondiff(self, prim, args, params):
        """A row without derivative (a comparison, ``//``, ``sign``): answer on primals."""
        return prim.impl(*[strip(a) for a in args], **params)

    def note_use(self, kind: str, value) -> None:
        """``value`` of this level steered the program (``bool``, ``index``, ``int``,
        ``hash``): nothing to do, except for levels that keep a record of it."""

    def __repr__(self):
        return f"<{type(self).__name__} {self.id}>"
