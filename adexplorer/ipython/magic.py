"""The ``%%autodiff`` cell magic: a function typed into a cell, differentiated in front of
the class.

    %load_ext adexplorer

    %%autodiff --at x=3.0
    5*sin(log(x))

It shows the value, the gradient (reverse mode) and derivatives (forward mode), the
finite-difference check, the Wengert lists, and the sweep animations (``--static``:
the same as text and still pictures). A front end that cannot draw widgets (terminal
IPython, ``ipython file.ipy``) gets the text report of ``--static`` instead. It returns
an ``AutodiffResult`` (``.value``, ``.gradient`` keyed by variable name, ``.trace``) that
the next cell can read as ``_``.
A problem in the cell or its options is one ``UsageError`` message, never a traceback
from adexplorer, and the user's namespace is left as it was.
"""

from __future__ import annotations

import warnings

import numpy as np
from IPython.core.error import UsageError
from IPython.core.magic import Magics, cell_magic, magics_class
from IPython.core.magic_arguments import argument, magic_arguments
from IPython.display import display

from ..report.analysis import analyse, number
from ..report.cell import CellError, NamespaceGuard, build, describe_error
from ..report.options import (glue_option_values, parse_interval, parse_names, parse_point,
                      split_words)

MODES = {"forward": ("forward",), "reverse": ("reverse",), "both": ("forward", "reverse")}


class AutodiffResult:
    """What a ``%%autodiff`` cell computed.

    ``value`` (f at the point), ``gradient`` (variable name -> gradient by reverse mode,
    ``None`` where there is none), ``derivative`` (df/dx by forward mode when exactly one
    variable is differentiated), ``derivatives`` (name -> forward-mode derivative),
    ``trace``, ``function``, ``report`` (everything shown), ``players`` and ``widget``."""

    def __init__(self, program, report, players=(), widget=None):
        self.program, self.report = program, report
        self.function = program.function
        self.point = dict(program.point)
        self.value = report.value
        self.trace = report.trace
        self.gradient = report.gradient
        self.derivatives = dict(report.derivatives)
        self.derivative = (next(iter(self.derivatives.values()))
                           if len(program.wrt) == 1 and self.derivatives else None)
        self.players = list(players)
        self.widget = widget                      # the displayed box (None with --static)

    def __repr__(self) -> str:
        grads = ", ".join(f"{k!r}: {number(v)}" for k, v in self.gradient.items())
        return f"AutodiffResult(value={number(self.value)}, gradient={{{grads}}})"

    def _repr_mimebundle_(self, include=None, exclude=None):
        """With widgets, the result *is* the box: the cell shows it once, as its output
        (no second line under it). Its plain-text form is the full text report (what
        ``--static`` prints), so a front end that draws no widgets (nbconvert to
        markdown, a console) still shows the cell. Without widgets the report was
        printed already, and the plain text is the one-line repr."""
        if self.widget is None:
            return {"text/plain": repr(self)}
        bundle = self.widget._repr_mimebundle_(include=include, exclude=exclude)
        bundle = dict((bundle[0] if isinstance(bundle, tuple) else bundle) or {})
        bundle["text/plain"] = self.report.text(sweeps=True).rstrip("\n")
        return bundle


