"""Which boxes a graph has: one per trace node, or fewer when the trace is large.

``plan_boxes(trace, selected, max_nodes)`` groups trace nodes into boxes. Up to
``max_nodes`` nodes every node is a box. Above that, a run of repeated structure (the
iterations of a loop) keeps its first and last iteration and shows the middle as one
box; if that is not enough, consecutive operations are drawn as blocks. Where the boxes
go is decided in layout.py; this module never touches a picture.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..core.tracing import Trace
from ..core.values import fit_value
from ..core.wengert import primal_wengert

LABEL_CHARS = 18              # longest box title before it is shortened
VALUE_LINES = 4               # lines a small array's entries may take in its box
MAX_BLOCKS = 12               # blocks of consecutive operations drawn for a huge trace
MAX_PERIOD = 24               # longest loop body (in operations) looked for when collapsing
_MIN_REPEATS = 3              # first and last iteration are kept, so at least one is hidden


@dataclass(frozen=True)
class Box:
    """One drawn box: a trace node, or several standing for repeated structure / a block."""
    members: tuple            # trace node indices
    kind: str                 # "input", "op", "output", "group", "block" or "outside"
    title: str
    detail: str


def tape(trace: Trace) -> list:
    """What the graph reads of each recorded node: ``(row name or None for an input,
    number of arguments, ((argument position, parent node), ...))``. The one place that
    reads the trace's records."""
    return [(None if rec.prim is None else rec.prim.name, len(rec.args), rec.parents)
            for rec in trace.records()]


def clip(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[:LABEL_CHARS - 1] + "…"


def _box_value(value) -> str:
    """A node's value as its box shows it: a small array's rounded entries on up to
    ``VALUE_LINES`` lines, else its shape, dtype and norm."""
    return "\n".join(clip(line) for line in
                     fit_value(value, LABEL_CHARS, VALUE_LINES).split("\n"))


def _node_labels(trace: Trace, members) -> dict:
    lines = {line.node: line.expr for line in primal_wengert(trace, members)}
    nodes = trace.nodes
    out = {}
    for i in members:
        node = nodes[i]
        if node.is_input:
            out[i] = (clip(node.name), _box_value(node.value))
            continue
        text = f"{node.name} = {lines[i]}"
        if len(text) > LABEL_CHARS:
            text = clip(f"{node.name}: {node.op}")
        out[i] = (text, _box_value(node.value))
    return out


def _signatures(rows, seq) -> np.ndarray:
    """An integer per operation: same row and same argument pattern -> same code."""
    codes: dict = {}
    out = np.empty(len(seq), dtype=np.int64)
    for k, i in enumerate(seq):
        op, n_args, parents = rows[i]
        used = {p for p, _ in parents}
        key = (op, tuple(j in used for j in range(n_args)))
        out[k] = codes.setdefault(key, len(codes))
    return out


def _runs(codes: np.ndarray) -> list:
    """Greedy tandem repeats: ``(start, period, repeats)`` with ``repeats >= 3``."""
    m = len(codes)
    if m < 2 * _MIN_REPEATS:
        return []
    periods = range(1, min(MAX_PERIOD, m // _MIN_REPEATS) + 1)
    best_cover = np.zeros(m, dtype=np.int64)
    best_period = np.zeros(m, dtype=np.int64)
    for p in periods:
        eq = codes[p:] == codes[:-p]
        idx = np.arange(len(eq))
        nxt = np.where(eq, len(eq), idx)
        nxt = np.minimum.accumulate(nxt[::-1])[::-1]       # first mismatch at or after j
        run = nxt - idx
        reps = (p + run) // p
        cover = np.where(reps >= _MIN_REPEATS, reps * p, 0)
        better = cover > best_cover[:len(cover)]
        best_cover[:len(cover)][better] = cover[better]
        best_period[:len(cover)][better] = p
    out = []
    i = 0
    while i < m:
        c = int(best_cover[i])
        if c:
            p = int(best_period[i])
            out.append((i, p, c // p))
            i += c
        else:
            i += 1
    return out


def plan_boxes(trace: Trace, rows: list, selected: list, max_nodes: int):
    """Groups of trace nodes, in index order, each drawn as one box: ``(members, kind)``,
    and a note saying what was collapsed (empty when every node is a box)."""
    outputs = set(trace.outputs)
    inputs = [i for i in selected if rows[i][0] is None]
    ops = [i for i in selected if rows[i][0] is not None]

    def single(i):
        return ((i,), "input" if rows[i][0] is None else
                ("output" if i in outputs else "op"))

    if len(selected) <= max_nodes:
        return [single(i) for i in selected], ""
    runs = _runs(_signatures(rows, ops))
    for keep_ends in (True, False):
        groups = [single(i) for i in inputs]
        at = 0
        for start, p, reps in runs:
            groups += [single(i) for i in ops[at:start]]
            body = ops[start:start + p * reps]
            if keep_ends:
                groups += [single(i) for i in body[:p]]
                groups.append((tuple(body[p:-p]), "group"))
                groups += [single(i) for i in body[-p:]]
            else:
                groups.append((tuple(body), "group"))
            at = start + p * reps
        groups += [single(i) for i in ops[at:]]
        if runs and len(groups) <= max_nodes:
            hidden = sum(p * reps for _s, p, reps in runs)
            return groups, (f"{len(selected)} nodes: {len(runs)} repeated "
                            f"structure{'s' * (len(runs) > 1)} ({hidden} nodes) collapsed")
    # Blocks of consecutive operations.
    shown_inputs = inputs if len(inputs) <= max_nodes // 4 else []
    room = max(min(MAX_BLOCKS, max_nodes - len(shown_inputs)), 1)
    rest = ops if shown_inputs else sorted(inputs + ops)
    size = -(-len(rest) // room)
    groups = [single(i) for i in shown_inputs]
    groups += [(tuple(rest[k:k + size]), "block") for k in range(0, len(rest), size)]
    return groups, (f"{len(selected)} nodes drawn as {len(groups) - len(shown_inputs)} blocks "
                    "of consecutive operations")


def make_boxes(trace: Trace, groups) -> list:
    """A titled ``Box`` per group of ``plan_boxes``."""
    labels = _node_labels(trace, [g[0][0] for g in groups if len(g[0]) == 1])
    return [_box(trace, members, kind, labels) for members, kind in groups]


def _box(trace: Trace, members, kind, labels) -> Box:
    if len(members) == 1:
        title, detail = labels[members[0]]
        return Box(tuple(members), kind, title, detail)
    nodes = trace.nodes
    first, last = nodes[members[0]].name, nodes[members[-1]].name
    if kind == "group":
        ops = [nodes[i].op for i in members]
        period = next(p for p in range(1, len(ops) + 1)
                      if len(ops) % p == 0 and ops == ops[:p] * (len(ops) // p))
        body = ", ".join(ops[:period][:3]) + (", ..." if period > 3 else "")
        return Box(tuple(members), kind, clip(f"×{len(ops) // period} ({body})"),
                   clip(f"{first} … {last}"))
    return Box(tuple(members), kind, clip(f"{first} … {last}"),
               clip(f"{len(members)} operations"))
