"""Drawing the computational graph of a ``Trace`` with matplotlib.

``plot_graph(trace, highlight=3, done=[0, 1, 2])`` draws one box per node (name, row,
value) where layout.py puts it, and every edge along the polyline layout.py routes
around the boxes. ``highlight`` and ``done`` are what the sweep animation changes from
frame to frame: the layout is computed once per trace and cached, and
``GraphPlot.update`` only recolours the boxes and draws the active edges.

Large traces are never drawn node by node (see collapse.py): the title then says what
was collapsed and how to draw a part in full (``nodes=range(a, b)``).
"""

from __future__ import annotations

import io

import numpy as np

from ..core.tracing import Trace
from .collapse import Box
from .layout import BOX_H, BOX_W, MAX_COLUMNS, GraphLayout, graph_layout, label_point

__all__ = ["MAX_COLUMNS", "Box", "GraphLayout", "GraphPlot", "graph_layout", "plot_graph"]

COLORS = {
    "input": "#dbe9f6", "op": "#ffffff", "output": "#fdebd0", "group": "#e8e8e8",
    "block": "#e8e8e8", "outside": "#f7f7f7",
    "done": "#c7e9c0", "partly": "#e5f5e0", "highlight": "#ff9f40",
}
EDGE_COLOR, EDGE_HIGHLIGHT = "#8c8c8c", "#d95f02"


# ---------------------------------------------------------------------------
# Drawing