@magics_class
class AutodiffMagics(Magics):
    """Holds the ``%%autodiff`` cell magic."""

    @magic_arguments(name="%autodiff")      # shown as %%autodiff in the help
    @argument("--at", nargs="+", metavar="NAME=VALUE",
              help="the point: x=3.0,y=2 (values are Python literals; a list of numbers "
                   "is an array). The variables of an expression cell are these names.")
    @argument("--wrt", nargs="+", metavar="NAME",
              help="the variables to differentiate (default: all given by --at); the "
                   "others stay fixed at their value")
    @argument("--mode", default="both", choices=sorted(MODES),
              help="forward (tangents, dual numbers), reverse (adjoints) or both (default)")
    @argument("--plot", metavar="LO:HI",
              help="also plot f, f' by AD and by finite differences over LO..HI "
                   "(--plot 0.5:5, --plot -1:2)")
    @argument("--ssa", action="store_true",
              help="also show the SSA form and the generated adjoint code of the function")
    @argument("--static", action="store_true",
              help="no widgets: deterministic text and still pictures (slides, nbconvert, "
                   "nbval)")
    @argument("--func", metavar="NAME",
              help="which def of the cell to explore (default: the last one)")
    @cell_magic
    def autodiff(self, line: str, cell: str):
        """Differentiate the expression or function in the cell and show how AD does it.

        The cell holds an expression in named variables (``5*sin(log(x))``; statements
        may come before it) or one or more ``def``s (the last one is explored unless
        ``--func`` names another; the functions stay defined). ``sin``, ``cos``, ``exp``,
        ``log``, ``sqrt``, ``tanh``, ``sigmoid``, ..., ``np``, ``ad`` and ``pi`` need no
        import. Returns an ``AutodiffResult`` (``.value``, ``.gradient``, ``.trace``).

        Examples::

            %%autodiff --at x=3.0
            5*sin(log(x))

            %%autodiff --at x=2.0,n=5 --wrt x --mode reverse --ssa
            def pow(x, n):
                r = 1
                for i in range(n):
                    r = r * x
                return r
        """
        options = _parse_options(self.autodiff, line)
        options["text_only"] = not options["static"] and not can_show_widgets(self.shell)
        guard = NamespaceGuard(self.shell.user_ns)
        built: list = []                             # the Program, once the cell is read
        try:
            with warnings.catch_warnings():          # the summary says what NumPy warned
                warnings.simplefilter("ignore", RuntimeWarning)
                return _differentiate(cell, options, self.shell.user_ns, built)
        except CellError as err:
            guard.restore()
            raise UsageError(str(err)) from None
        except Exception as err:                     # the cell's code, or showing it, failed
            guard.restore()
            raise UsageError(describe_error(err, built[0] if built else None)) from None
        except KeyboardInterrupt:                    # stopped by hand: put things back too
            guard.restore()
            raise


def _differentiate(cell: str, options: dict, namespace: dict, built: list):
    """Read the cell, analyse it and show it; the magic turns any failure (showing
    included) into one UsageError."""
    program = build(cell, namespace, options["at"], wrt=options["wrt"],
                    func=options["func"])
    built.append(program)
    report = analyse(program.function, program.args, title=program.title,
                     modes=MODES[options["mode"]], ssa=options["ssa"],
                     source=program.explored)
    report.notes[:0] = program.notes
    figure = _fd_figure(program, options["plot"]) if options["plot"] else None
    if options["text_only"]:
        show_text(report, figure)
        return AutodiffResult(program, report)
    if options["static"]:
        show_static(report, figure)
        return AutodiffResult(program, report)
    box, players = show_widgets(report, figure)
    return AutodiffResult(program, report, players, box)


def _parse_options(magic, line: str) -> dict:
    """argparse on the magic's line (errors are UsageErrors from IPython's parser), then
    our own reading of the values."""
    args = magic.parser.parse_args(glue_option_values(split_words(line)))
    try:
        return {
            "at": parse_point(",".join(args.at)) if args.at else {},
            "wrt": parse_names(",".join(args.wrt)) if args.wrt else None,
            "mode": args.mode,
            "plot": parse_interval(args.plot) if args.plot else None,
            "ssa": args.ssa,
            "static": args.static,
            "func": args.func,
        }
    except CellError as err:
        raise UsageError(str(err)) from None


def _fd_figure(program, interval):
    """f, f' by AD and by central differences over ``interval``, in the first variable."""
    from ..viz.fdplots import plot_fd
    k = next((k for k, a in enumerate(program.args) if np.ndim(a) == 0), None)
    if k is None:
        raise CellError("--plot needs a variable that is a single number")

    def along(v):
        args = list(program.args)
        args[k] = v
        return program.function(*args)
    fig = plot_fd(along, interval)
    fig.axes[0].set_title(f"{program.title}: d/d{program.wrt[k]} by AD and by finite "
                          "differences", fontsize=12)
    return fig


# ---------------------------------------------------------------------------
# Showing


def can_show_widgets(shell) -> bool:
    """Whether widgets can reach a front end, judged as ipywidgets' comms are: only a
    Jupyter kernel (ipykernel's shell, whose ``kernel`` has a comm manager) has a channel
    to draw them on. Terminal IPython and ``ipython file.ipy`` have none."""
    return getattr(getattr(shell, "kernel", None), "comm_manager", None) is not None


def show_text(report, figure=None):
    """The text report of ``--static`` (pictures cannot be shown in a terminal)."""
    print(report.text(sweeps=True), end="")
    if figure is not None:
        print("(--plot draws a figure, which a terminal cannot show: run the cell in "
              "Jupyter)")


