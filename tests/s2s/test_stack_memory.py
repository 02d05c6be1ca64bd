"""The SSA stack measured while the generated adjoint runs: pow pushes ``r`` once per
iteration and pops it on the way back."""

import pytest

import adexplorer as ad
from adexplorer.core.tape_memory import Usage
from adexplorer.teaching.examples import pow


def two_loops(x, n):
    s = 0.0
    for i in range(n):
        s = s + x * i
    for j in range(n):
        s = s * x
    return s


@pytest.mark.parametrize("n", [0, 1, 7, 300])
def test_pow_pushes_once_per_iteration(n):
    m = ad.stack_memory(ad.source_grad(pow), 1.01, n)
    # x**0 does not depend on x: None, as ad.gradient says
    assert m.result == ((pytest.approx(n * 1.01 ** (n - 1)) if n else None), None)
    assert m.peak == Usage(n, 8 * n)
    # up one push at a time to n, then down to empty
    assert [u.entries for u in m.timeline] == list(range(n + 1)) + list(range(n - 1, -1, -1))


def test_the_measure_follows_the_generated_code_not_an_assumption():
    adjoint = ad.source_grad(two_loops)
    m = ad.stack_memory(adjoint, 1.3, 5)
    assert m.result == pytest.approx(ad.gradient(two_loops, 1.3, 5))
    # what each loop pushes is read from the generated code: count its append calls
    source = adjoint.source
    assert source.count(".append(") == 2
    # both loops' stacks are full when the reverse pass starts: 5 pushes each
    assert m.peak.entries == 10
    assert m.timeline[-1] == Usage(0, 0)


def test_a_plain_function_is_refused_not_measured_as_zero():
    with pytest.raises(TypeError, match=r"give it ad.source_grad\(f\)"):
        ad.stack_memory(lambda x: x, 1.0)
