"""A sweep as one still picture: the player's frames, one under another, for slides.

``ad.sweep_filmstrip(trace, "reverse")`` draws every frame of the sweep (or the
``steps`` asked for) as the player shows it — one per step, two for a reverse step that
un-broadcasts (its contribution, then the sum): the graph with the active box, the
finished ones and the seed outlined, every tangent/adjoint so far under its box, and
under each picture the step's caption — the rule in words and symbols, with the
numbers (and, for arrays, the shapes). A colour legend heads the strip.

Sized for a page: shown at 100% on a ``page_px``-wide page (1280 px), every text in it,
captions and the graph's boxes alike, is at least ``min_font_px`` (14) pixels tall. A
wide graph is wrapped into more bands of fewer columns until its boxes' text reaches
that size; small graphs sit two or more to a row. ``figure.filmstrip`` says how it was
laid out (dpi, fonts, columns), so the sizes can be checked.
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass

import numpy as np

from ..core.tracing import Trace
from .frames import FrameRenderer
from .graph import COLORS, EDGE_COLOR, MAX_COLUMNS, GraphPlot, graph_layout
from .sweepframes import SweepFrames

SEED_COLOR = "#6a3d9a"          # the outline of the box a sweep is seeded at
_MAX_DPI = 300
_GAP_PX = 24                    # between panels, and around the legend
MAX_HEIGHT_PX = 30_000          # a taller strip is refused: no slide or page shows it


@dataclass(frozen=True)
class FilmstripLayout:
    """How a filmstrip was laid out: ``dpi`` of the figure and of its pictures (drawn
    1:1), ``text_pt`` the size of its captions and legend, ``graph_pt`` the smallest text
    in the graph pictures, ``graph_columns`` the graph's columns before it wraps,
    ``columns`` the panels side by side, ``steps`` the frames shown, numbered as the
    player's slider numbers them."""
    dpi: int
    text_pt: float
    graph_pt: float
    graph_columns: int
    columns: int
    steps: tuple


