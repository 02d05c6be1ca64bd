"""The forward pass as Python lines: the user's program again, keeping what the reverse pass reads.

One SSA statement per line, with a variable per value (``analysis.Variables``), φ nodes
as assignments at the end of the blocks that jump to them, and — inside loops — a push
of what the reverse pass will read (``plan.records``). ``for`` loops stay ``for`` loops;
``while`` loops keep their condition.
"""

from __future__ import annotations

from ..core import rules as R
from ..core.primitives import ATOM
from ..core.symbolic import Sym, expression
from .ir import (CALL, GETITEM, PLAIN, ROW, TAPE, UNDEF, Block, Branch, Constant, Goto, If, Jump,
                 Loop, Value, index_text, keyword_texts, operand, py_literal)
from .namespace import Namespace
from .plan import Plan
from .regions import falls, returns_in
from .reverse import indent


class Forward:
    """Writes the forward pass of one function."""

    def __init__(self, plan: Plan, infos, site, form, ns: Namespace, out=None):
        self.plan, self.infos, self.site, self.form, self.ns = plan, infos, site, form, ns
        self.out = out                  # the vjp form's output variable
        self.numpy_targets = set()      # targets of np.log(x) and such: NumPy's semantics
        self.implicit = set()            # what ``for i in range(...)`` does by itself:
        for loop in plan.analysis.loops:        # set the counter, test it, step it
            if loop.kind == "for":
                self.implicit.add(loop.counter)
                self.implicit.update(loop.header_block.statements)
                if loop.latch is not None:
                    self.implicit.update(s for s in loop.latch.statements
                                         if s.nondiff and s.row is R.add)
        self.used = _used_values(plan.fn)    # a call whose value nobody reads stands alone

    # -- text ----------------------------------------------------------------------
    def text(self, v) -> str:
        """How the forward pass writes operand ``v``: its variable, or the constant."""
        return self.plan.const_text(v) if isinstance(v, Constant) else self.plan.var(v)

    def statement(self, s) -> str:
        """The line of statement ``s``: a row's expression, a call (returning its saved data
        when active), an index."""
        plan = self.plan
        target = plan.var(s.target)
        if s.fn is not None and s.kind == ROW:
            self.numpy_targets.add(target)
        args = [self.text(a) for a in s.args]
        kind = plan.kind_of(s)
        if s in plan.statements and kind == CALL:
            forward = self.ns.functions[s.fn][0]
            return f"{target}, {plan.var(plan.saved[s])} = {forward}({', '.join(args)})"
        if s in plan.statements and kind == TAPE:
            callee = plan.global_text(s.callee)
            keywords = keyword_texts(s.params, self.text)
            call = ", ".join([callee] + args + keywords)
            return f"{target}, {plan.var(plan.saved[s])} = tape({call})"
        if s.kind == ROW and "{args}" not in s.row.display:
            operands = [operand(a, self.text) for a in s.args]
            return f"{target} = {expression(s.row, operands, s.params)}"
        if s.kind in (PLAIN, CALL, TAPE) and s.target not in self.used:
            return self.call_text(s, args, args)         # print(...): run for its effect
        return f"{target} = {self.call_text(s, args, args)}"

    def call_text(self, s, args, atoms) -> str:
        """A statement written as a call, an index or a template (``abs(x * x - a)``,
        ``c[i]``, ``not y2``): ``args`` are its operands as call arguments, ``atoms``
        the same parenthesised where an operator could bind them wrongly."""
        keywords = keyword_texts(s.params, self.text)
        if s.kind == ROW:
            return f"{self.ns.row_name(s.row)}({', '.join(args + keywords)})"
        if s.kind == GETITEM:
            texts = dict(zip(s.args, args))
            return f"{atoms[0]}[{index_text(s, lambda a: texts.get(a) or self.text(a))}]"
        if s.kind == PLAIN and "{" in s.callee:
            return s.callee.format(*atoms)
        callee = self.plan.global_text(s.callee)
        return f"{callee}({', '.join(args + keywords)})"

    def copies(self, src, dst) -> list[str]:
        """φ nodes of ``dst`` as assignments at the end of ``src`` (all at once)."""
        pairs = []
        for phi in dst.phis:
            if phi in self.implicit:
                continue
            v = phi.value_from(src)
            if v is UNDEF or (isinstance(v, Value) and self.plan.vars.same(v, phi.target)):
                continue
            pairs.append((self.plan.var(phi.target), self.text(v)))
        if not pairs:
            return []
        targets = {t for t, _ in pairs}
        if len(pairs) > 1 and any(v in targets for _, v in pairs):
            return [", ".join(t for t, _ in pairs) + " = " + ", ".join(v for _, v in pairs)]
        return [f"{t} = {v}" for t, v in pairs]

    # -- regions ---------------------------------------------------------------------
    def seq(self, items, loop) -> list[str]:
        """The lines of a list of region items; after an item that may return, the rest runs
        only if it did not."""
        lines = []
        for j, item in enumerate(items):
            rest = items[j + 1:]
            if isinstance(item, Jump):
                return lines + self.jump(item)
            may_return = loop is None and rest and returns_in([item]) and falls([item])
            if may_return and isinstance(item, If) and all(
                    not returns_in(arm) or not falls(arm) for arm in (item.then, item.orelse)):
                return lines + self.branch(item, loop, rest)
            lines += self.item(item, loop)
            if may_return:
                return lines + [f"if {self.site} == 0:"] + indent(self.seq(rest, loop) or ["pass"])
        return lines

    def item(self, item, loop):
        """The lines of one region item (block, if or loop)."""
        if isinstance(item, Block):
            return self.block(item)
        if isinstance(item, If):
            return self.branch(item, loop)
        if isinstance(item, Loop):
            return self.loop(item)
        return []

    def block(self, b) -> list[str]:
        """A block's statements, the push of its record, and the φ copies of its goto."""
        lines = []
        record = self.plan.records.get(b)
        for k, s in enumerate(b.statements):
            if record and record[0] == k:
                lines.append(self.push(b, record[1]))
            if s not in self.implicit:
                lines.append(self.statement(s))
        if record and record[0] == len(b.statements):
            lines.append(self.push(b, record[1]))
        if isinstance(b.terminator, Goto):
            lines += self.copies(b, b.terminator.target)
        return lines

    def push(self, b, values) -> str:
        """``stack.append(...)`` of the values a block in a loop saves."""
        stack = self.infos[self.plan.analysis.loop_of[b]].stack
        names_ = [self.plan.var(v) for v in values]
        item = names_[0] if len(names_) == 1 else "(" + ", ".join(names_) + ")"
        return f"{stack}.append({item})"

    def branch(self, region, loop, rest=None) -> list[str]:
        """An ``if`` on the region's condition; ``rest`` follows in the arms that fall
        through."""
        arms = []
        for arm in (region.then, region.orelse):
            lines = self.seq(arm, loop)
            if rest is not None and falls(arm):
                lines += self.seq(rest, loop)
            arms.append(lines)
        then_lines, else_lines = arms
        cond = self.text(region.cond)
        if not then_lines and not else_lines:
            return []
        if not then_lines:
            return [f"if not {_paren(cond)}:"] + indent(else_lines)
        lines = [f"if {cond}:"] + indent(then_lines)
        if else_lines:
            lines += ["else:"] + indent(else_lines)
        return lines

    def jump(self, jump) -> list[str]:
        """``break``, ``continue`` or ``return``, noting its site where the reverse pass
        asks."""
        where = f"  # {jump.kind}, line {jump.line}"      # sites are numbered in program order
        if jump.kind == "break":
            info = self.infos[jump.loop]
            return ([f"{info.exit} = {jump.site}{where}"] if info.exit else []) + ["break"]
        if jump.kind == "continue":
            return self.latch(jump.loop, jump.site, where) + ["continue"]
        lines = []
        if self.form == "vjp":
            lines.append(f"{self.out} = {self.text(jump.value)}")
        if self.site:
            lines.append(f"{self.site} = {jump.site}{where}")
        if jump.loop is not None:
            lines.append("break")
        return lines

    def latch(self, loop, site, where="  # end of the loop body") -> list[str]:
        """What ends an iteration at ``site``: its record, the count, the latch block."""
        info = self.infos[loop]
        lines = []
        if info.latch:
            lines.append(f"{info.stack}.append({site}){where}")
        if info.count:
            lines.append(f"{info.count} += 1")
        if loop.latch is not None:
            lines += self.block(loop.latch)
        return lines

    def loop(self, loop) -> list[str]:
        """A ``for``/``while`` loop with its bookkeeping (stack, count, exit site)."""
        info = self.infos[loop]
        lines = []
        if info.stack and loop.parent is None:
            lines.append(f"{info.stack} = []")
        if info.count:
            lines.append(f"{info.count} = 0")
        if info.exit:
            lines.append(f"{info.exit} = 0")
        body = []
        if loop.kind == "for":
            counter = self.plan.var(loop.counter.target) if loop.counter in \
                loop.header_block.phis else self.plan.unused()
            head = f"for {counter} in range({self.range_text(loop)}):"
        else:
            cond = self.inline_condition(loop)
            if cond is not None:
                head = f"while {cond}:"
            else:
                head = "while True:"
                body += self.seq(loop.header, loop)
                leave = (self.block(loop.landing) if loop.landing else []) + ["break"]
                body += [f"if not {_paren(self.text(loop.cond))}:"] + indent(leave)
        body += self.seq(loop.body, loop)
        if falls(loop.body):
            body += self.latch(loop, loop.end_site)
        lines += [head] + indent(body or ["pass"])
        if loop.landing is not None and head != "while True:":
            landing = self.block(loop.landing)
            if landing:
                lines += ["else:"] + indent(landing)
        if loop.parent is not None:
            if returns_in(loop):
                lines += [f"if {self.site}:", indent(["break"])[0]]
            kept = [x for x in (info.count, info.exit) if x]
            if kept:
                item = kept[0] if len(kept) == 1 else "(" + ", ".join(kept) + ")"
                lines.append(f"{info.stack}.append({item})")
        return lines

    def range_text(self, loop) -> str:
        """The arguments of ``range(...)``, leaving out a start of 0 and a step of 1."""
        start, stop, step = loop.range_args
        parts = [self.text(start), self.text(stop), self.text(step)]
        if isinstance(step, Constant) and step.value == 1:
            parts.pop()
            if isinstance(start, Constant) and start.value == 0:
                parts.pop(0)
        return ", ".join(parts)

    def inline_condition(self, loop) -> str | None:
        """The header's statements as one expression (``while n > 0:``), when each of
        their values is used once, by the next one or by the branch."""
        if len(loop.header) != 1:
            return None
        statements = loop.header_block.statements
        made = {}
        for s in statements:
            uses = sum(a is s.target for t in statements for a in t.args)
            if uses + (loop.cond is s.target) != 1:
                return None
            made[s.target] = self.expression(s, made)
        return made[loop.cond].text if loop.cond in made else self.text(loop.cond)

    def expression(self, s, made) -> Sym:
        """Statement ``s`` as a ``Sym``, its operands from ``made`` where inlined."""
        def arg(a):
            return made[a] if a in made else operand(a, self.text)
        if s.kind == ROW and "{args}" not in s.row.display:
            return expression(s.row, [arg(a) for a in s.args], s.params)
        args, atoms = [], []
        for a in s.args:
            x = arg(a)
            text = x.text if isinstance(x, Sym) else py_literal(x)
            args.append(text)
            atoms.append(f"({text})" if isinstance(x, Sym) and x.prec < ATOM else text)
        text = self.call_text(s, args, atoms)
        if s.kind == PLAIN and "{" in s.callee:
            call = s.callee.split("(")[0].isidentifier() and not s.callee.startswith("{")
            return Sym(text, ATOM if call else 0)
        return Sym(text, ATOM)


def _paren(text) -> str:
    return f"({text})" if " " in text else text


def _used_values(fn) -> set:
    """Values some statement, φ node, branch or return reads."""
    used = set()
    for b in fn.blocks:
        for phi in b.phis:
            used.update(v for _, v in phi.incoming)
        for s in b.statements:
            used.update(s.args)
        t = b.terminator
        used.add(getattr(t, "cond", None) if isinstance(t, Branch) else getattr(t, "value", None))
    return {v for v in used if isinstance(v, Value)}


__all__ = ["Forward"]
