"""``Explorer``: the widget ``ad.explore(f, x)`` returns, everything about f at x in tabs.

It is an ipywidgets ``VBox`` (the summary over the tabs), so it composes like any widget:
put it in an ``HBox``, a ``Tab`` or return it from an ``interact`` function. The pieces
come from explore.py (HTML and the FD widget) and widgets.py (the sweep players).
"""

from __future__ import annotations

import ipywidgets as w

from .explore import (TABS, cost, cost_html, fd_widget, lists_html, ssa_html, summary_html,
                      why_none_html)
from .frames import FrameRenderer
from .report import Report, point_text
from .widgets import SweepPlayer


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
                player = SweepPlayer(trace, "forward", wrt=name, renderer=renderer,
                                     title=f"forward sweep: tangents w.r.t. {name}")
                self.players["forward"] = player
                forward_box.children = ([choose] if len(names) > 1 else []) + [player]
            choose.observe(lambda change: forward_for(change["new"]), names="value")
            forward_for(names[0])
        else:
            forward_box.children = [w.HTML("<p>f has no differentiable input.</p>")]
        self.players["reverse"] = SweepPlayer(trace, "reverse", renderer=renderer)
        self.cost = cost(trace)
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
