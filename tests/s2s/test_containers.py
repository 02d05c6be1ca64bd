"""Lists, tuples and dicts: as arguments, the gradient mirrors the container as
``ad.gradient``'s does (``None`` for items without one); a tuple a call returns can be
indexed (the call goes to the tape, its cotangent has the tuple's structure)."""

from collections import namedtuple

import numpy as np
import pytest

import adexplorer as ad


def same(got, want):
    """Equal structure, types, Nones and values (to 1e-12)."""
    if want is None:
        assert got is None
    elif isinstance(want, (list, tuple, dict)):
        assert type(got) is type(want) and len(got) == len(want)
        for k in (want.keys() if isinstance(want, dict) else range(len(want))):
            same(got[k], want[k])
    else:
        assert type(got) is type(want)
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


def sumsq(xs):
    s = 0.0
    for i in range(len(xs)):
        s = s + xs[i] * xs[i]
    return s


def first_only(xs):
    return xs[0] * 2.0


def negative_index(xs):
    return xs[-1] * xs[1]


def dict_arg(p, x):
    return p["w"] * x + p["b"]


def dict_partial(p, x):
    return p["w"] * x


def nested(xs):
    return xs[0][1] * 3.0


def list_of_arrays(ws, x):
    return np.sum(ws[1] * x)


def tape_and_index(xs):                  # np.sum sees the list as an array
    return np.sum(xs) + xs[0]


def sliced(xs):
    ys = xs[1:3]
    return ys[0] * ys[1]


def ints(xs):
    return xs[0] * xs[1]


Pair = namedtuple("Pair", "a b")


def named(p):
    return p[0] * p[1]


def square_item(xs, i):
    return xs[i] * xs[i]


def passes_the_list_on(xs):
    return square_item(xs, 0) + square_item(xs, 1) * 2.0


CASES = [
    (sumsq, ([1.0, 2.0],), ([2.0, 4.0],)),                     # d/dxs_i = 2 xs_i
    (sumsq, ((1.0, 2.0),), ((2.0, 4.0),)),
    (first_only, ([1.0, 2.0],), ([2.0, None],)),
    (negative_index, ([1.0, 2.0, 3.0],), ([None, 3.0, 2.0],)),
    (dict_arg, ({"w": 2.0, "b": 1.0}, 3.0), ({"w": 3.0, "b": 1.0}, 2.0)),
    (dict_partial, ({"w": 2.0, "b": 1.0}, 3.0), ({"w": 3.0, "b": None}, 2.0)),
    (nested, ([[1.0, 2.0], [3.0, 4.0]],), ([[None, 3.0], None],)),
    (list_of_arrays, ([np.ones(2), np.ones(3)], 2.0), ([None, np.full(3, 2.0)], 3.0)),
    (tape_and_index, ([1.0, 2.0],), ([2.0, 1.0],)),
    (sliced, ([1.0, 2.0, 3.0, 4.0],), ([None, 3.0, 2.0, None],)),
    (ints, ([2, 3],), ([3, 2],)),
    (named, (Pair(2.0, 3.0),), (Pair(3.0, 2.0),)),
    (passes_the_list_on, ([1.0, 2.0],), ([2.0, 8.0],)),
]


@pytest.mark.parametrize("f, args, want", CASES, ids=[f.__name__ for f, _, _ in CASES])
def test_container_arguments_get_container_gradients(f, args, want):
    got = ad.source_grad(f)(*args)
    same(got, want)                                    # calculus
    same(got, ad.gradient(f, *args))                   # and the tape, Nones and types


def helper_tuple(x):                     # not lowered (returns a tuple): the tape runs it
    return (x * x, 3 * x)


def second_of_a_tuple(x):
    return helper_tuple(x)[1]


def both_parts_of_a_tuple(x):
    t = helper_tuple(x)
    return t[0] + t[1] * t[0]


pair_of = lambda v: (v * v, v + 1.0)  # noqa: E731


def first_of_a_lambdas_tuple(x):
    return pair_of(x)[0] * 2.0


def pow_while(x, n):
    r = 1
    while n > 0:
        n -= 1
        r *= x
    return r


dpow = ad.source_grad(pow_while)


def gradient_of_a_gradient(x):          # source_grad over source_grad: d/dx 5 x^4
    return dpow(x, 5)[0]


@pytest.mark.parametrize("f, x, want", [
    (second_of_a_tuple, 1.5, 3.0),
    (both_parts_of_a_tuple, 1.5, 2 * 1.5 + 9 * 1.5 ** 2),   # x^2 + 3 x^3
    (first_of_a_lambdas_tuple, 1.5, 4 * 1.5),
    (gradient_of_a_gradient, 2.0, 20 * 2.0 ** 3),
], ids=["a tuple's item", "both items", "a lambda's tuple", "source_grad of source_grad"])
def test_indexing_a_tuple_a_call_returned(f, x, want):
    got = ad.source_grad(f)(x)
    assert got == (pytest.approx(want, rel=1e-12),)
    same(got, ad.gradient(f, x))
