"""``Trace``: the recorded Wengert list, as plain data every view reads.

Reverse mode records each primitive application into a ``Trace``: which row, which
arguments (earlier nodes or constants), which static parameters, and the primal value.
The recording is ordered and deterministic; names (``y1``, ``y2``, ...) are given from
that order by ``names``. Text, networkx graphs, figures, widgets, the magic and the CLI
all read this one object.

One recorded operation is a ``Record``: ``(prim, args, params, value, parents)``. Read
them by name through ``trace.row(i)``, ``trace.parents(i)`` or ``trace.records()``; the
tape itself (``_records``) stores plain tuples in the same field order, because the
scalar fast paths append one per operation and a tuple is the cheapest thing to build.
A record whose ``params`` is ``SCALAR`` was made by those fast paths: its arguments are
plain Python numbers and its row has compiled scalar rules (``fastpaths.py``). On the tape
such a record keeps its parents in *slots*: when the only argument that is a node is the
first, the parent's index itself (``4`` for ``sin(y4)`` and for ``y4 * 2.0``); otherwise
a tuple with one entry per argument, the node index or None (``(None, 4)`` for
``2.0 * y4``, ``(4, 5)`` for ``y4 * y5``). That is one small tuple or none instead of a
tuple per parent, about a tenth of a scalar operation's time and a quarter of its memory.
``row``, ``parents`` and ``records`` give every record in the one ``Record`` form.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, NamedTuple

from . import names
from .primitives import Primitive


# The ``params`` of a record made by the scalar fast paths (a row without static
# parameters applied to plain Python numbers); every other record has a dict of its own.
# It is one named, read-only, empty mapping: it passes no parameters to a rule like an
# empty dict, and ``params is SCALAR`` is true for fast records only.
SCALAR = MappingProxyType({})
# The ``params`` of an input: it has none either, and is no fast record.
INPUT = MappingProxyType({})


class Record(NamedTuple):
    """One operation on the tape: the row, its arguments (primals, with constants),
    its static parameters (``SCALAR`` for a fast record), the value it produced and its
    parents, ``((argument position, node index), ...)`` for the arguments that are
    earlier nodes. An input has ``prim`` None and no arguments or parents."""
    prim: Primitive | None
    args: tuple
    params: dict | None
    value: Any
    parents: tuple

    @property
    def is_input(self) -> bool:
        return self.prim is None

    @property
    def is_scalar(self) -> bool:
        """Made by the scalar fast paths (``params is SCALAR``)."""
        return self.params is SCALAR and self.prim is not None


def slot_parents(slots) -> tuple:
    """A fast record's parent slots (``(None, 4)``, or ``4``) as ``((1, 4),)`` (or
    ``((0, 4),)``)."""
    if type(slots) is int:
        return ((0, slots),)
    return tuple((position, index) for position, index in enumerate(slots)
                 if index is not None)


def _readable(record: tuple) -> Record:
    if record[2] is SCALAR and record[0] is not None:
        prim, args, params, value, slots = record
        return Record(prim, args, params, value, slot_parents(slots))
    return Record._make(record)


@dataclass(frozen=True)
class Ref:
    """An argument that is an earlier node of the trace."""
    index: int


@dataclass(frozen=True)
class Const:
    """An argument that is a constant (not differentiated in this trace)."""
    value: Any


@dataclass(frozen=True, eq=False)
class Node:
    """One line of the Wengert list."""
    index: int
    name: str
    op: str                      # the row's name, or "input"
    args: tuple                  # one Ref or Const per positional argument
    params: dict
    value: Any                   # the primal value
    primitive: Primitive | None = field(default=None, repr=False)

    @property
    def inputs(self) -> tuple:
        """Indices of the nodes this one reads, in argument order."""
        return tuple(a.index for a in self.args if isinstance(a, Ref))

    @property
    def is_input(self) -> bool:
        return self.op == "input"


class Trace:
    """An ordered recording of primitive operations (the tape of reverse mode)."""

    # What most traces never set is a class attribute, so a new trace (one per gradient
    # call) sets only its three lists; ``ad.trace`` and the recording set the rest.
    function = None                     # the recorded function (names its arguments)
    outputs: list[int] = ()             # node indices of the traced output leaves
    output: Any = None                  # the output value, with plain primals
    # Set by ``ad.trace``: per argument, its input node(s) as ``wrap_arguments`` made
    # them; per leaf of the output, its node index (None for a constant leaf).
    arguments: list = ()
    output_leaf_nodes: list = ()
    _nodes: list[Node] | None = None
    # Nodes recorded under ``numpy_semantics`` (np.power(x, 0.5) on a Python float):
    # their rules run under it too, so a derivative follows its value's semantics.
    numpy_nodes: set[int] = frozenset()     # a set of its own from the first

    def __init__(self):
        # plain tuples in ``Record``'s field order (read them with row / parents)
        self._records: list[tuple] = []
        self._input_names: dict[int, str | int] = {}
        # Where values steered the program without a derivative, in order: the row's
        # name or "bool"/"index"/"int"/"hash", then the node indices it looked at, in one
        # flat tuple (``("gt", 4)``, ``("lt", 4, 7)``).
        self.nondiff_uses: list[tuple] = []

    # -- recording (reverse mode appends to ``_records`` itself: see the module docstring)
    def note_numpy(self, index: int) -> None:
        """Node ``index`` was recorded under ``numpy_semantics``."""
        if type(self.numpy_nodes) is frozenset:     # the class's empty set: the first
            self.numpy_nodes = set()
        self.numpy_nodes.add(index)

    def add_input(self, value, name) -> int:
        """Record an input. ``name`` is its text, or the position of the function's
        argument, named from ``self.function``'s signature only when the trace is read."""
        records = self._records
        index = len(records)
        self._input_names[index] = name
        records.append((None, (), INPUT, value, ()))
        return index

    def truncate(self, n: int) -> None:
        """Forget every record from index ``n`` on (an attempt that was given up)."""
        del self._records[n:]
        self.numpy_nodes = {i for i in self.numpy_nodes if i < n}
        # in place: a recording level holds these lists (reverse.ReverseLevel)
        self.nondiff_uses[:] = [u for u in self.nondiff_uses if all(i < n for i in u[1:])]
        self._nodes = None

    def input_name(self, i: int) -> str:
        name = self._input_names[i]
        if type(name) is int:
            name = names.argument_names(self.function, name + 1)[name]
        return name

    # -- reading -----------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._records)

    def row(self, i: int) -> Record:
        """Operation ``i`` with named fields."""
        return _readable(self._records[i])

    def parents(self, i: int) -> tuple:
        """``((argument position, node index), ...)`` of operation ``i``."""
        return _readable(self._records[i]).parents

    def records(self):
        """Every operation, in order, as ``Record``s."""
        return map(_readable, self._records)

    @property
    def inputs(self) -> list[int]:
        return list(self._input_names)

    @property
    def nodes(self) -> list[Node]:
        if self._nodes is None or len(self._nodes) != len(self._records):
            self._nodes = self._build_nodes()
        return self._nodes

    @property
    def prefix(self) -> str:
        """The letter of the intermediate names: ``y`` (``y1``, ``dy1``) unless an input
        is named like that."""
        return names.value_prefix([self.input_name(i) for i in self._input_names])

    def _build_nodes(self) -> list[Node]:
        prefix = self.prefix
        nodes = []
        k = 0
        for i, (prim, args, params, value, parents) in enumerate(self.records()):
            if prim is None:
                nodes.append(Node(i, self.input_name(i), "input", (), {}, value))
                continue
            k += 1
            by_position = dict(parents)
            refs = tuple(Ref(by_position[j]) if j in by_position else Const(a)
                         for j, a in enumerate(args))
            nodes.append(Node(i, names.primal(k, prefix), prim.name, refs, dict(params or {}),
                              value, prim))
        return nodes

    # -- views -------------------------------------------------------------------------
    # Each view replays the trace with forward or reverse mode, which record into this
    # class and so sit above it: views.py gathers the views into ``Trace.views`` when
    # ``adexplorer.core`` is imported.
    views = None

    def __str__(self) -> str:
        return self.views.format_trace(self)

    def __repr__(self) -> str:
        return self.views.trace_repr(self)

    def _repr_html_(self) -> str:
        return self.views.trace_html(self)

    def tangent_wengert(self, wrt=None, labels=False):
        """The Wengert list of the derivative (``dy1 = 1 / x``, ...) w.r.t. ``wrt``;
        ``labels=True`` says after each line whose tangent (or slope) it is."""
        return self.views.tangent_wengert(self, wrt, labels)

    def adjoint_wengert(self):
        """The adjoint list of reverse mode (``ȳ3 = 1``, ``ȳ2 = ȳ3 * 5``, ...)."""
        return self.views.adjoint_wengert(self)

    def forward_sweep(self, wrt=None, tangent=None):
        """The forward sweep as ordered steps (one per jvp contribution)."""
        return self.views.forward_sweep(self, wrt, tangent)

    def reverse_sweep(self, seed=None):
        """The reverse sweep as ordered steps (one per adjoint contribution)."""
        return self.views.reverse_sweep(self, seed)

    backward_sweep = reverse_sweep        # DESIGN.md's name for the same sweep

    def to_networkx(self):
        """A ``networkx.DiGraph`` of the trace (node key = node index)."""
        return self.views.to_networkx(self)
