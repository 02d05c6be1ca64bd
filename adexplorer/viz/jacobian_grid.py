"""A Jacobian computed one sweep at a time, and its picture as a grid (no widgets here).

``JacobianSweeps(f, x)`` runs ``ad.jvp`` once per input component (each forward sweep
gives one column of the Jacobian) and ``ad.vjp``'s pullback once per output component
(each reverse sweep gives one row). ``grid(mode, k)`` is the Jacobian after ``k`` sweeps
of that mode, NaN where nothing is known yet; ``draw(ax, mode, k)`` paints it with a cost
meter underneath: n forward sweeps or m reverse sweeps fill the same m × n grid, which is
why forward mode wins for tall Jacobians (m > n) and reverse mode for wide ones (m < n).
``JacobianView`` (jacobian_view.py) animates it; ``figure()`` is the static picture.
"""

from __future__ import annotations

import io
import warnings

import numpy as np

from ..core.errors import InputError
from ..core.forward import jvp
from ..core.reverse import vjp

MAX_SIDE = 12                   # inputs or outputs a readable grid can show
MODES = ("forward", "reverse")
CELL_INCHES = 0.72              # one cell of the grid on the page
COLORS = {"forward": ("#cfe2ff", "#3d7bd9"), "reverse": ("#ffe0c2", "#e8871e"),
          "empty": "#f2f2f2", "edge": "#999999"}


class JacobianInputError(InputError):
    """Bad input to ``ad.jacobian_view``: in a notebook, one line instead of a traceback."""

    def _render_traceback_(self):
        return [f"{type(self).__name__}: {self}"]


def _labels(name: str, shape: tuple) -> list:
    """``["x"]`` for a number, ``x[0], x[1]`` for a vector, ``x[0,1]`` for a matrix."""
    if not shape:
        return [name]
    return [f"{name}[{','.join(map(str, idx))}]" for idx in np.ndindex(*shape)]


def _point(x):
    """``x`` as a float or a float array of at most two dimensions, or a clear refusal."""
    if isinstance(x, (bool, np.bool_)):
        raise JacobianInputError("jacobian_view(f, x): x is a bool; give a number or a "
                                 "vector of numbers")
    if isinstance(x, (int, float, np.integer, np.floating)):
        return float(x)
    try:
        arr = np.asarray(x)
    except (TypeError, ValueError):            # ragged lists and the like
        arr = np.asarray(None)
    if arr.dtype.kind not in "iuf" or arr.ndim == 0:
        raise JacobianInputError(
            f"jacobian_view(f, x): x must be a number, a vector or a small matrix of real "
            f"numbers, not {type(x).__name__}" + (f" of {arr.dtype}" if arr.ndim else ""))
    if arr.ndim > 2:
        raise JacobianInputError(f"jacobian_view(f, x): x has shape {arr.shape}; the grid "
                                 "shows a vector or a matrix (flattened), at most 2 dimensions")
    if not 1 <= arr.size <= MAX_SIDE:
        raise JacobianInputError(f"jacobian_view(f, x): x has {arr.size} entries; the grid "
                                 f"shows 1 to {MAX_SIDE} inputs")
    return arr.astype(float)


def _flat(value, size: int, what: str) -> np.ndarray:
    """A sweep's result as a flat float vector (``None``, no dependence, is zeros)."""
    if value is None:
        return np.zeros(size)
    arr = np.asarray(value)
    if arr.dtype.kind == "c":
        raise JacobianInputError(f"jacobian_view: {what} is complex; the grid shows real "
                                 "Jacobians")
    if arr.size == 1 and size != 1:            # a constant's derivative written as 0
        return np.full(size, float(arr.reshape(-1)[0]))
    return arr.astype(float).reshape(size)


def _unit(shape: tuple, k: int):
    """The k-th unit direction of a number (1.0) or of an array of ``shape``."""
    if not shape:
        return 1.0
    e = np.zeros(int(np.prod(shape)))
    e[k] = 1.0
    return e.reshape(shape)


