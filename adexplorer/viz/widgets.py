"""``SweepPlayer``: the forward or reverse sweep of a trace as an ipywidgets animation.

    ad.SweepPlayer(ad.trace(f, 3.0), mode="reverse")

Standard ipywidgets 8 controls only (no JavaScript of our own): Play, a step slider,
step back / forward buttons and a speed menu; the graph with the active node
highlighted, finished nodes green and the tangents / adjoints written under the boxes;
a caption with the rule in words and symbols (``ȳ1 = ȳ2 · cos(y1) = 2.27416``); a
table of values filling in; and, at the last step, the sweep's result next to
``ad.gradient`` / ``ad.jvp``. Everything shown comes from ``SweepFrames`` (sweepframes.py),
which reads the recorded sweep; pictures are cached per frame.

Play is linked to the slider in the browser (``jslink``), and the kernel redraws when
the slider moves; without a browser, set ``player.slider.value`` (or call ``show``).
The player is itself an ipywidgets ``VBox``, so it composes like any widget:
``widgets.HBox([ad.SweepPlayer(t, mode="forward"), ad.SweepPlayer(t, mode="reverse")])``,
a ``Tab`` child, the result of an ``interact`` function. Nothing here prints into an
``Output`` widget, so a notebook can show a player under nbval with the cell tagged
``nbval-ignore-output``; the plain-text form of a player is one deterministic line.
"""

from __future__ import annotations

import html

import ipywidgets as w

from ..core.tracing import Trace
from .frames import FrameRenderer
from .memorymeter import MemoryMeter
from .sweepframes import SweepFrames

SPEEDS = (("slow", 1600), ("normal", 900), ("fast", 400), ("fastest", 150))
_CAPTION_STYLE = ("font-size:15px;line-height:1.45;min-height:4.4em;padding:4px 8px;"
                  "border-left:4px solid #ff9f40;background:#fffaf3")


