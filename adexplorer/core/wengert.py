"""A ``Trace`` as lists you can read: the Wengert list of f, of its derivative, of its adjoint.

```
y1 = log(x)          dy1 = 1 / x          ȳ3 = 1
y2 = sin(y1)         dy2 = cos(y1)        ȳ2 = ȳ3 * 5
y3 = 5 * y2          dy3 = dy2 * dy1      ȳ1 = ȳ2 * cos(y1)
                     dy4 = 5 * dy3        x̄ = ȳ1 * (1 / x)
```
Every right-hand side is a row's display form, or a row's jvp/vjp rule run on symbols
(``symbolic.partial_text`` / ``vjp_text``), so the text can never disagree with the
numbers. Lines keep which node (and which argument) they belong to, so the sweeps and the
widgets can point at them.
"""

from __future__ import annotations

import html
import re
import weakref
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import names
from .errors import ADError
from .primitives import ATOM, PRIMITIVES
from .rules import shape
from .symbolic import NOT_HOLOMORPHIC, ONE, Sym, expression, partial_text, vjp_text
from .tracing import Const, Trace
from .values import shape_note

_ADD, _SUB, _MUL, _NEG = (PRIMITIVES[n] for n in ("add", "sub", "mul", "neg"))
_SIMPLE = re.compile(r"^-?[\w.\[\]'\"\u0304]+$")    # a name or a number, nothing to expand
_COMMENT_COLUMN = 40                                  # shape comments align up to here


@dataclass(frozen=True)
class Line:
    """One line of a Wengert list: ``target op expr`` (op is ``=`` or ``+=``).

    ``node`` is the trace node the line belongs to; for derivative lines ``parent`` and
    ``position`` say which argument edge it comes from. ``kind`` is one of "primal",
    "partial" (a local partial derivative), "tangent", "seed" or "adjoint"; ``value`` is
    what a primal line computes, for its comment (``None`` on derivative lines)."""
    target: str
    expr: str
    node: int
    kind: str
    op: str = "="
    shape: tuple = ()
    parent: int | None = None
    position: int | None = None
    value: Any = field(default=None, compare=False, repr=False)

    def __str__(self) -> str:
        return f"{self.target} {self.op} {self.expr}"


class WengertList:
    """An ordered list of ``Line``s that prints as the slide does; arrays get a comment."""

    def __init__(self, lines, header=(), notes=None):
        self.lines: list[Line] = list(lines)
        self.header: tuple[str, ...] = tuple(header)
        self.notes: tuple[str, ...] | None = None if notes is None else tuple(notes)

    def __len__(self):
        return len(self.lines)

    def __iter__(self):
        return iter(self.lines)

    def __getitem__(self, i):
        return self.lines[i]

    def lines_of(self, node: int) -> list[int]:
        """Indices of the lines that belong to trace node ``node``."""
        return [k for k, line in enumerate(self.lines) if line.node == node]

    def text_lines(self) -> list[str]:
        body = [str(line) for line in self.lines]
        if any(line.shape for line in self.lines):
            width = min(max(map(len, body)), _COMMENT_COLUMN)
            body = [f"{text:<{width}}  # {shape_note(line.shape, line.value)}" if line.shape
                    else text for text, line in zip(body, self.lines)]
        if self.notes:
            width = max(map(len, body))
            body = [f"{text:<{width}}  # {note}" for text, note in zip(body, self.notes)]
        return list(self.header) + body

    def __str__(self) -> str:
        return "\n".join(self.text_lines())

    __repr__ = __str__

    def _repr_html_(self) -> str:
        return f"<pre>{html.escape(str(self))}</pre>"


# ---------------------------------------------------------------------------
# Symbols for nodes


class _Symbols:
    """Node ``i`` as a ``Sym``: its name, with the shape of its value (for broadcasting
    rules). Made on first use, so printing a few lines of a long trace stays cheap."""

    def __init__(self, trace: Trace):
        self.nodes = trace.nodes
        self.made: dict[int, Sym] = {}

    def __getitem__(self, i: int) -> Sym:
        sym = self.made.get(i)
        if sym is None:
            node = self.nodes[i]
            sym = self.made[i] = Sym(node.name, ATOM, tuple(shape(node.value)),
                                     is_complex=bool(np.iscomplexobj(node.value)))
        return sym


def _operands(node, syms):
    """A node's arguments for a rule run on symbols: symbols for nodes, constants as they are."""
    return [a.value if isinstance(a, Const) else syms[a.index] for a in node.args]


def _input_header(trace: Trace) -> list[str]:
    return [f"# {node.name}: {shape_note(tuple(shape(node.value)), node.value)}"
            for node in trace.nodes if node.is_input and shape(node.value)]


# ---------------------------------------------------------------------------
# The Wengert list of f


