"""The reverse pass, written as Python lines from the SSA form and its regions.

Blocks are reversed statement by statement (``contributions.py``); a φ
sends its adjoint to the value that came in from the block we are leaving (nothing to
write when both share a variable). An ``if`` is reversed as an ``if`` on the same
condition; a loop as a loop that pops, per iteration, what the forward pass pushed —
the slide's ``grad_pow``. Early exits (``break``, ``continue``, ``return``) are *sites*
numbered in program order; the reverse of a region knows which site control left it by
and reverses only what ran.

While writing, the generator knows for every adjoint variable whether it already holds
a value: the first contribution is written ``x̄ = ...``, later ones ``x̄ += ...``, a
statement whose adjoint is still zero is skipped, and ``x̄ = ZERO`` appears only where
paths meet (before a loop that accumulates, in an arm that sent nothing).
"""

from __future__ import annotations

from ..core import names
from ..core import rules as R
from ..core.symbolic import Sym, expression
from .ir import Block, Constant, Goto, If, Jump, Loop, Value
from .contributions import COTANGENT
from .regions import exits, falls, returns_in

INDENT = "    "


def indent(lines):
    """``lines`` indented one level."""
    return [INDENT + line for line in lines]


class Reverse:
    """Writes the reverse pass of one function (``form`` "grad": seeds from the output;
    "vjp": from the cotangent ``out̄``)."""

    def __init__(self, plan, infos, site, form, seed_name=None):
        self.plan, self.infos, self.site, self.form = plan, infos, site, form
        self.seed_name = seed_name
        self.scalar = plan.mode == "scalar"
        self.reads: list[str] = []          # forward names the reverse pass reads
        self.restored: set[str] = set()     # names it pops from a stack first
        # variable -> the first block that defines one of its values or, for a φ, sends
        # its adjoint on (the φ's adjoint goes to the blocks that jump to it)
        self.first_def = {}
        analysis = plan.analysis
        for v in analysis.order:
            r = plan.root(v)
            b = analysis.block_of.get(v)
            if b is None:
                n = 0
            elif v in analysis.phi_of:
                n = min(pred.number for pred in b.preds)
            else:
                n = b.number
            self.first_def[r] = min(self.first_def.get(r, n), n)

    # -- helpers ---------------------------------------------------------------------
    def read(self, name):
        """Note that the reverse pass reads forward variable ``name``; return it."""
        if name not in self.reads:
            self.reads.append(name)
        return name

    def text_of(self, v) -> str:
        """An operand as the reverse pass reads it."""
        if isinstance(v, Constant):
            return self.plan.const_text(v)
        return self.read(self.plan.var(v))

    def temp(self, base) -> str:
        """A fresh name for a call's tuple of cotangents: ``grads_y3``."""
        return self.plan.names.version(names.cotangents(base))

    def adj(self, root) -> str:
        """The adjoint variable of a variable's root value."""
        return self.plan.adjoint(root)

    def add(self, root, expr, live, lines):
        """``x̄ = expr`` the first time, ``x̄ += expr`` after."""
        a = self.adj(root)
        if expr == a and root not in live:
            live.add(root)
            return
        if root in live:
            lines.append(f"{a} += {expr}" if self.scalar else f"{a} = {a} + {expr}")
        else:
            lines.append(f"{a} = {expr}")
            live.add(root)

    def zeros(self, roots) -> list[str]:
        """``x̄ = ZERO`` for each root, in program order."""
        return [f"{self.adj(r)} = ZERO" for r in sorted(roots, key=self.plan.analysis.order.get)]

    # -- regions -----------------------------------------------------------------------
    def seq(self, items, left_by, var, live):
        """Reverse ``items`` given that control left them by one of the sites ``left_by``.

        Items that ran for the same exits are reversed together, under one test of the
        site when not every exit ran them."""
        lines = []
        j = len(items) - 1
        while j >= 0:
            sites = left_by - exits(items[:j])
            k = j
            while k > 0 and left_by - exits(items[:k - 1]) == sites:
                k -= 1
            group, j = items[k:j + 1], k - 1
            if not sites:
                continue
            gone = self.finished(group[0])
            if sites == left_by:
                for item in reversed(group):
                    body, live = self.item(item, sites, var, live)
                    lines += body
                live -= gone
                continue
            before = set(live)
            while True:
                after, body = set(before), []
                for item in reversed(group):
                    more, after = self.item(item, sites, var, after)
                    body += more
                extra = (after - gone) - before
                if not extra:
                    break
                lines += self.zeros(extra)
                before |= extra
            lost = (before - gone) - after
            if body or lost:
                lines.append(f"if {site_test(self.read(var), sites, left_by)}:")
                lines += indent(body + self.zeros(lost))
            live = before - gone
        return lines, live

    def finished(self, item) -> set:
        """Adjoint variables nothing before ``item`` can touch again (all their values are
        defined from ``item`` on, and none is an argument)."""
        start = _start(item)
        return {r for r, first in self.first_def.items() if first >= start}

    def item(self, item, sites, var, live):
        """Reverse one region item, left by one of ``sites``: ``(lines, live)``."""
        if isinstance(item, Block):
            return self.block(item, live)
        if isinstance(item, Jump):
            return self.jump(item, live)
        if isinstance(item, If):
            return self.branch(item, sites, var, live)
        if isinstance(item, Loop):
            return self.loop(item, sites, var, live)
        return [], live

    def jump(self, jump, live):
        """A ``return`` seeds the output's adjoint."""
        lines = []
        v = jump.value
        if jump.kind == "return" and self.plan.analysis.is_active(v):
            seed = self.seed_name if self.form == "vjp" else f"seed({self.text_of(v)})"
            self.add(self.plan.root(v), seed, live, lines)
        elif jump.kind == "return" and isinstance(v, Constant) and not isinstance(
                v.value, (int, float)) and self.form == "grad":
            lines.append(f"seed({self.text_of(v)})")     # raises: not a number
        return lines, live

    def branch(self, region, sites, var, live):
        """Reverse an ``if``: each arm for the sites it can have been left by, joined on the
        same test."""
        in_then, in_else = sites & exits(region.then), sites & exits(region.orelse)
        done = sites - exits(region)
        t_then = in_then | (done if falls(region.then) else set())
        t_else = in_else | (done if falls(region.orelse) else set())
        arms = []
        for items, t in ((region.then, t_then), (region.orelse, t_else)):
            arms.append(self.seq(items, t, var, set(live)) if t else None)
        if arms[0] is None:
            return arms[1]
        if arms[1] is None:
            return arms[0]
        (then_lines, live_t), (else_lines, live_e) = arms
        gone = self.finished(region)
        live_t, live_e = live_t - gone, live_e - gone
        merged = live_t | live_e
        then_lines = then_lines + self.zeros(merged - live_t)
        else_lines = else_lines + self.zeros(merged - live_e)
        if not then_lines and not else_lines:
            return [], merged
        test = self.arm_test(region, sites, var, in_then, in_else, done)
        if test is None:                     # only one arm can have run
            return (then_lines, merged) if t_then else (else_lines, merged)
        if not then_lines:
            lines = [f"if not ({test}):" if " " in test else f"if not {test}:"]
            lines += indent(else_lines)
        else:
            lines = [f"if {test}:"] + indent(then_lines)
            if else_lines:
                lines += ["else:"] + indent(else_lines)
        return lines, merged

    def arm_test(self, region, sites, var, in_then, in_else, done):
        """When did the then-arm run? It left by one of its sites, or it completed and
        (if the else-arm could have completed too) the condition was true."""
        then_done = done if falls(region.then) else set()
        else_done = done if falls(region.orelse) else set()
        terms = []
        if in_then:
            terms.append(site_test(self.read(var), in_then, sites))
        if then_done:
            if else_done:
                cond = self.text_of(region.cond)
                if in_then or in_else:
                    terms.append(f"({site_test(self.read(var), done, sites)} and {cond})")
                else:
                    terms.append(cond)
            else:
                terms.append(site_test(self.read(var), done, sites) if in_then or in_else
                             else "True")
        if not terms:
            return None
        if terms == ["True"]:
            return None
        if len(terms) == 1 and terms[0].startswith("(") and terms[0].endswith(")"):
            return terms[0][1:-1]
        return " or ".join(terms)

    # -- blocks ---------------------------------------------------------------------------
    def block(self, b, live):
        """Reverse a block: pop its record, send its φs' adjoints back, its statements last
        first."""
        lines = []
        record = self.plan.records.get(b)
        if record:
            info = self.infos[self.plan.analysis.loop_of[b]]
            targets = [self.plan.var(v) for v in record[1]]
            self.restored.update(targets)
            lines.append(f"{', '.join(targets)} = {self.read(info.stack)}.pop()")
        t = b.terminator
        if isinstance(t, Goto):
            lines += self.transfer(b, t.target, live)
        for s in reversed(b.statements):
            if s in self.plan.statements:
                lines += self.statement(s, live)
            else:                                    # no derivative: its adjoint stops here
                live.discard(self.plan.root(s.target))
        return lines, live

    def transfer(self, src, dst, live, skip=()):
        """Adjoints of ``dst``'s φ nodes go to the values that came from ``src``."""
        plan = self.plan
        sums, consumed = {}, set()
        for phi in dst.phis:
            if phi in skip:
                continue
            phi_root = plan.root(phi.target)
            if not plan.analysis.is_active(phi.target):   # its variable's adjoint reaches nothing
                if phi_root in live:
                    consumed.add(phi_root)
                continue
            v = phi.value_from(src)
            if isinstance(v, Value) and plan.root(v) is phi_root:
                continue
            if phi_root in live:
                consumed.add(phi_root)
                if isinstance(v, Value) and plan.analysis.is_active(v):
                    sums.setdefault(plan.root(v), []).append(self.adj(phi_root))
        live -= consumed
        if not sums:
            return []
        targets, values = [], []
        for root, parts in sums.items():
            expr = " + ".join(parts)
            if root in live:
                expr = f"{self.adj(root)} + {expr}"
            targets.append(self.adj(root))
            values.append(expr)
            live.add(root)
        if len(targets) == 1:
            if self.scalar and values[0].startswith(targets[0] + " + "):
                return [f"{targets[0]} += {values[0][len(targets[0]) + 3:]}"]
            return [f"{targets[0]} = {values[0]}"]
        return [f"{', '.join(targets)} = {', '.join(values)}"]

    def statement(self, s, live):
        """The contributions of statement ``s`` to its arguments' adjoints."""
        plan = self.plan
        sent = plan.statements[s]
        target = plan.root(s.target)
        if target not in live:
            return []
        g = self.adj(target)
        lines = []

        def name_of(x):
            if isinstance(x, str):
                return g if x == COTANGENT[1:-1] else x
            if isinstance(x, Constant):
                return plan.const_text(x)
            return self.read(plan.var(x))
        pre = plan.tokens.render(sent.pre, name_of) if sent.pre else None
        if pre and len(sent.contributions) > 1:
            tmp = self.temp(plan.var(s.target))
            lines.append(f"{tmp} = {pre}")
            pre = tmp
        groups: dict = {}
        for arg, text, prec in sent.contributions:
            text = f"{pre}{text}" if pre else plan.tokens.render(text, name_of)
            groups.setdefault(plan.root(arg), []).append(Sym(text, prec))
        own = groups.pop(target, None)
        for root, parts in groups.items():
            self.add(root, _total(parts), live, lines)
        live.discard(target)
        if own:
            self.add(target, _total(own), live, lines)
        return lines

    # -- loops ------------------------------------------------------------------------------
    def loop(self, loop, sites, var, live):
        """Reverse a loop: the iteration that left it, then the finished ones."""
        info = self.infos[loop]
        if not info.active:
            return [], live
        returns = {j.site for j in returns_in(loop)} & sites
        lines = []
        finish_lines, live = self.last_iteration(loop, info, returns, sites, live)
        lines += finish_lines
        body_lines, live = self.iterations(loop, info, live)
        return lines + body_lines, live

    def last_iteration(self, loop, info, returns, sites, live):
        """Reverse the iteration that left the loop: by its condition (nothing to do but
        the exit φ nodes), by a ``break``, or by a ``return``."""
        arms = []
        if returns:
            arms.append(("return", self.seq(loop.body, returns, self.site, set(live))))
        if sites - returns:                          # the loop finished (or broke) normally
            lines = []
            if loop.parent is not None:
                kept = [x for x in (info.count, info.exit) if x]
                if kept:
                    self.restored.update(kept)
                    lines.append(f"{', '.join(kept)} = {self.read(info.stack)}.pop()")
            broke = {j.site for j in loop.breaks}
            live_c = set(live)
            normal = self.transfer(loop.landing, loop.exit, live_c) if loop.landing else []
            if broke:
                brk, live_b = self.seq(loop.body, broke, info.exit, set(live))
                gone = self.finished(loop.body[0])
                live_b, live_c = live_b - gone, live_c - gone
                merged = live_b | live_c
                brk += self.zeros(merged - live_b)
                normal += self.zeros(merged - live_c)
                if brk or normal:
                    lines += [f"if {self.read(info.exit)}:"] + indent(brk or ["pass"])
                    if normal:
                        lines += ["else:"] + indent(normal)
                live_c = merged
            else:
                lines += normal
            arms.append(("done", (lines, live_c)))
        gone = self.finished(loop.body[0])
        arms = [(kind, (lines, live_a - gone)) for kind, (lines, live_a) in arms]
        if len(arms) == 1:
            return arms[0][1]
        (r_lines, live_r), (d_lines, live_d) = arms[0][1], arms[1][1]
        merged = live_r | live_d
        r_lines += self.zeros(merged - live_r)
        d_lines += self.zeros(merged - live_d)
        test = site_test(self.read(self.site), returns, sites)
        lines = [f"if {test}:"] + indent(r_lines or ["pass"])
        if d_lines:
            lines += ["else:"] + indent(d_lines)
        return lines, merged

    def iterations(self, loop, info, live):
        """The finished iterations, last first: ``while stack:`` or ``for _ in range(count):``."""
        prelude = []
        entry = set(live)
        while True:
            body, out = self.iteration(loop, info, set(entry))
            grow = out - entry
            if not grow:
                break
            prelude += self.zeros(grow)
            entry |= grow
        body += self.zeros(entry - out)
        if not body:
            return prelude, entry
        head = f"for {self.plan.unused()} in range({self.read(info.count)}):" if info.count \
            else f"while {self.read(info.stack)}:"
        return prelude + [head] + indent(body), entry

    def iteration(self, loop, info, live):
        """Reverse one finished iteration (its latch, then its body)."""
        lines = []
        var = None
        if info.latch:
            lines.append(f"{info.latch} = {self.read(info.stack)}.pop()")
            self.restored.add(info.latch)
            var = info.latch
        if loop.latch is not None:
            skip = (loop.counter,) if loop.counter is not None else ()
            lines += self.transfer(loop.latch, loop.header_block, live, skip)
            for s in reversed(loop.latch.statements):
                if s in self.plan.statements:
                    lines += self.statement(s, live)
                else:
                    live.discard(self.plan.root(s.target))
        body, live = self.seq(loop.body, set(info.latch_sites), var, live)
        return lines + body, live - self.finished(loop.body[0])


def _start(item) -> int:
    """The number of the first block of a region item."""
    if isinstance(item, Block):
        return item.number
    if isinstance(item, Jump):
        return item.block.number
    if isinstance(item, Loop):
        return item.header_block.number
    if isinstance(item, If):
        return min(_start(arm[0]) for arm in (item.then, item.orelse) if arm)
    return 0


def _total(parts) -> str:
    total = parts[0]
    for part in parts[1:]:
        total = expression(R.add, [total, part])
    return total.text if isinstance(total, Sym) else str(total)


def site_test(var, wanted, possible) -> str:
    """A test that the exit site ``var`` is in ``wanted`` (knowing it is in ``possible``)."""
    wanted, possible = sorted(wanted), sorted(possible)
    if len(wanted) == 1:
        return f"{var} == {wanted[0]}"
    if wanted == [e for e in possible if e >= wanted[0]]:
        return f"{var} >= {wanted[0]}"
    if wanted == [e for e in possible if e <= wanted[-1]]:
        return f"{var} <= {wanted[-1]}"
    return f"{var} in ({', '.join(map(str, wanted))})"



__all__ = ["Reverse", "indent", "site_test"]
