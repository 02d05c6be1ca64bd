"""The plan on its own: which statements it differentiates, what each sends back, what
loops save, which calls go by the tape; and that planning leaves the SSA form as it was.

Expectations come from the programs: the product rule for ``r * x``; in ``pow`` the loop
must save ``r`` (the only value of the loop the reverse pass reads) before ``r *= x``
overwrites it, and ``x``, defined before the loop, needs no saving.
"""

import adexplorer as ad
from adexplorer.core import rules as R
from adexplorer.s2s.assemble import Unit
from adexplorer.s2s.ir import CALL, TAPE, Value

from . import zoo


def counted(x, n):
    k = 0
    while k < n:
        k += 1
    return x * 2.0


def add(x, y):
    return x + y


def spread(*xs):                 # *args: cannot be lowered, so the tape differentiates it
    return xs[0] * 2.0


def helper(a):
    return a * a


def calls(x):
    return spread(x) + helper(x)


def plan_of(f, mode="scalar"):
    fn = ad.ssa(f)
    return (fn,) + Unit(mode).plan(fn)


def named(v):
    return v.hint if isinstance(v, Value) else v


def test_only_active_statements_are_planned():
    fn, plan, _, _ = plan_of(zoo.pow_while)
    (step,) = [s for s in fn.statements() if s.row is R.mul]
    assert list(plan.statements) == [step]           # not n - 1, not n > 0


def test_r_times_x_sends_the_product_rule_back():
    fn, plan, _, _ = plan_of(zoo.pow_while)
    (sent,) = plan.statements.values()
    texts = {named(arg): plan.tokens.render(text, named) for arg, text, _ in sent.contributions}
    assert texts == {"r": "g * x", "x": "g * r"}
    assert {named(v) for v in sent.needed} == {"r", "x"}


def test_the_loop_saves_r_before_r_changes():
    fn, plan, infos, site = plan_of(zoo.pow_while)
    (step,) = [s for s in fn.statements() if s.row is R.mul]
    body = next(b for b in fn.blocks if step in b.statements)
    position, values = plan.records[body]
    assert [named(v) for v in values] == ["r"]       # x is defined before the loop
    assert position <= body.statements.index(step)
    assert list(plan.records) == [body]
    (info,) = infos.values()
    assert info.active and info.stack == "stack"
    assert site is None                              # one return, outside the loop


def test_a_loop_that_only_counts_saves_nothing():
    fn, plan, infos, _ = plan_of(counted)
    (info,) = infos.values()
    assert not info.active and info.stack is None
    assert plan.records == {}


def test_arrays_keep_the_broadcasting_numbers_drop_it():
    _, scalar, _, _ = plan_of(add, "scalar")
    _, array, _, _ = plan_of(add, "array")
    (sent,) = scalar.statements.values()
    assert [scalar.tokens.render(t, named) for _, t, _ in sent.contributions] == ["g", "g"]
    (sent,) = array.statements.values()
    texts = [array.tokens.render(t, named) for _, t, _ in sent.contributions]
    assert all("shape(" in t for t in texts)
    assert "shape(x)" in texts[0] and "shape(y)" in texts[1]


def test_a_call_that_cannot_be_lowered_goes_by_the_tape_in_the_plan_only():
    fn, plan, _, _ = plan_of(calls)
    by_name = {s.callee: s for s in fn.statements() if s.kind == CALL}
    assert set(by_name) == {"spread", "helper"}
    assert plan.kind_of(by_name["spread"]) == TAPE
    assert plan.kind_of(by_name["helper"]) == CALL
    assert by_name["spread"].kind == CALL            # the SSA form still says CALL


def test_each_call_keeps_its_pullback_data_in_a_value_of_the_plan():
    fn, plan, _, _ = plan_of(calls)
    calls_ = [s for s in fn.statements() if s.kind == CALL]
    assert set(plan.saved) == set(calls_)
    assert all(plan.var(plan.saved[s]).startswith("saved") for s in calls_)
    assert all(plan.saved[s] in plan.statements[s].needed for s in calls_)


def snapshot(fn):
    """Everything a pass could change in an SSA form, as plain data."""
    def item(x):
        return (type(x).__name__, id(x))
    out = []
    for b in fn.blocks:
        out.append(("block", id(b), b.number, [id(p) for p in b.preds]))
        out += [("phi", id(p.target), [(id(s), id(v)) for s, v in p.incoming]) for p in b.phis]
        out += [("stmt", id(s.target), s.kind, [id(a) for a in s.args], dict(s.params))
                for s in b.statements]
        out.append(("end", type(b.terminator).__name__,
                    [id(v) for v in vars_of(b.terminator)]))
    out.append(("body", [item(x) for x in fn.body]))
    return out


def vars_of(terminator):
    return [getattr(terminator, name) for name in ("target", "cond", "then", "orelse", "value")
            if hasattr(terminator, name)]


def test_planning_and_generating_leave_the_ssa_form_unchanged():
    for f in (zoo.pow_while, calls):
        fn = ad.ssa(f)
        before = snapshot(fn)
        first = Unit("scalar").grad_source(fn)
        Unit("array").grad_source(fn)
        again = Unit("scalar").grad_source(fn)
        assert snapshot(fn) == before
        assert again == first                        # the same SSA form plans the same


def loop_bookkeeping(infos):
    return {loop: (i.active, i.stack, i.count, i.exit, i.latch) for loop, i in infos.items()}


def test_the_passes_leave_the_loop_plan_as_control_made_it():
    """The forward pass drops bookkeeping the reverse pass does not read (break_continue's
    exit, swap_fibonacci's stack) on its own copy: the plan's infos stay as they were, so
    what a later reader of them sees does not depend on which pass ran first."""
    for f in (zoo.break_continue, zoo.swap_fibonacci, zoo.break_out_of_for, zoo.pow_while):
        unit, planned = Unit("scalar"), []

        def plan(fn_ssa, plan=unit.plan):
            made = plan(fn_ssa)
            planned.append((made[1], loop_bookkeeping(made[1])))
            return made
        unit.plan = plan
        fn = ad.ssa(f)
        unit.grad_source(fn)
        unit.callee(f)                   # its forward_f and backward_f
        assert len(planned) == 2
        for infos, before in planned:
            assert loop_bookkeeping(infos) == before, f.__name__
