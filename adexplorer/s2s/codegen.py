"""The forward pass as Python lines, whole functions around both passes, and compiling them.

The forward pass is the user's program again, one SSA statement per line, with a
variable per value (``plan.Variables``), φ nodes as assignments at the end of the
blocks that jump to them, and — inside loops — a push of what the reverse pass will
read. ``for`` loops stay ``for`` loops; ``while`` loops keep their condition.

A function is written in one of two forms: ``grad_f`` (forward pass, seed, reverse pass,
one function: what ``source_grad`` returns), or ``forward_f`` / ``backward_f`` for a
function called by another (its forward pass returns what its backward pass needs).
All of them run in one namespace where every name the rule texts use (``cos``,
``sum_to``, ``shape``) is bound to the adexplorer row itself.
"""

from __future__ import annotations

import builtins
import linecache

from .. import core
from ..core import names
from ..core import rules as R
from ..core.primitives import ATOM, PRIMITIVES
from ..core.symbolic import Sym, expression
from . import runtime
from .adjoint import Reverse, indent
from .analysis import Analysis
from .ir import (CALL, GETITEM, PLAIN, ROW, TAPE, UNDEF, Blk, Branch, Const, Goto, If, Jump,
                 Loop, Value, index_text, keyword_texts, operand, py_literal)
from .lower import lowered_or_none
from .resolve import IMPURE
from .localnames import nfkc
from .plan import CONTROL_WORDS, Plan, control, falls, returns_in


class Namespace:
    """The globals of generated code: rows by name, the runtime helpers, the user's
    callables and constants (bound under their own names when free)."""

    def __init__(self):
        d = {}
        for name, row in PRIMITIVES.items():
            if name.isidentifier():
                fast = getattr(core, name, None)
                d[name] = fast if getattr(fast, "primitive", None) is row else row
        for word in CONTROL_WORDS:        # ``stack`` is a loop's list in generated code
            d.pop(word, None)
        d.update(ZERO=runtime.ZERO, seed=runtime.seed, row_vjp=runtime.row_vjp,
                 tape=runtime.tape, in_range=runtime.in_range, shape=R.shape)
        self.d = d
        self.functions: dict = {}       # user function -> (forward name, backward name)
        self.locals: set = set()        # every local of generated code (NFKC): bound around

    def __contains__(self, name):
        return name in self.d

    def names(self):
        return list(self.d)

    def bind(self, preferred: str, obj) -> str:
        name, k = preferred, 1
        while name in self.d and self.d[name] is not obj or nfkc(name) in self.locals:
            k += 1
            name = f"{preferred}_{k}"
        self.d[name] = obj
        return name

    def row_name(self, row) -> str:
        if not row.user and self.d.get(row.name) in (row, getattr(core, row.name, None)):
            return row.name
        base = row.display.split("(")[0] if "(" in row.display else row.name
        return self.bind(base if base.isidentifier() and base not in CONTROL_WORDS
                         else "row", row)

    def backward_name(self, fn) -> str:
        return self.functions[fn][1]

    def dotted(self, text: str, scope_of) -> str:
        """``np.sum`` as it can be written in generated code (its root bound here)."""
        root, _, rest = text.partition(".")
        obj = scope_of(root)
        if self.d.get(root, obj) is not obj and getattr(builtins, root, None) is obj:
            return self.bind("builtins", builtins) + "." + text     # builtins.max, not max_2
        name = self.bind(root, obj)
        return name + ("." + rest if rest else "")


