"""Tape versus SSA: the tape of ``pow(x, n)`` grows with ``n``; its SSA form does not.

``tape_vs_ssa()`` records ``pow`` with ``ad.trace`` at several ``n`` and lowers it once
with ``ad.ssa``: the tape column counts the recorded operations that depend on ``x``
(``r * x`` once per iteration: ``n``; the integer counter ``n - 1`` is recorded too, but
carries no derivative), the SSA column the instructions of the program (a fixed
handful). The notebook and the explorer plot the two columns.
"""

from __future__ import annotations

import html
import inspect
from dataclasses import dataclass

from ..core.reverse import trace
from ..core.tracing import Ref
from ..s2s import ssa


@dataclass(frozen=True)
class TapeVsSSARow:
    n: int
    tape: int          # operations recorded by ad.trace that depend on x
    ssa: int           # instructions in the SSA listing (φ nodes, statements, branches)
    blocks: int        # basic blocks


class TapeVsSSA:
    """The table: one row per ``n``; ``.n``, ``.tape`` and ``.ssa`` give the columns."""

    def __init__(self, name, rows):
        self.name = name
        self.rows: list[TapeVsSSARow] = rows

    @property
    def n(self):
        return [r.n for r in self.rows]

    @property
    def tape(self):
        return [r.tape for r in self.rows]

    @property
    def ssa(self):
        return [r.ssa for r in self.rows]

    def __str__(self):
        lines = [f"{'n':>6}  {'tape: ops on x':>14}  {'SSA (ad.ssa)':>12}  blocks"]
        lines += [f"{r.n:>6}  {r.tape:>14}  {r.ssa:>12}  {r.blocks:>6}" for r in self.rows]
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_html_(self):
        head = "<tr><th>n</th><th>tape: ops on x</th><th>SSA (ad.ssa)</th><th>blocks</th></tr>"
        body = "".join(f"<tr><td>{r.n}</td><td>{r.tape}</td><td>{r.ssa}</td>"
                       f"<td>{r.blocks}</td></tr>" for r in self.rows)
        return (f"<table><caption>{html.escape(self.name)}: tape length vs SSA size"
                f"</caption>{head}{body}</table>")


def tape_vs_ssa(f=None, ns=(1, 2, 4, 8, 16, 32, 64), x=2.0) -> TapeVsSSA:
    """For ``f(x, n)`` (default: the talk's ``pow``) at each ``n`` in ``ns``: the number
    of operations the tape records that depend on ``x``, and the (fixed) size of the
    SSA form."""
    if f is None:
        from .examples import pow as f
    try:
        inspect.signature(f).bind(x, ns[0] if ns else 1)
    except TypeError:
        raise TypeError(f"tape_vs_ssa compares functions of (x, n), like the talk's "
                        f"pow(x, n); {f.__name__}{inspect.signature(f)} cannot be called "
                        "that way") from None
    form = ssa(f)
    rows = []
    for n in ns:
        rows.append(TapeVsSSARow(n, _depending_on_x(trace(f, x, n)), form.size,
                                 len(form.blocks)))
    return TapeVsSSA(f.__name__, rows)


def _depending_on_x(t) -> int:
    """Operations on the tape that depend on the first input (not the counter n)."""
    depends = {t.inputs[0]}
    for node in t.nodes:
        if not node.is_input and any(isinstance(a, Ref) and a.index in depends
                                     for a in node.args):
            depends.add(node.index)
    return len(depends) - 1
