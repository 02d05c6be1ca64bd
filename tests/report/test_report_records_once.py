"""The report is built from one recording: f runs once under AD (value, gradient, the
reason for every None, forward-mode derivatives and every view read that one trace);
only the finite-difference check and the "does it steer?" probe call f again, with
plain numbers. What it shows is what the transforms return when called directly."""

from __future__ import annotations

import inspect

import numpy as np
import pytest

import adexplorer as ad
from adexplorer.report.analysis import analyse


def _counting(fn):
    """fn, counting its calls by kind of argument: plain numbers and arrays, or AD values."""
    calls = {"ad": 0, "plain": 0}

    def counted(*args):
        plain = all(isinstance(a, (int, float, complex, np.ndarray, np.generic))
                    for a in args)
        calls["plain" if plain else "ad"] += 1
        return fn(*args)
    counted.__name__ = fn.__name__
    counted.__signature__ = inspect.signature(fn)
    return counted, calls


def _talk(x):
    return 5 * np.sin(np.log(x))


def _two(x, y):
    return x * y + np.exp(x)


def _pow(x, n):
    r = 1
    while n > 0:
        n -= 1
        r *= x
    return r


@pytest.mark.parametrize("fn, args", [(_talk, (3.0,)), (_two, (0.5, 2.0)), (_pow, (2.0, 5))])
@pytest.mark.parametrize("modes", [("forward", "reverse"), ("reverse",), ("forward",)])
def test_f_runs_once_under_ad(fn, args, modes):
    counted, calls = _counting(fn)
    analyse(counted, args, modes=modes)
    assert calls["ad"] == 1


def test_an_unused_argument_is_probed_with_plain_numbers_only():
    def f(x, unused):
        return 3.0 * x
    counted, calls = _counting(f)
    report = analyse(counted, (2.0, 1.5))
    assert report.gradient == {"x": 3.0, "unused": None}
    assert calls["ad"] == 1 and calls["plain"] >= 1


def _vector(x):
    return np.array([np.sin(x), x * x, 2.0])


def _f32(x):
    return np.tanh(x) * x


@pytest.mark.parametrize("fn, args", [
    (_talk, (3.0,)), (_two, (0.5, 2.0)), (_pow, (2.0, 5)), (_vector, (0.7,)),
    (_f32, (np.float32(0.4),)),
])
def test_what_the_report_shows_is_what_the_transforms_return(fn, args):
    report = analyse(fn, args)
    if report.scalar_output:
        expected = ad.gradient(fn, *args)
        assert tuple(report.gradient.values()) == expected
        for got, want in zip(report.gradient.values(), expected):
            assert type(got) is type(want)
    for k, name in enumerate(report.names):
        if name not in report.derivatives:
            continue
        tangents = tuple(type(a)(1) if j == k else type(a)(0) for j, a in enumerate(args))
        _same_tree(report.derivatives[name], ad.jvp(fn, args, tangents)[1])


def _same_tree(got, want):
    from adexplorer.core import trees
    got_leaves, want_leaves = trees.leaves(got), trees.leaves(want)
    assert len(got_leaves) == len(want_leaves)
    for g, w in zip(got_leaves, want_leaves):
        np.testing.assert_allclose(g, w, rtol=1e-12, atol=0)
        assert np.asarray(g).dtype == np.asarray(w).dtype
