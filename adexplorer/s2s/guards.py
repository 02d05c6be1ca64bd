"""Generated code at a domain boundary.

``numpy_rules(source, ...)`` rewrites generated code so that its reverse passes (the
rules) follow NumPy at a domain boundary, as ``ad.gradient``'s rules do: ``/``, ``//``,
``%`` and ``**`` are computed by the table's rows, under ``numpy_semantics`` (sqrt'(0) is
``1 / 0.0``: ``inf`` with a RuntimeWarning). Forward passes are left as written, so
where Python raises for the plain call (``1 / 0.0`` in the user's code) they raise too.
"""

from __future__ import annotations

import ast

from ..core import rules as R
from ..core.operator_table import BINARY

# The operators whose rows differ from Python at a boundary (NumPy's inf or nan there)
_NUMPY_AT_BOUNDARY = (R.div, R.floordiv, R.mod, R.power)


class _ByRows(ast.NodeTransformer):
    def __init__(self, names):
        self.names = names

    def visit_BinOp(self, node):
        """``a / b`` becomes ``div(a, b)``: the row, with NumPy's semantics."""
        self.generic_visit(node)
        name = self.names.get(type(node.op))
        if name is None:
            return node
        call = ast.Call(ast.Name(name, ast.Load()), [node.left, node.right], [])
        return ast.copy_location(call, node)

    def visit_AugAssign(self, node):
        """``x /= b`` becomes ``x = div(x, b)``."""
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
        """An assignment of a NumPy call's result runs under NumPy's semantics."""
        if len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) \
                and node.targets[0].id in self.targets:
            return self.numpy([node])
        return node


__all__ = ["numpy_rules"]
