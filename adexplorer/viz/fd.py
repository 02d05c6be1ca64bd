"""Automatic differentiation against finite differences: a check, and two pictures.

``fd_check(f, x)`` puts AD (forward and reverse mode) next to forward, central and
complex-step differences with their errors. ``plot_fd(f, (lo, hi))`` plots f, AD f' and
FD f' over a range, with their disagreement below. ``plot_fd_error(f, x0)`` is the
classic V: error against step size h on log-log axes, truncation error falling with h
until round-off error takes over, with the best h of each method marked. AD is the
reference; it has neither kind of error.
"""

from __future__ import annotations

import html
import warnings
from dataclasses import dataclass

import numpy as np

from ..core.forward import derivative
from ..core.primitives import numpy_semantics
from ..core.reverse import gradient
from ..core.wengert import short_value

EPS = np.finfo(float).eps
COMPLEX_H = 1e-20


@dataclass(frozen=True)
class FDRow:
    """One estimate of f'(x): its value, step, and error against AD (``None`` if it failed)."""
    method: str
    value: object
    h: float | None
    error: float | None
    note: str = ""


class FDCheck:
    """AD versus finite differences at one point. ``rows`` holds every estimate;
    ``error(method)`` reads one error ("forward", "central", "complex step", "reverse")."""

    def __init__(self, x, value, ad, rows):
        self.x, self.value, self.ad, self.rows = x, value, ad, rows

    def error(self, method: str):
        for row in self.rows:
            if row.method == method:
                return row.error
        raise KeyError(f"no estimate named {method!r}; there are "
                       f"{', '.join(r.method for r in self.rows)}")

    def __str__(self) -> str:
        if np.ndim(self.x) == 0:
            head = f"f'({short_value(self.x)}) by AD (forward mode) = {short_value(self.ad, 16)}"
        else:
            shape = ", ".join(str(n) for n in np.shape(self.x))
            head = (f"gradient by AD (reverse mode) at an array of shape ({shape}), each entry "
                    "differenced in turn; value: the first entries, |error|: the largest")
        lines = [head, f"{'method':<14}{'value':>24}{'step h':>11}{'|error|':>11}"]
        for r in self.rows:
            value = _entries(r.value) if r.value is not None else "-"
            h = f"{r.h:.0e}" if r.h else ""
            err = f"{r.error:.1e}" if r.error is not None else "-"
            note = f"  {r.note}" if r.note else ""
            lines.append(f"{r.method:<14}{value:>24}{h:>11}{err:>11}{note}")
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{html.escape(r.method)}</td><td>{html.escape(short_value(r.value, 16))}</td>"
            f"<td>{'' if not r.h else f'{r.h:.0e}'}</td>"
            f"<td>{'-' if r.error is None else f'{r.error:.1e}'}</td>"
            f"<td>{html.escape(r.note)}</td></tr>" for r in self.rows)
        return (f"<p>f'({html.escape(short_value(self.x))}) by AD = "
                f"{html.escape(short_value(self.ad, 16))}</p><table><tr><th>method</th>"
                f"<th>value</th><th>h</th><th>|error|</th><th></th></tr>{rows}</table>")


def _entries(v) -> str:
    """A value for the table: a number in full, an array by its first entries."""
    if isinstance(v, np.ndarray) and v.ndim and v.size > 2:
        return "[" + ", ".join(f"{e:.6g}" for e in v.ravel()[:2]) + ", …]"
    return short_value(v, 16)


def _step(x, h):
    """``h`` rounded so that ``(x + h) - x == h`` exactly (no representation error)."""
    return (x + h) - x


def _default_step(x, power):
    return _step(x, EPS ** power * max(1.0, abs(x)))


def _forward(f, x, h, fx=None):
    fx = f(x) if fx is None else fx
    return (f(x + h) - fx) / h


def _central(f, x, h):
    return (f(x + h) - f(x - h)) / (2 * h)


def _complex_step(f, x, h):
    """``Im f(x + ih) / h``, or ``(None, why)`` if ``f`` does not take complex numbers."""
    try:
        return np.imag(f(x + 1j * h)) / h, ""
    except Exception as err:              # e.g. math.log(complex) raises TypeError
        return None, f"f does not accept complex numbers ({type(err).__name__}: {err})"


def _estimates(f, x):
    """Forward, central and complex-step estimates of f'(x) at their usual best steps.
    The samples beside x follow NumPy (``ad.sqrt`` at 0 - h is nan, not an error): they
    belong to the method, not to the function's domain."""
    hf, hc = _default_step(x, 1 / 2), _default_step(x, 1 / 3)
    with numpy_semantics:
        cs, note = _complex_step(f, x, COMPLEX_H)
        return (_forward(f, x, hf), hf), (_central(f, x, hc), hc), (cs, COMPLEX_H), note


