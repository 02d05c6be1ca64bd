"""Where a trace's graph goes: boxes and edge polylines as plain data (no matplotlib).

``graph_layout(trace)`` gives a ``GraphLayout``: the boxes (which trace nodes each
stands for, see collapse.py), their centres and rectangles, and for every edge the
polyline it is drawn along. Boxes sit in columns left to right, each one column right
of its deepest argument; a graph deeper than ``MAX_COLUMNS`` continues in a band below,
like a line of text. The drawing (graph.py, frames.py) reads only this data.

Routing rule: no edge passes behind a box. An edge between neighbouring columns runs
through the empty gap between them. An edge that skips columns gets a waypoint in every
column it crosses, on a lane of its own between that column's boxes (Sugiyama's dummy
nodes), kept level where it can be. An edge into a later band runs down the right
margin, along a lane of the gutter between the bands, and down the left margin. Every
edge ends on its target's left border, where arrowheads are drawn.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from itertools import pairwise

import numpy as np

from ..core.tracing import Trace
from .collapse import make_boxes, plan_boxes, tape

BOX_W, BOX_H = 0.82, 0.62     # a box, in units of the column pitch
MAX_COLUMNS = 9               # columns side by side; deeper graphs wrap into bands below
_LANE = 0.14                  # between two lanes side by side in a column
_GUTTER_LANE = 0.12           # between two lanes side by side in a gutter
_ROOM_ABOVE = 0.2             # from a lane down to the top of a box under it
_ROOM_BELOW = 0.4             # from a box down to a lane (a value note is written there)
_MARGIN = 0.08                # between edges running down a margin
_BAND_GAP = 0.4               # between a band and the gutter lanes under it
_SWEEPS = 8                   # rounds of ordering / levelling the columns


@dataclass
class GraphLayout:
    """Boxes, their centres and columns, the edges between boxes with the polylines
    they are drawn along, and a note on collapsing."""
    boxes: list               # collapse.Box per box
    x: np.ndarray             # centre of each box
    y: np.ndarray
    layer: np.ndarray         # column counted from the left, before wrapping
    edges: list               # (box, box) pairs, source first
    box_of: np.ndarray        # trace node index -> box index (-1: not shown)
    n_nodes: int              # trace nodes covered by the view
    message: str = ""
    edge_members: dict = field(default_factory=dict)   # (box, box) -> [(node, node), ...]
    band: np.ndarray | None = None    # which band (row of columns) a deep graph wraps into
    routes: dict = field(default_factory=dict)   # (box, box) -> polyline, an (k, 2) array
    band_rules: list = field(default_factory=list)   # heights of the rules between bands
    columns: int = MAX_COLUMNS        # columns side by side before a band wraps

    @property
    def n_layers(self) -> int:
        return int(self.layer.max()) + 1 if len(self.layer) else 0

    @property
    def n_columns(self) -> int:
        """Columns drawn side by side (a deep graph wraps after ``columns``)."""
        return min(self.n_layers, self.columns)

    @property
    def n_bands(self) -> int:
        return int(self.band.max()) + 1 if self.band is not None and len(self.band) else 1

    @property
    def rects(self) -> np.ndarray:
        """``(x0, y0, x1, y1)`` of every box, one row per box."""
        w, h = BOX_W / 2, BOX_H / 2
        return np.column_stack([self.x - w, self.y - h, self.x + w, self.y + h])

    def extent(self) -> tuple:
        """``(x0, y0, x1, y1)`` holding every box and every edge."""
        if not len(self.x):
            return (-0.5, -0.5, 0.5, 0.5)
        points = np.vstack([self.rects.reshape(-1, 2)] + list(self.routes.values()))
        (x0, y0), (x1, y1) = points.min(axis=0), points.max(axis=0)
        return float(x0), float(y0), float(x1), float(y1)


def graph_layout(trace: Trace, nodes=None, max_nodes: int = 60,
                 columns: int = MAX_COLUMNS) -> GraphLayout:
    """The boxes to draw and where (cached per trace, selection, ``max_nodes`` and
    ``columns``: a narrower wrap for a filmstrip whose text must stay large)."""
    key = (len(trace), _selection_key(nodes), max_nodes, columns)
    per_trace = _CACHE.setdefault(trace, {})
    layout = per_trace.get(key)
    if layout is None:
        layout = per_trace[key] = _build_layout(trace, nodes, max_nodes, columns)
    return layout


_CACHE: "weakref.WeakKeyDictionary[Trace, dict]" = weakref.WeakKeyDictionary()


def _selection_key(nodes):
    if nodes is None:
        return None
    if isinstance(nodes, range):
        return ("range", nodes.start, nodes.stop, nodes.step)
    return ("list",) + tuple(int(i) for i in nodes)


def _build_layout(trace: Trace, nodes, max_nodes: int, columns: int) -> GraphLayout:
    rows = tape(trace)
    n = len(rows)
    if nodes is None:
        selected, outside = list(range(n)), []
    else:
        selected = sorted({int(i) for i in nodes if 0 <= int(i) < n})
        chosen = set(selected)
        outside = sorted({p for i in selected for _, p in rows[i][2]} - chosen)
        if len(outside) > max_nodes // 3:
            outside = []
    groups, message = plan_boxes(trace, rows, selected, max_nodes)
    groups += [((i,), "outside") for i in outside]
    groups.sort(key=lambda g: g[0][0])
    if nodes is not None and len(selected) < n:
        part = f"nodes {selected[0]}..{selected[-1]} of {n}" if selected else "no nodes"
        message = f"{message}; {part}" if message else f"showing {part}"
    if message and len(selected) > max_nodes:
        first = next((i for i in selected if rows[i][0] is not None), 0)
        message += (f". plot_graph(trace, nodes=range({first}, {first + max_nodes})) draws a "
                    "part in full")
    box_of = np.full(n, -1, dtype=np.int64)
    for b, (members, _kind) in enumerate(groups):
        box_of[list(members)] = b
    edge_members: dict = {}
    for i in selected:
        b = box_of[i]
        for _position, p in rows[i][2]:
            a = box_of[p]
            if a >= 0 and a != b:
                edge_members.setdefault((int(a), int(b)), []).append((p, i))
    edges = list(edge_members)
    layer = _layers(len(groups), edges)
    x, y, band, routes, rules = _geometry(layer, edges, columns)
    return GraphLayout(make_boxes(trace, groups), x, y, layer, edges, box_of, len(selected),
                       message, edge_members, band, routes, rules, columns)


def _layers(n_boxes: int, edges) -> np.ndarray:
    """Longest path from a source; boxes are in index order, so edges point forward."""
    layer = np.zeros(n_boxes, dtype=np.int64)
    preds: list = [[] for _ in range(n_boxes)]
    for a, b in edges:
        preds[b].append(a)
    for b in range(n_boxes):
        if preds[b]:
            layer[b] = 1 + max(layer[a] for a in preds[b])
    return layer


# ---------------------------------------------------------------------------
# Columns of boxes and lanes


@dataclass
class _Grid:
    """Boxes and lanes (items; a lane is one waypoint of an edge that skips columns),
    the columns they stand in, and the links between items of neighbouring columns."""
    layer: list
    is_lane: list
    chains: list              # per edge: its items, source box first, target box last
    before: list              # item -> [(item in the previous column, weight)]
    after: list               # item -> [(item in the next column, weight)]
    columns: dict             # layer -> items, top to bottom
    wrap: int = MAX_COLUMNS   # columns side by side before a band wraps


def _grid(layer: np.ndarray, edges, wrap: int) -> _Grid:
    n = len(layer)
    grid = _Grid([int(v) for v in layer], [False] * n, [], [[] for _ in range(n)],
                 [[] for _ in range(n)], {}, wrap)
    for a, b in edges:
        chain = [a]
        for col in range(grid.layer[a] + 1, grid.layer[b]):
            grid.layer.append(col)
            grid.is_lane.append(True)
            grid.before.append([])
            grid.after.append([])
            chain.append(len(grid.layer) - 1)
        chain.append(b)
        for u, v in pairwise(chain):
            if grid.layer[u] // wrap != grid.layer[v] // wrap:
                continue                 # into the next band: heights there are unrelated
            weight = 8.0 if grid.is_lane[u] and grid.is_lane[v] else \
                2.0 if grid.is_lane[u] or grid.is_lane[v] else 1.0
            grid.after[u].append((v, weight))
            grid.before[v].append((u, weight))
        grid.chains.append(chain)
    for item, col in enumerate(grid.layer):
        grid.columns.setdefault(col, []).append(item)
    return grid


def _gaps(grid: _Grid, column: list) -> np.ndarray:
    """Least distance between the centres of neighbouring items, top to bottom."""
    lane = grid.is_lane
    out = np.empty(max(len(column) - 1, 0))
    for k, (u, v) in enumerate(pairwise(column)):
        if lane[u] and lane[v]:
            out[k] = _LANE
        elif lane[u]:
            out[k] = _ROOM_ABOVE + BOX_H / 2
        elif lane[v]:
            out[k] = BOX_H / 2 + _ROOM_BELOW
        else:
            out[k] = 1.0
    return out


def _stack(grid: _Grid, column: list, y: np.ndarray):
    """Items of a column at their least distances, centred on 0."""
    offsets = np.concatenate([[0.0], np.cumsum(_gaps(grid, column))])
    y[column] = offsets[-1] / 2 - offsets


def _order(grid: _Grid) -> np.ndarray:
    """Order each column by the mean height of its neighbours (barycentres), sweeping
    right and back; ties keep the previous order, so every run draws the same."""
    y = np.zeros(len(grid.layer))
    for column in grid.columns.values():
        _stack(grid, column, y)
    for sweep in range(_SWEEPS // 2):
        forward = sweep % 2 == 0
        side = grid.before if forward else grid.after
        for col in sorted(grid.columns, reverse=not forward):
            column = grid.columns[col]
            rank = {item: k for k, item in enumerate(column)}
            column.sort(key=lambda i: (-np.mean([y[j] for j, _w in side[i]])
                                       if side[i] else -y[i], rank[i]))
            _stack(grid, column, y)
    return y


def _project(desired: np.ndarray, gaps: np.ndarray, weights=None) -> np.ndarray:
    """Heights closest to ``desired`` (weighted least squares) keeping the order top to
    bottom and each item at least ``gaps[k]`` below the one above: isotonic regression."""
    offset = np.concatenate([[0.0], np.cumsum(gaps)])
    weights = np.ones(len(desired)) if weights is None else weights
    blocks: list = []                            # [weighted sum, weight, count] pooled
    for t, w in zip(-(desired + offset), weights):   # must come out non-decreasing
        blocks.append([t * w, w, 1])
        while len(blocks) > 1 and blocks[-2][0] * blocks[-1][1] > blocks[-1][0] * blocks[-2][1]:
            s, w_, c = blocks.pop()
            blocks[-1][0] += s
            blocks[-1][1] += w_
            blocks[-1][2] += c
    fit = np.concatenate([np.full(c, s / w_) for s, w_, c in blocks])
    return -fit - offset


def _level(grid: _Grid, y: np.ndarray) -> np.ndarray:
    """Move items towards the weighted mean height of their neighbours (lanes pull
    hardest, so a long edge runs level), never closer than their gaps allow."""
    for sweep in range(_SWEEPS):
        for col in sorted(grid.columns, reverse=sweep % 2 == 1):
            column = grid.columns[col]
            desired = np.empty(len(column))
            for k, i in enumerate(column):
                links = grid.before[i] + grid.after[i]
                total = sum(w for _j, w in links)
                desired[k] = sum(y[j] * w for j, w in links) / total if links else y[i]
            y[column] = _project(desired, _gaps(grid, column))
    return _straighten(grid, y)


def _straighten(grid: _Grid, y: np.ndarray) -> np.ndarray:
    """Pull the lanes of each long edge to one height (their mean) in each band, as far
    as every column's gaps allow, so the edge reads as one level line."""
    chains = []                          # the lanes of each edge, band by band
    for chain in grid.chains:
        runs: dict = {}
        for lane in chain[1:-1]:
            runs.setdefault(grid.layer[lane] // grid.wrap, []).append(lane)
        chains += [run for run in runs.values() if len(run) > 1]
    for _round in range(_SWEEPS):
        desired = y.copy()
        for lanes in chains:
            desired[lanes] = np.mean(y[lanes])
        for column in grid.columns.values():            # boxes give way to lanes
            weights = np.where(np.array(grid.is_lane)[column], 10.0, 1.0)
            y[column] = _project(desired[column], _gaps(grid, column), weights)
    return _snap(grid, chains, y)


def _snap(grid: _Grid, chains: list, y: np.ndarray) -> np.ndarray:
    """Set the lanes of each long edge exactly level, as near their mean as the
    gaps to their neighbours allow (and where they allow it)."""
    near: dict = {}
    for column in grid.columns.values():
        gaps = _gaps(grid, column)
        for k, item in enumerate(column):
            near[item] = ((column[k - 1], gaps[k - 1]) if k else None,
                          (column[k + 1], gaps[k]) if k + 1 < len(column) else None)
    for lanes in chains:
        sides = [near[i] for i in lanes]
        low = max((y[down[0]] + down[1] for _up, down in sides if down), default=-np.inf)
        high = min((y[up[0]] - up[1] for up, _down in sides if up), default=np.inf)
        if low <= high:
            y[lanes] = float(np.clip(np.mean(y[lanes]), low, high))
    return y


# ---------------------------------------------------------------------------
# Bands and routes


def _geometry(layer: np.ndarray, edges, wrap: int = MAX_COLUMNS):
    """Centres, bands, edge polylines and band rules for boxes in columns ``layer``,
    ``wrap`` columns side by side."""
    n = len(layer)
    if not n:
        return np.zeros(0), np.zeros(0), np.zeros(0, dtype=np.int64), {}, []
    grid = _grid(layer, edges, wrap)
    y = _level(grid, _order(grid))
    layers = np.array(grid.layer)
    band = layers // wrap
    x = (layers % wrap).astype(float)
    wraps = _wraps(grid, band, y)
    y, gutters, rules = _stack_bands(grid, band, y, wraps)
    routes = _routes(grid, edges, x, y, band, wraps, gutters)
    return x[:n], y[:n], band[:n], routes, rules


def _wraps(grid: _Grid, band: np.ndarray, y: np.ndarray) -> dict:
    """Steps of chains from one band into the next: ``(edge, step) -> (lane, lanes)``.
    The lowest edge leaving a band takes the gutter's top lane and the innermost right
    margin, so the edges leaving one band do not cross each other."""
    per_band: dict = {}
    for e, chain in enumerate(grid.chains):
        for k, (u, v) in enumerate(pairwise(chain)):
            if band[u] != band[v]:
                per_band.setdefault(int(band[u]), []).append((y[u], e, k))
    out = {}
    for crossing in per_band.values():
        crossing.sort()
        for lane, (_y, e, k) in enumerate(crossing):
            out[(e, k)] = (lane, len(crossing))
    return out


def _stack_bands(grid: _Grid, band: np.ndarray, y: np.ndarray, wraps: dict):
    """Each band under the one before, with a gutter between them holding a lane per
    edge that wraps. Returns heights, the top lane of each gutter and the rules."""
    lane_item = np.array(grid.is_lane)
    top = np.where(lane_item, y, y + BOX_H / 2)
    bottom = np.where(lane_item, y, y - BOX_H / 2 - _ROOM_BELOW)
    n_bands = int(band.max()) + 1
    lanes = np.zeros(n_bands, dtype=np.int64)
    for (e, k), (_lane, count) in wraps.items():
        lanes[band[grid.chains[e][k]]] = count
    shift = np.zeros(n_bands)
    gutters, rules = [], []
    for k in range(1, n_bands):
        gutter = bottom[band == k - 1].min() + shift[k - 1] - _BAND_GAP
        lowest = gutter - max(lanes[k - 1] - 1, 0) * _GUTTER_LANE
        gutters.append(gutter)
        rules.append(float(lowest - _BAND_GAP / 2))
        shift[k] = lowest - _BAND_GAP - top[band == k].max()
    return y + shift[band], gutters, rules


def _in_ports(grid: _Grid, edges, y: np.ndarray) -> list:
    """Where each edge meets its target's left border: spread along it, the edge
    coming from highest at the top."""
    incoming: dict = {}
    for e, chain in enumerate(grid.chains):
        incoming.setdefault(chain[-1], []).append((-y[chain[-2]], e))
    port = [0.0] * len(edges)
    for b, arriving in incoming.items():
        arriving.sort()
        spread = min(0.6 * BOX_H, 0.12 * (len(arriving) - 1))
        for offset, (_y, e) in zip(np.linspace(spread / 2, -spread / 2, len(arriving)),
                                   arriving):
            port[e] = float(y[b] + offset)
    return port


def _routes(grid: _Grid, edges, x, y, band, wraps: dict, gutters: list) -> dict:
    """The polyline of every edge (see the module text for the rule)."""
    w = BOX_W / 2
    right = grid.wrap - 1 + w
    port = _in_ports(grid, edges, y)
    routes = {}
    for e, chain in enumerate(grid.chains):
        a = chain[0]
        points = [(x[a] + w, y[a])]
        for k, (u, v) in enumerate(pairwise(chain)):
            enter = y[v] if grid.is_lane[v] else port[e]
            if (e, k) in wraps:
                lane, count = wraps[(e, k)]
                gutter = gutters[band[u]] - lane * _GUTTER_LANE
                out, back = right + _MARGIN * (lane + 1), -w - _MARGIN * (count - lane)
                points += [(out, points[-1][1]), (out, gutter), (back, gutter), (back, enter)]
            points.append((x[v] - w, enter))
            if grid.is_lane[v]:
                points.append((x[v] + w, y[v]))
        routes[edges[e]] = np.array(points, dtype=float)
    return routes


def label_point(layout: GraphLayout, pair) -> tuple:
    """Where a note on edge ``pair`` is written (centred, text above): over the two
    boxes of a short edge, else on the longest level stretch of its route."""
    points = layout.routes[pair]
    if len(points) == 2:
        a, b = pair
        return float(points[:, 0].mean()), float(max(layout.y[a], layout.y[b]) + BOX_H / 2)
    steps = np.diff(points, axis=0)
    level = np.where(np.abs(steps[:, 1]) < 1e-9, np.abs(steps[:, 0]), -1.0)
    k = int(np.argmax(level))
    return float(points[k:k + 2, 0].mean()), float(points[k, 1])
