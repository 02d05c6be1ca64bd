"""The generated adjoint code: its text (golden, from the slide), its names and namespace,
and that its derivative expressions are read from the primitive table."""

import ast
import builtins
import math
import unicodedata

import pytest

import adexplorer as ad
from adexplorer.core import names
from adexplorer.core import rules as R
from adexplorer.core.primitives import PRIMITIVES
from adexplorer.core.symbolic import vjp_text

from . import zoo


def nfc(text):
    """Compare as Python reads identifiers: ȳ typed precomposed equals y + combining bar."""
    return unicodedata.normalize("NFC", text)


def source(f):
    return nfc(ad.source_grad(f).source)


def test_grad_pow_is_the_slides_grad_pow():
    # The slide: push (r, x) in the forward loop, pop in a reversed loop, dx += dr*r,
    # dr = dr*x. Here x never changes, so only r is pushed; n carries no derivative.
    expected = "\n".join([
        "def grad_pow_while(x, n):",
        "    r = 1",
        "    stack = []",
        "    while n > 0:",
        "        stack.append(r)",
        "        n = n - 1",
        "        r = r * x",
        "    r̄ = seed(r)",
        "    x̄ = ZERO",
        "    while stack:",
        "        r = stack.pop()",
        "        x̄ += r̄ * r",
        "        r̄ = r̄ * x",
        "    return (x̄, None)",
        "",
    ])
    assert source(zoo.pow_while) == nfc(expected)


def five_sin_log(x):
    return 5 * ad.sin(ad.log(x))


def test_straight_line_code_is_the_adjoint_wengert_list_without_stacks():
    g = ad.source_grad(five_sin_log)
    assert nfc(g.source) == nfc("\n".join([
        "def grad_five_sin_log(x):",
        "    y1 = log(x)",
        "    y2 = sin(y1)",
        "    y3 = 5 * y2",
        "    ȳ3 = seed(y3)",
        "    ȳ2 = ȳ3 * 5",
        "    ȳ1 = ȳ2 * cos(y1)",
        "    x̄ = ȳ1 * (1 / x)",
        "    return (x̄,)",
        "",
    ]))
    assert g(3.0) == (0.7580540380443495,)              # the talk's number, as Zygote
    assert "stack" not in g.source and "while" not in g.source


def test_for_loops_stay_for_loops_and_nested_loops_push_their_counts():
    src = source(zoo.nested_loops)
    assert "    for i in range(n):" in src and "        for j in range(i):" in src
    assert "stack.append(count2)" in src and "count2 = stack.pop()" in src
    assert "for _ in range(count2):" in src


def test_an_if_in_a_loop_pushes_its_condition_and_reverses_as_an_if():
    src = source(zoo.if_in_loop)
    assert "stack.append(y3)" in src and "y3 = stack.pop()" in src
    assert "        if y3:" in src


def test_a_swap_is_a_parallel_assignment_both_ways():
    src = source(zoo.swap_fibonacci)
    assert "a, b = b, b2" in src                  # forward: the φ nodes of the header
    assert nfc("b̄, b̄2 = ā, b̄") in src            # reverse: their adjoints, at once


def test_names_come_from_the_naming_module():
    src = source(zoo.calls_another)
    tree = ast.parse(src)
    defined = [node.name for node in tree.body]
    assert defined == [names.gradient_function("calls_another"),
                       names.forward_function("helper"), names.backward_function("helper")]
    prefix = names.value_prefix(["x", "y"])           # "v": an input is called y
    assert names.saved(names.primal(1, prefix)) in src
    for primal in ("x", "y", "t"):
        assert nfc(names.adjoint_of(primal)) in src


def _free_names(fn_node):
    assigned = {a.arg for a in fn_node.args.args}
    loads = []
    for node in ast.walk(fn_node):
        if isinstance(node, ast.Name):
            if isinstance(node.ctx, ast.Store):
                assigned.add(node.id)
            else:
                loads.append(node.id)
    return {n for n in loads if n not in assigned}


@pytest.mark.parametrize("f", [zoo.pow_while, zoo.newton_sqrt, zoo.if_in_loop, zoo.elif_chain,
                               zoo.calls_another, zoo.array_loop, zoo.power_of_variables,
                               zoo.builtin_max_min, zoo.user_rule],
                         ids=lambda f: f.__name__)
def test_every_name_the_code_uses_is_bound_to_the_adexplorer_row(f):
    g = ad.source_grad(f)
    g.array_source                                   # make both forms (if numbers apply)
    for mode, compiled in g._compiled.items():
        namespace = compiled.__globals__
        for fn_node in ast.parse(g._sources[mode]).body:
            for name in _free_names(fn_node):
                assert name in namespace or hasattr(builtins, name), (mode, name)
                row = PRIMITIVES.get(name)
                if row is not None and name in namespace:
                    value = namespace[name]
                    assert value is row or getattr(value, "primitive", None) is row


