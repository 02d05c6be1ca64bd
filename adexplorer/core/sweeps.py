"""The forward and reverse sweeps of a ``Trace`` as ordered steps, for captions and animation.

There is no sweep code here: ``forward.push_tangents`` and ``backprop.backprop`` (the
sweeps every derivative uses) report each contribution through their ``on_step``
callback, and this module writes down what happened. A step is one use of one rule on
one argument edge, so in the reverse sweep every ``+=`` into a node used several times
(fan-out) is its own step, which is exactly why gradients add up at shared nodes. The
text of a step is the matching line of ``tangent_wengert`` / ``adjoint_wengert``.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import names
from .forward import one_like, push_tangents
from .backprop import backprop
from .tracing import Const, Trace
from .values import short_value
from .wengert import (adjoint_wengert, output_seeds, primal_wengert, tangent_listing,
                      wrt_nodes)


@dataclass(frozen=True, kw_only=True)
class Step:
    """One step of a sweep: a seed, or one rule's contribution along one argument edge.

    ``node`` is the node whose rule runs; ``parent`` (argument ``position``) the other end
    of the edge. The step writes the value of ``target`` — in the forward sweep the
    node's tangent, in the reverse sweep the parent's adjoint (a seed writes its own
    node): ``before`` is that value before the step (``None`` if it had none), ``value``
    after it, ``contribution`` what the step added. ``symbols`` is the matching line of
    the derivative's Wengert list (``dy3 = dy2 * dy1``, ``ȳ1 += ȳ2 * cos(y1)``), ``words``
    the step in words, ``reads`` the ``(name, value)`` pairs the rule used and ``line``
    the index of the step's line in that list.
    """
    step: int
    kind: str                    # "seed", "jvp" or "vjp"
    node: int
    name: str
    op: str
    expr: str                    # the node's line in the Wengert list of f: "sin(y1)"
    primal: Any
    target: int
    words: str
    symbols: str
    contribution: Any
    value: Any
    before: Any = None
    parent: int | None = None
    parent_name: str | None = None
    position: int | None = None
    reads: tuple = ()
    line: int | None = None

    @property
    def accumulates(self) -> bool:
        """True for a ``+=`` into a value that already had a contribution (fan-out)."""
        return self.kind != "seed" and self.before is not None

    @property
    def caption(self) -> str:
        if self.kind == "seed":                 # its symbols already hold the value
            return f"{self.words}: {self.symbols}"
        if self.before is None:
            return f"{self.words}: {self.symbols} = {short_value(self.value)}"
        return (f"{self.words}: {self.symbols}, "
                f"{added(self.before, self.contribution)} = {short_value(self.value)}")


@dataclass(frozen=True, kw_only=True)
class ForwardStep(Step):
    """A step of the forward sweep. ``partial`` is the line naming the local partial if
    the list has one (``dy2 = cos(y1)``); ``complete`` is True when the step gives the
    node its final tangent."""
    partial: str | None = None
    complete: bool = True

    @property
    def tangent(self):
        """The node's tangent after this step (``value``)."""
        return self.value


@dataclass(frozen=True, kw_only=True)
class BackwardStep(Step):
    """A step of the reverse sweep: ``node`` sends its adjoint back through its row's vjp
    rule to ``parent``; ``before``/``after`` are the parent's adjoint around the ``+=``."""

    @property
    def after(self):
        """The adjoint this step writes, after its ``+=`` (``value``)."""
        return self.value


def added(before, contribution) -> str:
    """``"64 + 16"``, and ``"1.5 - 0.989992"`` rather than ``"1.5 + -0.989992"``."""
    term = short_value(contribution)
    if term.startswith("-"):
        return f"{short_value(before)} - {term[1:]}"
    return f"{short_value(before)} + {term}"


def accumulated(before, contribution, after) -> str:
    """A step's value in a table: the new value, or for a ``+=`` the running total
    before and after it, ``"64 + 16 → 80"`` (arrays: only the new value)."""
    if before is None or np.ndim(contribution) > 0:
        return short_value(after)
    return f"{added(before, contribution)} → {short_value(after)}"


