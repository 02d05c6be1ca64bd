"""Python's operators, written once: the syntax node, the symbol, the methods and the row.

``Operators`` (the methods of every AD value), the scalar fast paths and the s2s
lowering all read this table, so ``a + b`` means the ``add`` row whichever way the
code is run. An entry without a row (``&``, ``is``) is an operator AD does not take
over: s2s names it in its error or leaves it to Python.
"""

from __future__ import annotations

import ast
import operator
from typing import Callable, NamedTuple

from . import rules as R
from . import rules_numpy as RN
from .primitives import Primitive


class Operator(NamedTuple):
    """One Python operator: ``ast.Add``, ``"+"``, ``__add__``/``__radd__``, the ``add`` row."""

    node: type                   # the ast class of the operator
    symbol: str                  # as written in Python
    method: str | None           # the special method on the left operand
    reflected: str | None        # the one on the right operand (binary arithmetic only)
    row: Primitive | None        # what AD computes it with (None: Python's own)
    python: Callable | None      # Python's function for it (``operator.add``)


def _binary(node, symbol, name, row, python):
    return Operator(node, symbol, f"__{name}__", f"__r{name}__", row, python)


BINARY = (
    _binary(ast.Add, "+", "add", R.add, operator.add),
    _binary(ast.Sub, "-", "sub", R.sub, operator.sub),
    _binary(ast.Mult, "*", "mul", R.mul, operator.mul),
    _binary(ast.Div, "/", "truediv", R.div, operator.truediv),
    _binary(ast.Pow, "**", "pow", R.power, operator.pow),
    _binary(ast.Mod, "%", "mod", R.mod, operator.mod),
    _binary(ast.FloorDiv, "//", "floordiv", R.floordiv, operator.floordiv),
    _binary(ast.MatMult, "@", "matmul", RN.matmul, operator.matmul),
    # bitwise operators have no derivative; they are here so errors can name them
    _binary(ast.BitAnd, "&", "and", None, operator.and_),
    _binary(ast.BitOr, "|", "or", None, operator.or_),
    _binary(ast.BitXor, "^", "xor", None, operator.xor),
    _binary(ast.LShift, "<<", "lshift", None, operator.lshift),
    _binary(ast.RShift, ">>", "rshift", None, operator.rshift),
)

UNARY = (
    Operator(ast.USub, "-", "__neg__", None, R.neg, operator.neg),
    Operator(ast.UAdd, "+", "__pos__", None, None, operator.pos),      # the value itself
    Operator(ast.Invert, "~", "__invert__", None, None, operator.invert),
    Operator(ast.Not, "not", None, None, None, operator.not_),
)

# Comparisons answer on the primal (the rows are nondiff). Python reflects them itself
# (``1 < x`` asks ``x.__gt__(1)``), so they have no reflected method of their own.
COMPARE = (
    Operator(ast.Lt, "<", "__lt__", None, R.less, operator.lt),
    Operator(ast.LtE, "<=", "__le__", None, R.less_equal, operator.le),
    Operator(ast.Gt, ">", "__gt__", None, R.greater, operator.gt),
    Operator(ast.GtE, ">=", "__ge__", None, R.greater_equal, operator.ge),
    Operator(ast.Eq, "==", "__eq__", None, R.equal, operator.eq),
    Operator(ast.NotEq, "!=", "__ne__", None, R.not_equal, operator.ne),
    Operator(ast.Is, "is", None, None, None, operator.is_),
    Operator(ast.IsNot, "is not", None, None, None, operator.is_not),
    Operator(ast.In, "in", None, None, None, None),
    Operator(ast.NotIn, "not in", None, None, None, None),
)

OPERATORS = BINARY + UNARY + COMPARE

BY_NODE: dict = {op.node: op for op in OPERATORS}
BY_ROW: dict = {op.row: op for op in OPERATORS if op.row is not None}


def row_of(node) -> Primitive | None:
    """The row of an ast operator (``ast.Add()`` or ``ast.Add``), or None."""
    op = BY_NODE.get(node if isinstance(node, type) else type(node))
    return None if op is None else op.row


def symbol_of(node) -> str:
    """How an ast operator is written (``//``); its class name if it is not in the table."""
    cls = node if isinstance(node, type) else type(node)
    op = BY_NODE.get(cls)
    return cls.__name__ if op is None else op.symbol


__all__ = ["Operator", "OPERATORS", "BINARY", "UNARY", "COMPARE", "BY_NODE", "BY_ROW",
           "row_of", "symbol_of"]
