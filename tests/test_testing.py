"""``adexplorer.testing.check_grads``: it passes right rules and catches wrong ones."""

from dataclasses import dataclass

import numpy as np
import pytest

import adexplorer as ad
from adexplorer.core.primitives import strip
from adexplorer.testing import check_grads


# ---------------------------------------------------------------------------
# Right derivatives pass


def test_scalar_function():
    check_grads(lambda x: 5 * ad.sin(ad.log(x)), 3.0)


def test_array_arguments_and_outputs_and_several_arguments():
    W = np.arange(6.0).reshape(2, 3) / 5
    check_grads(lambda x, W: np.tanh(W @ x), np.array([0.3, -0.2, 0.5]), W)
    check_grads(lambda x, y: x * y + ad.exp(x), 0.4, np.array([1.0, 2.0]))


def test_container_arguments_and_outputs():
    @dataclass
    class Params:
        w: np.ndarray
        b: float
        name: str

    def f(p, xs):
        return {"out": ad.sum(p.w * xs[0]) + p.b * xs[1], "flag": p.name == "model"}

    check_grads(f, Params(np.array([0.5, -1.0]), 0.3, "model"), [np.array([1.0, 2.0]), 0.7])


def test_ints_are_checked_as_floats_and_argnums_holds_others_fixed():
    def pow(x, n):
        r = 1
        while n > 0:
            n -= 1
            r *= x
        return r

    check_grads(lambda x: x * x, 3)
    check_grads(pow, 2.0, 5, argnums=0)


def test_user_rules_that_are_right_pass():
    @ad.adjoint
    def checked_square(x):
        return x * x, lambda g: (2 * g * x,)

    @ad.tangent
    def checked_cube(primals, tangents):
        (x,), (t,) = primals, tangents
        return x ** 3, 3 * x ** 2 * t

    check_grads(checked_square, 0.7)
    check_grads(checked_cube, np.array([0.5, -1.5]))


# ---------------------------------------------------------------------------
# Wrong derivatives fail, with a message that names the mode, the order and the size


@ad.adjoint
def wrong_sin(x):
    """sin with a pullback that is off by a factor of 2."""
    return ad.sin(x), lambda g: (2 * g * ad.cos(x),)


def test_catches_a_wrong_adjoint_in_reverse_mode():
    with pytest.raises(AssertionError) as info:
        check_grads(wrong_sin, 0.4, modes=("rev",))
    message = str(info.value)
    assert "reverse mode" in message and "order 1" in message
    assert "dot-product test" in message and "wrong_sin" in message
    # the reported sizes: <vjp(u), v> is twice <u, fd(v)>
    numbers = [float(line.split("=")[1]) for line in message.splitlines()
               if line.strip().startswith("<")]
    assert numbers[0] == pytest.approx(2 * numbers[1], rel=1e-6)
    assert "difference" in message and "tolerance" in message


def test_catches_a_wrong_adjoint_in_forward_mode_too():
    # forward mode of an @adjoint row is the transposed pullback, so it is wrong as well
    with pytest.raises(AssertionError, match=r"forward mode, order 1.*central differences"):
        check_grads(wrong_sin, 0.4, modes=("fwd",))


def test_catches_a_wrong_adjoint_on_arrays():
    with pytest.raises(AssertionError, match="reverse mode"):
        check_grads(lambda x: ad.sum(wrong_sin(x) ** 2), np.array([0.1, 0.2, -0.3]),
                    modes=("rev",))


@ad.adjoint
def sin_with_frozen_pullback(x):
    """sin whose pullback is right, but uses the plain value of x: not differentiable."""
    return ad.sin(x), lambda g: (g * np.cos(strip(x)),)


def test_catches_a_rule_whose_own_derivative_is_wrong_only_at_order_2():
    check_grads(sin_with_frozen_pullback, 0.4, order=1)
    with pytest.raises(AssertionError, match=r"order 2 \(derivative of (jvp|vjp)\(f\)\)"):
        check_grads(sin_with_frozen_pullback, 0.4, order=2)


def test_catches_a_wrong_tangent_rule():
    @ad.tangent
    def wrong_exp(primals, tangents):
        (x,), (t,) = primals, tangents
        return ad.exp(x), t * x                 # should be t * exp(x)

    with pytest.raises(AssertionError, match="forward mode, order 1"):
        check_grads(wrong_exp, 0.3, modes=("fwd",))
    with pytest.raises(AssertionError, match="reverse mode, order 1"):
        check_grads(wrong_exp, 0.3, modes=("rev",))


def test_a_point_outside_the_domain_is_reported():
    with pytest.warns(RuntimeWarning), pytest.raises(AssertionError, match="not finite"):
        check_grads(np.log, -1.0)                   # NumPy's nan
    with pytest.raises(ValueError, match="math domain error"):
        check_grads(ad.log, -1.0)                   # Python's error, as math.log


def test_bad_options_are_rejected():
    with pytest.raises(ValueError, match="modes"):
        check_grads(ad.sin, 0.3, modes=("backward",))
    with pytest.raises(ValueError, match="order"):
        check_grads(ad.sin, 0.3, order=0)
    with pytest.raises(TypeError, match="nothing to differentiate"):
        check_grads(lambda s: s, "text")
