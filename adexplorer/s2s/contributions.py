"""What each active statement sends back: its cotangent texts, read from the primitive table.

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

from ..core.primitives import ATOM
from ..core.symbolic import Sym, vjp_text
from .analysis import Analysis
from .ir import CALL, GETITEM, TAPE, Constant, Value, py_literal

COTANGENT = "⟦g⟧"          # the cotangent a statement receives, in rule texts
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
        """The values whose placeholders occur in ``text``."""
        return [self.back[m] for m in _TOKEN.findall(text) if m in self.back
                and isinstance(self.back[m], Value)]

    def render(self, text, name_of) -> str:
        """``text`` with each placeholder replaced by ``name_of(what it stands for)``."""
        return _TOKEN.sub(lambda m: name_of(self.back.get(m.group(1), m.group(1))), text)


class StatementPlan:
    """What one active statement sends back: ``(argument, text, precedence)`` per active
    argument; ``pre`` is a call's cotangent tuple (from its reverse pass:
    ``backward_g(saved_y3, ȳ3)``)."""

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
        plan.pre = (f"{ns.reverse_name(stmt.fn)}({token}, {COTANGENT})" if kind == CALL
                    else f"{token}({COTANGENT})")
        plan.contributions = [(stmt.args[i], f"[{i}]", ATOM) for i in active]
        plan.needed = [saved]
        return plan
    if stmt.kind == GETITEM:
        index = index_value_text(stmt, lambda v: _operand_text(v, tokens))
        text = (f"row_vjp(getitem, 0, {COTANGENT}, None, {tokens(stmt.args[0])}, index={index})")
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
    if isinstance(v, Constant) and v.is_literal:
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
    if isinstance(v, Constant) and v.is_literal and not isinstance(v.value, str):
        return v.value
    token = tokens(v)
    return Sym(token, ATOM, ShapeOf(token) if mode == "array" else ())


def _row_text(stmt, i, tokens, mode, ns):
    """``(text, precedence)`` of the cotangent argument ``i`` receives, from the row's rule."""
    row = stmt.row
    args = [_symbol(a, tokens, mode) for a in stmt.args]
    ans = _symbol(stmt.target, tokens, mode)
    g = Sym(COTANGENT, ATOM, ShapeOf(tokens(stmt.target)) if mode == "array" else ())
    if not row.user:
        try:
            out = vjp_text(row, i, g, args, ans, stmt.params or None)
            if isinstance(out, Sym) and _plain_python(out.text, ns):
                return out.text, out.prec
        except Exception:          # a rule that needs numbers (a mask, a shape): call it
            pass
    operands = ", ".join([tokens(stmt.target)] + [_operand_text(a, tokens) for a in stmt.args])
    keywords = "".join(f", {k}={py_literal(v)}" for k, v in stmt.params.items())
    return f"row_vjp({ns.row_name(row)}, {i}, {COTANGENT}, {operands}{keywords})", ATOM


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
