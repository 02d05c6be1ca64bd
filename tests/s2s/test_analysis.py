"""The analysis pass on its own: loops, activity, liveness and variables of small programs.

Expectations come from the programs: in ``pow`` only ``r`` carries a derivative (``n`` is
a counter), a value the output does not depend on is not active however it was computed,
and two values both needed at one point cannot share a Python variable.
"""

import adexplorer as ad
from adexplorer.core import rules as R
from adexplorer.s2s.analysis import Analysis, Variables
from adexplorer.s2s.localnames import LocalNames
from adexplorer.s2s.namespace import Namespace

from . import zoo


SCALE = 3.0


def printed_sine(x):
    y = ad.sin(x)
    print(y)
    return 2.0 * x


def global_factor(x):
    k = SCALE * 2.0
    return x * k


def both_needed(x):
    a = x * 2.0
    b = a + 1.0
    return b * a


def one_after_another(x):
    a = x * 2.0
    b = a + 1.0
    return b * 3.0


def nested(x, n):
    for i in range(n):
        for j in range(n):
            x = x * 0.5
    return x


def row_statement(fn, row):
    """The one statement of ``fn`` computing ``row``."""
    (s,) = [s for s in fn.statements() if s.row is row]
    return s


def phi_of(fn, name):
    """The one φ of ``fn`` for source variable ``name``."""
    (phi,) = [phi for phi in fn.phis() if phi.target.hint == name]
    return phi


def test_pow_has_one_loop_holding_its_body():
    fn = ad.ssa(zoo.pow_while)
    analysis = Analysis(fn)
    (loop,) = analysis.loops
    step = row_statement(fn, R.mul)
    assert analysis.loop_of_value(step.target) is loop
    assert analysis.loop_of_value(phi_of(fn, "r").target) is loop
    assert analysis.loop_of_value(fn.args[0]) is None
    assert analysis.top_loop(loop) is loop


def test_nested_loops_know_their_outer_loop():
    fn = ad.ssa(nested)
    analysis = Analysis(fn)
    outer, inner = analysis.loops                       # program order: outer first
    assert inner.parent is outer
    assert analysis.top_loop(inner) is outer
    assert analysis.loop_of_value(row_statement(fn, R.mul).target) is inner


def test_in_pow_only_r_and_x_are_active():
    fn = ad.ssa(zoo.pow_while)
    analysis = Analysis(fn)
    x, n = fn.args
    assert analysis.is_active(x) and not analysis.is_active(n)
    assert analysis.is_active(phi_of(fn, "r").target)
    assert analysis.is_active(row_statement(fn, R.mul).target)
    assert not analysis.is_active(phi_of(fn, "n").target)
    assert not analysis.is_active(row_statement(fn, R.sub).target)        # n - 1
    assert not analysis.is_active(row_statement(fn, R.greater).target)    # n > 0


def test_a_value_the_output_does_not_use_is_not_active():
    fn = ad.ssa(printed_sine)            # sin(x) depends on x, but only print reads it
    analysis = Analysis(fn)
    assert not analysis.is_active(row_statement(fn, R.sin).target)
    assert analysis.is_active(fn.args[0])


def test_a_value_that_does_not_depend_on_an_argument_is_not_active():
    fn = ad.ssa(global_factor)           # the output uses k, but k is a constant's double
    analysis = Analysis(fn)
    k, product = fn.statements()
    assert k.row is R.mul and product.row is R.mul and k.target in product.args
    assert not analysis.is_active(k.target)
    assert analysis.is_active(product.target)


def test_constants_are_never_active():
    fn = ad.ssa(zoo.pow_while)
    one = phi_of(fn, "r").incoming[0][1]
    assert not Analysis(fn).is_active(one)


def test_values_needed_at_once_interfere():
    fn = ad.ssa(both_needed)
    a, b = (s.target for s in fn.statements() if s.row in (R.mul, R.add) and
            s.target.hint in ("a", "b"))
    assert Analysis(fn).interfere(a, b)


def test_a_value_dead_before_the_next_is_defined_does_not_interfere():
    fn = ad.ssa(one_after_another)
    a, b = (s.target for s in fn.statements() if s.target.hint in ("a", "b"))
    analysis = Analysis(fn)
    assert not analysis.interfere(a, b)
    assert not analysis.interfere(a, a)


def variables(fn, alone=()):
    analysis = Analysis(fn)
    names = LocalNames(fn.user_names, fn.user_locals, Namespace())
    return Variables(analysis, set(alone), names)


def test_pows_r_is_one_variable_across_the_loop():
    fn = ad.ssa(zoo.pow_while)
    r_phi, step = phi_of(fn, "r").target, row_statement(fn, R.mul).target
    found = variables(fn)
    assert found.same(r_phi, step)
    assert found.of(r_phi) == found.of(step) == "r"
    assert set(found.group(step)) == {r_phi, step}
    assert found.find(step) is found.find(r_phi)


def test_a_value_kept_alone_gets_a_variable_of_its_own():
    fn = ad.ssa(zoo.pow_while)
    r_phi, step = phi_of(fn, "r").target, row_statement(fn, R.mul).target
    found = variables(fn, alone=[step])
    assert not found.same(r_phi, step)
    assert found.of(r_phi) != found.of(step)


def test_arguments_keep_their_names():
    fn = ad.ssa(zoo.pow_while)
    found = variables(fn)
    assert [found.of(v) for v in fn.args] == ["x", "n"]
