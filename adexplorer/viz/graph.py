"""The computational graph of a ``Trace``, layered left to right by dependency depth.

``plot_graph(trace, highlight=3, done=[0, 1, 2])`` draws one box per node (name, row,
value), inputs in the first column and every node one column right of its deepest
argument; a graph deeper than ``MAX_COLUMNS`` continues in a band below, like a line
of text. ``highlight`` and ``done`` are what the sweep animation changes from frame to
frame: the layout is computed once per trace and cached, and ``GraphPlot.update``
only recolours the boxes.

Large traces are never drawn node by node. Above ``max_nodes`` a run of repeated
structure (the iterations of a loop) keeps its first and last iteration and shows the
middle as one box; if that is not enough, consecutive operations are drawn as blocks,
and the title says how to draw a part in full (``nodes=range(a, b)``).
"""

from __future__ import annotations

import io
import weakref
from dataclasses import dataclass, field

import numpy as np

from ..core.tracing import Trace
from ..core.values import fit_value
from ..core.wengert import primal_wengert

_LABEL_CHARS = 18             # longest box title before it is shortened
MAX_COLUMNS = 9               # columns side by side; deeper graphs wrap into bands below
_BAND_GAP = 0.9               # vertical space between bands, in rows
MAX_BLOCKS = 12               # blocks of consecutive operations drawn for a huge trace
MAX_PERIOD = 24               # longest loop body (in operations) looked for when collapsing
_MIN_REPEATS = 3              # first and last iteration are kept, so at least one is hidden

COLORS = {
    "input": "#dbe9f6", "op": "#ffffff", "output": "#fdebd0", "group": "#e8e8e8",
    "block": "#e8e8e8", "outside": "#f7f7f7",
    "done": "#c7e9c0", "partly": "#e5f5e0", "highlight": "#ff9f40",
}
EDGE_COLOR, EDGE_HIGHLIGHT = "#8c8c8c", "#d95f02"


@dataclass(frozen=True)
class Box:
    """One drawn box: a trace node, or several standing for repeated structure / a block."""
    members: tuple            # trace node indices
    kind: str                 # "input", "op", "output", "group", "block" or "outside"
    title: str
    detail: str


@dataclass
class GraphLayout:
    """Boxes, their centres and columns, the edges between boxes, and a note on collapsing."""
    boxes: list
    x: np.ndarray
    y: np.ndarray
    layer: np.ndarray
    edges: list               # (box, box) pairs, source first
    box_of: np.ndarray        # trace node index -> box index (-1: not shown)
    n_nodes: int              # trace nodes covered by the view
    message: str = ""
    edge_members: dict = field(default_factory=dict)   # (box, box) -> [(node, node), ...]
    band: np.ndarray | None = None    # which band (row of columns) a deep graph wraps into
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


# ---------------------------------------------------------------------------
# Choosing what to draw


def _node_labels(trace: Trace, members) -> dict:
    lines = {line.node: line.expr for line in primal_wengert(trace, members)}
    nodes = trace.nodes
    out = {}
    for i in members:
        node = nodes[i]
        if node.is_input:
            out[i] = (_clip(node.name), _clip(fit_value(node.value, _LABEL_CHARS)))
            continue
        text = f"{node.name} = {lines[i]}"
        if len(text) > _LABEL_CHARS:
            text = _clip(f"{node.name}: {node.op}")
        out[i] = (text, _clip(fit_value(node.value, _LABEL_CHARS)))
    return out


def _clip(text: str) -> str:
    return text if len(text) <= _LABEL_CHARS else text[:_LABEL_CHARS - 1] + "…"


def _signatures(records, seq) -> np.ndarray:
    """An integer per operation: same row and same argument pattern -> same code."""
    codes: dict = {}
    out = np.empty(len(seq), dtype=np.int64)
    for k, i in enumerate(seq):
        prim, args, _params, _value, parents = records[i]
        used = {p for p, _ in parents}
        key = (prim.name, tuple(j in used for j in range(len(args))))
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


def _plan(trace: Trace, selected: list, max_nodes: int):
    """Groups of trace nodes, in index order, each drawn as one box: (members, kind)."""
    records = trace._records
    outputs = set(trace.outputs)
    inputs = [i for i in selected if records[i][0] is None]
    ops = [i for i in selected if records[i][0] is not None]

    def single(i):
        return ((i,), "input" if records[i][0] is None else
                ("output" if i in outputs else "op"))

    if len(selected) <= max_nodes:
        return [single(i) for i in selected], ""
    runs = _runs(_signatures(records, ops))
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


