"""The loop half of the lowering (see ``lower.Lowerer``): ``while``, ``for ... in range``,
``break`` and ``continue``.

A loop gets a header block with a φ for every variable its body assigns; the body's
ends (falling off the end, ``continue``) fill the φs, through a latch block when there
is more than one way to end an iteration; a normal exit and the ``break`` jumps join
after the loop, through a landing block when both happen.
"""

from __future__ import annotations

import ast

from ..core import rules as R
from .ir import (PLAIN, ROW, UNDEF, Branch, Constant, Goto, Jump, Loop, Phi, Statement,
                 Value)
from .runtime import in_range
from .source_code import assigned_names

class LoopContext:
    """A loop being lowered: its header, the φs there by variable name, and the ``break``
    and ``continue`` jumps found so far."""

    def __init__(self, loop, header):
        self.loop = loop
        self.header = header
        self.phis: dict[str, Phi] = {}
        self.breaks: list = []        # (block, env, jump)
        self.continues: list = []     # (block, env, jump)


class Loops:
    """Lowering of loops, mixed into ``lower.Lowerer``."""

    def stmt_While(self, node):
        """``while cond:``."""
        if node.orelse:
            raise self.unsupported(node, "while ... else", "use a flag variable")
        loop, ctx, outer = self.open_loop("while", node)
        loop.cond = self.expr(node.test)
        self.loop_body(loop, ctx, node, outer)

    def stmt_For(self, node):
        """``for i in range(...)``: a counter φ, a test, a step at the end of the body."""
        if node.orelse:
            raise self.unsupported(node, "for ... else", "use a flag variable")
        it = node.iter
        if not (isinstance(it, ast.Call) and isinstance(it.func, ast.Name)
                and self.lookup(it.func.id, it) is range and not it.keywords
                and 1 <= len(it.args) <= 3):
            raise self.unsupported(node, "for loops over anything but range(...)",
                                   "loop over indices: for i in range(len(a))")
        if not isinstance(node.target, ast.Name):
            raise self.unsupported(node.target, "for loops with a tuple target")
        bounds = [self.expr(a) for a in it.args]
        start, stop, step = ([Constant(0)] + bounds + [Constant(1)])[:3] if len(bounds) == 1 else \
            (bounds + [Constant(1)])[:3]
        if isinstance(step, Constant) and step.value == 0:
            raise self.unsupported(it, "range() with step 0")
        loop, ctx, outer = self.open_loop("for", node, counter=(node.target.id, start))
        loop.range_args = (start, stop, step)
        k = loop.counter.target
        line = self.line(node)
        if isinstance(step, Constant) and isinstance(step.value, int) and step.value > 0:
            loop.cond = self.emit(Statement(ROW, Value(), [k, stop], line, row=R.less))
        elif isinstance(step, Constant) and isinstance(step.value, int):
            loop.cond = self.emit(Statement(ROW, Value(), [k, stop], line, row=R.greater))
        else:
            loop.cond = self.emit(Statement(PLAIN, Value(), [k, stop, step], line, fn=in_range,
                                            callee="in_range({0}, {1}, {2})"))
        self.loop_body(loop, ctx, node, outer, target=node.target.id)

    def open_loop(self, kind, node, counter=None):
        """Start a loop: its header block with a φ for every variable the body assigns."""
        line = self.line(node)
        pre = self.block
        loop = Loop(kind, line)
        loop.parent = self.loops[-1].loop if self.loops else None
        self.seq.append(loop)
        header = self.new_block()
        loop.header_block = header
        pre.terminator = Goto(header, line)
        ctx = LoopContext(loop, header)
        if counter is not None:
            loop.counter = Phi(Value(counter[0]), line, nondiff=True)
            loop.counter.incoming.append((pre, counter[1]))
            header.phis.append(loop.counter)
        for name in assigned_names(node.body, node):
            phi = Phi(Value(name), line)
            phi.incoming.append((pre, self.env.get(name, UNDEF)))
            header.phis.append(phi)
            ctx.phis[name] = phi
            self.env[name] = phi.target
        outer = self.seq
        self.seq = loop.header
        self.start(header)
        return loop, ctx, outer

    def loop_body(self, loop, ctx, node, outer, target=None):
        """Lower the body, then fill the header φs from the ends of the iterations and join
        the exits."""
        line = self.line(node)
        hend, henv = self.block, self.env
        self.loops.append(ctx)
        self.seq, self.env = loop.body, dict(henv)
        body_block = self.new_block()
        self.start(body_block)
        if target is not None:
            self.env[target] = loop.counter.target
        self.statements(node.body)
        self.loops.pop()
        ends = [(b, e) for b, e, _ in ctx.continues]
        if self.block is not None:
            loop.end_site = self.next_site()
            ends.append((self.block, self.env))
        latch_env = None
        if loop.kind == "for" and ends or len(ends) > 1:
            latch = loop.latch = self.new_block()
            for b, _ in ends:
                b.terminator = Goto(latch, line)
            latch_env = self.merge(latch, ends, line)
            self.block = latch
            if loop.kind == "for":
                step = loop.range_args[2]
                nxt = self.emit(Statement(ROW, Value(loop.counter.target.hint),
                                          [loop.counter.target, step], line, row=R.add,
                                          nondiff=True))
                loop.counter.incoming.append((latch, nxt))
            latch.terminator = Goto(ctx.header, line)
            back = latch
        elif ends:
            back, latch_env = ends[0]
            back.terminator = Goto(ctx.header, line)
        else:
            back = None
        if back is not None:
            for name, phi in ctx.phis.items():
                phi.incoming.append((back, latch_env.get(name, UNDEF)))
        # leaving the loop: the normal exit and every break
        exits = [(hend, henv)]
        if ctx.breaks:
            loop.landing = self.new_block()
            exits = [(loop.landing, henv)] + [(b, e) for b, e, _ in ctx.breaks]
        loop.exit = self.new_block()
        hend.terminator = Branch(loop.cond, body_block, loop.landing or loop.exit, line)
        if loop.landing is not None:
            for b, _ in exits:
                b.terminator = Goto(loop.exit, line)
        self.seq = outer
        self.env = self.merge(loop.exit, exits, line) if len(exits) > 1 else dict(henv)
        self.start(loop.exit)

    def stmt_Break(self, node):
        """``break``."""
        self.loop_jump("break", node)

    def stmt_Continue(self, node):
        """``continue``."""
        self.loop_jump("continue", node)

    def loop_jump(self, kind, node):
        """``break`` or ``continue``: a jump site the loop's exit or latch joins."""
        if not self.loops:
            raise self.unsupported(node, f"{kind} outside a loop")
        ctx = self.loops[-1]
        jump = Jump(kind, self.block, ctx.loop, None, self.line(node))
        jump.site = self.next_site()
        self.jumps.append(jump)
        self.seq.append(jump)
        (ctx.breaks if kind == "break" else ctx.continues).append((self.block, self.env, jump))
        (ctx.loop.breaks if kind == "break" else ctx.loop.continues).append(jump)
        self.block = None
