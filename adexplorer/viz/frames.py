"""Animation frames of a trace's graph, fast enough to step through by hand.

A frame is the graph with some boxes highlighted, some finished, values written under
the boxes and the active edges drawn in colour. Drawing a 60-box graph with matplotlib
takes ~150 ms, mostly text; a frame here takes a fraction of that because almost
nothing in it is new:

* the graph is drawn four times when the renderer is made: every box plain, finished,
  highlighted, and (for boxes standing for several nodes) partly finished;
* a frame starts from the plain picture and pastes each box's pixels from the picture
  of its state (boxes never overlap, so a box's rectangle is all of it);
* only what changes from frame to frame is drawn on top: the value notes under boxes
  (each drawn by matplotlib once, then blended in as pixels), the active edges and
  their labels.

``FrameRenderer(trace).png(hot=[3], done=[0, 1, 2], notes={2: "ȳ2 = 5"})``. Players of
the same trace can share one renderer (``SweepPlayer(..., renderer=r)``). What goes in
each frame of a sweep is decided in sweepframes.py.
"""

from __future__ import annotations

import io

import numpy as np

from ..core.tracing import Trace
from .graph import EDGE_HIGHLIGHT, GraphPlot

NOTE_COLOR = "#a63603"          # values written under the boxes
_PAD_PX = 4                     # a highlighted box's thick border reaches this far out
_MAX_NOTES = 4_000              # value notes kept as pixels (a few kB each)


def default_dpi(n_boxes: int) -> int:
    """Resolution of the frames: small graphs large on a projector, big ones smaller."""
    return 120 if n_boxes <= 12 else 100 if n_boxes <= 30 else 80


