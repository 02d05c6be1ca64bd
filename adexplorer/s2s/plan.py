"""The plan of an adjoint: what each statement sends back, what the reverse pass reads,
what loops must save, and which Python variable holds which value.

Every derivative expression comes from the primitive table: a row's vjp rule is run on
symbols (``symbolic.vjp_text``), so ``%7 = %4 * %1`` sends ``r̄ * x`` to ``%4`` and
``r̄ * r`` to ``%1``; a guard of a rule on values (the power rule's at exponent 0) is a
row like the others and stays a call of it (``power_factor(x, k)``). Operands are
placeholders first (the text decides which values the reverse pass *needs*; only those
are saved in loops) and get their variable names once the variables are chosen. A rule
whose text is not plain Python over the namespace (a reduction, a user's
``@ad.adjoint``) is called as ``row_vjp(row, i, ...)``.

For arrays (``mode="array"``) the symbols carry a symbolic shape, so the rules'
``unbroadcast`` shows up as ``sum_to(ȳ * b, shape=shape(a))``; for scalars it vanishes.
"""

from __future__ import annotations

import ast
import re

from ..core import names
from ..core.primitives import ATOM
from ..core.symbolic import Sym, vjp_text
from .analysis import Analysis, Variables
from .localnames import LocalNames
from .ir import (CALL, GETITEM, PLAIN, TAPE, UNDEF, Blk, Branch, Const, Goto, If, Jump, Loop,
                 Value, py_literal)

G = "⟦g⟧"
_TOKEN = re.compile(r"⟦(\w+)⟧")


class ShapeOf:
    """The shape of a value, known only when the code runs: prints as ``shape(x)``."""

    __slots__ = ("token",)

    def __init__(self, token):
        self.token = token

    def __repr__(self):
        return f"shape({self.token})"

    def __eq__(self, other):
        return isinstance(other, ShapeOf) and other.token == self.token

    def __hash__(self):
        return hash(self.token)

    def __bool__(self):
        return True

    def __len__(self):
        raise TypeError("the shape is only known at run time")

    def __iter__(self):
        raise TypeError("the shape is only known at run time")


class Tokens:
    """Placeholders ``⟦3⟧`` for values and named constants inside rule texts."""

    def __init__(self):
        self.of: dict = {}
        self.back: dict = {}

    def __call__(self, x) -> str:
        key = id(x)
        if key not in self.of:
            self.of[key] = f"⟦{len(self.of) + 1}⟧"
            self.back[self.of[key][1:-1]] = x
        return self.of[key]

    def values_in(self, text) -> list:
        return [self.back[m] for m in _TOKEN.findall(text) if m in self.back
                and isinstance(self.back[m], Value)]

    def render(self, text, name_of) -> str:
        return _TOKEN.sub(lambda m: name_of(self.back.get(m.group(1), m.group(1))), text)


class StatementPlan:
    """What one active statement sends back: ``(argument, text, precedence)`` per active
    argument; ``pre`` is a call's cotangent tuple (``backward_g(saved_y3, ȳ3)``)."""

    def __init__(self, stmt):
        self.stmt = stmt
        self.contributions: list[tuple] = []
        self.pre: str | None = None
        self.needed: list[Value] = []


def plan_statement(stmt, kind: str, saved, analysis: Analysis, tokens: Tokens, mode: str,
                   ns) -> StatementPlan:
    """What ``stmt`` (of ``kind``: its own, or TAPE for a call differentiated by the tape)
    sends to each active argument; ``saved`` is the value holding a call's pullback data."""
    plan = StatementPlan(stmt)
    active = [i for i in stmt.differentiable_positions() if analysis.is_active(stmt.args[i])]
    if kind in (CALL, TAPE):
        token = tokens(saved)
        plan.pre = (f"{ns.backward_name(stmt.fn)}({token}, {G})" if kind == CALL
                    else f"{token}({G})")
        plan.contributions = [(stmt.args[i], f"[{i}]", ATOM) for i in active]
        plan.needed = [saved]
        return plan
    if stmt.kind == GETITEM:
        index = index_value_text(stmt, lambda v: _operand_text(v, tokens))
        text = (f"row_vjp(getitem, 0, {G}, None, {tokens(stmt.args[0])}, index={index})")
        plan.contributions = [(stmt.args[0], text, ATOM)]
    else:
        for i in active:
            plan.contributions.append((stmt.args[i],) + _row_text(stmt, i, tokens, mode, ns))
    needed = []
    for _, text, _ in plan.contributions:
        needed += tokens.values_in(text)
    plan.needed = list(dict.fromkeys(needed))
    return plan


