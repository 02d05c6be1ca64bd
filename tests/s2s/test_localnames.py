"""Generated names never change the answer: they avoid every name the user's function
reads or writes (parameters, locals, globals, builtins), after NFKC normalisation, and
the user's own variables keep their names."""

import re
import unicodedata

import pytest

import adexplorer as ad

from .test_zoo import assert_same_gradient


def nfc(text):
    return unicodedata.normalize("NFC", text)


# -- parameters that look like adjoints -----------------------------------------------

def p_bar(x, x̄):                   # x̄ is what the adjoint of x would be called
    return x * x̄ + x


def p_macron(a, ā):                # ā (U+0101) is how Python reads a + U+0304
    return ā * ā + a


def p_bar_loop(x, x̄, n):
    r = x̄
    for i in range(n):
        r = r * x + x̄
    return r


@pytest.mark.parametrize("f, args, want", [
    (p_bar, (1.2, 0.5), (1.5, 1.2)),           # d/dx = x̄ + 1, d/dx̄ = x
    (p_macron, (1.2, 0.5), (1.0, 1.0)),        # d/da = 1, d/dā = 2 ā
], ids=["x̄", "ā"])
def test_a_parameter_named_like_an_adjoint(f, args, want):
    got = ad.source_grad(f)(*args)
    assert got == pytest.approx(want, rel=1e-15)
    assert_same_gradient(got, ad.gradient(f, *args))


def test_a_parameter_named_like_an_adjoint_in_a_loop():
    assert_same_gradient(ad.source_grad(p_bar_loop)(1.1, 0.7, 3), ad.gradient(p_bar_loop, 1.1, 0.7, 3))


# -- globals with the names of generated locals ---------------------------------------

y1 = 0.5
v1 = 0.25
count = 2.0
stack = 3.0
exit = 0.5       # noqa: A001  (a notebook may well shadow the builtin)
total2 = 0.5
site = 4.0
saved_y1 = 1.5
_ = 2.0
x̄ = 10.0


def g_y1(x):
    return ad.sin(x * x) * y1


def g_v1(x, y):                   # an input called y: intermediates are v1, v2, ...
    return ad.sin(x * y) * v1


def g_count(x):                   # nested loops count their iterations
    r = 1.0
    for i in range(2):
        for j in range(2):
            r = r * x + count
    return r


def g_stack(x):
    r = 1.0
    for i in range(3):
        r = r * x + stack
    return r


def g_exit(x):
    r = x
    while True:
        r = r * x
        if r > 4.0:
            break
    return r * exit


def g_total2(x, n):               # total2 would be the second version of total
    total = 0.0
    for i in range(n):
        total += x * i
        total *= x + total2
    return total


def g_site(x, n):                 # two returns: the generated code records a site
    r = x
    for i in range(n):
        r = r * x
        if r > site:
            return r
    return r * 2.0


def helper(a):
    return a * a


def g_saved(x):                   # a call saves its data in saved_y1
    return helper(x) * saved_y1


def g_underscore(x, n):           # loops nobody counts with are `for _ in ...`
    r = 1.0
    for i in range(n):
        for j in range(2):
            r = r * x
    return r * _


def g_bar(x):
    return x * x * x̄


CASES = [(g_y1, (1.1,)), (g_v1, (1.1, 0.3)), (g_count, (1.2,)), (g_stack, (1.2,)),
         (g_exit, (1.5,)), (g_total2, (1.1, 3)), (g_site, (1.5, 6)), (g_site, (1.1, 2)),
         (g_saved, (0.7,)), (g_underscore, (1.1, 3)), (g_bar, (0.5,))]


@pytest.mark.parametrize("f, args", CASES, ids=[f.__name__ + repr(a) for f, a in CASES])
def test_a_global_with_the_name_of_a_generated_local(f, args):
    assert_same_gradient(ad.source_grad(f)(*args), ad.gradient(f, *args))


def test_the_expected_values_are_the_calculus_ones():
    assert ad.source_grad(g_bar)(0.5) == (2 * 0.5 * 10.0,)
    assert ad.source_grad(g_y1)(1.1)[0] == pytest.approx(ad.cos(1.21) * 2.2 * 0.5, rel=1e-15)
    # r = ((x + 2) x + 2) x + 2 ... four times from 1: d/dx at 1.2 by central differences
    h = 1e-6
    fd = (g_count(1.2 + h) - g_count(1.2 - h)) / (2 * h)
    assert ad.source_grad(g_count)(1.2)[0] == pytest.approx(fd, rel=1e-8)


# -- the user's own names are kept ------------------------------------------------------

def uses_count_and_stack(x):
    count = 0.0
    stack = 1.0
    for i in range(3):
        count = count + x
        stack = stack * x
    return count * stack


def test_a_users_variable_named_like_bookkeeping_keeps_its_name():
    g = ad.source_grad(uses_count_and_stack)
    src = nfc(g.source)
    assert "    count = 0.0\n    stack = 1.0\n" in src and "count40" not in src
    assert nfc("count̄ = ") in src and nfc("stack̄ = ") in src
    lists = re.findall(r"(\w+) = \[\]", src)       # the bookkeeping moves aside
    assert len(lists) == 1 and lists[0] not in ("count", "stack")
    assert_same_gradient(g(1.3), ad.gradient(uses_count_and_stack, 1.3))


def test_no_local_is_nfkc_equal_to_a_user_name():
    import ast
    for f, args in CASES + [(p_bar, (1.0, 1.0)), (p_macron, (1.0, 1.0))]:
        g = ad.source_grad(f)
        user = {unicodedata.normalize("NFKC", n) for n in f.__code__.co_names + f.__code__.co_varnames}
        tree = ast.parse(g.source)
        fn = tree.body[0]
        params = {a.arg for a in fn.args.args}
        for node in ast.walk(fn):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                name = unicodedata.normalize("NFKC", node.id)
                assert name not in user or name in set(f.__code__.co_varnames) | params, (f, name)