def primal_wengert(trace: Trace, nodes=None) -> WengertList:
    """``y1 = log(x)``, ``y2 = sin(y1)``, ...: one line per recorded operation (or per
    node in ``nodes``, indices into the trace). The full list is kept with the trace."""
    if nodes is None:
        cached = _LISTINGS.get(trace)
        if cached is None or cached[0] != len(trace):
            cached = _LISTINGS[trace] = (len(trace), _primal_lines(trace, trace.nodes))
        lines = list(cached[1])
    else:
        lines = _primal_lines(trace, [trace.nodes[i] for i in nodes])
    return WengertList(lines, _input_header(trace))


_LISTINGS: "weakref.WeakKeyDictionary[Trace, tuple]" = weakref.WeakKeyDictionary()


def _primal_lines(trace: Trace, chosen) -> list[Line]:
    syms = _Symbols(trace)
    return [Line(node.name, str(expression(node.primitive, _operands(node, syms), node.params)),
                 node.index, "primal", shape=syms[node.index].shape, value=node.value)
            for node in chosen if not node.is_input]


def format_trace(trace: Trace) -> str:
    return str(primal_wengert(trace))


# ---------------------------------------------------------------------------
# The Wengert list of f' (forward mode)


def wrt_nodes(trace: Trace, wrt=None) -> list[int]:
    """Input node indices for ``wrt``: a name, a node index, a list of those, or ``None``
    (the first input, as ``ad.derivative`` differentiates w.r.t. its first argument)."""
    inputs = trace.inputs
    if not inputs:
        raise ADError("this trace has no differentiable inputs")
    if wrt is None:
        return [inputs[0]]
    items = [wrt] if isinstance(wrt, (str, int)) else list(wrt)
    by_name = {trace.nodes[i].name: i for i in inputs}
    out = []
    for item in items:
        if isinstance(item, str) and item in by_name:
            out.append(by_name[item])
        elif isinstance(item, int) and item in inputs:
            out.append(item)
        else:
            raise ADError(f"wrt={item!r} is not an input of this trace; "
                          f"its inputs are {', '.join(by_name)}")
    return out


@dataclass(frozen=True)
class TangentTerm:
    """What one argument edge adds to a node's tangent: ``expr``, after an optional line
    ``partial`` (index into the list) that names the local partial derivative."""
    node: int
    position: int
    parent: int
    expr: str
    partial: int | None


class TangentListing:
    """The derivative Wengert list together with, per edge, the term it contributes."""

    def __init__(self, listing: WengertList, terms: dict, tangent_names: dict, line_of: dict):
        self.listing = listing              # the WengertList
        self.terms = terms                  # (node, position) -> TangentTerm
        self.tangent_names = tangent_names  # node -> name of its tangent ("dy3", or "dx")
        self.line_of = line_of              # node -> index of the line holding its tangent


def tangent_listing(trace: Trace, wrt=None, unit_seed: bool = True) -> TangentListing:
    """Build the slide's derivative list: a local partial that is more than a name or a
    number gets its own line (``dy2 = cos(y1)``), then the chain-rule product
    (``dy3 = dy2 * dy1``). With one scalar input and ``unit_seed``, its tangent is the
    number 1 (``D(f, x) = f(Dual(x, 1)).ϵ``); otherwise inputs have tangents ``dx``, ....
    Array nodes use the row's jvp rule on the tangent symbol directly (``dx @ W``)."""
    syms = _Symbols(trace)
    seeds = wrt_nodes(trace, wrt)
    unit = unit_seed and len(seeds) == 1 and syms[seeds[0]].shape == ()
    tangent: dict[int, Any] = {}
    tangent_names: dict[int, str] = {}
    for i in seeds:
        name = names.tangent_of(trace.nodes[i].name)
        tangent[i] = ONE if unit else Sym(name, ATOM, syms[i].shape,
                                          is_complex=syms[i].is_complex)
        tangent_names[i] = name
    lines: list[Line] = []
    terms: dict = {}
    line_of: dict = {}
    for node in trace.nodes:
        if node.is_input:
            continue
        total = None
        node_terms = []
        for position, arg in enumerate(node.args):
            if isinstance(arg, Const) or arg.index not in tangent:
                continue
            term, partial = _tangent_term(node, position, arg.index, syms,
                                          tangent[arg.index], lines, trace.prefix)
            node_terms.append(TangentTerm(node.index, position, arg.index, _text(term), partial))
            if total is None:
                total = term
            elif isinstance(term, _Negated):         # a - b reads better than a + -b
                total = expression(_SUB, [total, term.inner])
            else:
                total = expression(_ADD, [total, term])
        if total is None:
            continue
        name = names.tangent(len(lines) + 1, trace.prefix)
        line_of[node.index] = len(lines)
        lines.append(Line(name, _text(total), node.index, "tangent", shape=syms[node.index].shape))
        tangent[node.index] = Sym(name, ATOM, syms[node.index].shape,
                                  is_complex=syms[node.index].is_complex)
        tangent_names[node.index] = name
        for t in node_terms:
            terms[(t.node, t.position)] = t
    return TangentListing(WengertList(lines, _input_header(trace)), terms, tangent_names, line_of)