def text_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: a combining bar (ȳ) takes none."""
    return sum(1 for ch in text if not unicodedata.combining(ch))


def _pad(text: str, width: int, right: bool = False) -> str:
    gap = " " * max(width - text_width(text), 0)
    return gap + text if right else text + gap


class Sweep(list):
    """The ordered steps of one sweep (``mode`` "forward" or "reverse"), plus the final
    values (``values[i]`` is node ``i``'s tangent or adjoint, ``None`` where there is
    none), the Wengert list the steps' symbols come from and ``last_step``: node -> the
    index of the step after which its value no longer changes."""

    def __init__(self, steps, mode: str, trace: Trace, values: list, listing):
        super().__init__(steps)
        self.mode = mode
        self.trace = trace
        self.values = values
        self.listing = listing
        self.last_step = {s.target: k for k, s in enumerate(steps)}
        # values_before(c * every) for c = 0, 1, ...: taken as frames ask for them
        self._every = max(64, math.isqrt(len(steps)))
        self._snapshots: list[dict] = [{}]

    def values_before(self, k: int) -> dict:
        """node -> its tangent/adjoint after the first ``k`` steps (before step ``k``), a
        dict of the caller's own. It starts from the nearest snapshot below ``k`` (one per
        ``_every`` steps, made once), so playing a sweep frame by frame stays linear."""
        k = len(range(len(self))[:k])                   # as self[:k] counts
        every = self._every
        chunk = k // every
        snapshots = self._snapshots
        while len(snapshots) <= chunk:
            start = (len(snapshots) - 1) * every
            snapshots.append(self._written(dict(snapshots[-1]), start, start + every))
        return self._written(dict(snapshots[chunk]), chunk * every, k)

    def _written(self, values: dict, start: int, stop: int) -> dict:
        """``values`` with what steps ``start`` to ``stop`` wrote."""
        for s in self[start:stop]:
            values[s.target] = s.value
        return values

    def __str__(self) -> str:
        """One row per step: the line, the value it gives (for a ``+=``, the running
        total before and after: ``64 + 16 → 80``) and the step in words."""
        values = [accumulated(s.before, s.contribution, s.value) for s in self]
        lines = [s.symbols for s in self]
        line_width = max([28] + [text_width(t) for t in lines])
        value_width = max([12] + [text_width(v) for v in values])
        # steps are counted from 1 on the page, as the player and the frames count them
        return "\n".join(f"{s.step + 1:>3}  {_pad(line, line_width)} {_pad(v, value_width, True)}"
                         f"   {s.words}" for s, line, v in zip(self, lines, values))

    def __repr__(self) -> str:
        head = f"<{self.mode} sweep, {len(self)} steps>"
        return f"{head}\n{self}" if len(self) <= 40 else head


def _node_texts(trace: Trace):
    exprs = {line.node: line.expr for line in primal_wengert(trace)}
    return [exprs.get(n.index, "input") for n in trace.nodes]


def _reads(node, names_, values, extra):
    """The primal arguments a rule reads, then the tangent/adjoint it was given."""
    out = [(names_[a.index], values[a.index]) for a in node.args if not isinstance(a, Const)]
    seen = set()
    unique = []
    for name, value in out + [extra]:
        if name not in seen:
            seen.add(name)
            unique.append((name, value))
    return tuple(unique)


def forward_sweep(trace: Trace, wrt=None, tangent=None) -> Sweep:
    """Replay ``trace`` in forward mode from ``wrt`` (default: the first input) with
    tangent ``tangent`` (default: 1, or ones for an array), recording every step."""
    seeds_at = wrt_nodes(trace, wrt)
    nodes = trace.nodes
    seeds = {}
    for k, i in enumerate(seeds_at):
        given = tangent[k] if isinstance(tangent, (list, tuple)) else tangent
        seeds[i] = one_like(nodes[i].value) if given is None else given
    info = tangent_listing(trace, seeds_at, unit_seed=tangent is None)
    names_ = [n.name for n in nodes]
    primals = [n.value for n in nodes]
    exprs = _node_texts(trace)
    remaining = {}                       # node -> contributions still to come
    for (node, _position) in info.terms:
        remaining[node] = remaining.get(node, 0) + 1
    steps: list = []
    current = dict(seeds)                # node -> tangent so far
    for i in seeds_at:
        name = info.tangent_names[i]
        steps.append(ForwardStep(
            step=len(steps), kind="seed", node=i, name=names_[i], op="input", expr="input",
            primal=primals[i], target=i, contribution=seeds[i], value=seeds[i],
            words=f"seed: the tangent of {names_[i]} is set to {short_value(seeds[i])}",
            symbols=f"{name} = {short_value(seeds[i])}"))

    def on_step(i, position, parent, contribution, total):
        term = info.terms[(i, position)]
        node = nodes[i]
        before = current.get(i)
        current[i] = total
        remaining[i] -= 1
        target = info.tangent_names[i]
        partial = None if term.partial is None else str(info.listing[term.partial])
        if before is None:
            words = (f"tangent of {names_[i]} = {exprs[i]} (line {target} of f') from "
                     f"{names_[parent]} (jvp rule of {node.op})")
        else:
            words = (f"add the part from {names_[parent]} (argument {position + 1}) to the "
                     f"tangent of {names_[i]} (line {target}): tangents of all arguments "
                     "add up")
        steps.append(ForwardStep(
            step=len(steps), kind="jvp", node=i, name=names_[i], op=node.op, expr=exprs[i],
            primal=primals[i], target=i, parent=parent, parent_name=names_[parent],
            position=position, words=words,
            symbols=f"{target} {'=' if before is None else '+='} {term.expr}", partial=partial,
            reads=_reads(node, names_, primals, (info.tangent_names[parent], current[parent])),
            contribution=contribution, before=before, value=total,
            complete=remaining[i] == 0, line=info.line_of.get(i)))

    values = push_tangents(trace, seeds, on_step)
    return Sweep(steps, "forward", trace, values, info.listing)


def reverse_sweep(trace: Trace, seed=None) -> Sweep:
    """Sweep ``trace`` backwards from its outputs (cotangent ``seed``, default 1 or ones),
    recording every contribution as a step."""
    seeds = output_seeds(trace, seed)
    listing = adjoint_wengert(trace)
    line_of = {(line.node, line.position): k for k, line in enumerate(listing)
               if line.kind == "adjoint"}
    seed_lines = [k for k, line in enumerate(listing) if line.kind == "seed"]
    nodes = trace.nodes
    names_ = [n.name for n in nodes]
    bars = [names.adjoint_of(n) for n in names_]
    primals = [n.value for n in nodes]
    exprs = _node_texts(trace)
    steps: list = []
    current: dict = {}
    for k, (i, g) in enumerate(seeds.items()):
        current[i] = g
        steps.append(BackwardStep(
            step=len(steps), kind="seed", node=i, name=names_[i], op=nodes[i].op,
            expr=exprs[i], primal=primals[i], target=i, contribution=g, value=g,
            words=f"seed: the adjoint of the output {names_[i]} is {short_value(g)}",
            symbols=f"{bars[i]} = {short_value(g)}",
            line=seed_lines[k] if k < len(seed_lines) else None))

    def on_step(i, position, parent, contribution, before, after):
        node = nodes[i]
        current[parent] = after
        k = line_of.get((i, position))
        symbols = str(listing[k]) if k is not None else f"{bars[parent]} += ..."
        if before is None:
            words = (f"{names_[i]} = {exprs[i]} sends its adjoint back to {names_[parent]} "
                     f"(vjp rule of {node.op}, argument {position + 1})")
        else:
            words = (f"{names_[parent]} is used more than once: this contribution from "
                     f"{names_[i]} adds to the adjoint it already has")
        steps.append(BackwardStep(
            step=len(steps), kind="vjp", node=i, name=names_[i], op=node.op, expr=exprs[i],
            primal=primals[i], target=parent, parent=parent, parent_name=names_[parent],
            position=position, words=words, symbols=symbols,
            reads=_reads(node, names_, primals, (bars[i], current[i])),
            contribution=contribution, before=before, value=after, line=k))

    values = backprop(trace, seeds, on_step)
    return Sweep(steps, "reverse", trace, values, listing)


backward_sweep = reverse_sweep        # the name DESIGN.md gives; "reverse" everywhere else
