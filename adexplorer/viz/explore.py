"""``ad.explore(f, x)``: everything about f at x in tabs, and the HTML pieces
``%%autodiff`` shares with it.

Tabs: Wengert lists · forward sweep · reverse sweep · AD vs FD (plots and a step-size
slider) · SSA and generated adjoint · cost (sweeps and rule applications for the full
Jacobian, forward and reverse side by side) · why None?. User rules met in the trace
are checked against finite differences; a wrong one is flagged in red at the top with
the size of the disagreement. Every number comes from a ``Report`` (report.py).
"""

from __future__ import annotations

import functools
import html
import io
from dataclasses import dataclass

import numpy as np

from ..core.explain import GOT
from ..core.names import argument_names
from ..core.values import short_value
from ..report.fd import FDCheck
from .fdplots import plot_fd, plot_fd_error
from ..report.analysis import Report, analyse, forward_lists, number, point_text

TABS = ("Wengert lists", "forward sweep", "reverse sweep", "AD vs FD", "SSA and adjoint",
        "cost", "why None?")
RED, GREEN = "#cf222e", "#1a7f37"
_PRE = ("font-family:monospace;font-size:14px;line-height:1.4;margin:0;"
        "padding:6px 10px;background:#f6f8fa;border-radius:4px")


def esc(text) -> str:
    return html.escape(str(text))


def pre(text) -> str:
    return f'<pre style="{_PRE}">{esc(text)}</pre>'


# ---------------------------------------------------------------------------
# Pieces (also used by %%autodiff)


def summary_html(report: Report) -> str:
    """Title, value, gradient (reverse) and/or derivatives (forward) as the modes ask,
    the FD agreement, and wrong user rules in red."""
    f, rows = report.name, []
    reverse, forward = "reverse" in report.modes, "forward" in report.modes
    for r in report.explanation:
        fd = report.fd.get(r.name)
        if isinstance(fd, FDCheck):
            err = fd.error("central")
            agree = f"central difference off by {err:.1e}" if err is not None else ""
            scale = max(1.0, float(np.max(np.abs(np.asarray(fd.ad, dtype=float)))))
            bad = err is not None and not err <= 1e-5 * scale      # nan is bad too
            colour = RED if bad else "#666"
        else:
            agree, colour = esc(fd or ""), "#666"
        if r.status == GOT:
            shown = esc(number(report.gradient[r.name]))
        else:
            shown = f'None <span style="color:#666">({esc(r.status)})</span>'
        cells = ""
        if reverse:
            cells += f"<td><b>{shown}</b></td>"
        if forward:
            d = report.derivatives.get(r.name)
            if d is not None:
                cells += f"<td><b>{esc(number(d))}</b></td>" if not reverse else \
                    f"<td>{esc(number(d))}</td>"
            elif not reverse:              # forward only: still say what there is
                cells += f"<td><b>{shown}</b></td>"
            else:
                cells += "<td></td>"
        symbol = f"∂{esc(f)}/∂{esc(r.name)}" if reverse else f"d{esc(f)}/d{esc(r.name)}"
        rows.append(f"<tr><td>{symbol}</td>{cells}"
                    f'<td style="color:{colour}">{agree}</td></tr>')
    of = "" if report.scalar_output else f" (of sum({esc(f)}): the output is an array)"
    heads = (f"<th>reverse mode{of}</th>" if reverse else "") + \
        ("<th>forward mode (dual numbers)</th>" if forward else "")
    out = ['<div class="adexplorer-summary" style="font-size:15px">',
           f"<div><b>{esc(report.title)}</b> at {esc(point_text(report.names, report.args))}"
           "</div>",
           f"<div>value: <b>{esc(number(report.value))}</b></div>",
           "".join(f'<div style="color:#9a6700">NumPy warned: {esc(m)}</div>'
                   for m in report.warnings),
           "".join(f'<div style="color:{RED}">note: {esc(m)}</div>' for m in report.notes),
           f'<table style="font-size:14px"><tr><th></th>{heads}'
           "<th>vs finite differences</th></tr>" + "".join(rows) + "</table>"]
    out.append(rules_html(report, only_wrong=True))
    out.append("</div>")
    return "".join(out)


def rules_html(report: Report, only_wrong: bool = False) -> str:
    """User rules against finite differences: wrong ones in red with the size of the
    disagreement."""
    checks = report.wrong_rules if only_wrong else report.rules
    if not checks:
        return "" if only_wrong else "<p>No user rules (@ad.adjoint / @ad.tangent) here.</p>"
    lines = []
    for c in checks:
        colour = GREEN if c.ok else RED
        verdict = "agrees with" if c.ok else "DISAGREES with"
        lines.append(
            f'<li style="color:{colour}"><b>{esc(c.row)}</b> ({esc(c.node)}, argument '
            f"{c.position + 1}, {esc(c.argument)}): its {c.mode} rule gives "
            f"{c.rule_value:.8g}, {verdict} finite differences {c.fd_value:.8g} "
            f"(|difference| = {c.error:.2g})</li>")
    head = (f'<div style="color:{RED};font-weight:bold">A user rule is wrong: its derivative '
            "disagrees with finite differences.</div>" if only_wrong else
            "<div><b>User rules against finite differences</b></div>")
    return f'<div class="adexplorer-rules">{head}<ul>{"".join(lines)}</ul></div>'