def _operand_text(v, tokens) -> str:
    if isinstance(v, Const) and v.is_literal:
        return py_literal(v.value)
    return tokens(v)


def index_value_text(stmt, text_of) -> str:
    """The index of ``x[...]`` as a Python value (``(i, slice(1, 3, None))``)."""
    parts = [text_of(stmt.args[p]) if isinstance(p, int) else py_literal(p)
             for p in stmt.params["index"]]
    if stmt.params.get("tuple"):
        return f"({parts[0]},)" if len(parts) == 1 else "(" + ", ".join(parts) + ")"
    return parts[0]


def _symbol(v, tokens, mode):
    if isinstance(v, Const) and v.is_literal and not isinstance(v.value, str):
        return v.value
    token = tokens(v)
    return Sym(token, ATOM, ShapeOf(token) if mode == "array" else ())


def _row_text(stmt, i, tokens, mode, ns):
    """``(text, precedence)`` of the cotangent argument ``i`` receives, from the row's rule."""
    row = stmt.row
    args = [_symbol(a, tokens, mode) for a in stmt.args]
    ans = _symbol(stmt.target, tokens, mode)
    g = Sym(G, ATOM, ShapeOf(tokens(stmt.target)) if mode == "array" else ())
    if not row.user:
        try:
            out = vjp_text(row, i, g, args, ans, stmt.params or None)
            if isinstance(out, Sym) and _plain_python(out.text, ns):
                return out.text, out.prec
        except Exception:          # a rule that needs numbers (a mask, a shape): call it
            pass
    operands = ", ".join([tokens(stmt.target)] + [_operand_text(a, tokens) for a in stmt.args])
    keywords = "".join(f", {k}={py_literal(v)}" for k, v in stmt.params.items())
    return f"row_vjp({ns.row_name(row)}, {i}, {G}, {operands}{keywords})", ATOM


def _plain_python(text, ns) -> bool:
    """The text parses, and every name it calls is bound in the namespace."""
    try:
        tree = ast.parse(_TOKEN.sub(lambda m: f"_t{m.group(1)}", text), mode="eval")
    except SyntaxError:
        return False
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and not node.id.startswith("_t") and node.id not in ns:
            return False
    return True


# ---------------------------------------------------------------------------
# Regions: exits and joins


def exits(item) -> set:
    """Sites through which control can leave ``item`` (a region item or a list)."""
    if isinstance(item, list):
        out = set()
        for x in item:
            out |= exits(x)
        return out
    if isinstance(item, Jump):
        return {item.site}
    if isinstance(item, If):
        return exits(item.then) | exits(item.orelse)
    if isinstance(item, Loop):
        return {j.site for j in returns_in(item)}
    return set()


def returns_in(item) -> list:
    out = []

    def walk(items):
        for x in items:
            if isinstance(x, Jump) and x.kind == "return":
                out.append(x)
            elif isinstance(x, If):
                walk(x.then)
                walk(x.orelse)
            elif isinstance(x, Loop):
                walk(x.body)
    walk(item.body if isinstance(item, Loop) else item)
    return out


def falls(items) -> bool:
    """Can control reach the end of ``items``?"""
    if not items:
        return True
    last = items[-1]
    if isinstance(last, Jump):
        return False
    if isinstance(last, If):
        return falls(last.then) or falls(last.orelse)
    return True


def latch_sites(loop) -> list[int]:
    out = [j.site for j in loop.continues]
    if loop.end_site is not None:
        out.append(loop.end_site)
    return sorted(out)


def decided_ifs(items, joins: dict):
    """Map each ``If`` whose arms both fall through to its join block."""
    for k, item in enumerate(items):
        if isinstance(item, If):
            if falls(item.then) and falls(item.orelse) and k + 1 < len(items) \
                    and isinstance(items[k + 1], Blk):
                joins[item] = items[k + 1].block
            decided_ifs(item.then, joins)
            decided_ifs(item.orelse, joins)
        elif isinstance(item, Loop):
            decided_ifs(item.header, joins)
            decided_ifs(item.body, joins)
    return joins


# ---------------------------------------------------------------------------
# The whole plan


