"""The two widgets a report is shown in, built from the same pieces: ``Explorer``, what
``ad.explore(f, x)`` returns (everything about f at x in tabs), and ``autodiff_box``, what a
``%%autodiff`` cell shows (one column: summary, Wengert lists, the sweep players, the plot,
the SSA form).

Both are ipywidgets boxes, so they compose like any widget: put them in an ``HBox``, a
``Tab`` or return them from an ``interact`` function. The pieces come from explore.py (HTML
and the FD widget) and widgets.py (the sweep players, made by ``forward_player`` and
``reverse_player`` here for both).
"""

from __future__ import annotations

import ipywidgets as w

from .explore import (TABS, cost, cost_html, fd_widget, figure_png, lists_html, ssa_html,
                      summary_html, why_none_html)
from .frames import FrameRenderer
from ..report.analysis import Report, point_text
from .widgets import SweepPlayer


# %%autodiff shows one forward sweep per input, up to this many; ad.explore switches
# between all of them
MAX_FORWARD_PLAYERS = 6
_REVERSE_TITLE = "reverse sweep: adjoints from the output"


def forward_player(trace, name: str, renderer: FrameRenderer) -> SweepPlayer:
    """The forward sweep seeded at input ``name``."""
    return SweepPlayer(trace, "forward", wrt=name, renderer=renderer,
                       title=f"forward sweep: tangents w.r.t. {name}")


def reverse_player(trace, renderer: FrameRenderer, title=_REVERSE_TITLE) -> SweepPlayer:
    """The reverse sweep from the output."""
    return SweepPlayer(trace, "reverse", renderer=renderer, title=title)


def autodiff_box(report: Report, figure=None):
    """What a ``%%autodiff`` cell shows, as ``(box, players)``: summary, Wengert lists,
    the sweep players (in tabs when there are several), the plot, the SSA form."""
    trace = report.trace
    renderer = FrameRenderer(trace)
    players = []
    if "forward" in report.modes:
        players += [forward_player(trace, trace.nodes[i].name, renderer)
                    for i in trace.inputs[:MAX_FORWARD_PLAYERS]]
    if "reverse" in report.modes:
        players.append(reverse_player(trace, renderer))
    children = [w.HTML(summary_html(report)), w.HTML(lists_html(report))]
    if len(players) == 1:
        children.append(players[0])
    elif players:
        titles = [("forward d/d" + p.frames.trace.nodes[p.frames.wrt[0]].name)
                  if p.mode == "forward" else "reverse" for p in players]
        children.append(w.Tab(children=players, titles=titles))
    if figure is not None:
        children.append(w.Image(value=figure_png(figure), format="png",
                                layout=w.Layout(max_width="700px")))
    if report.ssa is not None or report.ssa_note:
        children.append(w.HTML(ssa_html(report)))
    box = w.VBox(children)
    box.add_class("adexplorer-autodiff")
    return box, players


class Explorer(w.VBox):
    """The tabs of ``ad.explore``; ``report``, ``players``, ``header`` and ``tabs`` for
    reading."""

    def __init__(self, report: Report, max_nodes: int = 60):
        self.report = report
        trace = report.trace
        renderer = FrameRenderer(trace, max_nodes)
        self.players = {"forward": None, "reverse": None}
        forward_box = w.VBox()
        if trace.inputs:
            names = [trace.nodes[i].name for i in trace.inputs]
            choose = w.ToggleButtons(options=names, description="d/d")

            def forward_for(name):
                player = forward_player(trace, name, renderer)
                self.players["forward"] = player
                forward_box.children = ([choose] if len(names) > 1 else []) + [player]
            choose.observe(lambda change: forward_for(change["new"]), names="value")
            forward_for(names[0])
        else:
            forward_box.children = [w.HTML("<p>f has no differentiable input.</p>")]
        self.players["reverse"] = reverse_player(trace, renderer, title=None)
        self.cost = cost(trace, self.players["reverse"].frames.sweep)
        children = [
            w.HTML(lists_html(report)),
            forward_box,
            self.players["reverse"],
            fd_widget(report),
            w.HTML(ssa_html(report) or "<p>No source to lower.</p>"),
            w.HTML(cost_html(self.cost)),
            w.HTML(why_none_html(report)),
        ]
        self.tabs = w.Tab(children=children, titles=TABS)
        self.header = w.HTML(summary_html(report))
        super().__init__([self.header, self.tabs])
        self.add_class("adexplorer-explore")

    @property
    def widget(self) -> "Explorer":
        """The explorer itself (it is the box); for code written when it held one."""
        return self

    def __repr__(self) -> str:
        r = self.report
        return f"<explore {r.title} at {point_text(r.names, r.args)}: {', '.join(TABS)}>"

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = dict(super()._repr_mimebundle_(include=include, exclude=exclude) or {})
        bundle["text/plain"] = repr(self)          # one stable line, for nbval
        return bundle
