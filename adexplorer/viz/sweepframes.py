"""What each frame of a sweep animation shows, read from the recorded sweep.

``SweepFrames(trace, "reverse")``: frame 0 is the start, frame k shows step k - 1 of
``trace.reverse_sweep()`` (or ``forward_sweep(wrt)``) — the nodes it works on, the
nodes whose value is final, every tangent/adjoint so far, a caption with the rule in
words and symbols (``ȳ1 = ȳ2 · cos(y1) = 2.27416``), the values table — and, at the end,
``check``: the sweep's result next to an independent run of ``ad.gradient`` /
``ad.jvp``. Pictures come from a ``FrameRenderer`` (frames.py). No widgets here: the
player, the static frames of ``%%autodiff --static`` and the tests all read it.
"""

from __future__ import annotations

import html
import warnings
from dataclasses import dataclass

import numpy as np

from ..core import names, trees
from ..core.forward import jvp, one_like, zero_like
from ..core.names import argument_names
from ..core.reverse import gradient
from ..core.sweeps import added, forward_sweep, reverse_sweep
from ..core.tracing import Const, Trace
from ..core.values import fit_value, is_small, short_value
from ..core.wengert import primal_wengert, tangent_listing, wrt_nodes
from .arrayrules import RuleText, rule_with_shapes
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
    """One frame of a sweep animation: frame 0 is the start, frame k shows step k - 1.

    ``values`` maps node -> its tangent/adjoint so far; ``final`` is the set of nodes
    whose value is final; ``hot`` the nodes the step works on, ``edges`` its edge."""
    index: int
    step: object                # the ForwardStep/BackwardStep, None for frame 0
    hot: tuple
    edges: tuple
    values: dict
    final: frozenset
    caption: str                # plain text: words, then symbols with numbers
    symbols: str                # the rule as a line, "ȳ1 += ȳ2 · cos(y1)"


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
        self.n_frames = len(self.sweep) + 1
        self._pngs: dict = {}
        self._png_bytes = 0
        self._check = None
        self._rows = None
        self._label_chars = None

    def frame(self, k: int) -> Frame:
        """Frame ``k`` (0 <= k < n_frames)."""
        if not 0 <= k < self.n_frames:
            raise IndexError(f"frame {k} is outside 0..{self.n_frames - 1}")
        values = self.sweep.values_before(k)
        last = self.sweep.last_step
        final = frozenset(i for i in values if last[i] < k)
        if k == 0:
            return Frame(0, None, (), (), values, final, self._start_caption(), "")
        s = self.sweep[k - 1]
        if s.parent is None:
            hot, edges = (s.node,), ()
        else:
            hot = (s.node, s.parent) if self.mode == "reverse" else (s.node,)
            edges = ((s.parent, s.node),)
        rule = rule_with_shapes(self.trace, s, s.symbols)
        symbols = dot_symbols(rule.symbols)
        return Frame(k, s, hot, edges, values, final, self._caption(k, s, rule), symbols)

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
        name = self.value_labels[s.target].split(" = ")[-1]
        if s.before is None:
            lines.append(f"{name}{numbers}{where}")
        else:
            lines.append(f"{name} = {short_value(s.value)}   (adds {short_value(s.contribution)}"
                         f" to {short_value(s.before)}){where}")
        return head + "\n".join(lines)

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
        value = fit_value(s.contribution, _NOTE_CHARS)
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
    def check(self) -> "SweepCheck":
        """The sweep's result next to ``ad.gradient`` (reverse) / ``ad.jvp`` (forward)."""
        if self._check is None:
            self._check = _check(self)
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
            ax.set_title(f"step {k}: {self.frame(k).symbols}", fontsize=9, loc="left",
                         family="DejaVu Sans Mono")
        fig.tight_layout()
        return fig


@dataclass(frozen=True)
class SweepCheck:
    """The sweep's result against an independent run of ``ad.gradient`` / ``ad.jvp``:
    ``ok`` is True/False, or None when there was nothing to compare with."""
    ok: bool | None
    text: str


def _check(frames: SweepFrames) -> SweepCheck:
    trace, nodes = frames.trace, frames.trace.nodes
    got = frames.result()
    where = trace.inputs if frames.mode == "reverse" else trace.outputs
    shown = ", ".join(f"{frames.value_labels[i]} = {short_value(v)}" for i, v in zip(where, got))
    f = getattr(trace, "function", None)
    primals = [nodes[i].value for i in trace.inputs]
    fname = getattr(f, "__name__", "f")
    if f is None or argument_names(f, len(primals)) != [nodes[i].name for i in trace.inputs]:
        what = "input adjoints" if frames.mode == "reverse" else "output tangents"
        return SweepCheck(None, f"Done: the {what} are {shown}.")
    point = ", ".join(short_value(p) for p in primals)
    fname = "f" if fname == "<lambda>" else fname
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            reference = _reference(frames, f, primals)
        if frames.mode == "reverse":
            call = f"ad.gradient({fname}, {point})"
        else:
            wrt = ", ".join(nodes[i].name for i in frames.wrt)
            call = f"ad.jvp({fname}, ({point}{',' * (len(primals) == 1)}), tangent 1 for {wrt})"
    except Exception as err:                      # f cannot be run again: say so, no claim
        return SweepCheck(None, f"Done: {shown} (could not run {fname} again: {err})")
    if len(reference) != len(got):
        return SweepCheck(None, f"Done: {shown}.")
    same = all(_same(a, b) for a, b in zip(got, reference))
    ref_text = ", ".join(short_value(r) if r is not None else "None" for r in reference)
    if len(reference) > 1:
        ref_text = f"({ref_text})"
    verdict = "the same ✓" if same else "they DIFFER ✗"
    return SweepCheck(same, f"Done: {shown}. {call} gives {ref_text}: {verdict}")


def _reference(frames: SweepFrames, f, primals) -> list:
    """``ad.gradient`` (reverse) or the output tangents of ``ad.jvp`` (forward), run anew."""
    if frames.mode == "reverse":
        return list(gradient(f, *primals))
    tangents = [one_like(p) if i in frames.wrt else zero_like(p)
                for i, p in zip(frames.trace.inputs, primals)]
    return list(trees.leaves(jvp(f, primals, tangents)[1]))


def _same(a, b) -> bool:
    if a is None or b is None:
        zero = lambda v: v is None or not np.any(np.asarray(v))  # noqa: E731
        return zero(a) and zero(b)
    return bool(np.allclose(np.asarray(a, dtype=complex), np.asarray(b, dtype=complex),
                            rtol=1e-9, atol=1e-12))
