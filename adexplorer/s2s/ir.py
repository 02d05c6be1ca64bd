"""The SSA form of a Python function: basic blocks, φ nodes, branches, and their origin.

``SSAFunction`` is plain data. ``print(ad.ssa(pow))`` reads like Zygote's IR::

    pow(x = %1, n = %2)
    #1:
      goto #2
    #2:
      %3 = φ(#1 => %2, #3 => %6)     # n
      %4 = φ(#1 => 1, #3 => %7)      # r
      %5 = %3 > 0
      br %5, #3, #4
    ...

Every value is assigned once; a variable that changes in a loop or an ``if`` becomes a
φ node at the join, listing which block each incoming value comes from. Each statement
remembers its line in the user's file. Besides the blocks, the function keeps the loops
and ifs they came from (``body``, a tree of regions): the adjoint code generator walks it
to write structured Python instead of a jump table.
"""

from __future__ import annotations


import numpy as np

from ..core import names
from ..core.names import literal
from ..core.primitives import Primitive
from ..core.symbolic import Sym, expression

# Statement kinds
ROW = "row"          # a row of the primitive table: %3 = %1 * %2, %4 = sin(%3)
CALL = "call"        # a user function, lowered and differentiated too: g(%1)
TAPE = "tape"        # a function differentiated by the tape (ad.vjp) for this call
PLAIN = "plain"      # no derivative: len(%1), not %2, a range counter
GETITEM = "getitem"  # indexing: %1[%2]


class Value:
    """An SSA value; ``hint`` is the source variable it was first bound to, if any."""

    __slots__ = ("hint", "number")

    def __init__(self, hint: str | None = None):
        self.hint = hint
        self.number = 0

    def __repr__(self):
        return names.ssa_value(self.number) if self.number else f"<value {self.hint}>"


class Constant:
    """A constant operand: a literal, or a named value captured from the function's globals."""

    __slots__ = ("value", "name")

    def __init__(self, value, name: str | None = None):
        self.value = value
        self.name = name

    def __repr__(self):
        return self.name or literal(self.value)

    @property
    def is_literal(self) -> bool:
        """Written in the source as a literal (no global name)?"""
        return self.name is None


UNDEF = Constant(None, "undef")     # a variable not yet assigned on that path


class Statement:
    """``target = op(args)``. ``kind`` says what op is (see the constants above)."""

    __slots__ = ("target", "kind", "args", "params", "line", "row", "fn", "callee",
                 "nondiff")

    def __init__(self, kind, target, args, line, *, row=None, fn=None, callee=None,
                 params=None, nondiff=False):
        self.kind = kind
        self.target: Value | None = target
        self.args: list = list(args)
        self.params: dict = dict(params or {})
        self.line = line
        self.row: Primitive | None = row
        self.fn = fn                  # the callable of a CALL/TAPE/PLAIN; a ROW's NumPy ufunc
        self.callee = callee          # how the callee is written: "g", "np.sum", "len({0})"
        self.nondiff = nondiff or kind in (PLAIN,) or (row is not None and row.nondiff)

    def differentiable_positions(self) -> list[int]:
        """Argument positions a cotangent can flow to."""
        if self.nondiff:
            return []
        if self.kind == ROW:
            rules = self.row.vjp or ()
            return [i for i in range(len(self.args))
                    if _has_rule(rules, i)]
        if self.kind == GETITEM:
            return [0]
        return list(range(len(self.args)))


def _has_rule(rules, i) -> bool:
    try:
        return rules[i] is not None
    except IndexError:
        return False


class Phi:
    """``target = φ(#b1 => v1, #b2 => v2, ...)``: the value depends on the block we came from."""

    __slots__ = ("target", "incoming", "line", "nondiff")

    def __init__(self, target: Value, line: int, nondiff: bool = False):
        self.target = target
        self.incoming: list[tuple[Block, object]] = []
        self.line = line
        self.nondiff = nondiff        # a range() counter carries no derivative

    def value_from(self, block):
        """The value that comes in from ``block`` (``UNDEF`` if none)."""
        for b, v in self.incoming:
            if b is block:
                return v
        return UNDEF


class Goto:
    """A block's terminator: jump to ``target``."""

    __slots__ = ("target", "line")

    def __init__(self, target, line):
        self.target, self.line = target, line