class Forward:
    """Writes the forward pass of one function."""

    def __init__(self, plan: Plan, infos, site, form, ns: Namespace, reads=(), out=None):
        self.p, self.infos, self.site, self.form, self.ns = plan, infos, site, form, ns
        self.out = out                  # the vjp form's output variable
        self.numpy_targets = set()      # targets of np.log(x) and such: NumPy's semantics
        self.reads = set(reads)         # what the reverse pass reads: unread bookkeeping goes
        self.implicit = set()            # what ``for i in range(...)`` does by itself:
        for loop in plan.a.loops:        # set the counter, test it, step it
            if loop.kind == "for":
                self.implicit.add(loop.counter)
                self.implicit.update(loop.header_block.statements)
                if loop.latch is not None:
                    self.implicit.update(s for s in loop.latch.statements
                                         if s.nondiff and s.row is R.add)
        self.used = _used_values(plan.fn)    # a call whose value nobody reads stands alone

    # -- text ----------------------------------------------------------------------
    def text(self, v) -> str:
        return self.p.const_text(v) if isinstance(v, Const) else self.p.var(v)

    def statement(self, s) -> str:
        p = self.p
        target = p.var(s.target)
        if s.fn is not None and s.kind == ROW:
            self.numpy_targets.add(target)
        args = [self.text(a) for a in s.args]
        kind = p.kind_of(s)
        if s in p.statements and kind == CALL:
            forward = self.ns.functions[s.fn][0]
            return f"{target}, {p.var(p.saved[s])} = {forward}({', '.join(args)})"
        if s in p.statements and kind == TAPE:
            callee = p.global_text(s.callee)
            keywords = keyword_texts(s.params, self.text)
            return f"{target}, {p.var(p.saved[s])} = tape({', '.join([callee] + args + keywords)})"
        if s.kind == ROW and "{args}" not in s.row.display:
            return f"{target} = {expression(s.row, [operand(a, self.text) for a in s.args], s.params)}"
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
        callee = self.p.global_text(s.callee)
        return f"{callee}({', '.join(args + keywords)})"

    def copies(self, src, dst) -> list[str]:
        """φ nodes of ``dst`` as assignments at the end of ``src`` (all at once)."""
        pairs = []
        for phi in dst.phis:
            if phi in self.implicit:
                continue
            v = phi.value_from(src)
            if v is UNDEF or (isinstance(v, Value) and self.p.vars.same(v, phi.target)):
                continue
            pairs.append((self.p.var(phi.target), self.text(v)))
        if not pairs:
            return []
        targets = {t for t, _ in pairs}
        if len(pairs) > 1 and any(v in targets for _, v in pairs):
            return [", ".join(t for t, _ in pairs) + " = " + ", ".join(v for _, v in pairs)]
        return [f"{t} = {v}" for t, v in pairs]

    # -- regions ---------------------------------------------------------------------
    def seq(self, items, loop) -> list[str]:
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
        if isinstance(item, Blk):
            return self.block(item.block)
        if isinstance(item, If):
            return self.branch(item, loop)
        if isinstance(item, Loop):
            return self.loop(item)
        return []

    def block(self, b) -> list[str]:
        lines = []
        record = self.p.records.get(b)
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
        stack = self.infos[self.p.a.loop_of[b]].stack
        names_ = [self.p.var(v) for v in values]
        item = names_[0] if len(names_) == 1 else "(" + ", ".join(names_) + ")"
        return f"{stack}.append({item})"

    def branch(self, region, loop, rest=None) -> list[str]:
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
        info = self.infos[loop]
        if loop.parent is None:            # a top-level loop keeps only what is read back
            for word in ("stack", "count", "exit"):
                if getattr(info, word) not in self.reads:
                    setattr(info, word, None)
        lines = []
        if info.stack and loop.parent is None:
            lines.append(f"{info.stack} = []")
        if info.count:
            lines.append(f"{info.count} = 0")
        if info.exit:
            lines.append(f"{info.exit} = 0")
        body = []
        if loop.kind == "for":
            counter = self.p.var(loop.counter.target) if loop.counter in \
                loop.header_block.phis else self.p.unused()
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
        start, stop, step = loop.range_args
        parts = [self.text(start), self.text(stop), self.text(step)]
        if isinstance(step, Const) and step.value == 1:
            parts.pop()
            if isinstance(start, Const) and start.value == 0:
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


# ---------------------------------------------------------------------------
# Whole functions


