"""``checkpoint(f)``: trade time for memory, as ``jax.checkpoint`` and ``Zygote.checkpointed`` do.

Reverse mode keeps every intermediate of the forward pass on the tape until the reverse
sweep has used it. A checkpointed function is one row of the primitive table, made for
that function: the forward pass runs ``f`` on plain values and keeps only its inputs
and its output (one entry on the tape); its vjp rule records ``f``'s tape again, sweeps
it and lets it go, so ``f``'s intermediates live only while the reverse sweep is
inside ``f``. Its jvp rule is the jvp of ``f``. Both rules call ``f`` with the
differentiable functions, so nesting (``grad(grad(...))``, forward over reverse) and
the views (sweeps, Wengert lists, ``source_grad``) treat it like any other row.

``f`` may read AD values only through its arguments. When it reads one from outside
(a closed-over value that is being differentiated, ``lambda z: z * y`` inside a function
of ``y``), the forward pass notices it (``f`` on plain inputs gave an AD value), forgets
what it recorded and records ``f`` in full instead: the gradient is right, but nothing is
saved. Pass such values as arguments to get the memory saving.

Arguments may be numbers, arrays, containers of them (tuples, lists, dicts, dataclasses)
and keyword arguments: the row's arguments are their differentiable leaves, the rest
(strings, flags, the structure) travels with the row as a hidden parameter. ``f`` must
return one number or array.
"""

from __future__ import annotations

import functools

from . import trees
from .errors import InputError
from .primitives import PRIMITIVES, ADValue, Primitive, bind
from .forward import jvp
from .reverse import vjp
from .rules_numpy import PerArgument


class _Leaf:
    """Where a differentiable leaf stood in the arguments (the template's placeholder)."""

    __slots__ = ()

    def __repr__(self):
        return "·"


LEAF = _Leaf()


class Template:
    """The arguments of one call with each differentiable leaf taken out."""

    __slots__ = ("args", "kwargs")

    def __init__(self, args, kwargs):
        self.args, self.kwargs = args, kwargs

    def fill(self, leaves):
        """The positional and keyword arguments with ``leaves`` put back, in order."""
        it = iter(leaves)
        put = functools.partial(trees.map_leaves, lambda leaf, _path: next(it) if leaf is LEAF
                                else leaf)
        return put(self.args, "a"), put(self.kwargs, "k")

    def __repr__(self):
        return f"Template({self.args!r}, {self.kwargs!r})"


def split(args: tuple, kwargs: dict):
    """``(leaves, template)``: the differentiable leaves of a call, and the rest."""
    leaves = []

    def take(leaf, _path):
        if trees.is_differentiable(leaf):
            leaves.append(leaf)
            return LEAF
        return leaf
    return leaves, Template(trees.map_leaves(take, tuple(args), "a"),
                            trees.map_leaves(take, dict(kwargs), "k"))


class CheckpointRow(Primitive):
    """The row of one checkpointed function; ``function`` is ``f``."""

    __slots__ = ("function", "_last")

    def __init__(self, f):
        name = getattr(f, "__name__", "f")
        super().__init__(f"checkpoint({name})", _impl(self),
                         jvp=PerArgument(lambda i: _jvp(self, i)),
                         vjp=PerArgument(lambda i: _vjp(self, i)),
                         display=f"checkpoint({name})" + "({args})", user=True)
        self.function, self._last = f, None

    def call(self, leaves, template, kwargs):
        """``f`` on the arguments a row application was given: its leaves with the
        template (a traced call), or positional arguments and keywords (generated code)."""
        if template is None:
            return self.function(*leaves, **kwargs)
        args, keywords = template.fill(leaves)
        return self.function(*args, **keywords)

    def cotangents(self, g, leaves, template, kwargs) -> tuple:
        """Record ``f``'s tape again and sweep it back from ``g``: one cotangent per leaf.
        Every argument of one node asks in turn, so with several leaves the last answer
        is kept (the cotangents, not the tape) until the row is next used."""
        last = self._last
        if last is not None and last[0] is g and len(last[1]) == len(leaves) and all(
                a is b for a, b in zip(last[1], leaves)):
            return last[2]
        _, pullback = vjp(lambda *xs: self.call(xs, template, kwargs), *leaves)
        result = pullback(g)
        self._last = (g, tuple(leaves), result) if len(leaves) > 1 else None
        return result


class ReadsOuterValue(Exception):
    """``f`` on plain inputs gave an AD value: it read one that is not an argument."""


def _impl(row):
    def impl(*leaves, _template=None, **kwargs):
        out = row.call(leaves, _template, kwargs)
        if isinstance(out, ADValue):
            raise ReadsOuterValue(row.function)
        if not trees.is_differentiable(out):
            raise InputError(f"ad.checkpoint({row.function.__name__}): the function must "
                             f"return one number or array; it returned a {type(out).__name__}"
                             " (checkpoint each output, or np.stack them)")
        return out
    return impl


def _vjp(row, i):
    def rule(g, ans, *leaves, _template=None, **kwargs):
        return row.cotangents(g, leaves, _template, kwargs)[i]
    return rule


def _jvp(row, i):
    def rule(t, ans, *leaves, _template=None, **kwargs):

        def along(x):
            return row.call(leaves[:i] + (x,) + leaves[i + 1:], _template, kwargs)
        return jvp(along, (leaves[i],), (t,))[1]
    return rule


def _trace_lengths(leaves) -> list:
    """``(trace, length)`` of every recording level among the leaves (nested ones too)."""
    marks, seen = [], set()
    for leaf in leaves:
        while isinstance(leaf, ADValue):
            trace = getattr(leaf._level, "trace", None)
            if trace is not None and id(trace) not in seen:
                seen.add(id(trace))
                marks.append((trace, len(trace)))
            leaf = getattr(leaf, "primal", None)
    return marks


def _row_key(f) -> str:
    return f"checkpoint:{getattr(f, '__module__', '')}.{getattr(f, '__qualname__', repr(f))}"


def checkpoint(f):
    """``f`` with its tape not kept: the forward pass stores only ``f``'s inputs (one row
    in the trace), and the reverse sweep records ``f``'s tape again when it gets there.
    Gradients are the same as without it; memory is lower, time a little higher.
    If ``f`` reads a value being differentiated that is not one of its arguments (a
    closed-over ``y``), ``f`` is recorded in full instead: right gradient, no saving."""
    if not callable(f):
        raise InputError(f"ad.checkpoint needs a function, got a {type(f).__name__}")
    row = CheckpointRow(f)
    PRIMITIVES[_row_key(f)] = row     # a cell run again replaces its row

    @functools.wraps(f)
    def checkpointed(*args, **kwargs):
        leaves, template = split(args, kwargs)
        marks = _trace_lengths(leaves)
        try:
            if all(a is LEAF for a in template.args) and not kwargs:
                return bind(row, *leaves)         # the common case: no hidden parameter
            return bind(row, *leaves, _template=template)
        except ReadsOuterValue:
            for trace, n in marks:                # forget the half-recorded attempt
                trace.truncate(n)
            return f(*args, **kwargs)             # and record f in full
    checkpointed.primitive = row
    return checkpointed


def is_checkpoint(prim) -> bool:
    return isinstance(prim, CheckpointRow)