def sweep_filmstrip(trace, mode: str = "reverse", steps=None, *, wrt=None, columns=None,
                    page_px: int = 1280, min_font_px: float = 14.0, max_nodes: int = 60,
                    max_height_px: int = MAX_HEIGHT_PX):
    """The frames of ``trace``'s ``mode`` sweep ("forward" or "reverse"; forward from
    ``wrt``) as one matplotlib figure. ``steps``: the frames to show, counted from 1 as
    the player's slider counts them (default: every frame); ``columns``: panels side by
    side (default: as many as fit the page). A strip taller than ``max_height_px`` is
    refused before it is drawn (ask for fewer ``steps``, or trace a smaller part)."""
    if not isinstance(trace, Trace):
        raise TypeError(f"sweep_filmstrip needs a Trace (from ad.trace(f, *args)), "
                        f"not a {type(trace).__name__}")
    if columns is not None:
        if not isinstance(columns, (int, np.integer)) or isinstance(columns, bool) or \
                columns < 1:
            raise ValueError(f"sweep_filmstrip: columns must be a positive int, got "
                             f"{columns!r}")
        columns = int(columns)
    frames = SweepFrames(trace, mode, wrt=wrt, max_nodes=max_nodes)
    chosen = _chosen_steps(steps, frames.n_frames)
    layout, dpi, graph_pt = _fit_graph(trace, max_nodes, page_px, min_font_px)
    frames.renderer = FrameRenderer(trace, max_nodes, dpi=dpi, layout=layout)
    graph_pt = min(frames.renderer.font_sizes())
    text_pt = math.ceil(min_font_px * 72 / dpi * 10) / 10
    first = _picture(frames, chosen[0])
    height, width = first.shape[:2]
    if columns is None:
        columns = max(1, min(len(chosen), (page_px - _GAP_PX) // (width + _GAP_PX)))
    info = FilmstripLayout(dpi, text_pt, graph_pt, layout.columns, columns, chosen)
    sizes = _sizes(frames, info, height, width)
    if sizes.fig_h > max_height_px:
        raise ValueError(
            f"sweep_filmstrip: {len(chosen)} steps would make a figure {sizes.fig_w:.0f} x "
            f"{sizes.fig_h:.0f} px, taller than max_height_px={max_height_px}; show some "
            f"steps (steps=[1, 2, {frames.n_frames - 1}]), more columns, or trace a "
            "smaller part of the function")
    pictures = [first] + [_picture(frames, k) for k in chosen[1:]]
    return _draw(frames, pictures, info, sizes)


def _chosen_steps(steps, n_frames: int) -> tuple:
    """``steps`` as a non-empty tuple of frame numbers in 1..n_frames-1, or a clear error."""
    last = n_frames - 1
    if steps is None:
        chosen = tuple(range(1, n_frames))
    elif isinstance(steps, (str, bytes)) or not hasattr(steps, "__iter__"):
        raise TypeError(f"sweep_filmstrip: steps must be a list of step numbers "
                        f"(e.g. steps=[1, 2, {last}]), got {steps!r}")
    else:
        chosen = tuple(steps)
    for k in chosen:
        if not isinstance(k, (int, np.integer)) or isinstance(k, bool):
            raise TypeError(f"sweep_filmstrip: steps must be whole numbers in 1..{last}, "
                            f"got {k!r}")
        if not 1 <= k <= last:
            raise ValueError(f"step {k} is outside 1..{last} of this sweep")
    if not chosen:
        raise ValueError(f"sweep_filmstrip: no steps to show; give at least one of 1..{last}")
    return tuple(int(k) for k in chosen)


def _fit_graph(trace, max_nodes, page_px, min_font_px):
    """The graph's layout and the dpi that draw its smallest text ``min_font_px`` tall
    within ``page_px``: the most columns that allow it (one column if none does)."""
    for columns in range(MAX_COLUMNS, 0, -1):
        layout = graph_layout(trace, None, max_nodes, columns)
        plot = GraphPlot(trace, layout=layout)
        smallest = min([float(t.get_fontsize()) for t in plot.texts] + [9.0])
        dpi = math.ceil(min_font_px * 72 / smallest)
        width_in = plot.figure.get_size_inches()[0]
        if width_in * dpi + 2 * _GAP_PX <= page_px or columns == 1:
            return layout, min(dpi, _MAX_DPI), smallest
    raise AssertionError("unreachable: one column always fits")


def _picture(frames: SweepFrames, k: int):
    frame = frames.frame(k)
    return frames.renderer.rgba(frame.hot, frame.final, frame.edges, frames.notes(frame),
                                frames.edge_notes(frame), frames.mode == "reverse").copy()


def _caption_lines(frames: SweepFrames, k: int, chars: int) -> list:
    lines = []
    for line in frames.frame(k).caption.split("\n"):
        lines += textwrap.wrap(line, chars, subsequent_indent="  ") or [""]
    return lines


@dataclass(frozen=True)
class _Sizes:
    """Pixel sizes of a strip: its captions' lines and every length ``_draw`` needs."""
    captions: list
    line_px: float
    height: int
    width: int
    panel_w: float
    panel_h: float
    legend_px: float
    fig_w: float
    fig_h: float


def _sizes(frames: SweepFrames, info: FilmstripLayout, height: int, width: int) -> _Sizes:
    """The strip's sizes for pictures of ``height`` x ``width`` pixels (none drawn yet)."""
    text_px = info.text_pt * info.dpi / 72
    line_px = 1.3 * text_px
    chars = max(int(width / (0.61 * text_px)), 20)      # DejaVu Sans Mono is 0.6 em wide
    captions = [_caption_lines(frames, k, chars) for k in info.steps]
    cap_px = line_px * max((len(c) for c in captions), default=1) + 8
    panel_w, panel_h = width + _GAP_PX, height + cap_px + _GAP_PX
    legend_px = 2 * line_px + _GAP_PX
    rows = max(1, -(-len(info.steps) // info.columns))
    fig_w = info.columns * panel_w + _GAP_PX
    return _Sizes(captions, line_px, height, width, panel_w, panel_h, legend_px, fig_w,
                  rows * panel_h + legend_px)


def _draw(frames: SweepFrames, pictures: list, info: FilmstripLayout, sizes: _Sizes):
    """Panels (picture over caption) in ``info.columns`` columns under a legend, every
    length in pixels at ``info.dpi`` so pictures are drawn 1:1."""
    import matplotlib.pyplot as plt
    dpi, line_px, captions = info.dpi, sizes.line_px, sizes.captions
    height, width, panel_w, panel_h = sizes.height, sizes.width, sizes.panel_w, sizes.panel_h
    legend_px, fig_w, fig_h = sizes.legend_px, sizes.fig_w, sizes.fig_h
    fig = plt.figure(figsize=(fig_w / dpi, fig_h / dpi), dpi=dpi)
    plt.close(fig)
    _legend(fig, frames, fig_w, fig_h, line_px, info.text_pt)
    seeds = [s.node for s in frames.sweep if s.kind == "seed"]
    for n, (k, picture, caption) in enumerate(zip(info.steps, pictures, captions)):
        row, col = divmod(n, info.columns)
        left = _GAP_PX + col * panel_w
        top = legend_px + row * panel_h
        ax = fig.add_axes((left / fig_w, 1 - (top + height) / fig_h, width / fig_w,
                           height / fig_h))
        ax.imshow(picture, interpolation="none")
        ax.set_axis_off()
        _outline_seeds(ax, frames.renderer, seeds)
        fig.text(left / fig_w, 1 - (top + height + 6) / fig_h, "\n".join(caption),
                 va="top", ha="left", fontsize=info.text_pt, family="DejaVu Sans Mono",
                 linespacing=1.3)
    fig.filmstrip = info
    return fig


def _legend(fig, frames: SweepFrames, fig_w, fig_h, line_px, text_pt):
    """What the colours mean, on the strip's first line, and what the strip is."""
    from matplotlib.patches import Rectangle
    what = "tangents" if frames.mode == "forward" else "adjoints"
    fig.text(_GAP_PX / fig_w, 1 - (_GAP_PX / 2) / fig_h,
             f"{frames.mode} sweep, {len(frames.sweep)} steps: {what} are written under "
             "the boxes", va="top", ha="left", fontsize=text_pt, family="DejaVu Sans Mono")
    y = 1 - (_GAP_PX / 2 + 1.25 * line_px) / fig_h
    x = _GAP_PX
    # a waiting box keeps its own colour: an input, an operation or an output
    entries = [("active", [COLORS["highlight"]], EDGE_COLOR, "-"),
               ("finished", [COLORS["done"]], EDGE_COLOR, "-"),
               ("waiting", [COLORS["input"], COLORS["op"], COLORS["output"]], EDGE_COLOR, "-"),
               ("seed", ["none"], SEED_COLOR, "--")]
    for label, faces, edge, style in entries:
        side = 1.6 * line_px / len(faces)
        for n, face in enumerate(faces):
            fig.patches.append(Rectangle(
                ((x + n * side) / fig_w, y - line_px * 0.8 / fig_h), side / fig_w,
                0.8 * line_px / fig_h, transform=fig.transFigure, facecolor=face,
                edgecolor=edge, linestyle=style, lw=2))
        fig.text((x + 2.0 * line_px) / fig_w, y - 0.4 * line_px / fig_h, label, va="center",
                 ha="left", fontsize=text_pt, family="DejaVu Sans Mono")
        x += 2.2 * line_px + 0.62 * line_px * 0.77 * len(label) + 1.5 * line_px


def _outline_seeds(ax, renderer: FrameRenderer, seeds):
    from matplotlib.patches import Rectangle
    for node in seeds:
        if renderer.box_of(node) < 0:
            continue
        r0, r1, c0, c1 = renderer.box_rect(node)
        ax.add_patch(Rectangle((c0 + 1, r0 + 1), c1 - c0 - 2, r1 - r0 - 2, fill=False,
                               edgecolor=SEED_COLOR, linestyle="--", lw=2))
