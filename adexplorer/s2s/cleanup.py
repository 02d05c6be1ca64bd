"""Tidy a freshly lowered function: drop trivial φ nodes and dead code, number what is left.

A loop puts a φ at its header for every variable assigned in its body; when a variable
turns out to keep one value (``φ(#1 => %2, #3 => %3)`` where ``%3`` is the φ itself)
the φ is replaced by that value. Statements whose result nobody uses are removed
(calls of user functions and ``print`` stay: they may have effects). Blocks and values
are numbered in program order, so the listing is the same run to run.
"""

from __future__ import annotations

from .ir import (CALL, TAPE, UNDEF, Block, Branch, Constant, If, Jump, Loop, Return, Statement,
                 Value, reachable, values_reached)
from .resolve import IMPURE


def finish(blocks, args, body, jumps):
    """Tidy the blocks the lowering made (trivial φs, dead code, unreachable items) and
    number blocks and values in program order."""
    subst = _remove_trivial_phis(blocks)
    _apply(subst, blocks, body, jumps)
    _remove_dead(blocks)
    _prune_unreachable(blocks, body)
    for b in blocks:
        b.preds = []
    for b in blocks:
        for s in b.successors:
            s.preds.append(b)
    for k, b in enumerate(blocks, 1):
        b.number = k
    n = 0
    for v in args:
        n += 1
        v.number = n
    for b in blocks:
        for phi in b.phis:
            n += 1
            phi.target.number = n
        for s in b.statements:
            n += 1
            s.target.number = n
    return blocks


def _same(a, b) -> bool:
    if a is b:
        return True
    if isinstance(a, Constant) and isinstance(b, Constant) and a is not UNDEF and b is not UNDEF:
        try:
            return (a.name == b.name and type(a.value) is type(b.value)
                    and bool(a.value == b.value))
        except (TypeError, ValueError):
            return False
    return False


def _remove_trivial_phis(blocks) -> dict:
    subst: dict = {}

    def find(v):
        while isinstance(v, Value) and v in subst:
            v = subst[v]
        return v

    changed = True
    while changed:
        changed = False
        for b in blocks:
            for phi in list(b.phis):
                values = []
                for _, v in phi.incoming:
                    v = find(v)
                    if v is phi.target or any(_same(v, w) for w in values):
                        continue
                    values.append(v)
                if len(values) <= 1:
                    subst[phi.target] = values[0] if values else UNDEF
                    b.phis.remove(phi)
                    changed = True
    for v in list(subst):
        subst[v] = find(v)
    return subst


def _apply(subst, blocks, body, jumps):
    if not subst:
        return

    def f(v):
        return subst.get(v, v) if isinstance(v, Value) else v
    for b in blocks:
        for phi in b.phis:
            phi.incoming = [(src, f(v)) for src, v in phi.incoming]
        for s in b.statements:
            s.args = [f(a) for a in s.args]
        t = b.terminator
        if isinstance(t, Branch):
            t.cond = f(t.cond)
        elif isinstance(t, Return):
            t.value = f(t.value)
    for j in jumps:
        j.value = f(j.value)

    def walk(items):
        for item in items:
            if isinstance(item, If):
                item.cond = f(item.cond)
                walk(item.then)
                walk(item.orelse)
            elif isinstance(item, Loop):
                item.cond = f(item.cond)
                item.range_args = tuple(f(a) for a in item.range_args)
                walk(item.header)
                walk(item.body)
    walk(body)


def _pure(s: Statement) -> bool:
    return s.kind not in (CALL, TAPE) and s.fn not in IMPURE


def _remove_dead(blocks):
    """Mark from what must run (terminators, calls, print) back through the definitions;
    drop every φ and pure statement left unmarked (dead cycles of φs included)."""
    defs, work = {}, []
    for b in blocks:
        for phi in b.phis:
            defs[phi.target] = [v for _, v in phi.incoming]
        for s in b.statements:
            defs[s.target] = s.args
            if not _pure(s):
                work.extend(s.args)
        t = b.terminator
        if isinstance(t, Branch):
            work.append(t.cond)
        elif isinstance(t, Return):
            work.append(t.value)
    live = values_reached(work, defs)
    for b in blocks:
        b.phis = [p for p in b.phis if p.target in live]
        b.statements = [s for s in b.statements if s.target in live or not _pure(s)]


def _taken_successors(b) -> list:
    """The blocks control can go to from ``b`` (one arm only of ``if True:``)."""
    t = b.terminator
    if isinstance(t, Branch) and isinstance(t.cond, Constant) and t.cond.is_literal \
            and t.cond is not UNDEF:
        return [t.then if t.cond.value else t.orelse]
    return b.successors


def _prune_unreachable(blocks, body):
    """Leave out of the region tree what no path reaches: after ``while True:`` without
    ``break`` (its exit, the implicit ``return None``), an arm of ``if False:``. The
    blocks stay (branches name them); no code is generated for them."""
    seen = reachable([blocks[0]], _taken_successors)

    def prune(items):
        kept = []
        for item in items:
            if isinstance(item, Block) and item not in seen \
                    or isinstance(item, Jump) and item.block not in seen:
                continue
            if isinstance(item, If):
                prune(item.then)
                prune(item.orelse)
                if not item.then and not item.orelse:
                    continue
            elif isinstance(item, Loop):
                if item.header_block not in seen:
                    continue
                prune(item.header)
                prune(item.body)
            kept.append(item)
        items[:] = kept
    prune(body)


__all__ = ["finish"]