class GraphPlot:
    """A drawn graph that can be recoloured for each frame of an animation.

    ``plot = GraphPlot(trace)``; ``plot.update(highlight=4, done=[0, 1, 2, 3])``;
    ``plot.figure`` is the matplotlib figure (displayed as a PNG in Jupyter).
    """

    BOX_W, BOX_H = BOX_W, BOX_H

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
        x0, y0, x1, y1 = lay.extent()
        x0, x1, y0, y1 = x0 - 0.1, x1 + 0.1, y0 - 0.3, y1 + 0.3   # room for value notes
        if ax is None:
            import matplotlib.pyplot as plt
            width = float(np.clip(0.8 + 1.25 * (x1 - x0 - 0.02), 3.0, 13.0))
            height = float(np.clip(0.6 + 0.72 * (y1 - y0 - 0.2), 1.8, 40.0))
            fig = plt.figure(figsize=(width, height))
            plt.close(fig)                      # shown by whoever displays it, never twice
            ax = fig.add_axes((0.01, 0.01, 0.98, 0.9 if (title or lay.message) else 0.98))
        self.ax, self.figure = ax, ax.figure
        ax.set_axis_off()
        patches = [FancyBboxPatch((r[0], r[1]), BOX_W, BOX_H,
                                  boxstyle="round,pad=0,rounding_size=0.08")
                   for r in lay.rects]
        self.boxes = PatchCollection(patches, match_original=False, zorder=2)
        self.boxes.set_gid("graph-nodes")
        ax.add_collection(self.boxes)
        self._edges = self._edge_artists(lay.edges, EDGE_COLOR, 1.0, "graph-edges")
        self._hot_edges: list = []
        width_in = self.figure.get_size_inches()[0] * ax.get_position().width
        per_box = width_in / (x1 - x0) * BOX_W
        lines = [f"{b.title}\n{b.detail}".split("\n") for b in lay.boxes]
        longest = max((len(line) for text in lines for line in text), default=8)
        tallest = max((len(text) for text in lines), default=2)
        height_in = self.figure.get_size_inches()[1] * ax.get_position().height
        per_box_h = height_in / (y1 - y0) * BOX_H           # inches; a line is 1.2 em
        size = float(np.clip(min(per_box * 72 / (0.68 * max(longest, 6)),
                                 per_box_h * 72 / (1.3 * tallest + 0.5)), 4.5, 10.0))
        self.texts = [ax.text(x, y, f"{b.title}\n{b.detail}", ha="center", va="center",
                              fontsize=size, zorder=3, family="DejaVu Sans Mono")
                      for b, x, y in zip(lay.boxes, lay.x, lay.y)]
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        for rule in lay.band_rules:               # a faint rule between bands
            ax.axhline(rule, color="#dddddd", lw=0.8, zorder=0)
        heading = title if title is not None else lay.message
        if heading:
            ax.set_title(heading, fontsize=8, loc="left")
        self._colour((), frozenset(), ())

    def route(self, a: int, b: int, backwards: bool = False) -> np.ndarray:
        """The polyline the edge from box ``a`` to box ``b`` is drawn along (from the
        layout), ending where its arrowhead is: at ``b``, or at ``a`` if ``backwards``."""
        points = self.layout.routes[(a, b)]
        return points[::-1] if backwards else points

    def edge_path(self, a: int, b: int, backwards: bool = False):
        """The edge's route as a matplotlib ``Path`` (for a ``FancyArrowPatch``)."""
        from matplotlib.path import Path
        return Path(self.route(a, b, backwards))

    def label_point(self, a: int, b: int) -> tuple:
        """Where a note on the edge is written, text above it (see layout.label_point)."""
        return label_point(self.layout, (a, b))

    def _edge_artists(self, edges, colour, width, gid, backwards=False):
        """Edges as one line collection along their routes and one quiver of
        arrowheads on their last segments; ``backwards``: the arrowheads point at the
        source (an adjoint flowing back). Returns the artists drawn."""
        from matplotlib.collections import LineCollection
        if not edges:
            return []
        routes = [self.route(a, b, backwards) for a, b in edges]
        lines = LineCollection(routes, colors=colour, linewidths=0.9 * width, zorder=1,
                               capstyle="round", joinstyle="round")
        lines.set_gid(gid + "-lines")
        self.ax.add_collection(lines)
        tails = np.array([r[-2] for r in routes])
        steps = np.array([r[-1] - r[-2] for r in routes])
        heads = self.ax.quiver(tails[:, 0], tails[:, 1], steps[:, 0], steps[:, 1],
                               angles="xy", scale_units="xy", scale=1, units="inches",
                               width=0.011 * width, headwidth=5 / width,
                               headlength=6 / width, headaxislength=5.5 / width,
                               color=colour, zorder=1)
        heads.set_gid(gid)
        return [lines, heads]

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
            self._hot_edges = self._edge_artists(pairs, EDGE_HIGHLIGHT, 2.2,
                                                 "graph-edges-highlight", backwards)
        self.highlight, self.done = hot, done

    def box_colours(self) -> np.ndarray:
        """RGBA face colour per box (what a test or a widget can read back)."""
        return self.boxes.get_facecolor()

    def add_key(self, fontsize: float = 11):
        """A key to the box colours (input, operation, output) under the boxes."""
        from matplotlib.patches import Patch
        kinds = [("input", "input"), ("op", "operation"), ("output", "output")]
        self.ax.legend(handles=[Patch(fc=COLORS[k], ec="#404040", label=label)
                                for k, label in kinds],
                       loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=3,
                       frameon=False, fontsize=fontsize)
        return self

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
               nodes=None, max_nodes: int = 60, ax=None, title: str | None = None,
               key: bool = True) -> GraphPlot:
    """Draw ``trace`` as a layered graph; see ``GraphPlot`` for the returned object.
    ``edges`` are drawn in colour, pointing back at their parent with ``backwards``
    (the reverse sweep's direction); ``key``: a key to the box colours under the boxes
    (turn it off to draw your own, e.g. for highlighted boxes)."""
    if not isinstance(trace, Trace):
        raise TypeError(f"plot_graph needs a Trace (from ad.trace(f, *args)), "
                        f"not a {type(trace).__name__}")
    plot = GraphPlot(trace, nodes=nodes, max_nodes=max_nodes, ax=ax, title=title)
    plot.update(highlight, done, edges, backwards)
    return plot.add_key() if key else plot