class JacobianSweeps:
    """The Jacobian of ``f`` at ``x``, one column per ``ad.jvp`` (forward sweep) and one
    row per ``ad.vjp`` pullback (reverse sweep).

    ``n`` inputs, ``m`` outputs (both flattened); ``columns[j]`` and ``rows[i]`` are what
    each sweep gave; ``count(mode)`` is the sweeps a mode needs (n or m);
    ``grid(mode, k)`` the m × n grid after k sweeps (NaN = not yet known)."""

    def __init__(self, f, x):
        if not callable(f):
            raise JacobianInputError(f"jacobian_view(f, x): f must be a function, not "
                                     f"{type(f).__name__}")
        self.f, self.x = f, _point(x)
        self.in_shape = np.shape(self.x)
        self.n = int(np.prod(self.in_shape))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            try:
                y, pullback = vjp(f, self.x)
            except InputError as err:
                raise JacobianInputError(f"jacobian_view: {err}") from None
            self.y = self._check_output(y)
            self.out_shape = np.shape(self.y)
            self.m = int(np.prod(self.out_shape))
            self.columns = [_flat(jvp(f, (self.x,), (_unit(self.in_shape, j),))[1], self.m,
                                  "a column") for j in range(self.n)]
            self.rows = [_flat(pullback(_unit(self.out_shape, i))[0], self.n, "a row")
                         for i in range(self.m)]
        self.in_labels = _labels("x", self.in_shape)
        self.out_labels = _labels("y", self.out_shape)

    def _check_output(self, y):
        arr = np.asarray(y) if isinstance(y, (int, float, np.ndarray, np.number)) else None
        if arr is None or arr.dtype.kind not in "iuf":
            raise JacobianInputError(
                f"jacobian_view(f, x): f must return a real number or an array of them, "
                f"not {type(y).__name__}")
        if arr.ndim > 2 or not 1 <= arr.size <= MAX_SIDE:
            raise JacobianInputError(
                f"jacobian_view(f, x): f returns shape {arr.shape}; the grid shows 1 to "
                f"{MAX_SIDE} outputs (a number, a vector or a small matrix)")
        return y

    # -- the grid ------------------------------------------------------------------------
    def count(self, mode: str) -> int:
        """The sweeps ``mode`` needs for the whole Jacobian: n forward, m reverse."""
        return {"forward": self.n, "reverse": self.m}[mode_name(mode)]

    def grid(self, mode: str, k: int) -> np.ndarray:
        """The m × n Jacobian after the first ``k`` sweeps of ``mode`` (NaN elsewhere;
        ``filled`` says which entries were computed)."""
        mode = mode_name(mode)
        out = np.full((self.m, self.n), np.nan)
        for j in range(min(k, self.count(mode))):
            if mode == "forward":
                out[:, j] = self.columns[j]
            else:
                out[j, :] = self.rows[j]
        return out

    def filled(self, mode: str, k: int) -> np.ndarray:
        """The m × n mask of the entries the first ``k`` sweeps of ``mode`` computed (a
        computed entry may itself be NaN, as 0·∞ is)."""
        mode = mode_name(mode)
        out = np.zeros((self.m, self.n), dtype=bool)
        done = min(k, self.count(mode))
        if mode == "forward":
            out[:, :done] = True
        else:
            out[:done, :] = True
        return out

    def jacobian(self, mode: str = "forward") -> np.ndarray:
        """The whole m × n Jacobian, from every sweep of ``mode``."""
        return self.grid(mode, self.count(mode))

    def describe(self, mode: str, k: int) -> str:
        """What sweep ``k`` (1-based) of ``mode`` did, in words with its numbers."""
        mode = mode_name(mode)
        total = self.count(mode)
        if k == 0:
            other = "reverse" if mode == "forward" else "forward"
            return (f"{mode} mode fills the {self.m} × {self.n} Jacobian in {total} "
                    f"sweep{'s' * (total != 1)}, one {_band(mode)} each "
                    f"({other} mode would need {self.count(other)}).")
        values = ", ".join(f"{v:.4g}" for v in
                           (self.columns[k - 1] if mode == "forward" else self.rows[k - 1]))
        if mode == "forward":
            call = f"ad.jvp(f, (x,), (e{k},)) with tangent 1 on {self.in_labels[k - 1]}"
        else:
            call = f"the pullback of ad.vjp(f, x) with cotangent 1 on {self.out_labels[k - 1]}"
        return (f"sweep {k} of {total}: {call} gives {_band(mode)} {k}: [{values}]")

    # -- pictures ------------------------------------------------------------------------
    def draw(self, ax, mode: str, k: int, title: str | None = None):
        """Paint the grid after ``k`` sweeps of ``mode`` on ``ax``, the meter under it."""
        draw_grid(ax, self, mode_name(mode), k, title)

    def png(self, mode: str, k: int, dpi: int = 110) -> bytes:
        """The picture of ``draw`` as PNG bytes."""
        fig = self.figure(mode, k)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=dpi)
        return buf.getvalue()

    def figure(self, mode: str | None = None, k: int | None = None):
        """A matplotlib figure: ``mode`` after ``k`` sweeps (default all of them), or,
        with ``mode=None``, both modes side by side, each filled completely."""
        import matplotlib.pyplot as plt
        modes = MODES if mode is None else (mode_name(mode),)
        (x0, x1), (y1, y0) = _limits(self)
        width, height = (x1 - x0) * CELL_INCHES, (y1 - y0) * CELL_INCHES + 0.5
        fig, axes = plt.subplots(1, len(modes), figsize=(width * len(modes), height),
                                 squeeze=False)
        plt.close(fig)
        fig.subplots_adjust(left=0.01, right=0.99, bottom=0.01, top=1 - 0.5 / height,
                            wspace=0.05)
        for ax, each in zip(axes.flat, modes):
            self.draw(ax, each, self.count(each) if k is None else k)
        return fig