class Plan:
    """Contributions of every active statement, the records loops save, the variables."""

    def __init__(self, fn, mode: str, ns, analysis=None, taped=frozenset()):
        self.fn, self.mode, self.ns = fn, mode, ns
        self.scope = _scope(fn.function)
        self.a = analysis or Analysis(fn)
        self.taped = frozenset(taped)       # calls of functions that could not be lowered
        self.tokens = Tokens()
        self.statements: dict = {}
        self.saved: dict = {}               # active call -> the value of its pullback data
        for b in fn.blocks:
            for s in b.statements:
                if self.a.is_active(s.target):
                    kind = self.kind_of(s)
                    if kind in (CALL, TAPE):
                        self.saved[s] = Value("saved")
                    self.statements[s] = plan_statement(s, kind, self.saved.get(s), self.a,
                                                        self.tokens, mode, ns)
        for loop in self.a.loops:          # a condition feeds a branch only: no derivative
            assert not any(isinstance(item, Blk) and any(
                s in self.statements for s in item.block.statements) for item in loop.header)
        # An if in a loop whose arms both reach the join and do something in reverse:
        # its join block saves the condition, so the reverse pass knows which arm ran.
        self.join_conds = {block: region.cond for region, block in
                           decided_ifs(fn.body, {}).items()
                           if isinstance(region.cond, Value) and self.active(region)}
        self.alone = self._alone()
        self.globals = self._bind_globals()
        self._choose_variables()

    def kind_of(self, s) -> str:
        """How ``s`` is differentiated: its kind, or TAPE for a call that could not be lowered."""
        return TAPE if s in self.taped else s.kind

    def active(self, item) -> bool:
        """Does reversing ``item`` (a region item or a list) do anything?"""
        if isinstance(item, list):
            return any(self.active(x) for x in item)
        if isinstance(item, Blk):
            return self.block_active(item.block)
        if isinstance(item, Jump):
            return item.kind == "return" and self.a.is_active(item.value)
        if isinstance(item, If):
            return self.active(item.then) or self.active(item.orelse)
        if isinstance(item, Loop):
            extra = [b for b in (item.latch, item.landing) if b is not None]
            return (self.active(item.header) or self.active(item.body)
                    or any(self.block_active(b) for b in extra))
        return False

    def block_active(self, b) -> bool:
        if any(s in self.statements for s in b.statements):
            return True
        t = b.terminator
        return isinstance(t, Goto) and any(self.a.is_active(phi.target) for phi in t.target.phis)

    def needed(self, b) -> list:
        out = []
        for s in b.statements:
            p = self.statements.get(s)
            if p is not None:
                out += p.needed
        return list(dict.fromkeys(out))

    def _alone(self) -> set:
        """Values that get a variable of their own: what the reverse pass reads outside
        loops (it must still hold its value then), and branch conditions."""
        alone = set()
        for b in self.fn.blocks:
            top = self.a.loop_of.get(b) is None
            for v in self.needed(b):
                if top or self.a.loop_of_value(v) is None:
                    alone.add(v)
            t = b.terminator
            if isinstance(t, Branch) and isinstance(t.cond, Value):
                alone.add(t.cond)
        return alone

    def _bind_globals(self) -> dict:
        """Bind every global the code reads (constants, callables) in the namespace
        before any local is named, so no local can shadow one: ``{name: text}``."""
        out = {}

        def visit(v):
            if isinstance(v, Const) and v is not UNDEF and not v.is_literal and v.name not in out:
                out[v.name] = self.ns.dotted(v.name, self.scope)
        for b in self.fn.blocks:
            for phi in b.phis:
                for _, v in phi.incoming:
                    visit(v)
            for st in b.statements:
                for v in st.args:
                    visit(v)
                if self.kind_of(st) in (TAPE, PLAIN) and "{" not in st.callee and st.callee not in out:
                    out[st.callee] = self.ns.dotted(st.callee, self.scope)
            t = b.terminator
            visit(getattr(t, "cond", None) if isinstance(t, Branch) else getattr(t, "value", None))
        return out

    def _choose_variables(self):
        fn = self.fn
        prefix = names.value_prefix(fn.params)
        while True:
            self.names = LocalNames(fn.user_names, fn.user_locals, self.ns)
            self.vars = Variables(self.a, self.alone, self.names, prefix)
            self.records, clash = self._records()
            if clash is None:
                break
            self.alone.add(clash)
        self.adjoints = {r: self.names.version(names.adjoint_of(name))
                         for r, name in sorted(self.vars.name.items(),
                                               key=lambda item: self.a.order[item[0]])}
        self._name_saved()

    def record_values(self, b) -> list:
        if self.a.loop_of.get(b) is None:
            return []
        values = [v for v in self.needed(b)          # a call's saved data, or a loop value
                  if v not in self.a.order or self.a.loop_of_value(v) is not None]
        cond = self.join_conds.get(b)
        if cond is not None and self.a.loop_of_value(cond) is not None:
            values.append(cond)
        return list(dict.fromkeys(values))

    def _records(self):
        """Per block in a loop: ``(position, values)`` to save; or a value to give a
        variable of its own when no single position holds them all."""
        records = {}
        for b in self.fn.blocks:
            values = self.record_values(b)
            if not values:
                continue
            where = {s.target: k for k, s in enumerate(b.statements)}
            where.update({self.saved[s]: k for k, s in enumerate(b.statements)
                          if s in self.saved})
            lo, hi, clash = 0, len(b.statements), None
            seen = {}
            for v in values:
                if v in where:
                    lo = max(lo, where[v] + 1)
                if v in self.a.order:
                    root = self.vars.find(v)
                    if root in seen:
                        return None, v
                    seen[root] = v
            for v in values:
                if v not in self.a.order:
                    continue
                start = where[v] + 1 if v in where else 0
                for k in range(start, len(b.statements)):
                    w = b.statements[k].target
                    if w is not v and self.vars.same(w, v):
                        if k < hi:
                            hi, clash = k, w
                        break
            if lo > hi:
                return None, clash
            records[b] = (lo, values)
        return records, None

    # -- names ---------------------------------------------------------------------
    def var(self, v) -> str:
        if isinstance(v, Value) and v not in self.a.order:      # what a call saved
            return self.saved_names[v]
        return self.vars.of(v)

    def _name_saved(self):
        """``saved_y3`` for each call's saved data: one variable per call statement."""
        self.saved_names = {}
        for s, saved in self.saved.items():
            self.saved_names[saved] = self.names.version(names.saved(self.vars.of(s.target)))

    def const_text(self, c) -> str:
        """A constant in generated code: a literal, or its global's name bound there."""
        if c.name and not c.is_literal:
            return self.global_text(c.name)
        return py_literal(c.value)

    def global_text(self, name) -> str:
        """How the code writes a global it reads (``np.sum``; ``seed_2`` if renamed)."""
        return self.globals.get(name) or self.ns.dotted(name, self.scope)

    def adjoint(self, v) -> str:
        return self.adjoints[self.vars.find(v)]

    def unused(self) -> str:
        """The name of a loop variable nobody reads: ``_`` (one per function)."""
        if not hasattr(self, "_unused"):
            self._unused = self.names.version("_")
        return self._unused

    def control(self, word: str) -> str:
        """A fresh bookkeeping name: ``stack``, ``stack2``, ... (``out``, ``saved``, ``_``)."""
        return self.names.numbered(lambda k: names.control(word, k))

    def root(self, v):
        return self.vars.find(v)


