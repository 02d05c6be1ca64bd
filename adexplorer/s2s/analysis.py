"""Facts about an SSA function that the adjoint generator needs.

- **Loops**: which loop each block belongs to (innermost), in program order.
- **Activity**: a value is *active* when it depends on an argument through
  differentiable operations (varied) and the output depends on it (useful) — Zygote's
  ``nothing`` and the tape's ``None`` for the rest: ``n`` in ``pow`` is a loop counter.
- **Liveness**: which values are still needed after each definition, hence which values
  *interfere* (cannot share one Python variable).
- **Variables** (out of SSA): a φ and the values flowing into it that carry the same
  source name share one Python variable when they do not interfere, so the generated
  code reads ``r = r * x`` as the user wrote it, not ``r2 = r1 * x; r1 = r2``.
"""

from __future__ import annotations

from ..core import names
from .ir import Block, Branch, If, Loop, Return, Value, values_reached


class Analysis:
    """Loops, activity and liveness of one ``SSAFunction``."""

    def __init__(self, fn):
        self.fn = fn
        self.loops: list[Loop] = fn.loops()
        self.loop_of: dict = {}
        self._map(fn.body, None)
        self.order: dict[Value, int] = {}       # program order of definitions
        self.block_of: dict[Value, object] = {}
        self.phi_of: dict[Value, object] = {}
        for v in fn.args:
            self.order[v] = len(self.order)
        for b in fn.blocks:
            for phi in b.phis:
                self.order[phi.target] = len(self.order)
                self.block_of[phi.target] = b
                self.phi_of[phi.target] = phi
            for s in b.statements:
                self.order[s.target] = len(self.order)
                self.block_of[s.target] = b
        self._activity()
        self._liveness()

    def _map(self, items, loop):
        for item in items:
            if isinstance(item, Block):
                self.loop_of[item] = loop
            elif isinstance(item, If):
                self._map(item.then, loop)
                self._map(item.orelse, loop)
            elif isinstance(item, Loop):
                self._map(item.header, item)
                self._map(item.body, item)
                if item.latch is not None:
                    self.loop_of[item.latch] = item
                if item.landing is not None:
                    self.loop_of[item.landing] = loop

    def loop_of_value(self, v) -> Loop | None:
        """The innermost loop whose blocks define ``v`` (None outside loops and for
        arguments)."""
        b = self.block_of.get(v)
        return None if b is None else self.loop_of.get(b)

    def top_loop(self, loop: Loop | None) -> Loop | None:
        """The outermost loop around ``loop``."""
        while loop is not None and loop.parent is not None:
            loop = loop.parent
        return loop

    # -- activity ------------------------------------------------------------------
    def _activity(self):
        fn = self.fn
        varied = set(fn.args)
        changed = True
        while changed:
            changed = False
            for b in fn.blocks:
                for phi in b.phis:
                    if phi.target not in varied and not phi.nondiff and any(
                            v in varied for _, v in phi.incoming):
                        varied.add(phi.target)
                        changed = True
                for s in b.statements:
                    if s.target not in varied and any(
                            s.args[i] in varied for i in s.differentiable_positions()):
                        varied.add(s.target)
                        changed = True
        defs = {}
        for b in fn.blocks:
            for phi in b.phis:
                if not phi.nondiff:
                    defs[phi.target] = [v for _, v in phi.incoming]
            for s in b.statements:
                defs[s.target] = [s.args[i] for i in s.differentiable_positions()]
        outputs = [b.terminator.value for b in fn.blocks if isinstance(b.terminator, Return)]
        useful = values_reached(outputs, defs)
        self.active = varied & useful

    def is_active(self, v) -> bool:
        """Does a derivative flow through ``v`` (varied and useful)?"""
        return isinstance(v, Value) and v in self.active

    # -- liveness --------------------------------------------------------------------
    def _liveness(self):
        blocks = self.fn.blocks
        live_in = {b: set() for b in blocks}
        changed = True
        while changed:
            changed = False
            for b in reversed(blocks):
                live = self._walk(b, self._live_out(b, live_in))
                if live != live_in[b]:
                    live_in[b] = live
                    changed = True
        self.live_after: dict[Value, set] = {}
        for b in blocks:
            self._walk(b, self._live_out(b, live_in), record=True)
        for v in self.fn.args:                  # arguments are defined before the entry
            self.live_after[v] = set(live_in[blocks[0]])

    def _live_out(self, b, live_in) -> set:
        out = set()
        for s in b.successors:
            out |= live_in[s]
            for phi in s.phis:
                v = phi.value_from(b)
                if isinstance(v, Value):
                    out.add(v)
        return out

    def _walk(self, b, live, record=False) -> set:
        live = set(live)
        t = b.terminator
        if isinstance(t, Branch) and isinstance(t.cond, Value):
            live.add(t.cond)
        elif isinstance(t, Return) and isinstance(t.value, Value):
            live.add(t.value)
        for s in reversed(b.statements):
            if record:
                self.live_after[s.target] = set(live)
            live.discard(s.target)
            live.update(a for a in s.args if isinstance(a, Value))
        for phi in b.phis:
            if record:
                self.live_after[phi.target] = set(live)
        live.difference_update(phi.target for phi in b.phis)
        return live

    def interfere(self, a, b) -> bool:
        """Are ``a`` and ``b`` both live at one point, so they need variables of their own?"""
        return a is not b and (a in self.live_after.get(b, ()) or b in self.live_after.get(a, ()))


class Variables:
    """The Python variable of every value: φ nodes coalesced with their same-named
    incoming values where they do not interfere (values in ``alone`` never share)."""

    def __init__(self, analysis: Analysis, alone: set, local_names, prefix: str = "y"):
        self.analysis = analysis
        fn = analysis.fn
        self.root = {v: v for v in analysis.order}
        self.members = {v: [v] for v in analysis.order}
        args = set(fn.args)
        for b in fn.blocks:
            for phi in b.phis:
                p = phi.target
                for _, v in phi.incoming:
                    if (isinstance(v, Value) and p.hint and v.hint == p.hint
                            and p not in alone and v not in alone):
                        self._union(p, v, args)
        self.name: dict[Value, str] = {}
        roots = sorted({self.find(v) for v in analysis.order}, key=analysis.order.get)
        for r in roots:
            group = sorted(self.members[r], key=analysis.order.get)
            arg = next((v for v in group if v in args), None)
            base = arg.hint if arg is not None else next((v.hint for v in group if v.hint), None)
            if base:
                self.name[r] = local_names.user(base)
            else:
                self.name[r] = local_names.numbered(lambda k: names.primal(k, prefix))

    def find(self, v):
        """The value that names ``v``'s group (union-find root)."""
        while self.root[v] is not v:
            v = self.root[v]
        return v

    def _union(self, a, b, args):
        ra, rb = self.find(a), self.find(b)
        if ra is rb:
            return
        ga, gb = self.members[ra], self.members[rb]
        if sum(v in args for v in ga + gb) > 1:
            return
        if any(self.analysis.interfere(x, y) for x in ga for y in gb):
            return
        self.root[rb] = ra
        self.members[ra] = ga + gb
        del self.members[rb]

    def of(self, v) -> str:
        """The Python variable holding value ``v``."""
        return self.name[self.find(v)]

    def same(self, a, b) -> bool:
        """Do ``a`` and ``b`` share one Python variable?"""
        return isinstance(a, Value) and isinstance(b, Value) and self.find(a) is self.find(b)

    def group(self, v) -> list:
        """Every value held by ``v``'s variable."""
        return self.members[self.find(v)]