def mode_name(mode: str) -> str:
    """The mode ("forward" or "reverse") that ``mode`` or a short form of it names."""
    mode = {"backward": "reverse", "fwd": "forward", "rev": "reverse"}.get(mode, mode)
    if mode not in MODES:
        raise JacobianInputError(f"mode must be 'forward' or 'reverse', not {mode!r}")
    return mode


def _band(mode: str) -> str:
    return "column" if mode == "forward" else "row"


def draw_grid(ax, sweeps: JacobianSweeps, mode: str, k: int, title: str | None = None):
    """The m × n grid: known cells with their values (the newest band darker), unknown
    ones with "?", labels of inputs (columns) and outputs (rows), and the cost meter."""
    from matplotlib.patches import Rectangle
    m, n = sweeps.m, sweeps.n
    grid, filled = sweeps.grid(mode, k), sweeps.filled(mode, k)
    light, dark = COLORS[mode]
    for i in range(m):
        for j in range(n):
            newest = k > 0 and (j if mode == "forward" else i) == k - 1
            known = bool(filled[i, j])          # a computed NaN is drawn "nan", not "?"
            face = (dark if newest else light) if known else COLORS["empty"]
            ax.add_patch(Rectangle((j, i), 1, 1, facecolor=face, edgecolor=COLORS["edge"]))
            text = f"{grid[i, j]:.3g}" if known else "?"
            ax.text(j + 0.5, i + 0.5, text, ha="center", va="center",
                    fontsize=10 if known else 11, color="white" if newest else
                    ("#222" if known else "#aaa"), weight="bold" if newest else "normal")
    for j, label in enumerate(sweeps.in_labels):
        ax.text(j + 0.5, -0.15, label, ha="center", va="bottom", fontsize=9)
    for i, label in enumerate(sweeps.out_labels):
        ax.text(-0.12, i + 0.5, label, ha="right", va="center", fontsize=9)
    _draw_meter(ax, sweeps, mode, k)
    total = sweeps.count(mode)
    ax.set_title(title or f"{mode} mode: {min(k, total)} of {total} "
                 f"sweep{'s' * (total != 1)} (one {_band(mode)} each)", fontsize=11, loc="left")
    (x0, x1), (y1, y0) = _limits(sweeps)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y1, y0)
    ax.set_aspect("equal")
    ax.set_axis_off()


def _limits(sweeps: JacobianSweeps):
    """The data limits of a panel: labels left and above, the meter below and right."""
    return (-1.4, max(sweeps.n, _meter_end(sweeps) + 4.6)), (sweeps.m + 2.3, -0.7)


def _meter_box(total: int) -> float:
    return min(0.6, 4.2 / max(total, 1))


def _meter_end(sweeps: JacobianSweeps) -> float:
    return max(sweeps.count(each) * _meter_box(sweeps.count(each)) * 1.15 for each in MODES)


def _draw_meter(ax, sweeps: JacobianSweeps, mode: str, k: int):
    """Two rows of boxes under the grid: the sweeps forward mode needs (n) and reverse
    mode needs (m); the shown mode's boxes fill as its sweeps run."""
    from matplotlib.patches import Rectangle
    top = sweeps.m + 0.5
    for row, each in enumerate(MODES):
        total = sweeps.count(each)
        y = top + row * 0.85
        size = _meter_box(total)
        for s in range(total):
            done = each == mode and s < k
            ax.add_patch(Rectangle((s * size * 1.15, y), size, 0.6, edgecolor=COLORS["edge"],
                                   facecolor=COLORS[each][1] if done else "white"))
        who = f"n = {sweeps.n} inputs" if each == "forward" else f"m = {sweeps.m} outputs"
        ax.text(_meter_end(sweeps) + 0.2, y + 0.3,
                f"{each}: {total} sweep{'s' * (total != 1)} ({who})",
                va="center", fontsize=9, weight="bold" if each == mode else "normal")
