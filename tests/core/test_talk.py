"""The numbers from the talk "Intro to Zygote.jl", by forward, reverse and nested mode.

Expected values are closed forms: for f(x) = 5 sin(log x),
f'(x) = 5 cos(log x) / x and f''(x) = -5 (sin(log x) + cos(log x)) / x**2.
"""

import math

import pytest

import adexplorer as ad


def f(x):
    return 5 * ad.sin(ad.log(x))


def df(x):
    return 5 * math.cos(math.log(x)) / x


def ddf(x):
    return -5 * (math.sin(math.log(x)) + math.cos(math.log(x))) / x ** 2


def test_closed_forms_match_the_slide():
    assert df(3.0) == pytest.approx(0.7580540380443495, rel=1e-15)
    assert ddf(3.0) == pytest.approx(-0.7474497024968648, rel=1e-12)


@pytest.mark.parametrize("how", [
    lambda: ad.derivative(f, 3.0),
    lambda: ad.D(f)(3.0),
    lambda: ad.gradient(f, 3.0)[0],
    lambda: ad.grad(f)(3.0),
], ids=["derivative", "D", "gradient", "grad"])
def test_first_derivative(how):
    assert how() == pytest.approx(0.7580540380443495, rel=1e-12)


@pytest.mark.parametrize("how", [
    lambda: ad.D(ad.D(f))(3.0),
    lambda: ad.D(ad.grad(f))(3.0),
    lambda: ad.grad(ad.D(f))(3.0),
    lambda: ad.grad(ad.grad(f))(3.0),
    lambda: ad.hessian(f)(3.0),
], ids=["D(D)", "D(grad)", "grad(D)", "grad(grad)", "hessian"])
def test_second_derivative(how):
    assert how() == pytest.approx(-0.7474497024968648, rel=1e-12)


def test_linear_function():
    def g(x):
        return 5 * x + 3

    assert g(10) == 53
    assert ad.D(g)(10) == 5
    assert ad.gradient(g, 10) == (5,)


def pow(x, n):
    """The talk's while-loop power."""
    r = 1
    while n > 0:
        n -= 1
        r *= x
    return r


def test_while_loop_pow():
    assert ad.D(lambda x: pow(x, 5))(2) == 80            # 5 * 2**4
    assert ad.gradient(pow, 2, 5) == (80, None)          # n is only a loop counter
    assert ad.gradient(pow, 2.0, 5) == (80.0, None)
    assert ad.derivative(lambda x: pow(x, 3), 1.5) == pytest.approx(3 * 1.5 ** 2, rel=1e-15)


def test_a_dict_of_functions_picked_by_a_string():
    fs = {"sin": ad.sin, "cos": ad.cos, "tan": ad.tan}
    closed = {"sin": math.cos(1.0), "cos": -math.sin(1.0), "tan": 1 / math.cos(1.0) ** 2}
    for name in ("sin", "cos", "tan"):
        choice = name                                   # the slide reads it with readline()
        assert ad.gradient(lambda x: fs[choice](x), 1)[0] == pytest.approx(closed[name],
                                                                            rel=1e-14)
        assert ad.gradient(lambda x, which: fs[which](x), 1.0, choice) == (
            pytest.approx(closed[name], rel=1e-14), None)
        assert ad.derivative(lambda x: fs[choice](x), 1.0) == pytest.approx(closed[name],
                                                                             rel=1e-14)
    assert ad.gradient(lambda x: fs["sin"](x), 1)[0] == pytest.approx(0.5403023058681398,
                                                                       rel=1e-15)


def test_adjoint_add():
    calls = []

    @ad.adjoint
    def add(a, b):
        def pullback(d):
            calls.append(d)
            return d, d
        return a + b, pullback

    assert add(1.0, 2.0) == 3.0
    assert calls == []
    # d/da (a + b) * a = 2a + b, d/db = a: the pullback (Δ, Δ) feeds the chain rule
    assert ad.gradient(lambda a, b: add(a, b) * a, 2.0, 3.0) == (7.0, 2.0)
    assert calls == [2.0]                              # one call, with Δ = a
    # add is one node of the trace
    t = ad.trace(lambda a, b: add(a, b), 1.0, 2.0)
    ops = [node.op for node in t.nodes if not node.is_input]
    assert len(ops) == 1 and "add" in ops[0]
    # forward mode uses the same row
    assert ad.derivative(lambda a: add(a, 5.0) * a, 2.0) == 9.0


def test_the_slide_wengert_list():
    assert str(ad.trace(f, 3.0)) == "y1 = log(x)\ny2 = sin(y1)\ny3 = 5 * y2"
