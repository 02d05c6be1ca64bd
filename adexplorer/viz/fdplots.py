"""AD against finite differences in pictures: over a range, and against the step size.

``plot_fd(f, (lo, hi))`` plots f, AD f' and central-difference f' over a range, with
their disagreement below. With a point, ``plot_fd(f, (lo, hi), x0, y0)``, each argument
gets a column of its own: it moves over the range while the others stay at the point
(an array argument moves along a random unit direction, ``a + t v``). Points where f is
nan or inf are not drawn, nor counted in the error panel; they are shaded grey.

``plot_fd_error(f, x0)`` is the classic V: error against step size h on log-log axes,
truncation error falling with h until round-off error takes over, with the best h of
the forward and central differences marked (the complex step has none: every h small
enough is as good); one panel per argument for several. An array output is compared
entry by entry (the largest error is drawn). Keyword arguments go to ``f``, held
constant.
"""

from __future__ import annotations

import contextlib
import warnings
from dataclasses import dataclass
from typing import Callable

import numpy as np

from ..core.errors import InputError
from ..core.forward import derivative
from ..core.primitives import numpy_semantics
from ..core.names import argument_names
from ..core.values import short_value
from ..report.fd import (EPS, along, central_difference, checked_arguments, complex_step,
                         default_step, exact_step, forward_difference, random_direction)

MASKED = "#eeeeee"
TEXT = 11                    # points: 15 px at the notebook's 100 dpi


@dataclass(frozen=True)
class _Column:
    """One argument's picture: f as a function of it alone (``g``), and how to say so."""
    name: str | None            # None: f has one argument (the pictures say f'(x))
    g: Callable
    x0: float
    axis: str                   # the x-axis label
    held: str                   # the other arguments' values, for the title
    directional: bool = False


def _columns(f, args, wrt, seed, kwargs, who) -> list:
    if not args:
        if wrt is not None:
            raise InputError(f"{who}: wrt needs the point: {who}(f, interval, x0, y0, wrt=...)")
        g = (lambda t: f(t, **kwargs)) if kwargs else f
        return [_Column(None, g, 0.0, "x", "")]
    picked = checked_arguments(f, args, wrt, who)
    names = argument_names(f, len(args))
    out = []
    for k, name in picked:
        held = ", ".join(f"{n} = {short_value(a)}" for j, (n, a) in enumerate(zip(names, args))
                         if j != k)
        g = along(f, args, k, kwargs)
        if np.ndim(args[k]):
            a = np.asarray(args[k], dtype=float)
            v = random_direction(a.shape, seed)
            out.append(_Column(name, lambda t, g=g, a=a, v=v: g(a + t * v), 0.0,
                               f"t, moving {name} to {name} + t·v (v: random unit, seed {seed})",
                               held, True))
        else:
            out.append(_Column(name, g, float(args[k]), name, held))
    if len(picked) == 1 and len(args) == 1:
        c = out[0]
        out = [_Column(None, c.g, c.x0, "x" if not c.directional else c.axis, "",
                       c.directional)]
    return out


def _figure(rows: int, cols: int, size):
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(rows, cols, figsize=size, squeeze=False,
                             gridspec_kw={"height_ratios": [2, 1]} if rows == 2 else None)
    plt.close(fig)                       # returned, displayed by the caller, never twice
    return fig, axes


