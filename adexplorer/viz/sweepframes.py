"""What each frame of a sweep animation shows, read from the recorded sweep.

``SweepFrames(trace, "reverse")``: frame 0 is the start, then each step of
``trace.reverse_sweep()`` (or ``forward_sweep(wrt)``) has a frame — the nodes it works
on, the nodes whose value is final, every tangent/adjoint so far, a caption with the rule
in words and symbols (``ȳ1 = ȳ2 · cos(y1) = 2.27416``), the values table — and, at the
end, ``check``: the sweep's result next to an independent run of ``ad.gradient`` /
``ad.jvp`` (sweepcheck.py). A reverse step whose contribution is summed to its
argument's shape (broadcasting undone) has two frames: the contribution at the
operation's shape, then the un-broadcast sum with the adjoint updated; so frames may
outnumber steps (``frames_of(j)``, ``step_at(k)``). Pictures come from a
``FrameRenderer`` (frames.py). No widgets here: the player, the static frames of
``%%autodiff --static`` and the tests all read it.
"""

from __future__ import annotations

import html
import warnings
from dataclasses import dataclass

import numpy as np

from ..core import names
from ..core.forward import one_like
from ..core.sweeps import added, forward_sweep, reverse_sweep
from ..core.tracing import Const, Trace
from ..core.values import fit_value, is_small, shape_text, short_value
from ..core.wengert import primal_wengert, tangent_listing, wrt_nodes
from .arrayrules import RuleText, rule_with_shapes, unbroadcast_of
from .frames import FrameRenderer
from .graph import COLORS, graph_layout

_CACHE_BYTES = 32 << 20         # pictures kept per sweep, in bytes (20-250 kB each)
_NOTE_CHARS = 18               # an array value under a box or on an edge, at most
_TABLE_ROWS = 16                # rows of the values table shown around the active node
_TABLE_STYLE = ("<style>.adexplorer-values{border-collapse:collapse;font-family:monospace;"
                "font-size:13px}.adexplorer-values td,.adexplorer-values th{padding:1px 8px;"
                "border-bottom:1px solid #ddd;text-align:left}</style>")


@dataclass(frozen=True)
class Frame:
    """One frame of a sweep animation: frame 0 is the start, then the steps' frames.

    ``values`` maps node -> its tangent/adjoint so far; ``final`` is the set of nodes
    whose value is final; ``hot`` the nodes the step works on, ``edges`` its edge.
    ``phase``: "start", "step", or for a step that un-broadcasts "contribution" (the
    contribution at the operation's shape, not yet added) then "unbroadcast" (summed
    and added); ``contribution`` is what the frame's edge carries."""
    index: int
    step: object                # the ForwardStep/BackwardStep, None for frame 0
    hot: tuple
    edges: tuple
    values: dict
    final: frozenset
    caption: str                # plain text: words, then symbols with numbers
    symbols: str                # the rule as a line, "ȳ1 += ȳ2 · cos(y1)"
    phase: str = "step"
    contribution: object = None


def dot_symbols(line: str) -> str:
    """A Wengert line as a caption writes it: products with a centred dot."""
    return line.replace(" * ", " · ")


