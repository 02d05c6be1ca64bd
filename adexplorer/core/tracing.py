"""``Trace``: the recorded Wengert list, as plain data every view reads.

Reverse mode records each primitive application into a ``Trace``: which row, which
arguments (earlier nodes or constants), which static parameters, and the primal value.
The recording is ordered and deterministic; names (``y1``, ``y2``, ...) are given from
that order by ``names``. Text, networkx graphs, figures, widgets, the magic and the CLI
all read this one object.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from . import names
from .primitives import Primitive


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

    def __init__(self):
        # (prim, args, params, value, parents); parents = ((arg position, node index), ...)
        self._records: list[tuple] = []
        self._input_names: dict[int, str | int] = {}
        self.function = None             # the recorded function (names its arguments)
        self.outputs: list[int] = []     # node indices of the traced output leaves
        self.output: Any = None          # the output value, with plain primals
        # Set by ``ad.trace``: per argument, its input node(s) as ``wrap_arguments`` made
        # them; per leaf of the output, its node index (None for a constant leaf).
        self.arguments: list = []
        self.output_leaf_nodes: list = []
        self._nodes: list[Node] | None = None
        # Where values steered the program without a derivative, in order:
        # (row name or "bool"/"index"/"int"/"hash", node indices it looked at).
        self.nondiff_uses: list[tuple[str, tuple[int, ...]]] = []
        # Nodes recorded under ``numpy_semantics`` (np.power(x, 0.5) on a Python float):
        # their rules run under it too, so a derivative follows its value's semantics.
        self.numpy_nodes: set[int] = set()

    # -- recording (called by reverse mode) -----------------------------------------
    def record(self, prim: Primitive, args: tuple, params: dict, value, parents: tuple) -> int:
        records = self._records
        records.append((prim, args, params, value, parents))
        return len(records) - 1

    def add_input(self, value, name) -> int:
        """Record an input. ``name`` is its text, or the position of the function's
        argument, named from ``self.function``'s signature only when the trace is read."""
        self._input_names[len(self._records)] = name
        self._records.append((None, (), None, value, ()))
        return len(self._records) - 1

    def input_name(self, i: int) -> str:
        name = self._input_names[i]
        if type(name) is int:
            from .reverse import argument_names
            name = argument_names(self.function, name + 1)[name]
        return name

    # -- reading -----------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._records)

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
        for i, (prim, args, params, value, parents) in enumerate(self._records):
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

    def __str__(self) -> str:
        from .wengert import format_trace
        return format_trace(self)

    def __repr__(self) -> str:
        from .wengert import trace_repr
        return trace_repr(self)

    def _repr_html_(self) -> str:
        from .wengert import trace_html
        return trace_html(self)

    # -- views (each delegates to the module that builds it) ----------------------------
    def tangent_wengert(self, wrt=None, labels=False):
        """The Wengert list of the derivative (``dy1 = 1 / x``, ...) w.r.t. ``wrt``;
        ``labels=True`` says after each line whose tangent (or slope) it is."""
        from .wengert import tangent_wengert
        return tangent_wengert(self, wrt, labels)

    def adjoint_wengert(self):
        """The adjoint list of reverse mode (``ȳ3 = 1``, ``ȳ2 = ȳ3 * 5``, ...)."""
        from .wengert import adjoint_wengert
        return adjoint_wengert(self)

    def forward_sweep(self, wrt=None, tangent=None):
        """The forward sweep as ordered steps (one per jvp contribution)."""
        from .sweeps import forward_sweep
        return forward_sweep(self, wrt, tangent)

    def reverse_sweep(self, seed=None):
        """The reverse sweep as ordered steps (one per adjoint contribution)."""
        from .sweeps import reverse_sweep
        return reverse_sweep(self, seed)

    backward_sweep = reverse_sweep        # DESIGN.md's name for the same sweep

    def to_networkx(self):
        """A ``networkx.DiGraph`` of the trace (node key = node index)."""
        from .wengert import to_networkx
        return to_networkx(self)