class Branch:
    """A block's terminator: go to ``then`` if ``cond`` is true, else to ``orelse``."""

    __slots__ = ("cond", "then", "orelse", "line")

    def __init__(self, cond, then, orelse, line):
        self.cond, self.then, self.orelse, self.line = cond, then, orelse, line


class Return:
    """A block's terminator: return ``value``."""

    __slots__ = ("value", "line")

    def __init__(self, value, line):
        self.value, self.line = value, line


class Block:
    """A basic block: φ nodes, statements, and one terminator (goto, br or return)."""

    __slots__ = ("number", "phis", "statements", "terminator", "preds")

    def __init__(self):
        self.number = 0
        self.phis: list[Phi] = []
        self.statements: list[Statement] = []
        self.terminator = None
        self.preds: list[Block] = []

    def __repr__(self):
        return names.block_label(self.number)

    @property
    def successors(self) -> list:
        """The blocks the terminator can go to."""
        t = self.terminator
        if isinstance(t, Goto):
            return [t.target]
        if isinstance(t, Branch):
            return [t.then, t.orelse]
        return []


# ---------------------------------------------------------------------------
# Regions: the structure the blocks came from. A region is a list of items: the
# ``Block``s themselves, in program order, and ``If``, ``Loop`` and ``Jump``.


class If:
    """``if cond: then else: orelse``; the join block is the next item after it."""

    __slots__ = ("cond", "then", "orelse", "line")

    def __init__(self, cond, line):
        self.cond = cond
        self.then: list = []
        self.orelse: list = []
        self.line = line


class Loop:
    """A ``while`` or ``for ... in range(...)`` loop.

    ``header`` holds the header block (φ nodes and the condition); ``latch`` is a block
    every iteration ends in when there is more than one way to end one (``continue``, or
    the counter increment of a ``for`` loop); ``landing`` the block a normal exit goes
    through when ``break`` also leaves the loop; ``exit`` the block after the loop.
    """

    __slots__ = ("kind", "line", "header", "header_block", "cond", "body", "latch",
                 "landing", "exit", "counter", "range_args", "end_site", "breaks",
                 "continues", "parent")

    def __init__(self, kind, line):
        self.kind = kind
        self.line = line
        self.header: list = []
        self.header_block: Block | None = None
        self.cond = None
        self.body: list = []
        self.latch: Block | None = None
        self.landing: Block | None = None
        self.exit: Block | None = None
        self.counter: Phi | None = None
        self.range_args: tuple = ()
        self.end_site: int | None = None     # the site of falling off the end of the body
        self.breaks: list[Jump] = []
        self.continues: list[Jump] = []
        self.parent: Loop | None = None


class Jump:
    """``break``, ``continue`` or ``return`` (with its value), numbered in program order."""

    __slots__ = ("kind", "block", "loop", "value", "site", "line")

    def __init__(self, kind, block, loop, value, line):
        self.kind = kind
        self.block = block
        self.loop = loop
        self.value = value
        self.site = 0
        self.line = line


# ---------------------------------------------------------------------------
# The function