def fd_check(f, x, reverse: bool = True) -> FDCheck:
    """Compare AD with finite differences for f'(x).

    ``x`` may be a number or an array (then ``f`` must return a scalar and each
    component is differenced in turn). For a number AD is forward mode; ``reverse``
    adds reverse mode's answer as a row (an array's reference is reverse mode anyway)."""
    x_arr = np.asarray(x, dtype=float)
    by_reverse = gradient(f, x)[0] if reverse or x_arr.ndim else None
    if x_arr.ndim == 0:
        ad = derivative(f, x)
        (fw, hf), (ce, hc), (cs, hs), note = _estimates(f, float(x))
    else:
        ad = by_reverse
        parts = []
        for k in range(x_arr.size):
            e = np.zeros(x_arr.size)
            e[k] = 1.0
            e = e.reshape(x_arr.shape)
            parts.append(_estimates(lambda t, e=e: f(x_arr + t * e), 0.0))
        fw = np.array([p[0][0] for p in parts]).reshape(x_arr.shape)
        ce = np.array([p[1][0] for p in parts]).reshape(x_arr.shape)
        notes = [p[3] for p in parts if p[3]]
        note = notes[0] if notes else ""
        cs = None if note else np.array([p[2][0] for p in parts]).reshape(x_arr.shape)
        hf, hc, hs = parts[0][0][1], parts[0][1][1], COMPLEX_H
    ad_value = np.asarray(ad, dtype=float)

    def err(v):
        return None if v is None else float(np.max(np.abs(np.asarray(v, dtype=float) - ad_value)))
    rows = [FDRow("reverse", by_reverse, None, err(by_reverse), "AD, reverse mode")] \
        if reverse or x_arr.ndim else []
    rows += [FDRow("forward", fw, float(hf), err(fw), "(f(x+h) - f(x)) / h"),
             FDRow("central", ce, float(hc), err(ce), "(f(x+h) - f(x-h)) / 2h"),
             FDRow("complex step", cs, hs, err(cs), note or "Im f(x+ih) / h")]
    return FDCheck(x, f(x), ad, rows)


# ---------------------------------------------------------------------------
# Pictures


def _figure(rows: int, size):
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(rows, 1, figsize=size, squeeze=False,
                             gridspec_kw={"height_ratios": [2, 1][:rows]} if rows == 2 else None)
    plt.close(fig)                       # returned, displayed by the caller, never twice
    return fig, axes[:, 0]


def plot_fd(f, interval, n: int = 200):
    """f, AD f' and central-difference f' over ``interval = (lo, hi)``; below, |AD - FD|."""
    lo, hi = interval
    xs = np.linspace(float(lo), float(hi), n)
    # a point outside f's domain is a gap in the picture (NumPy's nan), not an error
    with warnings.catch_warnings(), np.errstate(all="ignore"), numpy_semantics:
        warnings.simplefilter("ignore", RuntimeWarning)
        fx = np.array([float(np.real(f(float(x)))) for x in xs])
        dad = np.array([float(derivative(f, float(x))) for x in xs])
        dfd = np.array([_central(f, float(x), _default_step(float(x), 1 / 3)) for x in xs])
    fig, (top, bottom) = _figure(2, (7.0, 5.0))
    top.plot(xs, fx, color="#4c72b0", label="f(x)")
    top.plot(xs, dad, color="#dd8452", label="f'(x) by AD")
    every = max(n // 25, 1)
    top.plot(xs[::every], dfd[::every], "o", ms=4, mfc="none", color="#55a868",
             label="f'(x) by central difference")
    top.axhline(0, color="#cccccc", lw=0.8, zorder=0)
    top.legend(fontsize=8, loc="best")
    top.set_title("f, its derivative by AD and by finite differences", fontsize=10)
    gap = np.abs(dad - dfd)
    floor = np.nanmax(np.abs(dad)) * EPS if np.isfinite(np.nanmax(np.abs(dad))) else EPS
    bottom.semilogy(xs, np.maximum(gap, floor), color="#c44e52")
    bottom.set_ylabel("|AD - FD|", fontsize=9)
    bottom.set_xlabel("x", fontsize=9)
    fig.tight_layout()
    return fig


def plot_fd_error(f, x0, hs=None):
    """Error of forward, central and complex-step differences against AD at ``x0``, for
    step sizes ``hs`` (default 1e-16 ... 1e-1), on log-log axes; best h marked."""
    hs = np.logspace(-16, -1, 61) if hs is None else np.asarray(hs, dtype=float)
    x0 = float(x0)
    exact = float(derivative(f, x0))
    floor = max(abs(exact), 1.0) * EPS / 10
    curves = {"forward": [], "central": [], "complex step": []}
    complex_ok = True
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        fx = f(x0)
        for h in hs:
            step = np.float64(_step(x0, h))   # a step of 0 gives nan, not an error
            curves["forward"].append(abs(_forward(f, x0, step, fx) - exact))
            curves["central"].append(abs(_central(f, x0, step) - exact))
            cs = None
            if complex_ok:
                cs, note = _complex_step(f, x0, h)
                complex_ok = not note
            curves["complex step"].append(np.nan if cs is None else abs(cs - exact))
    fig, (ax,) = _figure(1, (6.5, 4.2))
    colours = {"forward": "#4c72b0", "central": "#55a868", "complex step": "#8172b3"}
    for method, errs in curves.items():
        errs = np.asarray(errs, dtype=float)
        if np.all(np.isnan(errs)):
            continue
        shown = np.maximum(errs, floor)
        ax.loglog(hs, shown, "-", color=colours[method], label=method)
        best = int(np.nanargmin(errs))
        ax.loglog([hs[best]], [shown[best]], "o", color=colours[method], ms=7)
        ax.annotate(f"best h ≈ {hs[best]:.0e}", (hs[best], shown[best]), fontsize=7,
                    textcoords="offset points", xytext=(4, 6), color=colours[method])
    ax.axhline(floor, color="#999999", lw=0.8, ls=":")
    ax.text(hs[-1], floor, "error 0 (AD itself) is drawn here ", fontsize=7, va="bottom",
            ha="right", color="#666666")
    ax.set_xlabel("step size h")
    ax.set_ylabel(f"|FD - AD| at x = {short_value(x0)}")
    ax.set_title("truncation error (right) vs round-off error (left)", fontsize=10)
    ax.legend(fontsize=8, loc="upper center")      # clear of the V and of the floor label
    fig.tight_layout()
    return fig