class SweepFrames:
    """The frames of one recorded sweep (``mode`` "forward" or "reverse") of a trace.

    Everything a frame shows is read from ``trace.forward_sweep(wrt)`` /
    ``trace.reverse_sweep()``: the picture (``png(k)``, cached), the caption, the
    values table (``table_html(k)``) and, at the end, ``check``: the sweep's result next
    to ``ad.gradient`` (reverse) or ``ad.jvp`` (forward) of the traced function."""

    def __init__(self, trace: Trace, mode: str = "forward", wrt=None,
                 renderer: FrameRenderer | None = None, max_nodes: int = 60):
        mode = {"backward": "reverse"}.get(mode, mode)
        if mode not in ("forward", "reverse"):
            raise ValueError(f"mode must be 'forward' or 'reverse', not {mode!r}")
        self.trace, self.mode = trace, mode
        nodes = trace.nodes
        with warnings.catch_warnings():      # NumPy's warnings are the summary's to show
            warnings.simplefilter("ignore", RuntimeWarning)
            if mode == "forward":
                self.wrt = wrt_nodes(trace, wrt)
                self.sweep = forward_sweep(trace, self.wrt)
            else:
                self.wrt = list(trace.inputs)
                self.sweep = reverse_sweep(trace)
        if mode == "forward":
            value_names = tangent_listing(trace, self.wrt).tangent_names
            self.value_names = {i: value_names.get(i, names.tangent_of(n.name))
                                for i, n in enumerate(nodes)}
            # What a value under a box is: the tangent of that node (y2'), and the line of
            # the derivative's Wengert list that holds it (dy3): "y2' = dy3".
            self.value_labels = {i: f"{n.name}' = {self.value_names[i]}"
                                 for i, n in enumerate(nodes)}
        else:
            self.value_names = {i: names.adjoint_of(n.name) for i, n in enumerate(nodes)}
            self.value_labels = dict(self.value_names)
        self.renderer = renderer
        self.max_nodes = max_nodes
        self._plan, self._unbroadcasts = self._plan_frames()
        self.n_frames = len(self._plan)
        self._pngs: dict = {}
        self._png_bytes = 0
        self._check = None
        self._rows = None
        self._label_chars = None

    def _plan_frames(self):
        """(step index, phase) per frame, and the un-broadcast sums by step index."""
        plan, sums = [(None, "start")], {}
        for j, s in enumerate(self.sweep):
            ub = unbroadcast_of(self.trace, s) if self.mode == "reverse" else None
            if ub is None:
                plan.append((j, "step"))
            else:
                sums[j] = ub
                plan += [(j, "contribution"), (j, "unbroadcast")]
        return plan, sums

    def step_at(self, k: int):
        """The sweep step frame ``k`` shows (None for frame 0)."""
        j = self._plan[k][0]
        return None if j is None else self.sweep[j]

    def frames_of(self, j: int) -> tuple:
        """The frames of step ``j`` (one, or two when it un-broadcasts); the last one
        shows the value the step writes."""
        return tuple(k for k, (step, _phase) in enumerate(self._plan) if step == j)

    def steps_done(self, k: int) -> int:
        """Steps whose value is written by frame ``k``."""
        j, phase = self._plan[k]
        return 0 if j is None else j + (phase != "contribution")

    def label(self, k: int) -> str:
        """``5``, or ``5 (part 1 of 2)`` for the frames of a step that un-broadcasts."""
        j, phase = self._plan[k]
        part = {"contribution": " (part 1 of 2)", "unbroadcast": " (part 2 of 2)"}
        return f"{j + 1}{part.get(phase, '')}"

    def frame(self, k: int) -> Frame:
        """Frame ``k`` (0 <= k < n_frames)."""
        if not 0 <= k < self.n_frames:
            raise IndexError(f"frame {k} is outside 0..{self.n_frames - 1}")
        j, phase = self._plan[k]
        done = self.steps_done(k)
        values = self.sweep.values_before(done)
        last = self.sweep.last_step
        final = frozenset(i for i in values if last[i] < done)
        if j is None:
            return Frame(0, None, (), (), values, final, self._start_caption(), "", "start")
        s = self.sweep[j]
        if s.parent is None:
            hot, edges = (s.node,), ()
        else:
            hot = (s.node, s.parent) if self.mode == "reverse" else (s.node,)
            edges = ((s.parent, s.node),)
        rule = rule_with_shapes(self.trace, s, s.symbols)
        symbols = dot_symbols(rule.symbols)
        if phase == "step":
            return Frame(k, s, hot, edges, values, final, self._caption(j + 1, s, rule),
                         symbols, phase, s.contribution)
        ub = self._unbroadcasts[j]
        shown = ub.unsummed if phase == "contribution" else s.contribution
        caption = self._split_caption(j + 1, s, rule, phase)
        return Frame(k, s, hot, edges, values, final, caption, symbols, phase, shown)

    def _start_caption(self) -> str:
        if self.mode == "forward":
            seeds = ", ".join(self.trace.nodes[i].name for i in self.wrt)
            return (f"Forward mode: the tangents (derivatives w.r.t. {seeds}) flow from the "
                    f"input to the output, next to the values. {len(self.sweep)} steps.")
        return ("Reverse mode: the values were computed and recorded first (the Wengert "
                "list); now the adjoints flow back from the output to the inputs. "
                f"{len(self.sweep)} steps.")

    def _caption(self, k: int, s, rule: RuleText) -> str:
        """Words, then the rule with its numbers; an array rule has the shapes that meet
        in it next to the rule, its un-broadcast sum on a line of its own, and its value
        on the next line (rounded entries, or shape, dtype and norm)."""
        # an array too big to print is in the shapes already; its norm would add nothing
        reads = [f"{name} = {short_value(v, 4)}" for name, v in s.reads
                 if np.ndim(v) == 0 or is_small(v)]
        partial = self._partial(s)
        if partial:
            reads.insert(0, partial)
        if s.kind == "seed":
            numbers = ""
        elif s.before is None:
            numbers = f" = {short_value(s.value)}"
        else:
            numbers = f": {added(s.before, s.contribution)} = {short_value(s.value)}"
        where = f"   (with {', '.join(reads)})" if reads else ""
        head = f"step {k} of {len(self.sweep)}: {s.words}\n"
        symbols = dot_symbols(rule.symbols)
        if not rule.shapes:
            return f"{head}{symbols}{numbers}{where}"
        lines = [f"{symbols}    {dot_symbols(rule.shapes)}"]
        if rule.unbroadcast:
            lines.append(rule.unbroadcast)
        lines.append(self._value_line(s, where))
        return head + "\n".join(lines)

    def _value_line(self, s, where: str = "") -> str:
        """``b̄1 = [0.5, 1]``, or for a ``+=`` what it adds to what it had."""
        name = self.value_labels[s.target].split(" = ")[-1]
        if s.before is None:
            return f"{name} = {short_value(s.value)}{where}"
        return (f"{name} = {short_value(s.value)}   (adds {short_value(s.contribution)}"
                f" to {short_value(s.before)}){where}")

    def _split_caption(self, k: int, s, rule: RuleText, phase: str) -> str:
        """The two frames of a step that un-broadcasts: first the rule and the
        contribution at the operation's shape, then the sum and the adjoint it updates."""
        ub = self._unbroadcasts[s.step]
        total = len(self.sweep)
        if phase == "contribution":
            reads = [f"{name} = {short_value(v, 4)}" for name, v in s.reads if is_small(v)]
            where = f"   (with {', '.join(reads)})" if reads else ""
            return (f"step {k} of {total}, part 1 of 2: {s.words}\n"
                    f"{dot_symbols(rule.symbols)}    {dot_symbols(rule.shapes)}\n"
                    f"contribution at the operation's shape "
                    f"{shape_text(np.shape(ub.unsummed), compact=True)}: "
                    f"{short_value(ub.unsummed)}{where}\n"
                    f"next: un-broadcast it to {s.parent_name}'s shape "
                    f"{shape_text(ub.shape, compact=True)}")
        return (f"step {k} of {total}, part 2 of 2: un-broadcast: {s.parent_name} was "
                f"broadcast in {s.name} = {s.expr}, so its adjoint sums the contribution\n"
                f"{rule.unbroadcast}\n{self._value_line(s)}")

    def _partial(self, s) -> str:
        """The local partial a forward step multiplies by, with its value, when the
        derivative list gives it a line of its own: ``dy2 = cos(y1) = 0.4548``."""
        if self.mode != "forward" or getattr(s, "partial", None) is None:
            return ""
        node = self.trace.nodes[s.node]
        nodes = self.trace.nodes
        args = [a.value if isinstance(a, Const) else nodes[a.index].value for a in node.args]
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                value = node.primitive.jvp_rule(s.position)(
                    one_like(args[s.position]), node.value, *args, **node.params)
        except Exception:                 # a rule that cannot run alone: the line suffices
            return s.partial
        return f"{s.partial} = {short_value(value, 4)}"

    # -- notes and pictures ------------------------------------------------------------
    def notes(self, frame: Frame) -> dict:
        """node -> "ȳ2 = 5" for every node that has a value in this frame."""
        # forward: two short lines, "y2' = dy3" over "= 0.1516", so neighbours' notes
        # never run into each other
        joint = "\n= " if self.mode == "forward" else " = "
        notes = {}
        for i, v in frame.values.items():
            label = self.value_labels[i]
            value = fit_value(v, _NOTE_CHARS)
            one_line = f"{label}{joint}{value}"
            # a note wider than the boxes would run into its neighbour's: two lines
            notes[i] = (one_line if "\n" in one_line or len(one_line) <= self._box_chars()
                        else f"{label} =\n{value}")
        return notes

    def _box_chars(self) -> int:
        """Characters the graph's widest box label holds (its boxes are made that wide)."""
        if self._label_chars is None:
            boxes = graph_layout(self.trace, None, self.max_nodes).boxes
            self._label_chars = max([12] + [len(line) for b in boxes
                                            for line in f"{b.title}\n{b.detail}".split("\n")])
        return self._label_chars

    def edge_notes(self, frame: Frame) -> tuple:
        s = frame.step
        if s is None or s.parent is None:
            return ()
        value = fit_value(frame.contribution, _NOTE_CHARS)
        if frame.phase == "contribution":          # not added yet (no "+"): summed first
            text = value
        else:
            text = value if value.startswith("-") else "+" + value
        uses = sum(1 for a in self.trace.nodes[s.node].inputs if a == s.parent)
        if uses > 1:
            text = f"arg {s.position + 1}: {text}"
        return ((s.parent, s.node, text),)

    def png(self, k: int) -> bytes:
        """The picture of frame ``k`` (PNG bytes; cached)."""
        cached = self._pngs.get(k)
        if cached is None:
            if self.renderer is None:
                self.renderer = FrameRenderer(self.trace, self.max_nodes)
            frame = self.frame(k)
            done = frame.final
            cached = self.renderer.png(frame.hot, done, frame.edges, self.notes(frame),
                                       self.edge_notes(frame), self.mode == "reverse")
            self._pngs[k] = cached
            self._png_bytes += len(cached)
            while self._png_bytes > _CACHE_BYTES and len(self._pngs) > 1:
                self._png_bytes -= len(self._pngs.pop(next(iter(self._pngs))))
        return cached

    # -- the values table ----------------------------------------------------------------
    def table_html(self, k: int, frame: Frame | None = None) -> str:
        """An HTML table: node, its line, value, and its tangent/adjoint so far; the rows
        of the active nodes are highlighted (a window around them for long traces)."""
        frame = self.frame(k) if frame is None else frame
        if self._rows is None:
            self._rows = self._static_rows()
        n = len(self._rows)
        focus = frame.hot[0] if frame.hot else (n - 1 if self.mode == "reverse" else 0)
        if n <= _TABLE_ROWS:
            shown = range(n)
        else:
            start = min(max(focus - _TABLE_ROWS // 2, 0), n - _TABLE_ROWS)
            shown = range(start, start + _TABLE_ROWS)
        column = "tangent" if self.mode == "forward" else "adjoint"
        out = [_TABLE_STYLE, '<table class="adexplorer-values">',
               f"<tr><th>node</th><th>line</th><th>value</th><th>{column}</th></tr>"]
        if shown.start > 0:
            out.append(f'<tr><td colspan="4">… {shown.start} rows above</td></tr>')
        for i in shown:
            name, line, value = self._rows[i]
            if i in frame.hot:
                style = f' style="background:{COLORS["highlight"]};font-weight:bold"'
            elif i in frame.final:
                style = f' style="background:{COLORS["done"]}"'
            else:
                style = ""
            d = frame.values.get(i)
            text = "" if d is None else html.escape(f"{self.value_labels[i]} = {short_value(d)}")
            out.append(f"<tr{style}><td>{name}</td><td>{line}</td><td>{value}</td>"
                       f"<td>{text}</td></tr>")
        if shown.stop < n:
            out.append(f'<tr><td colspan="4">… {n - shown.stop} rows below</td></tr>')
        out.append("</table>")
        return "".join(out)

    def _static_rows(self) -> list:
        lines = {line.node: line.expr for line in primal_wengert(self.trace)}
        return [(html.escape(n.name), html.escape(lines.get(n.index, "input")),
                 html.escape(short_value(n.value))) for n in self.trace.nodes]

    # -- the end -----------------------------------------------------------------------
    @property
    def check(self):
        """The sweep's result next to ``ad.gradient`` (reverse) / ``ad.jvp`` (forward):
        a ``SweepCheck`` (sweepcheck.py)."""
        if self._check is None:
            from .sweepcheck import check_sweep
            self._check = check_sweep(self)
        return self._check

    def result(self) -> list:
        """What the sweep computed: input adjoints (reverse) or output tangents (forward)."""
        where = self.trace.inputs if self.mode == "reverse" else self.trace.outputs
        return [self.sweep.values[i] for i in where]

    # -- static frames (slides, nbconvert) ---------------------------------------------------
    def choose(self, most: int = 6) -> list:
        """Frame numbers for a static strip: all steps if few, else evenly spaced ones."""
        steps = list(range(1, self.n_frames))
        if len(steps) <= most:
            return steps
        picks = np.linspace(0, len(steps) - 1, most).round().astype(int)
        return [steps[p] for p in sorted(set(picks.tolist()))]

    def figure(self, frames=None, columns: int = 2):
        """A matplotlib figure with ``frames`` (default: ``choose()``) side by side, each
        titled with its step's rule."""
        import matplotlib.pyplot as plt
        frames = self.choose() if frames is None else list(frames)
        if self.renderer is None:
            self.renderer = FrameRenderer(self.trace, self.max_nodes)
        pictures = []
        for k in frames:
            frame = self.frame(k)
            pictures.append(self.renderer.rgba(
                frame.hot, frame.final, frame.edges, self.notes(frame), self.edge_notes(frame),
                self.mode == "reverse").copy())
        columns = max(1, min(columns, len(frames)))
        rows = max(1, -(-len(frames) // columns))
        height, width = pictures[0].shape[:2] if pictures else (100, 100)
        scale = min(12.0 / (columns * width / self.renderer.dpi), 1.0)
        size = (columns * width / self.renderer.dpi * scale,
                rows * (height / self.renderer.dpi * scale + 0.45))
        fig, axes = plt.subplots(rows, columns, figsize=size, squeeze=False)
        plt.close(fig)
        for ax in axes.flat:
            ax.set_axis_off()
        for ax, k, picture in zip(axes.flat, frames, pictures):
            ax.imshow(picture, interpolation="antialiased")
            ax.set_title(f"step {self.label(k)}: {self.frame(k).symbols}", fontsize=12,
                         loc="left", family="DejaVu Sans Mono")
        fig.tight_layout()
        return fig
