"""``ad.jacobian_view(f, x)``: the Jacobian as a grid, filled sweep by sweep.

    ad.jacobian_view(f, x)                 # a widget: forward / reverse, Play, step
    ad.jacobian_view(f, x, static=True)    # a matplotlib figure: both modes, filled

One forward sweep (``ad.jvp`` with tangent 1 on one input) fills one column; one reverse
sweep (``ad.vjp``'s pullback with cotangent 1 on one output) fills one row. The cost
meter counts the sweeps: n for forward mode, m for reverse mode, so a tall Jacobian
(more outputs than inputs) is cheaper forward and a wide one (a loss of many
parameters) cheaper in reverse. The numbers come from ``JacobianSweeps``
(jacobian_grid.py); this module holds only the widgets.
"""

from __future__ import annotations

import html

import ipywidgets as w

from .jacobian_grid import MODES, JacobianSweeps, mode_name

SPEED_MS = 1100
_CAPTION_STYLE = ("font-size:15px;line-height:1.45;padding:4px 8px;"
                  "border-left:4px solid #3d7bd9;background:#f5f8ff")


class JacobianView(w.VBox):
    """The Jacobian of ``f`` at ``x`` as a grid that fills sweep by sweep: a ``VBox``.

    ``mode`` is "forward" or "reverse" (set it, or click ``mode_buttons``). Widgets:
    ``mode_buttons`` (ToggleButtons), ``play``, ``slider`` (sweeps
    done), ``back``, ``forward``, ``image`` (the grid and the cost meter), ``caption``
    (what the last sweep computed), ``meter`` (sweeps done and needed, in text).
    ``sweeps`` is the ``JacobianSweeps`` behind it; ``grid`` the grid shown now (NaN =
    not yet known); ``figure()`` the picture now, as a matplotlib figure."""

    def __init__(self, f, x, mode: str = "forward", *, title: str | None = None):
        self.sweeps = JacobianSweeps(f, x)
        mode = mode_name(mode)
        self.mode_buttons = w.ToggleButtons(options=list(MODES), value=mode, description="mode",
                                    tooltips=["one column per sweep (jvp)",
                                              "one row per sweep (vjp)"])
        self.mode_buttons.style.button_width = "90px"
        self.mode_buttons.add_class("adexplorer-mode")
        last = self.sweeps.count(mode)
        self.play = w.Play(value=0, min=0, max=last, step=1, interval=SPEED_MS,
                           description="play", show_repeat=False)
        self.slider = w.IntSlider(value=0, min=0, max=last, description="sweeps",
                                  layout=w.Layout(width="min(360px, 60%)"))
        w.jslink((self.play, "value"), (self.slider, "value"))
        self.back = w.Button(description="◀ back", layout=w.Layout(width="80px"))
        self.forward = w.Button(description="sweep ▶", layout=w.Layout(width="90px"))
        self.back.add_class("adexplorer-back")
        self.forward.add_class("adexplorer-step")
        self.image = w.Image(format="png", layout=w.Layout(max_width="100%", height="auto"))
        self.image.add_class("adexplorer-jacobian-grid")
        self.caption = w.HTML()
        self.caption.add_class("adexplorer-caption")
        self.meter = w.HTML()
        self.meter.add_class("adexplorer-cost-meter")
        self.back.on_click(lambda _b: self.show(self.slider.value - 1))
        self.forward.on_click(lambda _b: self.show(self.slider.value + 1))
        self.slider.observe(lambda _c: self._render(), names="value")
        self.mode_buttons.observe(self._on_mode, names="value")
        s = self.sweeps
        heading = title if title is not None else (
            f"Jacobian of {_name(f)}: {s.m} output{'s' * (s.m != 1)} × "
            f"{s.n} input{'s' * (s.n != 1)}")
        self.title = w.HTML(f"<b>{html.escape(heading)}</b>")
        self._pngs: dict = {}
        super().__init__([
            self.title, self.mode_buttons,
            w.HBox([self.play, self.back, self.forward, self.slider],
                   layout=w.Layout(flex_flow="row wrap", align_items="center")),
            self.caption, self.image, self.meter])
        self.add_class("adexplorer-jacobian")
        self._render()

    # -- stepping ----------------------------------------------------------------------
    @property
    def mode(self) -> str:
        return self.mode_buttons.value

    @mode.setter
    def mode(self, value: str):
        self.mode_buttons.value = mode_name(value)

    @property
    def sweeps_done(self) -> int:
        return self.slider.value

    @property
    def grid(self):
        """The m × n grid as shown now (NaN where no sweep has reached yet)."""
        return self.sweeps.grid(self.mode, self.slider.value)

    def show(self, k: int):
        """Show the grid after ``k`` sweeps (clipped to 0..the sweeps this mode needs)."""
        self.slider.value = min(max(int(k), 0), self.slider.max)
        return self

    def _on_mode(self, change):
        last = self.sweeps.count(change["new"])
        self.play.playing = False
        self.slider.value = 0                     # renders the empty grid of the new mode
        self.play.value = 0
        self.play.max = self.slider.max = last
        self._render()

    def _render(self):
        mode, k = self.mode, self.slider.value
        key = (mode, k)
        if key not in self._pngs:
            self._pngs[key] = self.sweeps.png(mode, k)
        self.image.value = self._pngs[key]
        self.image.width = int.from_bytes(self._pngs[key][16:20], "big")  # PNG header
        self.caption.value = (f'<div style="{_CAPTION_STYLE}">'
                              f"{html.escape(self.sweeps.describe(mode, k))}</div>")
        self.meter.value = self.meter_html()

    def meter_text(self) -> str:
        """The cost meter in words: sweeps done, and what each mode needs."""
        s, mode, k = self.sweeps, self.mode, self.slider.value
        winner = ("forward" if s.n < s.m else "reverse" if s.m < s.n else "either")
        return (f"{mode}: {k} of {s.count(mode)} sweeps done. "
                f"The whole Jacobian costs {s.n} forward sweep{'s' * (s.n != 1)} (n inputs) "
                f"or {s.m} reverse sweep{'s' * (s.m != 1)} (m outputs): "
                + ("either mode, the same." if winner == "either" else
                   f"{winner} mode wins here."))

    def meter_html(self) -> str:
        return (f'<div style="font-size:14px;padding:2px 8px">'
                f"{html.escape(self.meter_text())}</div>")

    def figure(self, mode: str | None = None, k: int | None = None):
        """The grid as a matplotlib figure: by default what the widget shows now; give
        ``mode``/``k`` for another state (``k=None`` with a mode: all its sweeps)."""
        if mode is None and k is None:
            mode, k = self.mode, self.slider.value
        return self.sweeps.figure(mode if mode is not None else self.mode, k)

    # -- display -----------------------------------------------------------------------
    def __repr__(self) -> str:
        s = self.sweeps
        return (f"<JacobianView: {s.m} × {s.n} Jacobian, {self.mode} mode, "
                f"{self.slider.value} of {s.count(self.mode)} sweeps>")

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = dict(super()._repr_mimebundle_(include=include, exclude=exclude) or {})
        bundle["text/plain"] = repr(self)          # one stable line, for nbval
        return bundle


def _name(f) -> str:
    name = getattr(f, "__name__", "f")
    return "f" if name == "<lambda>" else name


def jacobian_view(f, x, mode: str = "forward", *, static: bool = False):
    """The Jacobian of ``f`` at ``x`` as a grid filled sweep by sweep.

    ``x``: a number, a vector or a small matrix (flattened; at most 12 entries), and
    ``f(x)`` the same kind of value. Each forward sweep (``ad.jvp``, tangent 1 on one
    input) fills a column, each reverse sweep (``ad.vjp``, cotangent 1 on one output) a
    row; the cost meter counts n forward or m reverse sweeps.

    Returns a ``JacobianView`` widget (mode toggle, Play, step buttons; compose it in an
    ``HBox``), or with ``static=True`` a matplotlib figure of both modes side by side,
    each filled and with its cost meter (for slides, nbconvert and nbval). The widget's
    ``figure()`` gives the picture it shows at the moment.
    """
    if static:
        return JacobianSweeps(f, x).figure()
    return JacobianView(f, x, mode)
