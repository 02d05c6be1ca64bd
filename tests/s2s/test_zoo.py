"""source_grad(f)(*args) == ad.gradient(f, *args) over a zoo of control flow, Nones included.

The tape (reverse mode over a recording) and the generated adjoint code share the
primitive table and nothing else, so agreement to 1e-12 checks the SSA lowering, the φ
bookkeeping, the stacks and the early exits. Every generated source must compile and
round-trip through ``ast``.
"""

import ast

import numpy as np
import pytest

import adexplorer as ad

from . import zoo

CASES = [
    (zoo.pow_while, (2.0, 5)), (zoo.pow_while, (2, 5)), (zoo.pow_while, (2.0, 0)),
    (zoo.pow_for, (1.3, 7)), (zoo.pow_for, (1.3, 0)),
    (zoo.pow_early_exit, (3.0, 10)), (zoo.pow_early_exit, (1.1, 3)),
    (zoo.horner, (0.7,)), (zoo.horner_array, (np.array([1.0, -2.0, 3.0]), 0.7)),
    (zoo.newton_sqrt, (2.0,)), (zoo.nested_loops, (0.3, 5)), (zoo.if_in_loop, (0.4, 8)),
    (zoo.break_continue, (1.5, 7)), (zoo.swap_fibonacci, (1.0, 2.0, 6)),
    (zoo.rotate, (1.0, 2.0, 3.0, 7)), (zoo.power_recursive, (1.3, 4)),
    (zoo.calls_another, (0.3, 0.4)), (zoo.ping, (0.3, 4)), (zoo.while_and, (1.5, 10)),
    (zoo.ternary, (2.0,)), (zoo.ternary, (0.5,)), (zoo.count_down, (1.2, 7)),
    (zoo.variable_step, (1.1, 3)), (zoo.break_out_of_for, (1.0,)),
    (zoo.break_out_of_for, (0.001,)), (zoo.return_from_nested, (1.0, 4)),
    (zoo.return_from_nested, (0.1, 3)), (zoo.continue_in_while, (1.1, 5)),
    (zoo.loops_with_breaks, (1.3,)), (zoo.elif_chain, (3.0,)), (zoo.elif_chain, (0.5,)),
    (zoo.elif_chain, (-0.5,)), (zoo.elif_chain, (-2.0,)),
    (zoo.flag_argument, (2.0, True)), (zoo.flag_argument, (2.0, False)),
    (zoo.mode_argument, (1.0, "double")), (zoo.unused_argument, (1.0, 2.0)),
    (zoo.power_of_variables, (1.5, 2.5)), (zoo.modulo_and_floor, (7.5, 2.0)),
    (zoo.chained_comparison, (0.5,)), (zoo.chained_comparison, (2.0,)),
    (zoo.uses_globals, (2.0,)), (zoo.builtin_max_min, (1.0, 3.0)), (zoo.user_rule, (1.5,)),
    (zoo.array_broadcast, (np.array([1.0, 2.0, 3.0]), 0.5)),
    (zoo.array_loop, (np.array([0.1, 0.5]), 3)),
    (zoo.defined_in_one_branch, (1.5, 1)), (zoo.defined_in_one_branch, (1.5, -1)),
    (zoo.defined_in_the_loop, (1.5, 3)),
]
IDS = [f"{f.__name__}{args!r}" for f, args in CASES]


def assert_same_gradient(got, want):
    assert len(got) == len(want)
    for g, w in zip(got, want):
        if w is None:
            assert g is None
            continue
        assert g is not None
        assert type(g) is type(w)                   # an int x gets an int gradient
        np.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-12)


def test_the_zoo_is_big_enough():
    assert len({f for f, _ in CASES}) >= 20


def test_the_slide():
    assert ad.source_grad(zoo.pow_while)(2.0, 5) == (80.0, None)
    assert ad.source_grad(zoo.pow_while)(2, 5) == (80, None) == ad.gradient(zoo.pow_while, 2, 5)


@pytest.mark.parametrize("f, args", CASES, ids=IDS)
def test_source_grad_equals_the_tape(f, args):
    assert_same_gradient(ad.source_grad(f)(*args), ad.gradient(f, *args))


@pytest.mark.parametrize("f", sorted({f for f, _ in CASES}, key=lambda f: f.__name__),
                         ids=lambda f: f.__name__)
def test_generated_source_compiles_and_round_trips_through_ast(f):
    g = ad.source_grad(f)
    for source in (g.source, g.array_source):
        tree = ast.parse(source)
        compile(tree, "<generated>", "exec")
        again = ast.unparse(tree)
        assert ast.dump(ast.parse(again)) == ast.dump(tree)
        assert tree.body[0].name == f"grad_{f.__name__}"


def test_a_loop_that_never_runs_gives_none_like_the_tape():
    assert ad.source_grad(zoo.pow_while)(2.0, 0) == (None, None) == ad.gradient(
        zoo.pow_while, 2.0, 0)
