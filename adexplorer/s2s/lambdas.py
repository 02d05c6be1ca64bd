"""A lambda's own expression, found in its file so it can be lowered like a ``def``.

``inspect.getsource`` gives the lines a lambda is on, which may hold several lambdas
(``a, b = lambda x: 2 * x, lambda x: 3 * x``) or start in the middle of a statement.
So the whole file is parsed and the lambda is picked among those starting on its
first line: by its parameter names, then by the columns its bytecode comes from
(``co_positions``). If that still leaves more than one, it is refused by name.
"""

from __future__ import annotations

import ast
import inspect

from .unsupported import SourceUnavailable, UnsupportedSyntax

LAMBDA_NAME = "lambda_"          # the name of a lambda that is not assigned to a name


def lambda_definition(fn):
    """``(FunctionDef, first line, source lines)`` for the lambda ``fn``: ``lambda x: e``
    as ``def name(x): return e``, numbered from 1 like a parsed ``def``'s source."""
    code = fn.__code__
    try:
        lines, _ = inspect.findsource(fn)
    except (OSError, TypeError) as e:
        raise SourceUnavailable(f"cannot read the source of this lambda ({e}); define it "
                                "with def in a file or a notebook cell") from None
    try:
        tree = ast.parse("".join(lines))
    except SyntaxError:
        raise SourceUnavailable(f"cannot parse the file of this lambda "
                                f"({code.co_filename}); define it with def") from None
    line = code.co_firstlineno
    params = list(code.co_varnames[:code.co_argcount])
    found = [n for n in ast.walk(tree) if isinstance(n, ast.Lambda) and n.lineno == line
             and [a.arg for a in n.args.posonlyargs + n.args.args] == params]
    if len(found) > 1:
        found = _by_columns(found, code)
    if len(found) != 1:
        text = lines[line - 1] if line <= len(lines) else ""
        raise UnsupportedSyntax(
            f"this lambda: {len(found) or 'no'} lambda expressions on its line match it, "
            "and the source cannot tell which one runs", code.co_filename, line, text,
            "define the function with def")
    node = found[0]
    fields = dict(name=_assigned_name(tree, node), args=node.args,
                  body=[ast.copy_location(ast.Return(value=node.body), node.body)],
                  decorator_list=[], returns=None, type_comment=None)
    if "type_params" in ast.FunctionDef._fields:           # Python 3.12 and later
        fields["type_params"] = []
    definition = ast.FunctionDef(**fields)
    ast.copy_location(definition, node)
    ast.increment_lineno(definition, 1 - node.lineno)
    return definition, node.lineno, "".join(lines[node.lineno - 1:node.end_lineno])


def _by_columns(found, code) -> list:
    """The lambdas whose body holds every place ``code`` was compiled from (the
    innermost, if one lambda is inside another)."""
    spans = [(l0, c0, l1, c1) for l0, l1, c0, c1 in code.co_positions()
             if None not in (l0, l1, c0, c1) and (l0, c0) < (l1, c1)]
    if not spans:                          # positions turned off (python -X no_debug_ranges)
        return found

    def holds(n):
        b = n.body
        return all((b.lineno, b.col_offset) <= (l0, c0) and
                   (l1, c1) <= (b.end_lineno, b.end_col_offset) for l0, c0, l1, c1 in spans)
    inside = [n for n in found if holds(n)]

    def size(n):
        return (n.end_lineno - n.lineno, n.end_col_offset - n.col_offset)
    return sorted(inside, key=size)[:1] if inside else []


def _assigned_name(tree, node) -> str:
    """``sq`` for ``sq = lambda x: x * x``; else ``lambda_``."""
    for parent in ast.walk(tree):
        if isinstance(parent, (ast.Assign, ast.AnnAssign)) and parent.value is node:
            targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
            if len(targets) == 1 and isinstance(targets[0], ast.Name):
                return targets[0].id
    return LAMBDA_NAME