class SweepPlayer(w.VBox):
    """The animation of one sweep of ``trace``: a ``VBox`` to display or put in a layout.

    ``mode``: "forward" (tangents from ``wrt``, default the first input) or "reverse"
    (adjoints from the output). ``renderer``: a ``FrameRenderer`` to share with another
    player of the same trace. Attributes: ``slider``, ``play``, ``back``, ``forward``,
    ``speed``, ``image``, ``caption``, ``table``, ``status``, ``meter`` (the widgets; the
    meter shows the tape's live memory, or in forward mode that there is no tape),
    ``frames`` (the ``SweepFrames``).
    ``practice=True``: the student types each step's tangent or adjoint before it is
    shown (``practice``, a ``PracticePanel`` under the player)."""

    def __init__(self, trace: Trace, mode: str = "forward", wrt=None, *,
                 renderer: FrameRenderer | None = None, max_nodes: int = 60,
                 title: str | None = None, practice: bool = False):
        if not isinstance(trace, Trace):
            raise TypeError(f"SweepPlayer needs a Trace (from ad.trace(f, *args)), "
                            f"not a {type(trace).__name__}")
        self.frames = SweepFrames(trace, mode, wrt, renderer, max_nodes)
        self.mode = self.frames.mode
        last = self.frames.n_frames - 1
        self.play = w.Play(value=0, min=0, max=last, step=1, interval=SPEEDS[1][1],
                           description="play", show_repeat=False)
        # frames count steps, unless a step that un-broadcasts takes two
        counts = "step" if last == len(self.frames.sweep) else "frame"
        self.slider = w.IntSlider(value=0, min=0, max=last, description=counts,
                                  continuous_update=True,
                                  layout=w.Layout(width="min(420px, 60%)"))
        w.jslink((self.play, "value"), (self.slider, "value"))
        self.back = w.Button(description="◀ back", tooltip="one step back",
                             layout=w.Layout(width="80px"))
        self.forward = w.Button(description="step ▶", tooltip="one step forward",
                                layout=w.Layout(width="80px"))
        self.speed = w.Dropdown(options=list(SPEEDS), value=SPEEDS[1][1],
                                description="speed", layout=w.Layout(width="170px"))
        self.back.add_class("adexplorer-back")
        self.forward.add_class("adexplorer-step")
        self.image = w.Image(format="png", layout=w.Layout(max_width="100%", height="auto"))
        self.image.add_class("adexplorer-graph")
        self.caption = w.HTML()
        self.caption.add_class("adexplorer-caption")
        self.table = w.HTML(layout=w.Layout(max_width="100%", overflow="auto"))
        self.status = w.HTML()
        self.status.add_class("adexplorer-status")
        self.meter = MemoryMeter(self.frames)       # what the sweep keeps at this step
        self.back.on_click(lambda _button: self.show(self.slider.value - 1))
        self.forward.on_click(lambda _button: self.show(self.slider.value + 1))
        self.speed.observe(self._on_speed, names="value")
        self.slider.observe(self._on_step, names="value")
        heading = title if title is not None else (
            "forward sweep" if self.mode == "forward" else "reverse sweep")
        self.title = w.HTML(f"<b>{html.escape(heading)}</b>")
        super().__init__([
            self.title,
            w.HBox([self.play, self.back, self.forward, self.slider, self.speed],
                   layout=w.Layout(flex_flow="row wrap", align_items="center")),
            self.caption,
            w.HBox([self.image, self.table],
                   layout=w.Layout(flex_flow="row wrap", align_items="flex-start")),
            self.meter,
            self.status])
        self.add_class("adexplorer-player")
        self._render(0)
        self.practice = None
        if practice:
            from .practice import PracticePanel
            self.practice = PracticePanel(self)
            self.children = (*self.children, self.practice)

    @property
    def widget(self) -> "SweepPlayer":
        """The player itself (it is the box); for code written when it held one."""
        return self

    # -- stepping ----------------------------------------------------------------------
    @property
    def n_frames(self) -> int:
        """Frames: the start, then one per step of the sweep (two for a step that
        un-broadcasts: ``frames.frames_of``)."""
        return self.frames.n_frames

    @property
    def frame(self) -> int:
        return self.slider.value

    def show(self, k: int):
        """Go to frame ``k`` (clipped to the first/last frame)."""
        self.slider.value = min(max(int(k), 0), self.n_frames - 1)
        return self

    def _on_step(self, change):
        self._render(change["new"])

    def _on_speed(self, change):
        self.play.interval = change["new"]

    def _render(self, k: int):
        frame = self.frames.frame(k)
        png = self.frames.png(k)
        if self.image.value != png:
            self.image.value = png
            self.image.width = _png_width(png)
        self.caption.value = _caption_html(frame)
        self.table.value = self.frames.table_html(k, frame)
        self.status.value = self._status_html(k)
        self.meter.show(k)

    def _status_html(self, k: int) -> str:
        if k < self.n_frames - 1:
            left = len(self.frames.sweep) - self.frames.steps_done(k)
            return (f'<span style="color:#666">{left} step{"s" * (left != 1)} to go '
                    "(▶ play, or step ▶)</span>")
        check = self.frames.check
        colour = {True: "#1a7f37", False: "#cf222e", None: "#333"}[check.ok]
        return (f'<span style="color:{colour};font-size:15px;font-weight:bold">'
                f"{html.escape(check.text)}</span>")

    # -- display -----------------------------------------------------------------------
    def __repr__(self) -> str:
        trace = self.frames.trace
        return (f"<SweepPlayer: {self.mode} sweep of {len(trace)} nodes, "
                f"{len(self.frames.sweep)} steps>")

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = dict(super()._repr_mimebundle_(include=include, exclude=exclude) or {})
        bundle["text/plain"] = repr(self)          # one stable line, for nbval
        return bundle


def _png_width(png: bytes) -> int:
    """The pixel width stored in a PNG header."""
    return int.from_bytes(png[16:20], "big")


def _caption_html(frame) -> str:
    head, _, rest = frame.caption.partition("\n")
    body = f"<div>{html.escape(head)}</div>"
    if rest:
        # pre-wrap: an array rule's lines (rule and shapes, un-broadcast, value) stay lines
        body += ('<div style="font-family:monospace;font-size:17px;font-weight:bold;'
                 f'white-space:pre-wrap">{html.escape(rest)}</div>')
    return f'<div style="{_CAPTION_STYLE}">{body}</div>'