def lists_html(report: Report, wrt=None) -> str:
    """The Wengert lists side by side: f, f' (forward mode: one list per input, as the
    text shows them, or only for ``wrt``) and the adjoint."""
    trace, f = report.trace, report.name
    blocks = [(f"Wengert list of {f}", str(trace) or "(no operations)")]
    if "forward" in report.modes and trace.inputs:
        for name, listing in forward_lists(report):
            if wrt is not None and name != wrt:
                continue
            text = (str(listing) or "(no operations)") if listing is not None else \
                f"none: {f} does not depend on {name}\n(its derivative is 0, its gradient None)"
            blocks.append((f"Wengert list of {f}' (d/d{name})", text))
    if "reverse" in report.modes:
        blocks.append(("adjoint list (reverse mode)", str(trace.adjoint_wengert())))
    cells = "".join(f'<div style="margin:0 22px 8px 0"><div><b>{esc(title)}</b></div>'
                    f"{pre(text)}</div>" for title, text in blocks)
    return f'<div style="display:flex;flex-wrap:wrap" class="adexplorer-lists">{cells}</div>'


def ssa_html(report: Report) -> str:
    parts = []
    if report.ssa is not None:
        parts.append(f"<div><b>SSA form</b></div>{pre(report.ssa)}")
    if report.adjoint_source is not None:
        parts.append(f"<div><b>generated adjoint code</b></div>{pre(report.adjoint_source)}")
    if report.ssa_note:
        parts.append(f'<p style="color:#666">{esc(report.ssa_note)}</p>')
    return "".join(parts)


def why_none_html(report: Report) -> str:
    items = []
    for r in report.explanation:
        if r.status == GOT:
            items.append(f"<li><b>{esc(r.name)}</b>: gradient {esc(short_value(r.gradient))}</li>")
        else:
            items.append(f'<li><b>{esc(r.name)}</b>: <span style="color:{RED}">None</span> '
                         f"— {esc(r.status)}: {esc(r.reason)}</li>")
    note = ("<p>A gradient is <code>None</code> when the output does not depend on the "
            "argument through any differentiable operation: it was never used, used only in "
            "comparisons and control flow, or is not a number.</p>")
    return f"{note}<ul>{''.join(items)}</ul>"


# ---------------------------------------------------------------------------
# Cost of the full Jacobian


@dataclass(frozen=True)
class Cost:
    """Work for the full m×n Jacobian: forward mode runs one sweep per input component,
    each doing the ``operations`` again with ``forward_steps[i]`` jvp rule applications;
    reverse mode records the ``operations`` once and runs one reverse sweep per
    output component, each with ``backward_steps`` vjp rule applications."""
    n: int
    m: int
    operations: int
    input_sizes: tuple
    forward_steps: tuple
    backward_steps: int

    @property
    def forward_total(self) -> int:
        return sum(size * (self.operations + steps)
                   for size, steps in zip(self.input_sizes, self.forward_steps))

    @property
    def reverse_total(self) -> int:
        return self.operations + self.m * self.backward_steps


def cost(trace, reverse=None) -> Cost:
    """What each mode costs on ``trace``; ``reverse`` is its reverse sweep if the caller
    already has it (a player's), so it is not swept again just to count its steps."""
    nodes = trace.nodes
    sizes = tuple(int(np.size(nodes[i].value)) for i in trace.inputs)
    forward = tuple(sum(1 for s in trace.forward_sweep(wrt=i) if s.kind != "seed")
                    for i in trace.inputs)
    reverse = trace.reverse_sweep() if reverse is None else reverse
    backward = sum(1 for s in reverse if s.kind != "seed")
    m = sum(int(np.size(nodes[o].value)) for o in trace.outputs)
    operations = len(trace) - len(trace.inputs)
    return Cost(sum(sizes), m, operations, sizes, forward, backward)


