"""A call with one Python float (``vg(3.0)``, ``g(3.0)``, ``ad.gradient(f, 3.0)``) takes
a short entry into reverse mode. It must answer exactly as the general entry does: the
same values and gradients bit for bit, the same None / zero policy, the same errors. The
general entry is reached here by adding an argument that is not a float (a string the
function ignores)."""

import math

import numpy as np
import pytest

import adexplorer as ad
from adexplorer.core.errors import NotScalarOutput

FUNCTIONS = {
    "talk": lambda x: 5 * ad.sin(ad.log(x)),
    "identity": lambda x: x,
    "constant": lambda x: 7.0,
    "int constant": lambda x: 3,
    "branch": lambda x: x * x if x > 1 else -x,
    "numpy row": lambda x: np.sinh(x) * x,              # a general record among fast ones
    "boundary": lambda x: ad.sqrt(x - x),                # sqrt'(0): inf, with a warning
    "quotient": lambda x: ad.exp(x) / (1.0 + x),
}


def _general(f):
    return lambda x, ignored: f(x)


@pytest.mark.parametrize("name", FUNCTIONS)
@pytest.mark.parametrize("x", [0.5, 2.0, -1.5])
def test_the_float_entry_answers_as_the_general_entry(name, x):
    f = FUNCTIONS[name]
    with np.errstate(all="ignore"):
        try:
            short = ad.gradient(f, x)
        except ValueError:
            with pytest.raises(ValueError):
                ad.gradient(_general(f), x, "s")
            return
        general = ad.gradient(_general(f), x, "s")
        assert repr(short) == repr(general[:1])
        assert repr(ad.value_and_grad(f)(x)) == repr(
            ad.value_and_grad(_general(f))(x, "s"))
        assert repr(ad.grad(f)(x)) == repr(ad.grad(_general(f))(x, "s"))


def test_the_float_entry_gives_closed_forms_and_the_none_and_zero_policy():
    x = 3.0
    assert ad.gradient(FUNCTIONS["talk"], x) == (5 * math.cos(math.log(x)) / x,)
    assert ad.value_and_grad(FUNCTIONS["talk"])(x)[0] == 5 * math.sin(math.log(x))
    assert ad.gradient(FUNCTIONS["identity"], x) == (1.0,)
    # no path from x to the output: None for gradient (Zygote), 0.0 for grad (JAX)
    assert ad.gradient(FUNCTIONS["constant"], x) == (None,)
    assert ad.grad(FUNCTIONS["constant"])(x) == 0.0
    assert ad.value_and_grad(FUNCTIONS["constant"])(x) == (7.0, 0.0)
    # two floats, one unused
    assert ad.gradient(lambda a, b: a * 2.0, 1.5, 4.0) == (2.0, None)
    assert ad.value_and_grad(lambda a, b: a * b, argnums=(0, 1))(1.5, 4.0) == (6.0, (4.0, 1.5))
    # JAX's zero for the unused one is the float 0.0 (repr tells 0 from 0.0)
    assert repr(ad.value_and_grad(lambda a, b: a * 2.0, argnums=(0, 1))(1.5, 4.0)) == \
        repr((3.0, (2.0, 0.0)))
    assert repr(ad.grad(lambda a, b: a * 2.0, argnums=1)(1.5, 4.0)) == "0.0"
    # nested: the inner call's argument is an AD value, the outer one a float
    assert ad.grad(ad.grad(lambda v: v ** 3))(2.0) == pytest.approx(12.0, rel=1e-15)


def test_the_float_entry_refuses_what_the_general_entry_refuses():
    with pytest.raises(NotScalarOutput, match="shape"):
        ad.gradient(lambda x: np.array([x, x]), 1.0)
    with pytest.raises(NotScalarOutput, match="complex"):
        ad.gradient(lambda x: x * 1j, 1.0)
    with pytest.raises(NotScalarOutput, match="number"):
        ad.gradient(lambda x: "text", 1.0)


def test_an_error_inside_f_leaves_its_values_finished():
    kept = []

    def f(x):
        kept.append(x * 2.0)
        raise RuntimeError("inside f")
    with pytest.raises(RuntimeError, match="inside f"):
        ad.grad(f)(1.5)
    assert float(kept[0]) == 3.0              # a finished value converts like its value
    assert ad.gradient(lambda x: x * kept[0], 2.0) == (3.0,)   # and is a constant later


@ad.adjoint
def _blocked(x):
    """x * 2 whose pullback sends nothing back: the output is recorded, x gets no adjoint."""
    return x * 2.0, lambda g: (None,)


def test_a_recorded_output_without_an_adjoint_for_x_follows_the_none_and_zero_policy():
    f = lambda x: _blocked(x) + 1.0          # noqa: E731 - a traced float output
    assert ad.gradient(f, 1.5) == (None,)
    assert repr(ad.grad(f)(1.5)) == "0.0"
    assert repr(ad.value_and_grad(f)(1.5)) == repr((4.0, 0.0))
    assert repr(ad.value_and_grad(f)(1.5)) == repr(ad.value_and_grad(_general(f))(1.5, "s"))
