"""The SSA listing as printed (``print(ad.ssa(f))``), its HTML and its control-flow graph.

Lowering leaves blocks that only jump (the end of an ``if`` arm, a ``while True:``
exit nobody takes) and branches on a constant (``br True``): the code generator walks
the region tree, which refers to every block. The printed form leaves them out, as
Zygote's IR does: a branch on a constant becomes a ``goto``, blocks no path reaches are
dropped, a block that only jumps is bypassed, and a block reached only by a ``goto``
from one block is appended to it. Then blocks and values are numbered in program order,
so the listing is the same run to run.
"""

from __future__ import annotations

import html
import re

from ..core import names
from .ir import UNDEF, Branch, Constant, Goto, Value, py_literal, reachable, statement_text


class Shown:
    """One printed block: φ nodes ``(phi, [(Shown, value), ...])``, statements, and a
    terminator ``("goto", Shown)``, ``("br", cond, Shown, Shown)`` or ``("return", v)``."""

    __slots__ = ("phis", "statements", "term", "line", "number")

    def successors(self) -> list:
        """The blocks this printed block jumps to."""
        if self.term[0] == "goto":
            return [self.term[1]]
        if self.term[0] == "br":
            return [self.term[2], self.term[3]]
        return []


def shown_blocks(fn) -> tuple[list, dict]:
    """The blocks as printed, and the φ nodes left out ``{value: the value it always is}``."""
    shown = {b: Shown() for b in fn.blocks}
    for b, s in shown.items():
        s.phis = [(phi, [(shown[src], v) for src, v in phi.incoming]) for phi in b.phis]
        s.statements = list(b.statements)
        t = b.terminator
        s.line = t.line
        if isinstance(t, Goto):
            s.term = ("goto", shown[t.target])
        elif isinstance(t, Branch) and _constant(t.cond):
            s.term = ("goto", shown[t.then if t.cond.value else t.orelse])
        elif isinstance(t, Branch):
            s.term = ("br", t.cond, shown[t.then], shown[t.orelse])
        else:
            s.term = ("return", t.value)
    blocks = [shown[b] for b in fn.blocks]
    same: dict = {}
    while True:
        blocks = _reachable(blocks, same)
        if not (_bypass_jump(blocks) or _append_straight(blocks)):
            break
    for k, s in enumerate(blocks, 1):
        s.number = k
    return blocks, same


def _constant(cond) -> bool:
    return isinstance(cond, Constant) and cond.is_literal and cond is not UNDEF


def _preds(blocks, target) -> list:
    return [b for b in blocks for s in b.successors() if s is target]


def _reachable(blocks, same) -> list:
    """Blocks a path from the entry reaches; φ nodes lose what came from the others, and
    one with a single value left is that value."""
    seen = reachable([blocks[0]], lambda b: b.successors())
    kept = [b for b in blocks if b in seen]
    for b in kept:
        phis = []
        for phi, incoming in b.phis:
            incoming = [(src, v) for src, v in incoming if src in seen]
            values = {id(v): v for _, v in incoming}
            if len(values) == 1:
                same[phi.target] = next(iter(values.values()))
            else:
                phis.append((phi, incoming))
        b.phis = phis
    return kept


def _retarget(block, old, new):
    t = block.term
    if t[0] == "goto":
        block.term = ("goto", new)
    elif t[0] == "br":
        then, orelse = (new if t[2] is old else t[2]), (new if t[3] is old else t[3])
        block.term = ("goto", then) if then is orelse else ("br", t[1], then, orelse)


def _bypass_jump(blocks) -> bool:
    """Bypass one block that only jumps (``#6: goto #7``), when the φ nodes it feeds can
    name its predecessor instead."""
    for j in blocks[1:]:
        if j.phis or j.statements or j.term[0] != "goto" or j.term[1] is j:
            continue
        target, preds = j.term[1], _preds(blocks, j)
        if target.phis and (len(preds) != 1 or preds[0] in _preds(blocks, target)):
            continue
        for p in preds:
            _retarget(p, j, target)
        for _, incoming in target.phis:
            incoming[:] = [(preds[0] if src is j else src, v) for src, v in incoming]
        blocks.remove(j)
        return True
    return False


def _append_straight(blocks) -> bool:
    """Append a block to the one block that reaches it by ``goto`` (no φ between)."""
    for b in blocks:
        if b.term[0] != "goto":
            continue
        c = b.term[1]
        if c is b or c is blocks[0] or c.phis or _preds(blocks, c) != [b]:
            continue
        b.statements += c.statements
        b.term, b.line = c.term, c.line
        for other in blocks:
            for _, incoming in other.phis:
                incoming[:] = [(b if src is c else src, v) for src, v in incoming]
        blocks.remove(c)
        return True
    return False