def _build_layout(trace: Trace, nodes, max_nodes: int, columns: int = MAX_COLUMNS) -> GraphLayout:
    records = trace._records
    n = len(records)
    if nodes is None:
        selected = list(range(n))
        outside = []
    else:
        selected = sorted({int(i) for i in nodes if 0 <= int(i) < n})
        chosen = set(selected)
        outside = sorted({p for i in selected for _, p in records[i][4]} - chosen)
        if len(outside) > max_nodes // 3:
            outside = []
    groups, message = _plan(trace, selected, max_nodes)
    groups += [((i,), "outside") for i in outside]
    groups.sort(key=lambda g: g[0][0])
    if nodes is not None and len(selected) < n:
        part = f"nodes {selected[0]}..{selected[-1]} of {n}" if selected else "no nodes"
        message = f"{message}; {part}" if message else f"showing {part}"
    if message:
        first = next((i for i in selected if records[i][0] is not None), 0)
        message += (f". plot_graph(trace, nodes=range({first}, {first + max_nodes})) draws a "
                    "part in full") if len(selected) > max_nodes else ""
    box_of = np.full(n, -1, dtype=np.int64)
    for b, (members, _kind) in enumerate(groups):
        box_of[list(members)] = b
    labels = _node_labels(trace, [g[0][0] for g in groups if len(g[0]) == 1])
    boxes = [_box(trace, members, kind, labels) for members, kind in groups]
    edge_members: dict = {}
    for i in selected:
        b = box_of[i]
        for _position, p in records[i][4]:
            a = box_of[p]
            if a >= 0 and a != b:
                edge_members.setdefault((int(a), int(b)), []).append((p, i))
    edges = list(edge_members)
    layer = _layers(len(boxes), edges)
    y = _rows(layer, edges, len(boxes))
    x, y, band = _wrap(layer, y, columns)
    return GraphLayout(boxes, x, y, layer, edges, box_of, len(selected), message,
                       edge_members, band, columns)


def _wrap(layer: np.ndarray, y: np.ndarray, columns: int = MAX_COLUMNS):
    """Columns 0..columns-1 side by side, the next ones in a band below, and so on,
    like lines of text: every edge still goes forward in reading order."""
    band = layer // columns
    x = (layer % columns).astype(float)
    if not len(layer):
        return x, y, band
    sizes = np.bincount(layer)
    heights = [int(sizes[b * columns:(b + 1) * columns].max())
               for b in range(int(band.max()) + 1)]
    top = 0.0
    centre = []
    for h in heights:
        centre.append(top - (h - 1) / 2)
        top -= h + _BAND_GAP
    return x, y + np.array(centre)[band], band


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
        return Box(tuple(members), kind, _clip(f"×{len(ops) // period} ({body})"),
                   _clip(f"{first} … {last}"))
    return Box(tuple(members), kind, _clip(f"{first} … {last}"),
               _clip(f"{len(members)} operations"))


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


def _rows(layer: np.ndarray, edges, n_boxes: int) -> np.ndarray:
    """Vertical positions: each column ordered by the mean row of its arguments
    (ties by index, so the drawing is the same every run), centred on 0."""
    preds: list = [[] for _ in range(n_boxes)]
    for a, b in edges:
        preds[b].append(a)
    y = np.zeros(n_boxes)
    columns: dict = {}
    for b in range(n_boxes):
        columns.setdefault(int(layer[b]), []).append(b)
    for col in sorted(columns):
        members = columns[col]
        if col > 0:
            members.sort(key=lambda b: (-np.mean([y[a] for a in preds[b]]) if preds[b] else 0.0, b))
        # top to bottom: larger y first
        for k, b in enumerate(members):
            y[b] = (len(members) - 1) / 2 - k
    return y


# ---------------------------------------------------------------------------
# Drawing


