"""Python source to SSA: ``ssa(f)`` reads ``f``'s source and lowers its AST to blocks and φ nodes.

Variables become values assigned once; at every join (after an ``if``, at a loop
header, after a loop) a variable with different values on the incoming paths gets a
φ node. Supported: assignment (also ``a, b = b, a + b``), augmented assignment,
arithmetic and comparisons (chained too), ``and``/``or``/``not``, ``x if c else y``,
indexing, calls, ``if``/``elif``/``else``, ``while``, ``for ... in range(...)`` (start,
stop, step), ``break``, ``continue`` and ``return`` anywhere. Names that are not local
variables are read from the function's globals and closure when it is lowered; the
function keeps what they were (``free``), so ``source_code.watch`` can tell when one now means
something else and the lowering is out of date.

Anything else raises ``UnsupportedSyntax`` naming the construct and its line in the
user's file. Expressions are lowered in ``expressions.py``, loops in ``loops.py``.
"""

from __future__ import annotations

import ast
import builtins
import inspect
import linecache
import textwrap

from ..core.operator_table import symbol_of
from .cleanup import finish
from .expressions import Expressions, ListDisplay, LiteralTuple, is_literal_constant
from .ir import (UNDEF, Block, Branch, Constant, Goto, If, Jump, Phi, Return, SSAFunction,
                 Statement, Value)
from .lambdas import lambda_definition
from .loops import LoopContext, Loops
from .source_code import identifiers, read_function, read_source
from .unsupported import UNSUPPORTED, LoweringError, SourceUnavailable, UnsupportedSyntax

__all__ = ["ssa", "lowered_or_none", "Lowerer", "LoweringError", "SourceUnavailable",
           "UnsupportedSyntax"]


def ssa(fn) -> SSAFunction:
    """Lower ``fn`` to SSA form: ``print(ad.ssa(pow))`` shows blocks and φ nodes."""
    try:
        return Lowerer(fn).run()
    except LoweringError as e:
        raise e.with_traceback(None) from None     # the message names the construct and line


def lowered_or_none(fn):
    """``fn`` lowered to SSA form, or None when it cannot be (the tape differentiates it)."""
    try:
        return ssa(fn)
    except LoweringError:
        return None


