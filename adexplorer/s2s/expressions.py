"""Lowering expressions: operators, comparisons, ``and``/``or``, ``x if c else y``,
indexing, names and calls (which row, user function, builtin or tape call a name is).

A mixin of ``lower.Lowerer``: every ``expr_*`` method emits statements into the current
block and returns the ``Value`` (or ``Constant``) of the expression. Operations on
constants only are folded (``-1``, ``2 ** 10``, ``len((1.0, 2.0))``).
"""

from __future__ import annotations

import ast
import builtins
import inspect

import numpy as np

from ..core.operator_table import row_of, symbol_of
from . import resolve
from .ir import CALL, GETITEM, PLAIN, ROW, TAPE, UNDEF, Constant, Statement, Value
from .unsupported import UNSUPPORTED


_FOLDABLE = {builtins.len, builtins.int, builtins.round, builtins.bool}


class LiteralTuple(list):
    """A tuple display of literals: one constant, or unpacked element by element."""


class ListDisplay(list):
    """The values of a list display ``[a, b]``: only unpacked (``x, y = [a, b]``)."""


def _positional_count(row):
    """How many differentiable positional arguments a row takes (None: any number)."""
    rules = row.vjp
    if rules is None or type(rules) is not tuple:
        return None
    return len(rules)


class Expressions:
    """The expression half of the lowering (see ``lower.Lowerer``)."""

    def expr(self, node):
        """Lower an expression node: emit its statements, return its ``Value`` or
        ``Constant``."""
        method = getattr(self, "expr_" + type(node).__name__, None)
        if method is None:
            construct, hint = UNSUPPORTED.get(type(node).__name__,
                                               (f"{type(node).__name__} expressions", ""))
            raise self.unsupported(node, construct, hint)
        return method(node)

    def expr_Constant(self, node):
        """A literal: ``2.0``, ``"a"``, ``None``."""
        return Constant(node.value)

    def expr_Tuple(self, node):
        """A tuple of literals (``("a", "b")``, ``(1.0, 2.0)``) is one constant."""
        values = [self.expr(e) for e in node.elts]
        if all(is_literal_constant(v) for v in values):
            return Constant(tuple(v.value for v in values))
        raise self.unsupported(node, "tuple values", "unpack them: a, b = x, y")

    def is_self(self, name) -> bool:
        """Is ``name`` the ``self`` of a method (its first parameter)?"""
        return name == "self" and bool(self.node.args.args) and \
            self.node.args.args[0].arg == "self"

    def expr_Name(self, node):
        """A local variable's current value, or a global read as a constant."""
        if node.id in self.env:
            return self.env[node.id]
        value = self.lookup(node.id, node)
        return self.constant_value(value, node.id, node)

    def expr_Attribute(self, node):
        """``np.pi``, ``math.e``: a module attribute read as a constant."""
        text = _dotted(node)
        if text is not None and self.is_self(text.split(".")[0]):
            raise self.unsupported(node, f"reading attributes of self ({text})",
                                   "pass the value as an argument, or use ad.gradient")
        if text is None or text.split(".")[0] in self.env:
            raise self.unsupported(node, "attribute access on values (x.attr)",
                                   "use functions: np.transpose(x), np.shape(x)")
        return self.constant_value(self.resolve(text, node), text, node)

    def constant_value(self, value, name, node):
        """A global's value as a ``Constant`` (named, so the code reads it by name); refused
        if it is not a number, an array or a tuple of them."""
        if _is_constant(value):
            return Constant(value, None if isinstance(value, (bool, type(None))) else name)
        raise self.unsupported(node, f"using {name} as a value here",
                               "only numbers, arrays and tuples of numbers can be read "
                               "from globals")

    def lookup(self, name, node):
        """The object ``name`` means in the function's closure, globals or builtins
        (remembered in ``free``)."""
        for scope in self.scope:
            if name in scope:
                self.free.setdefault(name, scope[name])    # what the lowering assumed
                return scope[name]
        raise self.unsupported(node, f"the name {name}, which is not defined")

    def resolve(self, text, node):
        """The object a dotted name (``np.linalg.norm``) means."""
        parts = text.split(".")
        obj = self.lookup(parts[0], node)
        for p in parts[1:]:
            if not hasattr(obj, p):
                raise self.unsupported(node, f"{text}, which does not exist")
            obj = getattr(obj, p)
        return obj

    def expr_BinOp(self, node):
        """``a + b`` and the other operators: a row each."""
        return self.binop(node.op, self.expr(node.left), self.expr(node.right), node)

    def binop(self, op, a, b, node):
        """The row of operator ``op`` applied to ``a`` and ``b``."""
        row = row_of(op)
        if row is None:
            raise self.unsupported(node, f"the operator {symbol_of(op)}")
        return self.row(row, [a, b], node)

    def row(self, row, args, node, params=None, fn=None):
        """Emit ``row(*args)``; on literal numbers it is computed now (folded)."""
        if all(isinstance(a, Constant) and a.is_literal and _is_number(a.value) for a in args):
            try:
                value = row.impl(*[a.value for a in args], **(params or {}))
            except Exception:           # 1 / 0 and friends fail when the code runs
                pass
            else:
                return Constant(value.item() if isinstance(value, np.generic) else value)
        return self.emit(Statement(ROW, Value(), args, self.line(node), row=row, params=params,
                                   fn=fn))

    def expr_UnaryOp(self, node):
        """``-x`` (a row), ``+x``, ``not x``; other unary operators are refused."""
        value = self.expr(node.operand)
        row = row_of(node.op)
        if row is not None:                       # -x
            return self.row(row, [value], node)
        if isinstance(node.op, ast.UAdd):
            return value
        if isinstance(node.op, ast.Not):
            return self.plain(f"{symbol_of(node.op)} {{0}}", [value], node)
        raise self.unsupported(node, f"the operator {symbol_of(node.op)}")

    def plain(self, template, args, node, fn=None):
        """Emit a statement with no derivative, written from ``template`` (``len({0})``)."""
        return self.emit(Statement(PLAIN, Value(), args, self.line(node), fn=fn,
                                   callee=template))

    def expr_Compare(self, node):
        """``a < b``, chained too (``a < b < c`` as ``a < b and b < c``)."""
        left = self.expr(node.left)
        return self.compare(left, list(zip(node.ops, node.comparators)), node)

    def compare(self, left, rest, node):
        """Lower the comparison chain ``left op right ...`` from its first operator on."""
        op, right_node = rest[0]
        right = self.expr(right_node)
        row = row_of(op)
        if row is not None:                       # <, ==, ...: the row answers on primals
            value = self.row(row, [left, right], node)
        else:                                     # is, in: Python's own
            value = self.plain(f"{{0}} {symbol_of(op)} {{1}}", [left, right], node)
        if len(rest) == 1:
            return value
        return self.short_circuit(True, value, lambda: self.compare(right, rest[1:], node),
                                  node)

    def expr_BoolOp(self, node):
        """``a and b``, ``a or b``: branches, as Python evaluates them."""
        value = self.expr(node.values[0])
        for nxt in node.values[1:]:
            value = self.short_circuit(isinstance(node.op, ast.And), value,
                                       lambda nxt=nxt: self.expr(nxt), node)
        return value

    def short_circuit(self, is_and, left, right_fn, node):
        """``left and right`` (or ``or``): ``right`` is lowered on the path that evaluates
        it; a φ joins the two."""
        key = "<value>"
        self.env[key] = left

        def evaluate():
            self.env[key] = right_fn()
        if is_and:
            self.branch(left, evaluate, lambda: None, self.line(node))
        else:
            self.branch(left, lambda: None, evaluate, self.line(node))
        return self.env.pop(key)

    def expr_IfExp(self, node):
        """``x if c else y``: an ``if`` whose arms assign one value."""
        key = "<value>"
        cond = self.expr(node.test)

        def arm(part):
            def lower_arm():
                self.env[key] = self.expr(part)
            return lower_arm
        self.branch(cond, arm(node.body), arm(node.orelse), self.line(node))
        return self.env.pop(key)

    def expr_Subscript(self, node):
        """``x[i]``, ``x[1:3]``, ``x[i, j]``: a GETITEM statement."""
        container = self.expr(node.value)
        elts = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        args, parts = [container], []
        for e in elts:
            if isinstance(e, ast.Slice):
                bounds = [None if b is None else self.expr(b) for b in (e.lower, e.upper, e.step)]
                if any(b is not None and not (isinstance(b, Constant) and b.is_literal)
                       for b in bounds):
                    raise self.unsupported(e, "slices with bounds that are not constants",
                                           "index with a range of integers instead")
                parts.append(slice(*[None if b is None else b.value for b in bounds]))
            else:
                args.append(self.expr(e))
                parts.append(len(args) - 1)
        params = {"index": tuple(parts), "tuple": isinstance(node.slice, ast.Tuple)}
        if all(isinstance(a, Constant) and a.is_literal for a in args):
            idx = tuple(p if isinstance(p, slice) else args[p].value for p in parts)
            return Constant(container.value[idx if params["tuple"] else idx[0]])
        return self.emit(Statement(GETITEM, Value(), args, self.line(node), params=params))

    def row_arguments(self, row, args, kwargs, node, text):
        """Extra positional arguments of a row (``np.sum(x, 0)``) are its parameters."""
        n = _positional_count(row)
        if n is None or len(args) <= n:
            return args, kwargs
        params = [p for p in inspect.signature(row.impl).parameters][n:]
        extra = args[n:]
        if len(extra) > len(params) or not all(isinstance(a, Constant) for a in extra):
            raise self.unsupported(node, f"{text} with {len(args)} arguments",
                                   "pass the extra ones as constants or keywords")
        return args[:n], dict(zip(params, [a.value for a in extra]), **kwargs)

    def call_arguments(self, fn, args, keywords, node, text):
        """The positional arguments of a call to a user function: keywords put in their
        places, a skipped parameter given its default (left off at the end: the
        generated forward pass has the same defaults)."""
        params = list(inspect.signature(fn).parameters.values())
        names = [p.name for p in params]
        if len(args) > len(params):
            raise self.unsupported(node, f"calling {text} with {len(args)} arguments",
                                   f"{text} takes {len(params)}: {', '.join(names)}")
        slots = list(args) + [None] * (len(params) - len(args))
        for k, (v, _) in keywords.items():
            if k not in names or slots[names.index(k)] is not None:
                raise self.unsupported(node, f"the keyword argument {k}= to {text}",
                                       f"{text} takes {', '.join(names)}")
            slots[names.index(k)] = v
        while slots and slots[-1] is None and params[len(slots) - 1].default is not \
                inspect.Parameter.empty:
            slots.pop()
        for i, v in enumerate(slots):
            if v is None:
                default = params[i].default
                if default is inspect.Parameter.empty:
                    raise self.unsupported(node, f"calling {text} without {names[i]}",
                                           f"{text} takes {', '.join(names)}")
                if not (_is_constant(default) and not isinstance(default, np.ndarray)):
                    raise self.unsupported(node, f"skipping {names[i]} of {text}, whose "
                                           "default is not a number", "pass it")
                slots[i] = Constant(default)
        return slots

    def expr_Call(self, node):
        """A call: a row, a function with no derivative, a user function (lowered too), or
        the tape."""
        if any(isinstance(a, ast.Starred) for a in node.args) or \
                any(k.arg is None for k in node.keywords):
            raise self.unsupported(node, "*args or **kwargs in a call")
        text = _dotted(node.func)
        if text is None:
            raise self.unsupported(node, "calling the result of an expression")
        root, _, method = text.rpartition(".") if "." in text else (text, "", "")
        if text.split(".")[0] in self.env:
            if not method:
                raise self.unsupported(node, f"calling the local variable {text}")
            if self.is_self(text.split(".")[0]):
                raise self.unsupported(node, f"calling methods of self ({text}())",
                                       "make it a function of its own, or use ad.gradient")
            hint = (f"use np.{method}({root})" if hasattr(np, method)
                    else "call a function with the value as its argument")
            raise self.unsupported(node, f"method calls on values ({text}())", hint)
        obj = self.resolve(text, node)
        if obj is range:
            raise self.unsupported(node, "range() outside the header of a for loop")
        kind, what = resolve.classify(obj)
        args = [self.expr(a) for a in node.args]
        keywords = {k.arg: (self.expr(k.value), k.value) for k in node.keywords}
        if kind == "row" and not resolve.takes_row(obj, len(args), keywords):
            kind = "tape"
        line = self.line(node)
        if kind == "call":
            args = self.call_arguments(obj, args, keywords, node, text)
            return self.emit(Statement(CALL, Value(), args, line, fn=obj, callee=text))
        kwargs = {}
        for k, (v, value_node) in keywords.items():
            if not isinstance(v, Constant):
                raise self.unsupported(value_node, f"the keyword argument {k}= with a value "
                                       "computed in the function", "pass it positionally")
            kwargs[k] = v.value
        if kind == "row":
            args, kwargs = self.row_arguments(what, args, kwargs, node, text)
            # a NumPy ufunc keeps NumPy's semantics on Python floats (np.log(-1.0) is nan)
            ufunc = obj if isinstance(obj, np.ufunc) else None
            return self.row(what, args, node, kwargs or None, ufunc)
        if kind == "plain" and obj in _FOLDABLE and not kwargs and all(
                isinstance(a, Constant) and a.is_literal for a in args):
            return Constant(obj(*[a.value for a in args]))
        # a call that is not a row keeps its keyword operands: a global array (weights=W)
        # is written by its name, not as the text of its value
        operands = {k: v for k, (v, _) in keywords.items()}
        if kind == "plain":
            return self.emit(Statement(PLAIN, Value(), args, line, fn=obj, callee=text,
                                       params=operands))
        if kind == "tape":
            return self.emit(Statement(TAPE, Value(), args, line, fn=obj, callee=text,
                                       params=operands))
        raise self.unsupported(node, f"calling {text}, which is not a function")


def _dotted(node) -> str | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def is_literal_constant(v) -> bool:
    """A literal constant: a number, a string, a bool, None (or a tuple of them)."""
    return isinstance(v, Constant) and v.is_literal and v is not UNDEF and isinstance(
        v.value, (int, float, complex, str, bool, type(None), tuple))


def _is_number(v) -> bool:
    return isinstance(v, (int, float, complex)) and not isinstance(v, bool)


def _is_constant(v) -> bool:
    if v is None or isinstance(v, (bool, int, float, complex, str, np.number, np.ndarray)):
        return True
    return isinstance(v, tuple) and all(_is_constant(x) for x in v)