def show_static(report, figure=None):
    """Text (printed) and still pictures (PNG images, whatever the matplotlib backend):
    the graph, then frames of each sweep, then the --plot figure."""
    from IPython.display import Image
    from ..viz.explore import figure_png
    from ..viz.frames import FrameRenderer
    from ..viz.sweepframes import SweepFrames
    from ..viz.graph import plot_graph
    show_text(report)
    trace = report.trace
    display(Image(data=_graph_png(plot_graph(trace)), format="png"))
    renderer = FrameRenderer(trace)
    for mode in report.modes:
        if mode == "forward" and not trace.inputs:
            continue
        frames = SweepFrames(trace, mode, renderer=renderer)
        if frames.n_frames > 1:
            display(Image(data=sweep_strip_png(frames), format="png"))
    if figure is not None:
        display(Image(data=figure_png(figure), format="png"))


def _graph_png(plot) -> bytes:
    """The graph (with ``plot_graph``'s key to its box colours) at 120 dpi."""
    import io
    buf = io.BytesIO()
    plot.figure.savefig(buf, format="png", dpi=120, bbox_inches="tight")
    return buf.getvalue()


def sweep_strip_png(frames) -> bytes:
    """``sweep_strip(frames)`` as PNG, at the frames' own resolution."""
    import io
    buf = io.BytesIO()
    sweep_strip(frames).savefig(buf, format="png", dpi=frames.renderer.dpi)
    return buf.getvalue()


def sweep_strip(frames):
    """The steps ``frames.choose()`` picks, one under another at the frames' own pixel
    size (blank margins cut), with a title saying which steps are shown and a key to the
    colours: the boxes' text keeps the size the frames were drawn at."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from ..viz.graph import COLORS, EDGE_HIGHLIGHT
    chosen = frames.choose()
    fig = frames.figure(chosen, columns=1)
    axes = [ax for ax in fig.axes if ax.get_images()]
    pictures = [np.asarray(ax.get_images()[0].get_array()) for ax in axes]
    inked = np.flatnonzero(np.any([(p[..., :3] < 250).any(axis=(0, 2)) for p in pictures],
                                  axis=0))
    left, right = (max(int(inked[0]) - 12, 0), int(inked[-1]) + 12) if inked.size else (0, 100)
    dpi = frames.renderer.dpi
    height = pictures[0].shape[0]
    top, title, key = 75, 40, 100                         # pixels
    total = top + len(axes) * (title + height) + key
    width = max(right - left, 900)
    middle = (left + right) / 2
    fig.set_size_inches(width / dpi, total / dpi)
    y = total - top
    for ax in axes:
        y -= title + height
        ax.set_position([0, y / total, 1, height / total])
        ax.set_xlim(middle - width / 2, middle + width / 2)
        ax.set_ylim(height, 0)
    steps = frames.n_frames - 1
    if len(chosen) == steps:
        which = f"all {steps} steps" if steps > 1 else "its one step"
    else:
        shown = [frames.label(k).split()[0] for k in chosen]
        which = (f"steps {', '.join(shown[:-1])} and {shown[-1]} of {steps}\n(evenly spaced; "
                 "ad.explore and the player show every step)")
    fig.suptitle(f"{frames.mode} sweep: {which}", x=0.01, y=1 - 10 / total, ha="left",
                 va="top", fontsize=13)
    known = "tangent computed" if frames.mode == "forward" else "adjoint complete"
    handles = [Patch(fc=COLORS["highlight"], ec="#7f2704", label="this step's boxes"),
               Patch(fc=COLORS["done"], ec="#404040", label=known),
               Patch(fc=COLORS["op"], ec="#404040", label="not reached yet"),
               Patch(fc=COLORS["input"], ec="#404040", label="input"),
               Patch(fc=COLORS["output"], ec="#404040", label="output"),
               Line2D([], [], color=EDGE_HIGHLIGHT, lw=2.5, label="what this step sends on")]
    fig.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, 8 / total), ncol=3,
               frameon=False, fontsize=11)
    return fig


def show_widgets(report, figure=None):
    """The cell's widget box and its players: ``autodiff_box``, built from the pieces
    ``ad.explore`` uses (imported here: a terminal front end never needs ipywidgets)."""
    from ..viz.explorer import autodiff_box
    return autodiff_box(report, figure)


def load(ipython):
    """Register ``%%autodiff`` with ``ipython`` (what ``%load_ext adexplorer`` does)."""
    ipython.register_magics(AutodiffMagics)


__all__ = ["AutodiffMagics", "AutodiffResult", "load"]