def _scope(function):
    """Look a name up as ``function`` would: closure, globals, builtins."""
    import builtins
    import inspect
    closure = inspect.getclosurevars(function).nonlocals

    def lookup(name):
        for scope in (closure, function.__globals__, vars(builtins)):
            if name in scope:
                return scope[name]
        raise NameError(name)
    return lookup


class LoopInfo:
    """How one loop is kept for the reverse pass.

    ``stack``: the list its top-level loop pushes to; ``count``: a counter of finished
    iterations (nested loops, and loops whose iterations may save nothing); ``exit``:
    which ``break`` left it (0 for the normal exit); ``latch``: which way an iteration
    ended, when ``continue`` makes more than one.
    """

    def __init__(self, loop):
        self.loop = loop
        self.active = False
        self.stack = self.count = self.exit = self.latch = None
        self.latch_sites = latch_sites(loop)


def control(plan) -> tuple[dict, str | None]:
    """Per loop a ``LoopInfo``; and the return-site variable, if one is needed."""
    infos = {}
    new = plan.control
    for loop in plan.a.loops:
        info = infos[loop] = LoopInfo(loop)
        info.active = plan.active(loop)
    for loop in plan.a.loops:
        info = infos[loop]
        if not info.active:
            continue
        top = plan.a.top_loop(loop)
        if infos[top].stack is None:
            infos[top].stack = new("stack")
        info.stack = infos[top].stack
        if loop.breaks:
            info.exit = new("exit")
        if len(info.latch_sites) > 1:
            info.latch = new("latch")
        # ``while stack:`` can count the iterations when each finished one pushes: a
        # block every iteration runs (at the top of the body) saves something.
        every = info.latch is not None or any(
            isinstance(item, Blk) and item.block in plan.records for item in loop.body)
        if loop.parent is not None or not every:
            info.count = new("count")
    sites = [j for j in returns_in(plan.fn.body)]
    site = plan.control("site") if len(sites) > 1 or any(j.loop is not None for j in sites) \
        else None
    return infos, site


# Control variables the generated code uses (named by ``plan.control``): a loop's
# stack, iteration count, exit and latch site; the return site; a called function's
# output and the data its forward pass saved for its backward pass. Rows of the same
# name are not bound in the namespace under these words.
CONTROL_WORDS = ("stack", "count", "exit", "latch", "site", "out", "saved")