class Unit:
    """Generated functions that call each other, compiled into one namespace."""

    def __init__(self, mode: str = "scalar", lower=None):
        self.mode = mode
        self.lower = lower or lowered_or_none      # a user function -> SSA form, or None
        self.ns = Namespace()
        self.sources: list[str] = []
        self.lowered: dict = {}
        self.effects = False             # print, a tape call, an original function called
        self.reverse_parts: dict = {}    # function name -> line (def = 1) its reverse pass starts
        self.numpy_targets: dict = {}    # function name -> targets of NumPy calls (np.log)

    def taped_calls(self, fn_ssa, analysis) -> set:
        """Make every user function ``fn_ssa`` calls with a derivative ready: lowered,
        with its forward and backward pass; the calls of those that cannot be lowered
        are differentiated by the tape."""
        return {s for s in fn_ssa.statements()
                if s.kind == CALL and analysis.is_active(s.target) and self.callee(s.fn) is None}

    def callee(self, fn):
        if fn in self.lowered:
            return self.lowered[fn]
        self.lowered[fn] = None
        sub = self.lower(fn)
        if sub is None:
            return None
        base = fn.__name__
        self.ns.functions[fn] = (self.ns.bind(names.forward_function(base), object()),
                                 self.ns.bind(names.backward_function(base), object()))
        self.lowered[fn] = sub
        self.sources.append(self.vjp_source(fn, sub))
        return sub

    def plan(self, fn_ssa):
        analysis = Analysis(fn_ssa)
        plan = Plan(fn_ssa, self.mode, self.ns, analysis, self.taped_calls(fn_ssa, analysis))
        infos, site = control(plan)
        self.effects = self.effects or any(_may_have_effects(s, plan) for s in fn_ssa.statements())
        return plan, infos, site

    def grad_source(self, fn_ssa) -> str:
        plan, infos, site = self.plan(fn_ssa)
        reverse = Reverse(plan, infos, site, "grad")
        rev, live = reverse.seq(fn_ssa.body, _return_sites(fn_ssa), site, set())
        forward = Forward(plan, infos, site, "grad", self.ns, reverse.reads)
        fwd = forward.seq(fn_ssa.body, None)
        results = [plan.adjoint(a) if plan.a.is_active(a) and plan.root(a) in live else "None"
                   for a in fn_ssa.args]
        params = [plan.var(a) for a in fn_ssa.args]
        name = self.ns.bind(names.gradient_function(fn_ssa.name), object())
        head = ([f"{site} = 0"] if site else []) + fwd
        self.reverse_parts[name] = 2 + sum(len(line.splitlines()) for line in head)
        self.numpy_targets[name] = forward.numpy_targets
        body = head + rev + [f"return {_tuple(results)}"]
        return f"def {name}({', '.join(params)}):\n" + "\n".join(indent(body)) + "\n", name

    def vjp_source(self, fn, fn_ssa) -> str:
        plan, infos, site = self.plan(fn_ssa)
        out, saved_in = plan.control("out"), plan.control("saved")
        out_bar = plan.names.version(names.adjoint_of(out))
        reverse = Reverse(plan, infos, site, "vjp", out_bar)
        rev, live = reverse.seq(fn_ssa.body, _return_sites(fn_ssa), site, set())
        forward = Forward(plan, infos, site, "vjp", self.ns, reverse.reads, out)
        fwd = forward.seq(fn_ssa.body, None)
        params = [plan.var(a) for a in fn_ssa.args]
        saved = [r for r in reverse.reads if r in _kept_names(plan, infos, site)]
        always = _always_assigned(plan, infos, fn_ssa)
        fresh = [r for r in saved if r not in always and r != site]
        results = [plan.adjoint(a) if plan.a.is_active(a) and plan.root(a) in live else "ZERO"
                   for a in fn_ssa.args]
        fwd_name, bwd_name = self.ns.functions[fn]
        head = ([f"{site} = 0"] if site else []) + ([" = ".join(fresh) + " = None"] if fresh else [])
        forward_src = (f"def {fwd_name}({', '.join(params)}):\n"
                       + "\n".join(indent(head + fwd + [f"return {out}, {_tuple(saved)}"]))
                       + "\n")
        unpack = [f"{_tuple(saved)} = {saved_in}"] if saved else []
        self.reverse_parts[bwd_name] = 2
        self.numpy_targets[fwd_name] = forward.numpy_targets
        backward_src = (f"def {bwd_name}({saved_in}, {out_bar}):\n"
                        + "\n".join(indent(unpack + rev + [f"return {_tuple(results)}"])) + "\n")
        return forward_src + "\n\n" + backward_src

    def compile(self, source: str, name: str, namespace=None):
        """Run the generated ``source`` in ``namespace`` (this unit's by default); a
        called function's forward pass gets that function's default arguments."""
        namespace = self.ns.d if namespace is None else namespace
        filename = f"<source_grad {name}>"
        linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
        exec(compile(source, filename, "exec"), namespace)
        for fn, (forward, _) in self.ns.functions.items():
            if forward in namespace and self.lowered.get(fn) is not None:
                namespace[forward].__defaults__ = fn.__defaults__


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


def _may_have_effects(s, plan) -> bool:
    """Does running ``s`` run code that is not generated here (which may print)?"""
    return (plan.kind_of(s) == TAPE or s.fn in IMPURE
            or s.kind == CALL and s not in plan.statements)    # the original function


def _kept_names(plan, infos, site) -> set:
    """What a backward pass may read from its forward pass: values defined outside loops
    (inside loops they come back from the stacks), saved calls, loop bookkeeping."""
    kept = {plan.var(v) for v in plan.a.order if plan.a.loop_of_value(v) is None}
    kept |= {plan.saved_names[v] for s, v in plan.saved.items()
             if plan.a.loop_of_value(s.target) is None}
    for info in infos.values():
        kept |= {x for x in (info.stack, info.count, info.exit) if x}
    return kept | ({site} if site else set())


def _always_assigned(plan, infos, fn_ssa) -> set:
    """Variables every run of the forward pass assigns before it can return."""
    out = {plan.var(a) for a in fn_ssa.args}
    for item in fn_ssa.body:
        if isinstance(item, Blk):
            for phi in item.block.phis:
                out.add(plan.var(phi.target))
            for s in item.block.statements:
                out.add(plan.var(s.target))
                if s in plan.saved:
                    out.add(plan.var(plan.saved[s]))
        elif isinstance(item, Loop):
            info = infos[item]
            out.update(x for x in (info.stack, info.count, info.exit) if x)
        if returns_in([item]) or isinstance(item, Jump):
            break
    return out


def _return_sites(fn_ssa) -> set:
    return {j.site for j in returns_in(fn_ssa.body)}


def _tuple(items) -> str:
    return f"({items[0]},)" if len(items) == 1 else "(" + ", ".join(items) + ")"



__all__ = ["Unit", "Namespace", "Forward"]
