"""Rows and cases of the benchmark, and the gradient check every timed row goes through.

A ``Case`` is one question (``mlp``, ``bump``, ...) with a baseline row that the other
rows are divided by, and the adexplorer row its goal is about. ``timed`` turns a setup
function into a ``Row``: a missing library gives "not installed", a failure gives the
error text; neither stops the run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from .timing import Settings, Timing, measure

RTOL = 1e-8
REFERENCE = object()          # passed as ``want`` by the row that gives the expected values


@dataclass
class Row:
    """One library's line in a case: its timing, or why there is none."""
    library: str
    timing: Timing | None = None
    status: str = ""              # "not installed", "error: ..."
    check: str = ""               # the gradient check against the reference
    note: str = ""                # e.g. JAX's compile time, excluded from the timing
    fn: Callable | None = field(default=None, repr=False)


@dataclass
class Case:
    """One benchmark question: rows, the baseline they are divided by, and the goal."""
    key: str
    title: str
    unit: str                     # "ms per call", "µs per op", "µs per call"
    scale: float                  # seconds per call -> the unit
    baseline: str                 # library label of the row the ratio divides by
    goal_row: str                 # the adexplorer row the goal is about
    limit: float                  # goal: goal_row's ratio <= limit
    goal_text: str
    rows: list[Row] = field(default_factory=list)

    def row(self, library: str) -> Row | None:
        return next((r for r in self.rows if r.library == library), None)

    def ratio(self, row: Row) -> float | None:
        base = self.row(self.baseline)
        if row.timing is None or base is None or base.timing is None:
            return None
        return row.timing.best / base.timing.best

    def goal_met(self) -> bool | None:
        row = self.row(self.goal_row)
        ratio = None if row is None else self.ratio(row)
        return None if ratio is None else ratio <= self.limit


def flatten(x) -> list:
    """Leaves of nested dicts (sorted keys), tuples and lists, as float arrays."""
    if isinstance(x, dict):
        return [leaf for k in sorted(x) for leaf in flatten(x[k])]
    if isinstance(x, (tuple, list)):
        return [leaf for v in x for leaf in flatten(v)]
    return [np.asarray(x, dtype=float)]


def rel_error(got, want) -> float:
    """Largest |got - want| per leaf, relative to the largest |want| of that leaf."""
    g, w = flatten(got), flatten(want)
    if len(g) != len(w):
        return float("inf")
    worst = 0.0
    for a, b in zip(g, w):
        if a.shape != b.shape:
            return float("inf")
        scale = max(float(np.max(np.abs(b))), 1e-300)
        worst = max(worst, float(np.max(np.abs(a - b))) / scale)
    return worst


def check_text(got, want) -> str:
    try:
        err = rel_error(got, want)
    except (TypeError, ValueError) as exc:
        return f"DIFFERS ({type(exc).__name__}: {exc})"
    return f"ok ({err:.0e})" if err <= RTOL else f"DIFFERS (rel {err:.1e})"


def _error(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"error: {type(exc).__name__}: {text[0] if text else ''}"[:160]


def timed(library: str, setup, settings: Settings, want=None) -> Row:
    """Time the function ``setup()`` returns (``setup`` returns ``None`` when the library is
    not installed, or ``(fn, note)``), after checking its result against ``want``
    (``None``: no gradient to check; ``REFERENCE``: this row gives the expected values)."""
    try:
        made = setup()
        if made is None:
            return Row(library, status="not installed")
        fn, note = made if isinstance(made, tuple) else (made, "")
        check = ("" if want is None else "reference" if want is REFERENCE
                 else check_text(fn(), want))
        timing = measure(fn, settings)
    except Exception as exc:                 # a broken library is reported, not fatal
        return Row(library, status=_error(exc))
    return Row(library, timing, check=check, note=note, fn=fn)