class SSAFunction:
    """A lowered Python function: arguments, blocks (``blocks[0]`` is the entry) and the
    region tree ``body``. ``str()`` prints the SSA listing; ``to_networkx()`` gives the
    control-flow graph."""

    def __init__(self, name, params, args, blocks, body, function, filename, lines):
        self.name = name
        self.params: list[str] = params
        self.args: list[Value] = args
        self.blocks: list[Block] = blocks
        self.body: list = body
        self.function = function
        self.filename = filename
        self.source_lines: dict[int, str] = lines      # line number -> source text
        self.user_names: tuple = tuple(params)         # every name the source reads or writes
        self.user_locals: tuple = tuple(params)        # its parameters and local variables
        self.free: dict = {}                           # global names read -> their values

    # -- reading -----------------------------------------------------------------
    def statements(self):
        """Every statement, block by block."""
        for b in self.blocks:
            yield from b.statements

    def phis(self):
        """Every φ node, block by block."""
        for b in self.blocks:
            yield from b.phis

    @property
    def size(self) -> int:
        """Instructions in the listing: φ nodes, statements and terminators."""
        return self.shown().size

    def loops(self) -> list[Loop]:
        """Every loop of the region tree, outer before inner, in program order."""
        out = []

        def walk(items):
            for item in items:
                if isinstance(item, Loop):
                    out.append(item)
                    walk(item.header)
                    walk(item.body)
                elif isinstance(item, If):
                    walk(item.then)
                    walk(item.orelse)
        walk(self.body)
        return out

    # -- printing ------------------------------------------------------------------
    def shown(self):
        """The listing as printed (``listing.Listing``): blocks that only jump, constant
        branches and unreachable blocks left out."""
        from .listing import Listing
        return Listing(self)

    def listing(self, lines: bool = True) -> list[tuple[str, str]]:
        """``(instruction, comment)`` pairs, one per printed line."""
        return self.shown().rows(lines)

    def text(self, lines: bool = True) -> str:
        """The SSA listing (with the source lines as comments when ``lines``)."""
        return self.shown().text(lines)

    def __str__(self):
        return self.text()

    def __repr__(self):
        shown = self.shown()
        return f"<SSAFunction {self.name}: {len(shown.blocks)} blocks, {shown.size} instructions>"

    def _repr_html_(self) -> str:
        return self.shown().html()

    def to_networkx(self):
        """The control-flow graph as printed: a node per block (key = block number) with
        its ``label``, ``phis``, ``statements``, ``terminator`` and ``text``; an edge per
        jump with ``kind`` ("goto", "true", "false") and ``back`` (a loop's back edge)."""
        return self.shown().to_networkx()


# ---------------------------------------------------------------------------
# Reachability, shared by the passes


def reachable(roots, step) -> set:
    """Everything reached from ``roots`` by following ``step(x)`` (a worklist): the
    blocks a path reaches, the values an output depends on."""
    seen, work = set(), list(roots)
    while work:
        x = work.pop()
        if x not in seen:
            seen.add(x)
            work.extend(step(x))
    return seen


def values_reached(roots, inputs: dict) -> set:
    """The values among ``roots`` and, through ``inputs`` (value -> operands it is
    computed from), every value they are computed from; constants are left out."""
    return reachable([v for v in roots if isinstance(v, Value)],
                     lambda v: [a for a in inputs.get(v, ()) if isinstance(a, Value)])


# ---------------------------------------------------------------------------
# Text of operands and statements, shared by the listing and the code generator


def py_literal(value) -> str:
    """A constant as Python source (``literal`` with tuples and slices kept valid)."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, tuple):
        inner = ", ".join(py_literal(v) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    if isinstance(value, slice):
        bounds = (value.start, value.stop, value.step)
        return f"slice({', '.join(py_literal(b) for b in bounds)})"
    if isinstance(value, str):
        return repr(value)
    return literal(value)


def operand(v, text_of):
    """An argument for ``expression``: a symbol for a value or named constant, else the number."""
    if isinstance(v, Constant) and v.is_literal and v is not UNDEF and not isinstance(v.value, str):
        return v.value
    return Sym(text_of(v))


def index_text(s: Statement, text_of) -> str:
    """The index of ``x[...]`` as Python source (``i, 1:3``)."""
    parts = []
    for part in s.params["index"]:
        if isinstance(part, int):
            parts.append(text_of(s.args[part]))
        else:
            parts.append(":".join("" if p is None else py_literal(p)
                                  for p in (part.start, part.stop))
                         + ("" if part.step is None else f":{py_literal(part.step)}"))
    if s.params.get("tuple"):
        return ", ".join(parts) + ("," if len(parts) == 1 else "")
    return parts[0]


def statement_text(s: Statement, text_of) -> str:
    """The right-hand side of a statement with operands named by ``text_of``."""
    if s.kind == ROW:
        return str(expression(s.row, [operand(a, text_of) for a in s.args], s.params))
    args = [text_of(a) for a in s.args]
    if s.kind == GETITEM:
        return f"{args[0]}[{index_text(s, text_of)}]"
    if s.kind == PLAIN and "{" in s.callee:
        return s.callee.format(*args)
    keywords = keyword_texts(s.params, text_of)
    return f"{s.callee}({', '.join(args + keywords)})"


def keyword_texts(params: dict, text_of) -> list[str]:
    """``k=v`` for each keyword: a row's parameters are values; a call's keywords are
    operands (a global array by its name)."""
    return [f"{k}={text_of(v) if isinstance(v, Constant) else py_literal(v)}"
            for k, v in params.items()]
