"""Unsupported syntax raises ``UnsupportedSyntax`` naming the construct and its line.

Each function below has exactly one unsupported construct, on the line marked ``# <--``;
the test finds that line in this file and checks the error points at it.
"""

import inspect
import os

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


CASES = [
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


def test_a_lambda_is_reported_as_a_lambda():
    square = lambda x: x * x  # noqa: E731
    with pytest.raises(UnsupportedSyntax, match="lambda expressions"):
        ssa(square)