def cost_html(c: Cost) -> str:
    per_forward = ", ".join(str(c.operations + s) for s in c.forward_steps) or "0"
    rows = [
        ("sweeps for the whole Jacobian", f"n = {c.n} (one per input component)",
         f"m = {c.m} (one per output component)"),
        ("work per sweep (operations + rule applications)",
         f"{per_forward} (each does the {c.operations} operations again, with tangents)",
         f"{c.backward_steps} vjp rule applications"),
        ("recording", "none: tangents travel with the values",
         f"the {c.operations} operations once, kept on the tape"),
        ("total", f"<b>{c.forward_total}</b>", f"<b>{c.reverse_total}</b>"),
    ]
    body = "".join(f"<tr><td>{a}</td><td>{b}</td><td>{r}</td></tr>" for a, b, r in rows)
    if c.forward_total < c.reverse_total:
        verdict = "forward mode is cheaper here"
    elif c.forward_total > c.reverse_total:
        verdict = "reverse mode is cheaper here"
    else:
        verdict = "both cost the same here"
    return (f"<p>f has n = {c.n} input number{'s' * (c.n != 1)} and m = {c.m} output "
            f"number{'s' * (c.m != 1)}: its Jacobian is {c.m}×{c.n}. Forward mode gets one "
            "column per sweep, reverse mode one row.</p>"
            '<table style="font-size:14px" class="adexplorer-cost"><tr><th></th>'
            f"<th>forward mode</th><th>reverse mode</th></tr>{body}</table>"
            f"<p><b>{verdict}</b>: forward grows with n, reverse with m.</p>")


# ---------------------------------------------------------------------------
# Figures as widgets


def figure_png(fig, dpi: int = 90) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def fd_widget(report: Report):
    """AD vs finite differences for the first scalar argument: f, f' by AD and by FD
    over a range; the error against step size with a slider choosing h."""
    import ipywidgets as w
    k = next((k for k, a in enumerate(report.args)
              if np.ndim(a) == 0 and not isinstance(report.fd.get(report.names[k]), str)), None)
    parts = [w.HTML(rules_html(report))]
    tables = "".join(f"<div><b>d/d{esc(name)}</b></div>{pre(check)}"
                     for name, check in report.fd.items() if isinstance(check, FDCheck))
    if k is None:
        parts.insert(0, w.HTML(tables or "<p>No argument to check with finite differences.</p>"))
        return w.VBox(parts)
    name, x0 = report.names[k], float(report.args[k])

    def f1(v):
        args = list(report.args)
        args[k] = v
        return report.function(*args)
    width = max(abs(x0), 1.0) / 2
    over = w.Image(value=figure_png(plot_fd(f1, (x0 - width, x0 + width))), format="png",
                   layout=w.Layout(max_width="640px"))
    error_fig = plot_fd_error(f1, x0)
    ax = error_fig.axes[0]
    marker = ax.axvline(1e-6, color="#d95f02", lw=1.5, ls="--")
    error_image = w.Image(format="png", layout=w.Layout(max_width="600px"))
    h_slider = w.FloatLogSlider(value=1e-6, base=10, min=-16, max=-1, step=0.25,
                                description="step h", readout_format=".0e")
    readout = w.HTML()
    exact = report.derivatives.get(name, report.gradient.get(name))

    def show(h):
        marker.set_xdata([h, h])
        error_image.value = figure_png(error_fig)
        fx = float(np.real(f1(x0)))
        forward = (float(np.real(f1(x0 + h))) - fx) / h
        central = (float(np.real(f1(x0 + h))) - float(np.real(f1(x0 - h)))) / (2 * h)
        readout.value = (
            f"<pre style='{_PRE}'>AD            {float(exact)!r}\n"
            f"forward  h={h:.0e}  {forward!r}  |error| {abs(forward - exact):.1e}\n"
            f"central  h={h:.0e}  {central!r}  |error| {abs(central - exact):.1e}</pre>")
    h_slider.observe(lambda change: show(change["new"]), names="value")
    show(h_slider.value)
    parts[:0] = [w.HTML(f"<b>d/d{esc(name)} near {esc(short_value(x0))}</b>"), over,
                 w.HBox([h_slider]), error_image, readout, w.HTML(tables)]
    box = w.VBox(parts)
    box.step_slider = h_slider            # for tests and notebooks
    return box


# ---------------------------------------------------------------------------
# explore


def explore(f, *args, max_nodes: int = 60, **kwargs):
    """Everything about ``f`` at ``args`` in tabs (see the module text), as an
    ``Explorer`` widget (explorer.py). Keyword arguments go to ``f``, held constant:
    ``ad.explore(f, 3.0, scale=2.0)``."""
    if not callable(f):
        raise TypeError(f"ad.explore needs a function, not a {type(f).__name__}; for an "
                        "expression such as 'x*x' use a %%autodiff cell or `adexplorer "
                        "explain`")
    from .explorer import Explorer            # ipywidgets only when a view is built
    if not kwargs:
        return Explorer(analyse(f, args, ssa=True), max_nodes)
    held = functools.partial(f, **kwargs)
    name = getattr(f, "__name__", "f")
    held.__name__ = name                     # derivative names read ∂f/∂x, not ∂partial
    names = argument_names(held, len(args))
    title = (f"{name}({', '.join(names)}; "
             f"{', '.join(f'{k}={number(v)}' for k, v in kwargs.items())})")
    return Explorer(analyse(held, args, title=title, ssa=True, source=f), max_nodes)
