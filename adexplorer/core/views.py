"""What a ``Trace`` shows of itself: its text, its sweeps, its HTML table and its graph.

``Trace`` (tracing.py) is the plain data reverse mode records into, so it cannot import
what replays it with forward and reverse mode. This module holds the views that are not
Wengert lists (wengert.py) or sweeps (sweeps.py) and hands them all to ``Trace`` as
``Trace.views``: ``print(trace)``, ``trace.tangent_wengert()``, ``trace.forward_sweep()``,
``trace.to_networkx()`` call through it. ``adexplorer.core`` imports this module, so every
trace has its views.
"""

from __future__ import annotations

import html
import types

from .errors import ADError
from .forward import one_like, push_tangents
from .backprop import backprop
from .rules import shape
from .sweeps import forward_sweep, reverse_sweep
from .tracing import Const, Trace
from .values import short_value
from .wengert import (adjoint_wengert, format_trace, output_seeds, primal_wengert,
                      tangent_wengert)


# ---------------------------------------------------------------------------
# The plain-text repr and the HTML table


def trace_repr(trace: Trace, max_lines: int = 40) -> str:
    """The plain-text repr: a header, then the Wengert list (head and tail if long)."""
    n_ops = len(trace) - len(trace.inputs)
    inputs = ", ".join(f"{trace.nodes[i].name}={short_value(trace.nodes[i].value)}"
                       for i in trace.inputs[:6])
    if len(trace.inputs) > 6:
        inputs += ", ..."
    head = f"Trace of {n_ops} operation{'s' * (n_ops != 1)} at {inputs or 'no inputs'}"
    if n_ops <= max_lines:
        return head + ":\n" + str(trace)
    half = max_lines // 2
    ops = [n.index for n in trace.nodes if not n.is_input]
    listing = primal_wengert(trace, ops[:half] + ops[-half:])
    text = listing.text_lines()
    header, body = text[:len(listing.header)], text[len(listing.header):]
    gap = f"... ({n_ops - 2 * half} more lines; print(trace) shows all)"
    return "\n".join([head + ":"] + header + body[:half] + [gap] + body[half:])


def trace_html(trace: Trace, max_rows: int = 60) -> str:
    """A table: line, op, value, and the tangent (w.r.t. the first input) and adjoint
    (of a scalar output) where they can be computed."""
    nodes = trace.nodes
    rows = list(range(len(nodes)))
    if len(rows) > max_rows:
        rows = rows[:max_rows // 2] + [None] + rows[-(max_rows // 2):]
    shown = [i for i in rows if i is not None]
    lines = {line.node: str(line) for line in primal_wengert(trace, shown)}
    tangents = adjoints = None
    small = len(trace) <= 20000
    if small and trace.inputs:
        try:
            first = trace.inputs[0]
            tangents = push_tangents(trace, {first: one_like(nodes[first].value)})
        except (ADError, TypeError, ValueError):
            tangents = None
    if small and len(trace.outputs) == 1 and shape(nodes[trace.outputs[0]].value) == ():
        try:
            adjoints = backprop(trace, output_seeds(trace))
        except (ADError, TypeError, ValueError):
            adjoints = None
    heads = ["line", "op", "value"]
    if tangents is not None:
        heads.append(f"tangent d/d{nodes[trace.inputs[0]].name}")
    if adjoints is not None:
        heads.append("adjoint")
    out = ['<table class="adexplorer-trace">',
           "<tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in heads) + "</tr>"]
    for i in rows:
        if i is None:
            out.append(f'<tr><td colspan="{len(heads)}">... {len(nodes) - max_rows} more '
                       "rows ...</td></tr>")
            continue
        node = nodes[i]
        cells = [lines.get(i, f"{node.name} (input)"), node.op, short_value(node.value)]
        if tangents is not None:
            cells.append(short_value(tangents[i]))
        if adjoints is not None:
            cells.append(short_value(adjoints[i]))
        out.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells) + "</tr>")
    out.append("</table>")
    return "\n".join(out)


# ---------------------------------------------------------------------------
# The graph


def to_networkx(trace: Trace):
    """A ``networkx.DiGraph``: one node per trace node (key = node index) with ``name``,
    ``op``, ``expr``, ``value``, ``shape``, ``is_input``, ``is_output``; an edge per
    argument use with ``positions`` (a tuple: ``x * x`` uses ``x`` twice)."""
    import networkx as nx
    graph = nx.DiGraph(inputs=list(trace.inputs), outputs=list(trace.outputs))
    exprs = {line.node: line.expr for line in primal_wengert(trace)}
    outputs = set(trace.outputs)
    graph.add_nodes_from(
        (node.index, {"name": node.name, "op": node.op, "expr": exprs.get(node.index, node.name),
                      "value": node.value, "shape": tuple(shape(node.value)),
                      "is_input": node.is_input, "is_output": node.index in outputs})
        for node in trace.nodes)
    positions: dict = {}
    for node in trace.nodes:
        for position, arg in enumerate(node.args):
            if not isinstance(arg, Const):
                positions.setdefault((arg.index, node.index), []).append(position)
    graph.add_edges_from((a, b, {"positions": tuple(p)}) for (a, b), p in positions.items())
    return graph


Trace.views = types.SimpleNamespace(
    format_trace=format_trace, trace_repr=trace_repr, trace_html=trace_html,
    tangent_wengert=tangent_wengert, adjoint_wengert=adjoint_wengert,
    forward_sweep=forward_sweep, reverse_sweep=reverse_sweep, to_networkx=to_networkx)