class Listing:
    """Text, HTML and graph of one ``SSAFunction`` as printed."""

    def __init__(self, fn):
        self.fn = fn
        self.blocks, same = shown_blocks(fn)
        self.number: dict = {}
        for v in fn.args:
            self.number[v] = len(self.number) + 1
        for b in self.blocks:
            for phi, _ in b.phis:
                self.number[phi.target] = len(self.number) + 1
            for s in b.statements:
                self.number[s.target] = len(self.number) + 1
        self.same = same

    @property
    def size(self) -> int:
        """Instructions printed: φ nodes, statements and terminators."""
        return sum(len(b.phis) + len(b.statements) + 1 for b in self.blocks)

    def value(self, v) -> str:
        """An operand as printed: values renumbered in the order shown."""
        while isinstance(v, Value) and v in self.same:
            v = self.same[v]
        if isinstance(v, Value):
            return names.ssa_value(self.number[v])
        if v is UNDEF:
            return "undef"
        return v.name or py_literal(v.value)

    def phi_text(self, phi, incoming) -> str:
        """``%4 = φ(#1 => 1, #3 => %7)``."""
        parts = ", ".join(f"{names.block_label(src.number)} => {self.value(v)}"
                          for src, v in incoming)
        return f"{self.value(phi.target)} = {names.PHI}({parts})"

    def statement(self, s) -> str:
        """``%5 = %3 > 0``."""
        return f"{self.value(s.target)} = {statement_text(s, self.value)}"

    def terminator(self, b) -> str:
        """``goto #2``, ``br %5, #3, #4`` or ``return %4``."""
        t = b.term
        if t[0] == "goto":
            return f"goto {names.block_label(t[1].number)}"
        if t[0] == "br":
            return (f"br {self.value(t[1])}, {names.block_label(t[2].number)}, "
                    f"{names.block_label(t[3].number)}")
        return f"return {self.value(t[1])}"

    def rows(self, lines: bool = True) -> list[tuple[str, str]]:
        """``(instruction, comment)`` pairs, one per printed line."""
        fn = self.fn
        out = [(f"{fn.name}(" + ", ".join(f"{p} = {self.value(a)}" for p, a in
                                          zip(fn.params, fn.args)) + ")", "")]
        for b in self.blocks:
            out.append((f"{names.block_label(b.number)}:", ""))
            for phi, incoming in b.phis:
                out.append(("  " + self.phi_text(phi, incoming),
                            _comment(phi.target, phi.line, lines)))
            for s in b.statements:
                out.append(("  " + self.statement(s), _comment(s.target, s.line, lines)))
            out.append(("  " + self.terminator(b), _comment(None, b.line, lines)))
        return out

    def text(self, lines: bool = True) -> str:
        """The listing, comments (source lines, variable names) aligned."""
        rows = self.rows(lines)
        width = max(len(t) for t, c in rows if c) if any(c for _, c in rows) else 0
        return "\n".join(f"{t:<{width}}   # {c}" if c else t for t, c in rows)

    def html(self) -> str:
        """The listing as HTML, coloured."""
        rows = []
        for line in self.text().split("\n"):
            code, sep, comment = line.partition("   # ")
            code = _colour(html.escape(code))
            if sep:
                code += f'<span style="color:#888">   # {html.escape(comment)}</span>'
            rows.append(code)
        return ('<pre class="adexplorer-ssa" style="line-height:1.35">'
                + "\n".join(rows) + "</pre>")

    def to_networkx(self):
        """The printed control-flow graph (see ``SSAFunction.to_networkx``)."""
        import networkx as nx
        graph = nx.DiGraph(name=self.fn.name, entry=self.blocks[0].number)
        for b in self.blocks:
            phis = [self.phi_text(phi, incoming) for phi, incoming in b.phis]
            stmts = [self.statement(s) for s in b.statements]
            term = self.terminator(b)
            graph.add_node(b.number, label=names.block_label(b.number), phis=phis,
                           statements=stmts, terminator=term,
                           text="\n".join(phis + stmts + [term]))
        for b in self.blocks:
            t = b.term
            if t[0] == "goto":
                graph.add_edge(b.number, t[1].number, kind="goto", back=t[1].number <= b.number)
            elif t[0] == "br":
                graph.add_edge(b.number, t[2].number, kind="true", back=False)
                graph.add_edge(b.number, t[3].number, kind="false", back=False)
        return graph


def _comment(target, line, lines: bool) -> str:
    parts = []
    if target is not None and target.hint:
        parts.append(target.hint)
    if lines and line:
        parts.append(f"line {line}")
    return ", ".join(parts)


_TOKENS = re.compile(r"(^#\d+:)|(φ)|\b(br|goto|return)\b|(%\d+)")


def _colour(code: str) -> str:
    def paint(m):
        label, phi, keyword, value = m.groups()
        if label:
            return f'<b style="color:#1f5fa8">{label}</b>'
        if phi:
            return f'<b style="color:#8e44ad">{phi}</b>'
        if keyword:
            return f'<span style="color:#1e8449;font-weight:bold">{keyword}</span>'
        return f'<span style="color:#b03a2e">{value}</span>'
    return _TOKENS.sub(paint, code)


__all__ = ["Listing", "shown_blocks"]
