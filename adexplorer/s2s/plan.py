"""The plan of an adjoint: every decision the passes follow, kept apart from the SSA form.

Which statements are active and what each sends back (``contributions``), which calls go
by the tape, where a call's pullback data is kept, what the reverse pass reads, what
loops must save (``records``) and which Python variable holds which value. The SSA form
is only read, so one lowering serves every plan made from it.
"""

from __future__ import annotations

import copy

from ..core import names
from .analysis import Analysis, Variables
from .contributions import Tokens, plan_statement
from .ir import (CALL, PLAIN, TAPE, UNDEF, Block, Branch, Constant, Goto, If, Jump, Loop, Value,
                 py_literal)
from .localnames import LocalNames
from .regions import decided_ifs, latch_sites, returns_in


class Plan:
    """Contributions of every active statement, the records loops save, the variables."""

    def __init__(self, fn, mode: str, ns, analysis=None, taped=frozenset()):
        self.fn, self.mode, self.ns = fn, mode, ns
        self.scope = _scope(fn.function)
        self.analysis = analysis or Analysis(fn)
        self.taped = frozenset(taped)       # calls of functions that could not be lowered
        self.tokens = Tokens()
        self.statements: dict = {}          # active statement -> what it sends back
        self.saved: dict = {}               # active call -> the value of its pullback data
        for b in fn.blocks:
            for s in b.statements:
                if self.analysis.is_active(s.target):
                    kind = self.kind_of(s)
                    if kind in (CALL, TAPE):
                        self.saved[s] = Value("saved")
                    self.statements[s] = plan_statement(s, kind, self.saved.get(s), self.analysis,
                                                        self.tokens, mode, ns)
        for loop in self.analysis.loops:          # a condition feeds a branch only: no derivative
            assert not any(isinstance(item, Block) and any(
                s in self.statements for s in item.statements) for item in loop.header)
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
        if isinstance(item, Block):
            return self.block_active(item)
        if isinstance(item, Jump):
            return item.kind == "return" and self.analysis.is_active(item.value)
        if isinstance(item, If):
            return self.active(item.then) or self.active(item.orelse)
        if isinstance(item, Loop):
            extra = [b for b in (item.latch, item.landing) if b is not None]
            return (self.active(item.header) or self.active(item.body)
                    or any(self.block_active(b) for b in extra))
        return False

    def block_active(self, b) -> bool:
        """Does reversing block ``b`` do anything (an active statement, or φs it sends to)?"""
        if any(s in self.statements for s in b.statements):
            return True
        t = b.terminator
        return isinstance(t, Goto) and any(self.analysis.is_active(phi.target)
                                           for phi in t.target.phis)

    def needed(self, b) -> list:
        """The values the reverse pass reads for block ``b``'s statements."""
        out = []
        for s in b.statements:
            sent = self.statements.get(s)
            if sent is not None:
                out += sent.needed
        return list(dict.fromkeys(out))

    def _alone(self) -> set:
        """Values that get a variable of their own: what the reverse pass reads outside
        loops (it must still hold its value then), and branch conditions."""
        alone = set()
        for b in self.fn.blocks:
            top = self.analysis.loop_of.get(b) is None
            for v in self.needed(b):
                if top or self.analysis.loop_of_value(v) is None:
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
            if isinstance(v, Constant) and v is not UNDEF and not v.is_literal \
                    and v.name not in out:
                out[v.name] = self.ns.dotted(v.name, self.scope)
        for b in self.fn.blocks:
            for phi in b.phis:
                for _, v in phi.incoming:
                    visit(v)
            for st in b.statements:
                for v in st.args:
                    visit(v)
                if self.kind_of(st) in (TAPE, PLAIN) and "{" not in st.callee \
                        and st.callee not in out:
                    out[st.callee] = self.ns.dotted(st.callee, self.scope)
            t = b.terminator
            visit(getattr(t, "cond", None) if isinstance(t, Branch) else getattr(t, "value", None))
        return out

    def _choose_variables(self):
        fn = self.fn
        prefix = names.value_prefix(fn.params)
        while True:
            self.names = LocalNames(fn.user_names, fn.user_locals, self.ns)
            self.vars = Variables(self.analysis, self.alone, self.names, prefix)
            self.records, clash = self._records()
            if clash is None:
                break
            self.alone.add(clash)
        self.adjoints = {r: self.names.version(names.adjoint_of(name))
                         for r, name in sorted(self.vars.name.items(),
                                               key=lambda item: self.analysis.order[item[0]])}
        self._name_saved()

    def record_values(self, b) -> list:
        """What block ``b`` in a loop saves for the reverse pass (nothing outside loops)."""
        if self.analysis.loop_of.get(b) is None:
            return []
        values = [v for v in self.needed(b)          # a call's saved data, or a loop value
                  if v not in self.analysis.order or self.analysis.loop_of_value(v) is not None]
        cond = self.join_conds.get(b)
        if cond is not None and self.analysis.loop_of_value(cond) is not None:
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
                if v in self.analysis.order:
                    root = self.vars.find(v)
                    if root in seen:
                        return None, v
                    seen[root] = v
            for v in values:
                if v not in self.analysis.order:
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
        """The Python variable holding ``v`` (or a call's saved data)."""
        if isinstance(v, Value) and v not in self.analysis.order:      # what a call saved
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
        """The adjoint variable of ``v``'s variable (``r̄``)."""
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
        """The value that stands for ``v``'s variable."""
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
    for loop in plan.analysis.loops:
        info = infos[loop] = LoopInfo(loop)
        info.active = plan.active(loop)
    for loop in plan.analysis.loops:
        info = infos[loop]
        if not info.active:
            continue
        top = plan.analysis.top_loop(loop)
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
            isinstance(item, Block) and item in plan.records for item in loop.body)
        if loop.parent is not None or not every:
            info.count = new("count")
    sites = [j for j in returns_in(plan.fn.body)]
    site = plan.control("site") if len(sites) > 1 or any(j.loop is not None for j in sites) \
        else None
    return infos, site


def written_bookkeeping(infos, reads) -> dict:
    """The loop infos the forward pass writes: a top-level loop keeps only the bookkeeping
    (stack, count, exit) that the reverse pass ``reads``. Changed infos are copies, so
    ``infos`` stays as ``control`` planned it, whichever pass reads it next."""
    out = {}
    for loop, info in infos.items():
        if loop.parent is None and any(x and x not in reads
                                       for x in (info.stack, info.count, info.exit)):
            info = copy.copy(info)
            info.stack, info.count, info.exit = (x if x in reads else None
                                                 for x in (info.stack, info.count, info.exit))
        out[loop] = info
    return out


# Control variables the generated code uses (named by ``plan.control``): a loop's
# stack, iteration count, exit and latch site; the return site; a called function's
# output and the data its forward pass saved for its reverse pass. Rows of the same
# name are not bound in the namespace under these words.
CONTROL_WORDS = ("stack", "count", "exit", "latch", "site", "out", "saved")
