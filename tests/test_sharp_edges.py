"""Each bullet of the README's "Sharp edges" section, as the behaviour it promises."""

import math
import re
from pathlib import Path

import numpy as np
import pytest

import adexplorer as ad

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()


def test_the_readme_has_the_section():
    section = README.split("## Sharp edges", 1)[1].split("\n## ", 1)[0]
    assert len(re.findall(r"^- \*\*", section, re.M)) >= 8


def test_a_traced_value_is_not_a_float():
    seen = []
    ad.gradient(lambda x: seen.append((isinstance(x, float), np.ndim(x) == 0)) or x, 1.0)
    assert seen == [(False, True)]


def _store_in_float_array(x):
    z = np.zeros(3)
    z[0] = x
    return np.sum(z)


@pytest.mark.parametrize("f", [lambda x: float(x) * x, lambda x: math.sin(x)])
def test_converting_to_a_plain_number_is_refused(f):
    with pytest.raises(ad.LostDerivative):
        ad.gradient(f, 1.0)


def test_storing_into_a_float_array_is_refused_with_our_reason():
    # NumPy raises its own ValueError, caused by ours (the magic shows ours)
    with pytest.raises(ValueError) as info:
        ad.gradient(_store_in_float_array, 1.0)
    assert isinstance(info.value.__cause__, ad.LostDerivative)
    assert "np.stack" in str(info.value.__cause__)


def test_np_array_is_a_stack_and_dtype_float_is_refused():
    assert ad.gradient(lambda x: np.sum(np.array([x, x * x])), 3.0) == (7.0,)
    with pytest.raises(ad.LostDerivative, match="dtype"):
        ad.gradient(lambda x: np.sum(np.array([x, x], dtype=float)), 3.0)
    with pytest.raises(ad.LostDerivative, match="large"):
        ad.gradient(lambda x: np.sum(np.asarray(x)), np.ones(4097))


def test_control_flow_follows_the_value():
    f = lambda x: x * x if x > 0 else -x
    assert ad.gradient(f, 2.0) == (4.0,) and ad.gradient(f, -2.0) == (-1.0,)
    assert ad.gradient(abs, 0.0) == (0.0,)
    np.testing.assert_allclose(ad.gradient(np.max, np.array([1.0, 1.0]))[0], [0.5, 0.5])

    def pow(x, n):
        r = 1
        while n > 0:
            n -= 1
            r *= x
        return r
    assert ad.gradient(pow, 2, 5) == (80, None)


def test_arguments_are_rebuilt_so_log_through_argnums_or_a_closure():
    log = []

    def f(x, log):
        log.append(1)
        return x * x
    ad.gradient(f, 1.0, log)
    assert log == []                                  # the copy was appended to
    ad.grad(f)(1.0, log)
    assert log == [1]                                 # left out by argnums: passed as is


def test_an_escaped_value_is_a_plain_value_afterwards():
    losses = []
    ad.gradient(lambda x: losses.append(x * x) or x, 3.0)
    assert float(losses[-1]) == 9.0 and repr(losses[-1]) == "9.0"
    assert type(losses[-1]).__name__ == "Traced"
    assert ad.gradient(lambda x: losses[-1] * x, 1.0) == (9.0,)


def test_keyword_arguments_are_constants():
    assert ad.gradient(lambda x, scale=1.0: scale * x, 1.0, scale=2.0) == (2.0,)