def _tangent_term(node, position, parent, syms, incoming, lines, prefix):
    """The term argument ``position`` adds to ``node``'s tangent, and the index of the
    partial line it needed (or ``None``). May append that line to ``lines``."""
    args = _operands(node, syms)
    ans = syms[node.index]
    scalar = ans.shape == () and syms[parent].shape == () and not (
        node.op in NOT_HOLOMORPHIC and syms[parent].is_complex)
    try:
        if not scalar:                  # a Jacobian-vector product: the rule on the tangent
            return node.primitive.jvp_rule(position)(incoming, ans, *args, **node.params), None
        p = partial_text(node.primitive, position, args, ans, node.params)
    except ADError:
        raise
    except Exception:                   # a rule that cannot run on symbols: name it instead
        return Sym(f"jvp({node.op}, {incoming})"), None
    if incoming is ONE:
        return p, None
    text = _text(p)
    if text == "1":
        return incoming, None
    if text == "-1":
        return _Negated(incoming), None
    if _SIMPLE.match(text):
        return expression(_MUL, [p, incoming]), None
    k = len(lines)
    name = names.tangent(k + 1, prefix)
    lines.append(Line(name, text, node.index, "partial", parent=parent, position=position))
    return expression(_MUL, [Sym(name), incoming]), k


class _Negated(Sym):
    """``-t`` for a tangent ``t``, remembering ``t`` so a sum can write ``a - t``."""

    __slots__ = ("inner",)

    def __init__(self, inner):
        negated = expression(_NEG, [inner])
        super().__init__(negated.text, negated.prec, negated.shape, negated.op)
        self.inner = inner


def _text(x) -> str:
    return x.text if isinstance(x, Sym) else names.literal(x)


def tangent_wengert(trace: Trace, wrt=None, labels: bool = False) -> WengertList:
    """The Wengert list of the derivative: ``dy1 = 1 / x``, ``dy2 = cos(y1)``, ...

    Its lines are numbered on their own, so ``dy3`` need not belong to ``y3``. With
    ``labels``, each line says whose it is: ``dy3 = dy2 * dy1  # tangent of y2``, or
    ``dy2 = cos(y1)  # slope of y2 in y1`` for a local partial (not a tangent)."""
    listing = tangent_listing(trace, wrt).listing
    if not labels:
        return listing
    nodes = trace.nodes
    notes = [f"tangent of {nodes[line.node].name}" if line.kind == "tangent" else
             f"slope of {nodes[line.node].name} in {nodes[line.parent].name}"
             for line in listing]
    return WengertList(listing.lines, listing.header, notes)


# ---------------------------------------------------------------------------
# The adjoint list (reverse mode)


def output_seeds(trace: Trace, seed=None) -> dict:
    """Cotangent seeds for the outputs: ones shaped like each output unless ``seed`` given."""
    seeds: dict = {}
    for o in trace.outputs:
        value = trace.nodes[o].value
        if seed is not None:
            g = seed
        elif isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_)):
            g = 1
        elif shape(value):
            g = np.ones(shape(value))
        else:
            g = 1.0
        seeds[o] = g if o not in seeds else seeds[o] + g
    return seeds


def adjoint_wengert(trace: Trace) -> WengertList:
    """The adjoint list in the order of the reverse sweep: ``ȳ3 = 1``, ``ȳ2 = ȳ3 * 5``,
    ...; a second contribution to the same adjoint is a ``+=`` line (fan-out)."""
    syms = _Symbols(trace)
    nodes = trace.nodes
    has = set()
    lines = []
    for o in trace.outputs:
        lines.append(Line(names.adjoint_of(nodes[o].name), "1", o, "seed",
                          op="+=" if o in has else "=", shape=syms[o].shape))
        has.add(o)
    for i in range(max(has, default=-1), -1, -1):
        node = nodes[i]
        if i not in has or node.is_input:
            continue
        g = Sym(names.adjoint_of(node.name), ATOM, syms[i].shape,
                is_complex=syms[i].is_complex)
        args = _operands(node, syms)
        for position, arg in enumerate(node.args):
            if isinstance(arg, Const):
                continue
            try:
                expr = _text(vjp_text(node.primitive, position, g, args, syms[i], node.params))
            except ADError:
                raise
            except Exception:
                expr = f"vjp({node.op}, {g.text})"
            parent = arg.index
            lines.append(Line(names.adjoint_of(nodes[parent].name), expr, i, "adjoint",
                              op="+=" if parent in has else "=", shape=syms[parent].shape,
                              parent=parent, position=position))
            has.add(parent)
    return WengertList(lines, _input_header(trace))