def test_expressions_are_read_from_the_table_not_written_twice(monkeypatch):
    def f(x):
        return ad.sin(x)
    assert nfc("x̄ = ȳ1 * cos(x)") in source(f)
    # Change the sin row's vjp rule: the generated code follows it.
    monkeypatch.setattr(R.sin, "vjp", (lambda g, ans, x: g * R.cos(x) + 0.5 * g,))
    g = ad.source_grad(f)
    assert nfc("x̄ = ȳ1 * cos(x) + 0.5 * ȳ1") in nfc(g.source)
    assert g(0.3)[0] == pytest.approx(math.cos(0.3) + 0.5, rel=1e-15)


def test_rules_that_are_not_plain_python_are_called_from_the_table():
    src = source(zoo.user_rule)
    assert nfc("row_vjp(twice_second, 0, ȳ2, y2, x, y1)") in src


def test_derivative_text_of_division_and_power_is_the_rules_text():
    src = source(zoo.power_of_variables)          # x ** y + y ** 2.0
    row = PRIMITIVES["pow"]
    v1 = names.primal(1, names.value_prefix(["x", "y"]))
    g = names.adjoint_of(v1)
    # The rule's guards (exponent 0, base 0) depend on values here: the code calls the
    # same helpers the rule calls, bound to them in the namespace.
    assert nfc(f"x̄ = {g} * power_factor(x, y)") in src
    assert nfc(f"ȳ += {g} * {v1} * log_nonzero(x)") in src
    namespace = ad.source_grad(zoo.power_of_variables)._compiled["scalar"].__globals__
    assert namespace["power_factor"] is R.power_factor
    assert namespace["log_nonzero"] is R.log_nonzero
    # A constant exponent decides the guard when the text is written: the rule's text.
    v2 = names.primal(2, names.value_prefix(["x", "y"]))
    assert nfc(f"ȳ = {vjp_text(row, 0, names.adjoint_of(v2), ['y', 2.0], v2)}") in src


def test_the_source_is_what_runs(tmp_path):
    g = ad.source_grad(zoo.horner)
    namespace = dict(g._compiled["scalar"].__globals__)
    exec(compile(g.source, "<again>", "exec"), namespace)
    assert namespace["grad_horner"](0.7) == g._compiled["scalar"](0.7)


def test_the_generated_code_is_differentiable_again():
    # Its names are the table's rows, so forward or reverse mode can run through it:
    # d/dx of 5 x^4 is 20 x^3 = 160 at x = 2.
    grad_pow = ad.source_grad(zoo.pow_while)
    assert ad.derivative(lambda x: grad_pow(x, 5)[0], 2.0) == 160.0
    assert ad.gradient(lambda x: grad_pow(x, 5)[0], 2.0) == (160.0,)


def pow_while_true(x, n):               # the loop only ends by return: nothing after it
    r = 1
    if n == 0:
        return 1.0
    while True:
        r *= x
        n -= 1
        if n == 0:
            return r


def test_code_nothing_reaches_is_not_generated():
    src = source(pow_while_true)
    assert "seed(None)" not in src                  # the implicit return None after the loop
    assert src.count("site = ") == 3                # site = 0, and the two real returns
    assert "site = 1" in src and "site = 2" in src and "site == 2" in src
    for args in [(2.0, 3), (2.0, 0), (1.5, 1)]:
        assert ad.source_grad(pow_while_true)(*args) == ad.gradient(pow_while_true, *args)


def return_before_the_push(x, n):
    r = 1.0
    for i in range(n):
        if r > 100:
            return r
        r = r * x
    return r


def test_a_loop_whose_every_finished_iteration_pushes_pops_while_the_stack_has_items():
    src = source(return_before_the_push)
    assert "while stack:" in src and "count" not in src
    for args in [(1.5, 20), (1.5, 3), (200.0, 3), (2.0, 0)]:
        assert ad.source_grad(return_before_the_push)(*args) == ad.gradient(
            return_before_the_push, *args)


def add_until_ten(x):
    while x < 10:
        x = x + 0.3
    return x


def test_no_bookkeeping_that_nothing_reads():
    src = source(add_until_ten)
    assert "count" not in src and "stack" not in src
    assert ad.source_grad(add_until_ten)(1.0) == (1.0,) == ad.gradient(add_until_ten, 1.0)


def prints_each_step(x, n):
    y = x
    for i in range(n):
        print("step", i)
        y = y * x
    return y


def test_a_call_run_for_its_effect_is_not_bound_to_a_variable(capsys):
    src = source(prints_each_step)
    assert "        print('step', i)\n" in src
    assert ad.source_grad(prints_each_step)(1.5, 2) == (3 * 1.5 ** 2, None)
    assert capsys.readouterr().out == "step 0\nstep 1\n"