@contextlib.contextmanager
def _quiet(numpy: bool = True):
    """No NumPy warnings while f is sampled outside its domain; with ``numpy``, Python
    numbers follow NumPy there too (nan, not an error): the samples belong to the
    picture, not to the user's call."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        if numpy:
            with numpy_semantics:
                yield
        else:
            yield


def _number(v, who, at) -> float:
    if np.ndim(v):
        raise InputError(f"{who} draws one number per point, but f returns an array of shape "
                         f"{np.shape(v)} (at {at}); plot one entry, e.g. "
                         f"{who}(lambda x: f(x)[0], ...), or use ad.fd_check, which compares "
                         "every entry")
    return float(np.real(v))


def _runs(mask):
    """``(start, stop)`` index pairs of the runs of True in ``mask``."""
    edges = np.flatnonzero(np.diff(np.concatenate([[0], mask.astype(int), [0]])))
    return list(zip(edges[::2], edges[1::2]))


# ---------------------------------------------------------------------------
# Over a range


def plot_fd(f, interval, *args, wrt=None, n: int = 200, seed: int = 0, **kwargs):
    """f, AD f' and central-difference f' over ``interval = (lo, hi)``; below, |AD - FD|.

    Without ``args``, f is a function of one argument (keyword arguments aside). With
    them, one column per argument (``wrt``: positions or names), each moving over the
    interval (a dict ``{name: (lo, hi)}`` gives each its own) with the others at
    ``args``. Where f is nan or inf nothing is drawn."""
    columns = _columns(f, args, wrt, seed, kwargs, "plot_fd")
    width = 8.0 if len(columns) == 1 else min(4.6 * len(columns), 16.0)
    fig, axes = _figure(2, len(columns), (width, 6.0))
    for c, (top, bottom) in zip(columns, axes.T):
        lo, hi = _interval(interval, c.name)
        _draw_range(c, np.linspace(float(lo), float(hi), n), top, bottom, len(columns) == 1)
    fig.tight_layout()
    return fig


def _interval(interval, name):
    """``(lo, hi)``, or from a dict of them, the one for argument ``name``."""
    if not isinstance(interval, dict):
        return interval
    if name in interval:
        return interval[name]
    if name is None and len(interval) == 1:
        return next(iter(interval.values()))
    raise InputError(f"plot_fd: the intervals name {', '.join(map(str, interval))}; "
                     f"none is for {name or 'the argument'}")


def _draw_range(c, xs, top, bottom, alone):
    n = len(xs)
    with _quiet():
        fx = np.array([_number(c.g(float(x)), "plot_fd", f"{c.axis} = {x:g}") for x in xs])
        dad = np.array([_or_nan(derivative(c.g, float(x))) for x in xs])
        dfd = np.array([float(np.real(central_difference(c.g, float(x),
                                                         default_step(float(x), 1 / 3))))
                        for x in xs])
    bad = ~np.isfinite(fx)
    fx[bad] = dad[bad] = dfd[bad] = np.nan
    dad[~np.isfinite(dad)] = np.nan                # f finite, f' not (sqrt at 0): a gap too
    dfd[~np.isfinite(dfd)] = np.nan
    d = (("f'(x)" if not c.directional else "f'(t)") if c.name is None
         else f"∂f/∂{c.name}" + ("·v" if c.directional else ""))
    top.plot(xs, fx, color="#4c72b0", label="f(x)" if c.name is None else "f")
    top.plot(xs, dad, color="#dd8452", label=f"{d} by AD")
    every = max(n // 25, 1)
    top.plot(xs[::every], dfd[::every], "o", ms=4, mfc="none", color="#55a868",
             label=f"{d} by central difference")
    top.axhline(0, color="#cccccc", lw=0.8, zorder=0)
    for start, stop in _runs(bad):
        for ax in (top, bottom):
            ax.axvspan(xs[start], xs[stop - 1], color=MASKED, zorder=0, lw=0)
    top.legend(fontsize=TEXT, loc="best")
    if alone and c.name is None:
        top.set_title("f, its derivative by AD and by finite differences", fontsize=TEXT + 1)
    else:
        top.set_title(f"along {c.name}" + (f" ({c.held})" if c.held else ""), fontsize=TEXT + 1)
    gap = np.abs(dad - dfd)
    finite = np.abs(dad[np.isfinite(dad)])
    floor = finite.max() * EPS if finite.size and finite.max() > 0 else EPS
    with _quiet():
        bottom.semilogy(xs, np.maximum(gap, floor), color="#c44e52")
    if bad.any():
        bottom.text(0.01, 0.97, f"f is nan or inf at {int(bad.sum())} of {n} points "
                    "(grey): not drawn", transform=bottom.transAxes, fontsize=TEXT, va="top",
                    color="#666666")
    bottom.set_ylabel("|AD - FD|", fontsize=TEXT)
    bottom.set_xlabel(c.axis, fontsize=TEXT)
    for ax in (top, bottom):
        ax.tick_params(labelsize=TEXT)


def _or_nan(d) -> float:
    if d is None:                     # f does not depend on it: the derivative is 0
        return 0.0
    if np.ndim(d):
        raise InputError(f"plot_fd draws one number per point, but f returns an array of "
                         f"shape {np.shape(d)}; plot one entry, e.g. lambda x: f(x)[0]")
    return float(np.real(d))


# ---------------------------------------------------------------------------
# Against the step size


def plot_fd_error(f, *args, wrt=None, hs=None, seed: int = 0, **kwargs):
    """Error of forward, central and complex-step differences against AD at ``args``,
    for step sizes ``hs`` (default 1e-16 ... 1e-1), on log-log axes; the best h of the
    forward and central differences marked.
    One panel per argument (``wrt``: positions or names)."""
    if not args:
        raise InputError("plot_fd_error(f, x0, ...): give the point, one value per argument")
    hs = np.logspace(-16, -1, 61) if hs is None else np.asarray(hs, dtype=float)
    columns = _columns(f, args, wrt, seed, kwargs, "plot_fd_error")
    width = 7.5 if len(columns) == 1 else min(5.2 * len(columns), 16.0)
    fig, axes = _figure(1, len(columns), (width, 5.0))
    for c, ax in zip(columns, axes[0]):
        _draw_error(c, hs, ax)
    fig.tight_layout()
    return fig


def _errors(c, hs):
    """|FD - AD| per method and step (the largest over the output's entries)."""
    x0 = c.x0
    curves = {"forward": [], "central": [], "complex step": []}
    complex_ok = True

    def err(v):
        return float(np.max(np.abs(np.asarray(v, dtype=float) - exact)))
    with _quiet(numpy=False):            # the point itself: as the user's own call
        fx = c.g(x0)
        exact = np.asarray(_or_zero(derivative(c.g, x0)), dtype=float)
    if not np.all(np.isfinite(np.asarray(fx, dtype=complex))):
        return exact, fx, {m: [np.nan] * len(hs) for m in curves}       # nothing to draw
    with _quiet():
        for h in hs:
            step = np.float64(exact_step(x0, h))   # a step of 0 gives nan, not an error
            curves["forward"].append(err(forward_difference(c.g, x0, step, fx)))
            curves["central"].append(err(central_difference(c.g, x0, step)))
            cs = None
            if complex_ok:
                cs, note = complex_step(c.g, x0, h)
                complex_ok = not note
            curves["complex step"].append(np.nan if cs is None else err(cs))
    return exact, fx, curves


def _or_zero(d):
    return 0.0 if d is None else d


def _draw_error(c, hs, ax):
    exact, fx, curves = _errors(c, hs)
    scale = float(np.max(np.abs(exact))) if exact.size and np.all(np.isfinite(exact)) else 1.0
    floor = max(scale, 1.0) * EPS / 10
    colours = {"forward": "#4c72b0", "central": "#55a868", "complex step": "#8172b3"}
    for method, errs in curves.items():
        errs = np.asarray(errs, dtype=float)
        if np.all(np.isnan(errs)):
            continue
        shown = np.maximum(errs, floor)
        ax.loglog(hs, shown, "-", color=colours[method], label=method)
        if method == "complex step":       # no best h: every small enough h is as good
            continue
        best = int(np.nanargmin(errs))
        ax.loglog([hs[best]], [shown[best]], "o", color=colours[method], ms=7)
        ax.annotate(f"best h ≈ {hs[best]:.0e}", (hs[best], shown[best]), fontsize=TEXT,
                    textcoords="offset points", xytext=(4, 6), color=colours[method])
    ax.axhline(floor, color="#999999", lw=0.8, ls=":")
    ax.text(hs[-1], floor, "error 0 (AD itself) is drawn here ", fontsize=TEXT, va="bottom",
            ha="right", color="#666666")
    ax.set_xscale("log")
    ax.set_yscale("log")
    if not np.all(np.isfinite(np.asarray(fx, dtype=complex))):
        ax.set_xlim(hs.min(), hs.max())
        ax.set_ylim(floor / 10, 1.0)
        ax.text(0.5, 0.5, f"f is {short_value(fx)} here: nothing to compare",
                transform=ax.transAxes, ha="center", color="#c44e52")
    ax.set_xlabel("step size h" + ("" if not c.directional else f" along v ({c.axis})"),
                  fontsize=TEXT)
    what = "" if c.name is None else f" in ∂f/∂{c.name}" + ("·v" if c.directional else "")
    if c.directional:
        at = f"the given {c.name or 'point'}, along v"
    else:
        at = f"{c.name or 'x'} = {short_value(c.x0)}"
    entries = " (largest entry)" if np.ndim(fx) else ""
    ax.set_ylabel(f"|FD - AD|{what} at {at}{entries}", fontsize=TEXT)
    ax.tick_params(labelsize=TEXT)
    if c.name is None:
        ax.set_title("truncation error (right) vs round-off error (left)", fontsize=TEXT + 1)
    else:
        ax.set_title(f"along {c.name}" + (f" ({c.held})" if c.held else ""), fontsize=TEXT + 1)
    if any(not line.get_label().startswith("_") for line in ax.get_lines()):
        ax.legend(fontsize=TEXT, loc="upper center")  # clear of the V and of the floor label
