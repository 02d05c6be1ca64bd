"""Where the table's rules guard a boundary, the generated code calls the same guard.

Two helpers of the power rule check values: ``_power_factor(a, b)`` is ``b * a ** (b - 1)``
but never ``0 * inf`` when ``b == 0``, and ``_log_nonzero(a)`` is ``log(a)`` with exact
zeros replaced by 1 (d(a ** b)/db at ``a == 0``, where the answer is 0). Run on symbols,
a guard cannot be decided and the rule would print the unguarded formula. ``vjp_text``
here runs the rule with each helper replaced by one that prints a call to it
(``power_factor(x, k)``) when the decision depends on a symbol, and runs the helper
itself when it does not (a constant exponent still prints ``3 * x ** 2``). The
namespace binds the helper under that name, so generated code computes what the table
computes, at the boundary too.

``numpy_rules(source, ...)`` rewrites generated code so that its reverse passes (the
rules) follow NumPy at a domain boundary, as ``ad.gradient``'s rules do: ``/``, ``//``,
``%`` and ``**`` are computed by the table's rows, under ``numpy_semantics`` (sqrt'(0) is
``1 / 0.0``: ``inf`` with a RuntimeWarning). Forward passes are left as written, so
where Python raises for the plain call (``1 / 0.0`` in the user's code) they raise too.
"""

from __future__ import annotations

import ast
import types

from ..core import rules as R
from ..core.names import literal
from ..core.operator_table import BINARY
from ..core.primitives import ATOM
from ..core.symbolic import Sym

# rules' helper -> (name in generated code, the helper, the arguments its guard reads)
HELPERS = {
    "_power_factor": ("power_factor", R._power_factor, (1,)),
    "_log_nonzero": ("log_nonzero", R._log_nonzero, (0,)),
}


def _stand_in(name, helper, deciding):
    def call(*args):
        if not any(isinstance(args[k], Sym) for k in deciding):
            return helper(*args)
        texts = [a.text if isinstance(a, Sym) else literal(a) for a in args]
        shape = next((a.shape for a in args if isinstance(a, Sym) and a.shape), ())
        return Sym(f"{name}({', '.join(texts)})", ATOM, shape)
    return call


def vjp_text(row, i, g, args, ans, params, bind):
    """The cotangent ``row`` sends to argument ``i`` as a ``Sym`` (as
    ``symbolic.vjp_text``), with guarded helpers kept as calls; ``bind(name, helper)``
    binds a helper in the namespace and returns the name it got."""
    rule = row.vjp_rule(i)
    used = [n for n in getattr(rule, "__code__", None).co_names if n in HELPERS] \
        if hasattr(rule, "__code__") else []
    if used:
        env = dict(rule.__globals__)
        for n in used:
            name, helper, deciding = HELPERS[n]
            env[n] = _stand_in(bind(name, helper), helper, deciding)
        rule = types.FunctionType(rule.__code__, env, rule.__name__, rule.__defaults__,
                                  rule.__closure__)
    return rule(g, ans, *args, **(params or {}))


# The operators whose rows differ from Python at a boundary (NumPy's inf or nan there)
_NUMPY_AT_BOUNDARY = (R.div, R.floordiv, R.mod, R.power)


class _ByRows(ast.NodeTransformer):
    def __init__(self, names):
        self.names = names

    def visit_BinOp(self, node):
        self.generic_visit(node)
        name = self.names.get(type(node.op))
        if name is None:
            return node
        call = ast.Call(ast.Name(name, ast.Load()), [node.left, node.right], [])
        return ast.copy_location(call, node)

    def visit_AugAssign(self, node):
        self.generic_visit(node)
        name = self.names.get(type(node.op))
        if name is None or not isinstance(node.target, ast.Name):
            return node
        value = ast.Call(ast.Name(name, ast.Load()),
                         [ast.Name(node.target.id, ast.Load()), node.value], [])
        return ast.copy_location(ast.Assign([node.target], value), node)


def numpy_rules(source: str, row_name, reverse_parts: dict, switch: str,
                numpy_targets: dict) -> str:
    """``source`` with each reverse pass run ``with <switch>:`` (``numpy_semantics``) and
    its ``a / b`` written ``div(a, b)`` (and ``//``, ``%``, ``**``), where ``div`` is the
    table's row, named in the namespace by ``row_name(row)``. ``reverse_parts`` maps a
    generated function's name to the line (its ``def`` is line 1) its reverse pass
    starts on; ``numpy_targets`` maps it to the forward statements' targets that call a
    NumPy function (``y1 = log(x)`` for ``np.log(x)``), which get the same treatment."""
    by_rows = _ByRows({op.node: row_name(op.row) for op in BINARY
                       if op.row in _NUMPY_AT_BOUNDARY})

    def numpy(statements):
        return ast.With([ast.withitem(ast.Name(switch, ast.Load()))],
                        [by_rows.visit(s) for s in statements])
    tree = ast.parse(source)
    for fn in tree.body:
        if not isinstance(fn, ast.FunctionDef):
            continue
        k = len(fn.body)
        if fn.name in reverse_parts:
            start = fn.lineno + reverse_parts[fn.name] - 1
            k = next((i for i, s in enumerate(fn.body) if s.lineno >= start), k)
            if k < len(fn.body):
                fn.body[k:] = [numpy(fn.body[k:])]
        targets = numpy_targets.get(fn.name)
        if targets:
            fn.body[:k] = [_NumpyCalls(targets, numpy).visit(s) for s in fn.body[:k]]
    return ast.unparse(ast.fix_missing_locations(tree))


class _NumpyCalls(ast.NodeTransformer):
    """``y1 = log(x)`` from ``np.log(x)`` becomes ``with numpy_semantics: y1 = log(x)``."""

    def __init__(self, targets, numpy):
        self.targets, self.numpy = targets, numpy

    def visit_Assign(self, node):
        if len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) \
                and node.targets[0].id in self.targets:
            return self.numpy([node])
        return node


__all__ = ["vjp_text", "numpy_rules", "HELPERS"]