class GraphPlot:
    """A drawn graph that can be recoloured for each frame of an animation.

    ``plot = GraphPlot(trace)``; ``plot.update(highlight=4, done=[0, 1, 2, 3])``;
    ``plot.figure`` is the matplotlib figure (displayed as a PNG in Jupyter).
    """

    BOX_W, BOX_H = 0.82, 0.62

    def __init__(self, trace: Trace, *, nodes=None, max_nodes: int = 60, ax=None,
                 layout: GraphLayout | None = None, title: str | None = None):
        self.trace = trace
        self.layout = layout if layout is not None else graph_layout(trace, nodes, max_nodes)
        self._draw(ax, title)
        self.highlight: tuple = ()
        self.done: frozenset = frozenset()

    def _draw(self, ax, title):
        from matplotlib.collections import PatchCollection
        from matplotlib.patches import FancyBboxPatch
        lay = self.layout
        n_columns = max(lay.n_columns, 1)
        room = self._arc_room()
        rows = (float(lay.y.max() - lay.y.min()) + 1 + room) if len(lay.y) else 1.0
        if ax is None:
            import matplotlib.pyplot as plt
            width = float(np.clip(0.8 + 1.25 * n_columns, 3.0, 13.0))
            height = float(np.clip(0.6 + 0.72 * rows, 1.8, 40.0))
            fig = plt.figure(figsize=(width, height))
            plt.close(fig)                      # shown by whoever displays it, never twice
            ax = fig.add_axes((0.01, 0.01, 0.98, 0.9 if (title or lay.message) else 0.98))
        self.ax, self.figure = ax, ax.figure
        ax.set_axis_off()
        w, h = self.BOX_W, self.BOX_H
        patches = [FancyBboxPatch((x - w / 2, y - h / 2), w, h,
                                  boxstyle="round,pad=0,rounding_size=0.08")
                   for x, y in zip(lay.x, lay.y)]
        self.boxes = PatchCollection(patches, match_original=False, zorder=2)
        self.boxes.set_gid("graph-nodes")
        ax.add_collection(self.boxes)
        self._edges = self._arrows(lay.edges, EDGE_COLOR, 1.0, "graph-edges")
        self._hot_edges: list = []
        width_in = self.figure.get_size_inches()[0] * ax.get_position().width
        per_box = width_in / (n_columns + 0.2) * w
        longest = max((max(len(b.title), len(b.detail)) for b in lay.boxes), default=8)
        size = float(np.clip(per_box * 72 / (0.68 * max(longest, 6)), 4.5, 10.0))
        self.texts = [ax.text(x, y, f"{b.title}\n{b.detail}", ha="center", va="center",
                              fontsize=size, zorder=3, family="DejaVu Sans Mono")
                      for b, x, y in zip(lay.boxes, lay.x, lay.y)]
        ax.set_xlim(-0.6, n_columns - 0.4)
        if len(lay.y):
            ax.set_ylim(lay.y.min() - 0.6, lay.y.max() + 0.6 + room)
        for b in range(1, lay.n_bands):           # a faint rule between bands
            edge = lay.y[lay.band == b].max() + (1 + _BAND_GAP) / 2
            ax.axhline(edge, color="#dddddd", lw=0.8, zorder=0)
        heading = title if title is not None else lay.message
        if heading:
            ax.set_title(heading, fontsize=8, loc="left")
        self._colour((), frozenset(), ())

    def edge(self, a: int, b: int):
        """Where the edge from box ``a`` to box ``b`` is drawn: ``(start, end, rad)``
        with matplotlib's ``arc3`` rad. Between neighbouring columns (or into a later
        band) a straight line from side to side (rad 0); an edge that skips columns
        leaves from the top of its box and arcs over the boxes on its way into the top
        of the other, instead of running through them."""
        lay, w, h = self.layout, self.BOX_W / 2, self.BOX_H / 2
        xa, ya, xb, yb = lay.x[a], lay.y[a], lay.x[b], lay.y[b]
        if (lay.band is not None and lay.band[a] != lay.band[b]) or xb - xa < 1.5:
            return (xa + w, ya), (xb - w, yb), 0.0
        start, end = (xa + w / 2, ya + h), (xb - w / 2, yb + h)
        length = float(np.hypot(end[0] - start[0], end[1] - start[1]))
        # the arc's middle rises rad * length / 2 above its chord: enough to clear a
        # box top on the way, and no more than a row
        return start, end, -float(np.clip(0.5 / length, 0.08, 0.5))

    def _arc_room(self) -> float:
        """Height the arcs of the top row need above it, with room for an edge's note."""
        lay, room = self.layout, 0.0
        top = lay.y.max() if len(lay.y) else 0.0
        for a, b in lay.edges:
            (x0, y0), (x1, y1), rad = self.edge(a, b)
            if rad:
                peak = (y0 + y1) / 2 + abs(rad) * float(np.hypot(x1 - x0, y1 - y0)) / 2
                room = max(room, peak + 0.3 - (top + 0.6))
        return room

    def _arrows(self, edges, colour, width, gid, backwards=False):
        """Straight edges as one quiver; edges that skip columns as arcs; ``backwards``:
        the arrowheads point at the source (an adjoint flowing back). Returns the
        artists drawn."""
        from matplotlib.patches import FancyArrowPatch
        if not edges:
            return []
        straight = [e for e in edges if self.edge(*e)[2] == 0.0]
        artists = [self._quiver(straight, colour, width, gid, backwards)] if straight else []
        for a, b in edges:
            start, end, rad = self.edge(a, b)
            if rad == 0.0:
                continue
            if backwards:
                start, end, rad = end, start, -rad
            arc = FancyArrowPatch(start, end, connectionstyle=f"arc3,rad={rad}",
                                  arrowstyle="-|>", mutation_scale=8 + 2 * width,
                                  color=colour, lw=0.9 * width, shrinkA=0, shrinkB=0,
                                  zorder=1)
            arc.set_gid(gid + "-arc")
            self.ax.add_patch(arc)
            artists.append(arc)
        return artists

    def _quiver(self, edges, colour, width, gid, backwards=False):
        from matplotlib.colors import to_rgba
        lay, w = self.layout, self.BOX_W / 2
        a = np.array([e[0] for e in edges])
        b = np.array([e[1] for e in edges])
        x0, y0 = lay.x[a] + w, lay.y[a]
        x1, y1 = lay.x[b] - w, lay.y[b]
        if backwards:
            (x0, y0), (x1, y1) = (x1, y1), (x0, y0)
        colours = np.array([to_rgba(colour)] * len(edges))
        if lay.band is not None:
            colours[lay.band[a] != lay.band[b], 3] = 0.45   # into a later band: fainter
        q = self.ax.quiver(x0, y0, x1 - x0, y1 - y0, angles="xy", scale_units="xy", scale=1,
                           units="inches", width=0.011 * width, headwidth=5 / width,
                           headlength=6 / width, headaxislength=5.5 / width, color=colours,
                           zorder=1)
        q.set_gid(gid)
        return q

    def update(self, highlight=None, done=(), edges=(), backwards: bool = False):
        """Recolour for one frame: ``highlight`` (a node index or several), ``done``
        (node indices already handled) and ``edges`` ((parent, node) pairs to emphasise;
        ``backwards``: drawn pointing at the parent, as an adjoint flows)."""
        if highlight is None:
            hot = ()
        elif isinstance(highlight, (int, np.integer)):
            hot = (int(highlight),)
        else:
            hot = tuple(int(i) for i in highlight)
        self._colour(hot, frozenset(int(i) for i in done), tuple(edges), backwards)
        return self

    def _colour(self, hot, done, edges, backwards=False):
        lay = self.layout
        shown = lambda i: 0 <= i < len(lay.box_of) and lay.box_of[i] >= 0  # noqa: E731
        hot_boxes = {int(lay.box_of[i]) for i in hot if shown(i)}
        faces, edge_colours, widths, styles = [], [], [], []
        for k, box in enumerate(lay.boxes):
            if k in hot_boxes:
                face = COLORS["highlight"]
            elif done and all(i in done for i in box.members):
                face = COLORS["done"]
            elif done and any(i in done for i in box.members):
                face = COLORS["partly"]
            else:
                face = COLORS[box.kind]
            faces.append(face)
            edge_colours.append("#7f2704" if k in hot_boxes else "#404040")
            widths.append(2.6 if k in hot_boxes else 0.9)
            styles.append("--" if box.kind in ("outside", "group", "block") else "-")
        self.boxes.set_facecolor(faces)
        self.boxes.set_edgecolor(edge_colours)
        self.boxes.set_linewidth(widths)
        self.boxes.set_linestyle(styles)
        for k, text in enumerate(self.texts):
            text.set_fontweight("bold" if k in hot_boxes else "normal")
        for artist in self._hot_edges:
            artist.remove()
        self._hot_edges = []
        pairs = []
        for p, i in edges:
            if shown(p) and shown(i):
                pair = (int(lay.box_of[p]), int(lay.box_of[i]))
                if pair in lay.edge_members and pair not in pairs:
                    pairs.append(pair)
        if pairs:
            self._hot_edges = self._arrows(pairs, EDGE_HIGHLIGHT, 2.2, "graph-edges-highlight",
                                           backwards)
        self.highlight, self.done = hot, done

    def box_colours(self) -> np.ndarray:
        """RGBA face colour per box (what a test or a widget can read back)."""
        return self.boxes.get_facecolor()

    def png(self, dpi: int = 100) -> bytes:
        buf = io.BytesIO()
        self.figure.savefig(buf, format="png", dpi=dpi)
        return buf.getvalue()

    def _repr_png_(self) -> bytes:
        return self.png()

    def __repr__(self) -> str:
        lay = self.layout
        note = f"; {lay.message}" if lay.message else ""
        wrapped = f" (wrapped into {lay.n_bands} bands)" if lay.n_bands > 1 else ""
        return (f"<graph of {lay.n_nodes} nodes: {len(lay.boxes)} boxes in {lay.n_layers} "
                f"columns{wrapped}{note}>")


def plot_graph(trace: Trace, highlight=None, done=(), *, edges=(), backwards: bool = False,
               nodes=None, max_nodes: int = 60, ax=None,
               title: str | None = None) -> GraphPlot:
    """Draw ``trace`` as a layered graph; see ``GraphPlot`` for the returned object.
    ``edges`` are drawn in colour, pointing back at their parent with ``backwards``
    (the reverse sweep's direction)."""
    if not isinstance(trace, Trace):
        raise TypeError(f"plot_graph needs a Trace (from ad.trace(f, *args)), "
                        f"not a {type(trace).__name__}")
    plot = GraphPlot(trace, nodes=nodes, max_nodes=max_nodes, ax=ax, title=title)
    return plot.update(highlight, done, edges, backwards)
