"""Unsupported syntax raises ``UnsupportedSyntax`` naming the construct and its line.

Each function below has exactly one unsupported construct, on the line marked ``# <--``;
the test finds that line in this file and checks the error points at it.
"""

import inspect
import os
import traceback

import pytest

import adexplorer as ad
from adexplorer.core.errors import ADError
from adexplorer.s2s import SourceUnavailable, UnsupportedSyntax, ssa


def generator(x):
    yield x  # <--


def comprehension(x):
    return sum([x * i for i in range(3)])  # <--


def generator_expression(x):
    return sum(x * i for i in range(3))  # <--


def lambda_inside(x):
    f = lambda y: y * 2  # <--
    return f(x)


def try_statement(x):
    try:  # <--
        return x
    except ValueError:
        return 0.0


def with_statement(x):
    with open(__file__):  # <--
        return x


def global_statement(x):
    global COUNTER  # <--  # noqa: F824
    return x


def attribute_assignment(x, box):
    box.value = x  # <--
    return x


def item_assignment(x, a):
    a[0] = x  # <--
    return x


def while_else(x):
    while x > 1:  # <--  (the else belongs to this while)
        x = x / 2
    else:
        x = x + 1
    return x


def for_over_a_list(x):
    for c in [1.0, 2.0]:  # <--
        x = x * c
    return x


def nested_def(x):
    def inner(y):  # <--
        return y
    return inner(x)


def raise_statement(x):
    if x < 0:
        raise ValueError("negative")  # <--
    return x


def walrus(x):
    if (y := x * 2) > 1:  # <--
        return y
    return x


def star_parameters(*xs):  # <--
    return xs[0]


def returns_a_tuple(x):
    return x, x  # <--


def fstring(x):
    print(f"{x}")  # <--
    return x


def list_display(x):
    v = [x, 2 * x]  # <--
    return v[0]


def method_call(x):
    return x.sum()  # <--


def string_method(x, s):
    t = s.upper()  # <--  # noqa: F841
    return x


def returns_a_list(x):
    return [x, x]  # <--


class Model:
    def __init__(self):
        self.w = 2.0

    def reads_an_attribute(self, x):
        return self.w * x  # <--

    def calls_a_method(self, x):
        return self.reads_an_attribute(x)  # <--


CASES = [
    (list_display, "list displays"), (method_call, "method calls on values (x.sum())"),
    (string_method, "method calls on values (s.upper())"),
    (returns_a_list, "returning a list"),
    (Model().reads_an_attribute, "reading attributes of self (self.w)"),
    (Model().calls_a_method, "calling methods of self (self.reads_an_attribute())"),
    (generator, "yield"), (comprehension, "list comprehensions"),
    (generator_expression, "generator expressions"), (lambda_inside, "lambda"),
    (try_statement, "try statements"), (with_statement, "with statements"),
    (global_statement, "global statements"),
    (attribute_assignment, "attribute assignment"), (item_assignment, "item assignment"),
    (while_else, "while ... else"), (for_over_a_list, "for loops over anything but range"),
    (nested_def, "nested function definitions"), (raise_statement, "raise statements"),
    (walrus, "assignment expressions"), (star_parameters, "*args"),
    (returns_a_tuple, "returning a tuple"), (fstring, "f-strings"),
]


def _marked_line(fn):
    lines, first = inspect.getsourcelines(fn)
    return first + next(k for k, line in enumerate(lines) if "# <--" in line)


@pytest.mark.parametrize("fn, construct", CASES, ids=[c[0].__name__ for c in CASES])
def test_error_names_the_construct_and_its_line(fn, construct):
    with pytest.raises(UnsupportedSyntax) as info:
        ssa(fn)
    err = info.value
    line = _marked_line(fn)
    message = str(err)
    assert construct in message
    assert f"{os.path.basename(__file__)}, line {line}" in message
    assert err.line == line and err.filename == __file__
    assert isinstance(err, ADError)


def test_source_grad_raises_the_same_error():
    with pytest.raises(UnsupportedSyntax, match="try statements"):
        ad.source_grad(try_statement)


def test_the_message_shows_the_offending_source_and_a_hint():
    with pytest.raises(UnsupportedSyntax) as info:
        ssa(comprehension)
    assert "return sum([x * i for i in range(3)])" in str(info.value)
    assert "write a for loop over range(...)" in str(info.value)


def test_a_function_without_source_is_reported():
    with pytest.raises(SourceUnavailable, match="needs a Python function defined with def"):
        ssa(len)
    namespace = {}
    exec("def made(x):\n    return x * 2\n", namespace)
    with pytest.raises(SourceUnavailable, match="cannot read the source of made"):
        ssa(namespace["made"])


def test_a_lambda_lowers_and_one_without_source_is_reported_as_a_lambda():
    # A lambda used to be refused outright; now its own expression is found in its file
    # (tests/s2s/test_callables.py checks the gradients).
    square = lambda x: x * x  # noqa: E731
    assert ssa(square).name == "square"
    namespace = {}
    exec("made = lambda x: x * 2", namespace)
    with pytest.raises(SourceUnavailable, match="cannot read the source of this lambda"):
        ssa(namespace["made"])


def test_method_calls_suggest_the_numpy_function():
    with pytest.raises(UnsupportedSyntax, match=r"use np\.sum\(x\)"):
        ssa(method_call)


def mode_in_a_tuple(x, mode):
    if mode in ("double", "twice"):
        return x * 2.0
    return x


def test_a_tuple_of_strings_is_a_constant():
    assert ad.source_grad(mode_in_a_tuple)(1.5, "twice") == (2.0, None) == ad.gradient(
        mode_in_a_tuple, 1.5, "twice")
    assert ad.source_grad(mode_in_a_tuple)(1.5, "once") == (1.0, None)


@pytest.mark.parametrize("entry", [ssa, ad.source_grad], ids=["ssa", "source_grad"])
def test_an_error_for_the_user_does_not_carry_the_internals(entry):
    with pytest.raises(UnsupportedSyntax) as info:
        entry(method_call)
    frames = traceback.extract_tb(info.value.__traceback__)
    assert len(frames) <= 2                                   # this test and the entry
    assert info.value.__cause__ is None and info.value.__suppress_context__


def horner(x):
    r = 0.0
    for c in (1.0, 2.0, 3.0):
        r = r * x + c
    return r


def test_tape_vs_ssa_says_which_functions_it_takes():
    with pytest.raises(TypeError, match=r"functions of \(x, n\), like the talk's pow"):
        ad.tape_vs_ssa(horner)