class Lowerer(Expressions, Loops):
    """Walks one function's AST, filling blocks; ``run()`` returns the ``SSAFunction``."""

    def __init__(self, fn):
        self.fn = fn = read_function(fn)
        self.filename = fn.__code__.co_filename
        if fn.__name__ == "<lambda>":
            node, self.first, source = lambda_definition(fn)
        else:
            fn, source, self.first = read_source(fn)
            try:
                module = ast.parse(textwrap.dedent(source))
            except SyntaxError:
                module = None
            node = module.body[0] if module and module.body else None
            if not isinstance(node, ast.FunctionDef):
                raise UnsupportedSyntax("this kind of function definition", self.filename,
                                        self.first, source.splitlines()[0] if source else "",
                                        "define the function with def")
        self.source = source
        self.node = node
        closure = inspect.getclosurevars(fn)
        self.scope = [dict(closure.nonlocals), fn.__globals__, vars(builtins)]
        self.blocks: list[Block] = []
        self.block: Block | None = None
        self.seq: list = []
        self.env: dict = {}
        self.loops: list[LoopContext] = []
        self.sites = 0
        self.jumps: list[Jump] = []
        self.free: dict = {}            # global, closure and builtin names read: their values

    # -- helpers -----------------------------------------------------------------
    def line(self, node) -> int:
        """The line of ``node`` in the user's file."""
        return getattr(node, "lineno", 1) + self.first - 1

    def unsupported(self, node, construct, hint=""):
        """The ``UnsupportedSyntax`` error for ``construct`` at ``node``'s line."""
        line = self.line(node)
        return UnsupportedSyntax(construct, self.filename, line,
                                 linecache.getline(self.filename, line), hint)

    def new_block(self) -> Block:
        """A new, empty block of this function."""
        b = Block()
        self.blocks.append(b)
        return b

    def start(self, block):
        """Continue lowering into ``block`` (and place it in the region tree)."""
        self.block = block
        self.seq.append(block)

    def emit(self, stmt: Statement):
        """Append ``stmt`` to the current block; its target is the result."""
        self.block.statements.append(stmt)
        return stmt.target

    def next_site(self) -> int:
        """The next exit-site number, in program order."""
        self.sites += 1
        return self.sites

    # -- the function --------------------------------------------------------------
    def run(self) -> SSAFunction:
        """Lower the whole function: its ``SSAFunction``, tidied by ``cleanup.finish``."""
        node = self.node
        a = node.args
        if a.vararg or a.kwarg or a.kwonlyargs:
            raise self.unsupported(node, "*args, keyword-only and **kwargs parameters",
                                   "use positional parameters")
        params = [p.arg for p in a.posonlyargs + a.args]
        args = [Value(p) for p in params]
        self.env = dict(zip(params, args))
        body: list = []
        self.seq = body
        self.start(self.new_block())
        self.statements(node.body)
        if self.block is not None:           # falling off the end returns None
            self.jump_return(Constant(None), node.body[-1])
        blocks = finish(self.blocks, args, body, self.jumps)
        lines = {self.first + k: text for k, text in enumerate(self.source.splitlines())}
        fn = SSAFunction(node.name, params, args, blocks, body, self.fn, self.filename, lines)
        fn.user_names, fn.user_locals = identifiers(node)
        fn.free = dict(self.free)
        return fn

    def statements(self, nodes):
        """Lower statement nodes in order (nothing after a jump: unreachable)."""
        for node in nodes:
            if self.block is None:          # after break/continue/return: unreachable
                return
            method = getattr(self, "stmt_" + type(node).__name__, None)
            if method is None:
                construct, hint = UNSUPPORTED.get(type(node).__name__,
                                                   (f"{type(node).__name__} statements", ""))
                raise self.unsupported(node, construct, hint)
            method(node)

    # -- simple statements -----------------------------------------------------------
    def stmt_Pass(self, node):
        """``pass``: nothing."""
        pass

    def stmt_Expr(self, node):
        """An expression statement (``print(x)``); a docstring is skipped."""
        if isinstance(node.value, ast.Constant):      # a docstring or ``...``
            return
        self.expr(node.value)

    def stmt_Assign(self, node):
        """``a = b = value``, ``a, b = b, a + b``."""
        for target in node.targets:
            self.check_target(target)
        value = self.evaluate(node.value)
        for target in node.targets:
            self.bind(target, value)

    def stmt_AnnAssign(self, node):
        """``x: float = value``."""
        self.check_target(node.target)
        if node.value is not None:
            self.bind(node.target, self.evaluate(node.value))

    def stmt_AugAssign(self, node):
        """``x += value``: ``x = x + value`` on the same row."""
        self.check_target(node.target)
        if not isinstance(node.target, ast.Name):
            raise self.unsupported(node, "augmented assignment to this target")
        name = node.target.id
        if name not in self.env:
            raise self.unsupported(node, f"{name} {symbol_of(node.op)}= ... before {name} "
                                   "is assigned in the function")
        value = self.binop(node.op, self.env[name], self.expr(node.value), node)
        self.bind(node.target, value)

    def check_target(self, target):
        """Refuse targets that are not names or tuples (lists) of names, before the value is
        lowered."""
        if isinstance(target, ast.Attribute):
            raise self.unsupported(target, "attribute assignment (obj.attr = ...)",
                                   "assign to a local variable instead")
        if isinstance(target, ast.Subscript):
            raise self.unsupported(target, "item assignment (x[i] = ...)",
                                   "build a new array (np.where, np.concatenate) instead")
        if isinstance(target, ast.Starred):
            raise self.unsupported(target, "starred assignment")
        if isinstance(target, (ast.Tuple, ast.List)):
            for t in target.elts:
                self.check_target(t)
        elif not isinstance(target, ast.Name):
            raise self.unsupported(target, f"assignment to {type(target).__name__}")

    def evaluate(self, node):
        """A value, or a list of them for a tuple display (``b, a + b``); a tuple of
        numbers (``c = (1.0, -2.0, 3.0)``) is one constant."""
        if isinstance(node, (ast.Tuple, ast.List)):
            values = [self.evaluate(e) for e in node.elts]
            if isinstance(node, ast.List):
                return ListDisplay(values)
            if values and all(is_literal_constant(v) for v in values):
                return LiteralTuple(values)
            return values
        return self.expr(node)

    def bind(self, target, value):
        """Bind ``target`` (a name or a tuple of them) to ``value`` in the environment."""
        if isinstance(target, ast.Name):
            if isinstance(value, LiteralTuple):
                value = Constant(tuple(v.value for v in value))
            if isinstance(value, ListDisplay):
                raise self.unsupported(target, "list displays", "keep the values in "
                                       "variables of their own: a, b = x, y")
            if isinstance(value, list):
                raise self.unsupported(target, "tuple values", "unpack them: a, b = x, y")
            if isinstance(value, Value) and value.hint is None:
                value.hint = target.id
            self.env[target.id] = value
            return
        if not isinstance(value, list):
            raise self.unsupported(target, "unpacking a value that is not written as a "
                                   "tuple", "write the right-hand side as a tuple: a, b = b, a")
        if len(value) != len(target.elts):
            raise self.unsupported(target, f"unpacking {len(value)} values into "
                                   f"{len(target.elts)} names")
        for t, v in zip(target.elts, value):
            self.bind(t, v)

    # -- control flow ------------------------------------------------------------------
    def branch(self, cond, then_fn, else_fn, line):
        """``if cond``: lower each arm with the given function; join where they meet."""
        head, outer, env0 = self.block, self.seq, self.env
        region = If(cond, line)
        outer.append(region)
        ends, arms = [], []
        for items, lower_arm in ((region.then, then_fn), (region.orelse, else_fn)):
            self.seq, self.env = items, dict(env0)
            block = self.new_block()
            arms.append(block)
            self.start(block)
            lower_arm()
            if self.block is not None:
                ends.append((self.block, self.env))
        head.terminator = Branch(cond, arms[0], arms[1], line)
        self.seq = outer
        if not ends:
            self.block = None
            return
        join = self.new_block()
        for b, _ in ends:
            b.terminator = Goto(join, line)
        self.env = self.merge(join, ends, line)
        self.start(join)

    def merge(self, join, ends, line) -> dict:
        """The environment at ``join`` after the ``ends`` (block, environment) that reach
        it: a φ for each variable whose values differ."""
        keys = list(dict.fromkeys(k for _, env in ends for k in env))
        env = {}
        for k in keys:
            values = [e.get(k, UNDEF) for _, e in ends]
            if all(v is values[0] for v in values):
                if values[0] is not UNDEF:
                    env[k] = values[0]
                continue
            phi = Phi(Value(k if k.isidentifier() else None), line)
            phi.incoming = [(b, v) for (b, _), v in zip(ends, values)]
            join.phis.append(phi)
            env[k] = phi.target
        return env

    def stmt_If(self, node):
        """``if``/``elif``/``else``."""
        cond = self.expr(node.test)
        self.branch(cond, lambda: self.statements(node.body),
                    lambda: self.statements(node.orelse), self.line(node))

    def stmt_Return(self, node):
        """``return value`` (one value: the gradient needs a scalar output)."""
        if isinstance(node.value, (ast.Tuple, ast.List)):
            kind = "a tuple" if isinstance(node.value, ast.Tuple) else "a list"
            raise self.unsupported(node, f"returning {kind}",
                                   "the gradient needs one scalar output")
        value = Constant(None) if node.value is None else self.expr(node.value)
        self.jump_return(value, node)

    def jump_return(self, value, node):
        """End the current block with ``return value``, a numbered jump site."""
        line = self.line(node)
        loop = self.loops[-1].loop if self.loops else None
        jump = Jump("return", self.block, loop, value, line)
        jump.site = self.next_site()
        self.jumps.append(jump)
        self.seq.append(jump)
        self.block.terminator = Return(value, line)
        self.block = None
