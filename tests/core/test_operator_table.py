"""Each Python operator maps to its row in one place (``core/operator_table.py``): the
methods of AD values, the scalar fast paths and the s2s lowering all give the same row."""

import ast
import linecache

import numpy as np
import pytest

import adexplorer as ad
from adexplorer.core import fastpaths, operator_table
from adexplorer.core.forward import Dual, ForwardLevel
from adexplorer.core.operators import Operators
from adexplorer.core.reverse import ReverseLevel
from adexplorer.core.symbolic import Sym
from adexplorer.s2s.ir import ROW

WITH_ROWS = [op for op in operator_table.OPERATORS if op.row is not None]
BINARY = [op for op in WITH_ROWS if op not in operator_table.UNARY]


def lowered(source_text: str, name: str):
    """``ad.ssa`` of a function written as text (registered so its source can be read)."""
    filename = f"<operator table test {name}>"
    linecache.cache[filename] = (len(source_text), None, source_text.splitlines(True),
                                 filename)
    namespace = {"np": np}
    exec(compile(source_text, filename, "exec"), namespace)
    return ad.ssa(namespace[name])


def rows_in(fn_ssa):
    return [s.row for s in fn_ssa.statements() if s.kind == ROW]


@pytest.mark.parametrize("op", WITH_ROWS, ids=lambda op: op.symbol)
def test_the_methods_of_ad_values_bind_the_operators_row(op):
    a, b = Sym("a"), Sym("b")
    out = getattr(a, op.method)() if op in operator_table.UNARY else getattr(a, op.method)(b)
    assert out.op == op.row.name
    assert op.symbol in out.text
    if op.reflected:
        assert getattr(a, op.reflected)(b).text == getattr(b, op.method)(a).text
    assert Operators.__dict__[op.method].__name__ == op.method


@pytest.mark.parametrize("op", BINARY, ids=lambda op: op.symbol)
def test_s2s_lowers_the_operator_to_the_same_row(op):
    if op in operator_table.COMPARE:
        text = f"def f(x, y):\n    if x {op.symbol} y:\n        return x\n    return y\n"
    else:
        text = f"def f(x, y):\n    return x {op.symbol} y\n"
    assert op.row in rows_in(lowered(text, "f"))
    # and the expression the table says is the operator parses back to the same entry
    tree = ast.parse(f"x {op.symbol} y", mode="eval").body
    node = tree.ops[0] if isinstance(tree, ast.Compare) else tree.op
    assert operator_table.row_of(node) is op.row


def test_s2s_lowers_unary_minus_and_augmented_assignment_by_the_table():
    assert rows_in(lowered("def g(x):\n    return -x\n", "g")) == [operator_table.BY_NODE[
        ast.USub].row]
    aug = lowered("def h(x):\n    y = x\n    y **= 3\n    y //= x\n    return y\n", "h")
    assert rows_in(aug) == [operator_table.BY_NODE[ast.Pow].row,
                            operator_table.BY_NODE[ast.FloorDiv].row]


@pytest.mark.parametrize("row", list(fastpaths.BINARY_ROWS), ids=lambda r: r.name)
def test_the_fast_paths_use_the_tables_methods_and_record_its_row(row):
    op = operator_table.BY_ROW[row]
    level = ReverseLevel()
    x = level.input(2.0, "x")
    for out in (getattr(x, op.method)(1.5), getattr(x, op.reflected)(1.5)):
        assert level.trace._records[out._index][0] is row
    assert getattr(type(x), op.method).__code__.co_filename == "<adexplorer fast paths>"
    d = Dual(2.0, 1.0, ForwardLevel())
    assert getattr(type(d), op.method).__code__.co_filename == "<adexplorer fast paths>"
    assert getattr(d, op.method)(1.5).primal == op.python(2.0, 1.5)


def test_operators_without_a_row_are_named_in_errors():
    def bitwise(x, y):
        return x & y
    with pytest.raises(ad.UnsupportedSyntax, match="the operator &"):
        ad.ssa(bitwise)


def test_every_row_with_an_operator_displays_that_operator():
    for op in WITH_ROWS:
        assert op.row.symbol == op.symbol