class FrameRenderer:
    """Frames of ``trace``'s graph as PNG bytes (or RGBA arrays); see the module text.
    ``layout``: a ``graph_layout`` to draw (default: the trace's own, ``max_nodes``);
    ``note_pixels=False`` draws every value note with matplotlib (slower; the same
    picture to within rounding)."""

    def __init__(self, trace: Trace, max_nodes: int = 60, dpi: int | None = None,
                 note_pixels: bool = True, layout=None):
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        self.trace = trace
        self.plot = GraphPlot(trace, max_nodes=max_nodes, layout=layout)
        self.layout = self.plot.layout
        n_boxes = len(self.layout.boxes)
        self.dpi = dpi if dpi is not None else default_dpi(n_boxes)
        figure = self.plot.figure
        figure.set_dpi(self.dpi)
        self.canvas = FigureCanvasAgg(figure)
        self._ax = self.plot.ax
        self._tiles = self._draw_states()
        self._rects = self._box_rects()
        self._buffer = np.asarray(self.canvas.get_renderer().buffer_rgba())
        self._notes = self._note_artists()
        self._edge_artists: dict = {}
        self._note_pixels: dict = {}               # (node, text) -> pixels to blend in
        self.note_pixels = note_pixels             # False: draw every note with matplotlib

    # -- made once -------------------------------------------------------------------
    def _draw_states(self) -> dict:
        """The whole picture with every box in one state, per state."""
        every = [i for box in self.layout.boxes for i in box.members]
        first_of_groups = [box.members[0] for box in self.layout.boxes if len(box.members) > 1]
        states = {"plain": dict(), "done": dict(done=every), "hot": dict(highlight=every),
                  "partly": dict(done=first_of_groups)}
        pictures = {}
        for state, how in states.items():
            self.plot.update(**how)
            self.canvas.draw()
            pictures[state] = np.asarray(self.canvas.get_renderer().buffer_rgba()).copy()
        self.plot.update()
        self.canvas.draw()                         # leave the canvas holding the plain picture
        return pictures

    def _box_rects(self) -> list:
        """Pixel rectangles (row0, row1, col0, col1) of the boxes, border included."""
        lay, w, h = self.layout, self.plot.BOX_W / 2, self.plot.BOX_H / 2
        height, width = self._tiles["plain"].shape[:2]
        corners = np.column_stack([lay.x - w, lay.y - h, lay.x + w, lay.y + h])
        lo = self._ax.transData.transform(corners[:, :2])
        hi = self._ax.transData.transform(corners[:, 2:])
        rects = []
        for (x0, y0), (x1, y1) in zip(lo, hi):
            r0 = max(int(np.floor(height - y1)) - _PAD_PX, 0)
            r1 = min(int(np.ceil(height - y0)) + _PAD_PX, height)
            c0 = max(int(np.floor(x0)) - _PAD_PX, 0)
            c1 = min(int(np.ceil(x1)) + _PAD_PX, width)
            rects.append((r0, r1, c0, c1))
        return rects

    def _note_artists(self) -> dict:
        """One hidden text per box that stands for a single node: its value note."""
        lay = self.layout
        size = min(float(self.plot.texts[0].get_fontsize()) if self.plot.texts else 8.0, 9.0)
        below = self.plot.BOX_H / 2 + 0.03
        notes = {}
        for b, box in enumerate(lay.boxes):
            if len(box.members) == 1:
                notes[box.members[0]] = self._ax.text(
                    lay.x[b], lay.y[b] - below, "", ha="center", va="top", color=NOTE_COLOR,
                    fontsize=size, family="DejaVu Sans Mono", animated=True, zorder=4,
                    linespacing=1.0)
        return notes

    # -- per frame -------------------------------------------------------------------
    def box_of(self, node: int) -> int:
        """The box drawing trace node ``node`` (-1 if it is not drawn)."""
        box_of = self.layout.box_of
        return int(box_of[node]) if 0 <= node < len(box_of) else -1

    def box_rect(self, node: int) -> tuple:
        """The pixel rectangle ``(row0, row1, col0, col1)`` of ``node``'s box in a frame."""
        r0, r1, c0, c1 = self._rects[self.box_of(node)]
        return r0 + _PAD_PX, r1 - _PAD_PX, c0 + _PAD_PX, c1 - _PAD_PX

    def font_sizes(self) -> list:
        """The sizes (points) of the text in a frame: box labels, value notes, edge notes."""
        return [float(t.get_fontsize()) for t in self.plot.texts] + [self._notes_size()]

    def box_pixels(self, picture: np.ndarray, node: int) -> np.ndarray:
        """The pixels of ``picture`` (a frame's RGBA array) inside the box of ``node``."""
        r0, r1, c0, c1 = self._rects[self.box_of(node)]
        return picture[r0 + _PAD_PX:r1 - _PAD_PX, c0 + _PAD_PX:c1 - _PAD_PX]

    def rgba(self, hot=(), done=(), edges=(), notes=None, edge_notes=(),
             backwards: bool = False) -> np.ndarray:
        """The frame as an RGBA array (a view of the canvas; copy it to keep it).

        ``hot``: node indices to highlight; ``done``: nodes whose value is final;
        ``edges``: (parent, node) pairs to draw in colour; ``notes``: node -> text written
        under its box; ``edge_notes``: (parent, node, text) written on an edge;
        ``backwards``: arrowheads point at the parent (an adjoint flowing back)."""
        buf, tiles = self._buffer, self._tiles
        buf[...] = tiles["plain"]
        done = frozenset(done)
        hot_boxes = {self.box_of(i) for i in hot} - {-1}
        for b, box in enumerate(self.layout.boxes):
            if b in hot_boxes:
                state = "hot"
            elif done and all(i in done for i in box.members):
                state = "done"
            elif done and any(i in done for i in box.members):
                state = "partly"
            else:
                continue
            r0, r1, c0, c1 = self._rects[b]
            buf[r0:r1, c0:c1] = tiles[state][r0:r1, c0:c1]
        renderer = self.canvas.get_renderer()
        for node, text in (notes or {}).items():
            if not text or node not in self._notes:
                continue
            if self.note_pixels:
                self._paste_note(node, text)
            else:
                self._notes[node].set_text(text)
                self._notes[node].draw(renderer)
        for pair in self._box_pairs(edges):
            self._edge_artist(pair, backwards).draw(renderer)
        for parent, node, text in edge_notes:
            self._edge_note(parent, node, text, renderer)
        return buf

    def png(self, hot=(), done=(), edges=(), notes=None, edge_notes=(),
            backwards: bool = False) -> bytes:
        """The frame as PNG bytes (see ``rgba``)."""
        from PIL import Image
        buf = self.rgba(hot, done, edges, notes, edge_notes, backwards)
        height, width = buf.shape[:2]
        out = io.BytesIO()
        Image.frombuffer("RGBA", (width, height), buf, "raw", "RGBA", 0, 1).save(
            out, format="PNG", compress_level=1)
        return out.getvalue()

    def _paste_note(self, node: int, text: str):
        """Write ``text`` under ``node``'s box. A note is drawn by matplotlib once, on
        white and on black, which gives its colour and coverage per pixel; after that it
        is blended into frames with NumPy (drawing text is most of a frame's cost)."""
        key = (node, text)
        note = self._note_pixels.get(key)
        if note is None:
            note = self._note_pixels[key] = self._draw_note(node, text)
            if len(self._note_pixels) > _MAX_NOTES:
                self._note_pixels.pop(next(iter(self._note_pixels)))
        (r0, r1, c0, c1), on_black, see_through = note
        region = self._buffer[r0:r1, c0:c1, :3]
        blended = on_black + see_through * (region / 255.0)
        region[...] = blended.round().astype(np.uint8)

    def _draw_note(self, node: int, text: str):
        artist = self._notes[node]
        artist.set_text(text)
        renderer = self.canvas.get_renderer()
        box = artist.get_window_extent(renderer)
        height, width = self._buffer.shape[:2]
        r0, r1 = max(int(height - box.y1) - 2, 0), min(int(height - box.y0) + 3, height)
        c0, c1 = max(int(box.x0) - 2, 0), min(int(box.x1) + 3, width)
        region = self._buffer[r0:r1, c0:c1]
        saved = region.copy()
        pictures = []
        for background in (255, 0):
            region[...] = background
            region[..., 3] = 255
            artist.draw(renderer)
            pictures.append(region[..., :3].astype(np.int16))
        region[...] = saved
        on_white, on_black = pictures
        # Agg blends out = a * colour + (1 - a) * background per channel, so on black the
        # note is a * colour and on white it adds (1 - a) * 255: kept as 8-bit pixels.
        see_through = (on_white - on_black).astype(np.uint8)
        return (r0, r1, c0, c1), on_black.astype(np.uint8), see_through

    def _box_pairs(self, edges):
        pairs = []
        for parent, node in edges:
            a, b = self.box_of(parent), self.box_of(node)
            if a >= 0 and b >= 0 and a != b and (a, b) not in pairs:
                pairs.append((a, b))
        return pairs

    def _edge_artist(self, pair, backwards: bool):
        key = pair + (backwards,)
        artist = self._edge_artists.get(key)
        if artist is None:
            from matplotlib.patches import FancyArrowPatch
            path = self.plot.edge_path(*pair, backwards)  # where the graph's edge runs
            artist = FancyArrowPatch(path=path, arrowstyle="-|>", mutation_scale=12,
                                     color=EDGE_HIGHLIGHT, lw=2.2, zorder=5, animated=True)
            self._ax.add_patch(artist)
            self._edge_artists[key] = artist
        return artist

    def _edge_note(self, parent, node, text, renderer):
        a, b = self.box_of(parent), self.box_of(node)
        if a < 0 or b < 0 or a == b:
            return
        key = ("note", a, b)
        artist = self._edge_artists.get(key)
        if artist is None:               # over a short edge's boxes, or on a long edge's lane
            x, y = self.plot.label_point(a, b)
            artist = self._ax.text(
                x, y + 0.02, "", ha="center", va="bottom",
                fontsize=self._notes_size(), color=EDGE_HIGHLIGHT, zorder=6, animated=True,
                family="DejaVu Sans Mono",
                bbox=dict(boxstyle="round,pad=0.15", fc="white", ec=EDGE_HIGHLIGHT, lw=0.8))
            self._edge_artists[key] = artist
        artist.set_text(text)
        artist.draw(renderer)

    def _notes_size(self) -> float:
        first = next(iter(self._notes.values()), None)
        return float(first.get_fontsize()) if first is not None else 8.0
