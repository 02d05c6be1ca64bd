"""The cleanup pass on its own, on SSA forms built by hand (no lowering involved).

Each program is written as the lowering would leave it, with one thing to tidy: a φ
that keeps one value, a statement nobody reads, a φ cycle feeding only itself, an arm
of ``if True:``. The expectation is what a reader removes by hand.
"""

import builtins

from adexplorer.core import rules as R
from adexplorer.s2s.cleanup import finish
from adexplorer.s2s.ir import (CALL, PLAIN, ROW, Block, Branch, Constant, Goto, If, Jump, Phi,
                               Return, Statement, Value)


def blocks(n):
    return [Block() for _ in range(n)]


def row(target, r, *args):
    return Statement(ROW, target, args, 1, row=r)


def phi(block, target, *incoming):
    p = Phi(target, 1)
    p.incoming = list(incoming)
    block.phis.append(p)
    return p


def loop_blocks(x):
    """entry -> header (φ r) -> body -> header; header -> exit (return r)."""
    entry, header, body, exit_ = blocks(4)
    entry.terminator = Goto(header, 1)
    header.terminator = Branch(x, body, exit_, 1)
    body.terminator = Goto(header, 1)
    return entry, header, body, exit_


def test_a_phi_that_keeps_one_value_is_replaced_by_it():
    x, r = Value("x"), Value("r")
    entry, header, body, exit_ = loop_blocks(x)
    phi(header, r, (entry, x), (body, r))           # the loop never changes r
    exit_.terminator = Return(r, 1)
    finish([entry, header, body, exit_], [x], [entry, header, body, exit_], [])
    assert header.phis == []
    assert exit_.terminator.value is x


def test_a_phi_of_the_same_constant_twice_is_that_constant():
    x, r = Value("x"), Value("r")
    entry, header, body, exit_ = loop_blocks(x)
    phi(header, r, (entry, Constant(1.0)), (body, Constant(1.0)))
    exit_.terminator = Return(r, 1)
    finish([entry, header, body, exit_], [x], [entry, header, body, exit_], [])
    assert header.phis == []
    assert isinstance(exit_.terminator.value, Constant)
    assert exit_.terminator.value.value == 1.0


def test_a_phi_that_changes_stays():
    x, r, step = Value("x"), Value("r"), Value("r")
    entry, header, body, exit_ = loop_blocks(x)
    kept = phi(header, r, (entry, Constant(1.0)), (body, step))
    body.statements.append(row(step, R.mul, r, x))
    exit_.terminator = Return(r, 1)
    finish([entry, header, body, exit_], [x], [entry, header, body, exit_], [])
    assert header.phis == [kept]
    assert [s.target for s in body.statements] == [step]


def test_a_statement_nobody_reads_is_removed_but_print_and_calls_stay():
    x, dead, shown, called, out = Value("x"), Value(), Value(), Value(), Value()
    (b,) = blocks(1)
    b.statements = [row(dead, R.sin, x),
                    Statement(PLAIN, shown, [x], 1, fn=builtins.print, callee="print"),
                    Statement(CALL, called, [x], 1, fn=len, callee="g"),
                    row(out, R.mul, x, x)]
    b.terminator = Return(out, 1)
    finish([b], [x], [b], [])
    assert [s.target for s in b.statements] == [shown, called, out]


def test_a_phi_cycle_that_feeds_only_itself_is_removed():
    x, n, n_next = Value("x"), Value("n"), Value("n")
    entry, header, body, exit_ = loop_blocks(x)
    phi(header, n, (entry, Constant(0)), (body, n_next))
    body.statements.append(row(n_next, R.add, n, Constant(1)))
    exit_.terminator = Return(x, 1)                  # nothing reads n
    finish([entry, header, body, exit_], [x], [entry, header, body, exit_], [])
    assert header.phis == [] and body.statements == []


def test_the_arm_of_a_constant_branch_nobody_takes_leaves_the_region_tree():
    x = Value("x")
    entry, then, orelse, join = blocks(4)
    entry.terminator = Branch(Constant(True), then, orelse, 1)
    then.terminator = Goto(join, 1)
    orelse.terminator = Goto(join, 1)
    join.terminator = Return(x, 1)
    region = If(Constant(True), 1)
    region.then, region.orelse = [then], [orelse]
    body = [entry, region, join]
    all_blocks = finish([entry, then, orelse, join], [x], body, [])
    assert region.then == [then] and region.orelse == []
    assert body == [entry, region, join]
    assert orelse in all_blocks                      # kept: the branch still names it


def test_a_jump_from_an_unreachable_block_leaves_the_region_tree():
    x = Value("x")
    entry, then, orelse = blocks(3)
    entry.terminator = Branch(Constant(False), then, orelse, 1)
    then.terminator = Return(x, 1)
    orelse.terminator = Return(Constant(0.0), 1)
    early = Jump("return", then, None, x, 1)
    region = If(Constant(False), 1)
    region.then, region.orelse = [then, early], [orelse]
    body = [entry, region]
    finish([entry, then, orelse], [x], body, [early])
    assert region.then == [] and region.orelse == [orelse]


def test_blocks_and_values_are_numbered_in_program_order_and_preds_filled():
    x, r, step = Value("x"), Value("r"), Value("r")
    entry, header, body, exit_ = loop_blocks(x)
    phi(header, r, (entry, Constant(1.0)), (body, step))
    body.statements.append(row(step, R.mul, r, x))
    exit_.terminator = Return(r, 1)
    order = [entry, header, body, exit_]
    finish(order, [x], list(order), [])
    assert [b.number for b in order] == [1, 2, 3, 4]
    assert [x.number, r.number, step.number] == [1, 2, 3]   # arguments, φs, statements
    assert header.preds == [entry, body]
    assert body.preds == [header] and exit_.preds == [header] and entry.preds == []
