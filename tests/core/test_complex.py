"""Complex numbers in both modes, with autograd's convention, checked against HIPS autograd.

The convention: a cotangent ``g`` of a complex value ``z`` stands for the change
``Re(g * dz)``, so the gradient of a real-valued ``f(x + iy)`` is ``df/dx - i df/dy``
(``abs(z*z)`` at 1+1j has gradient 2-2j). Each function of the zoo is written once for a
NumPy-like module ``m``: plain NumPy for adexplorer, ``autograd.numpy`` for the oracle.
Expected values come from autograd or from finite differences, never from adexplorer.
"""

import warnings
from collections import namedtuple

import numpy as np
import pytest

autograd = pytest.importorskip("autograd")
import autograd.numpy as anp  # noqa: E402

import adexplorer as ad  # noqa: E402
from adexplorer.core import names  # noqa: E402
from adexplorer.testing import check_grads  # noqa: E402

rng = np.random.default_rng(2026)
Case = namedtuple("Case", "name make args")


def c(*shape):
    """A random complex array (or number, for no shape) away from 0."""
    z = rng.uniform(0.3, 1.2, size=shape) * np.exp(1j * rng.uniform(-3, 3, size=shape))
    return complex(z) if not shape else z


def r(*shape):
    x = rng.uniform(-1.0, 1.0, size=shape)
    return float(x) if not shape else x


A = c(3, 3)                       # a complex matrix the functions close over
MASK = np.array([True, False, True])

# Real-valued functions of complex (and real) arguments: m is np or autograd.numpy.
ZOO = [
    Case("abs(z*z)", lambda m: lambda z: m.abs(z * z), (1 + 1j,)),
    Case("abs(z)", lambda m: lambda z: m.abs(z), (c(),)),
    Case("real(conj(z) * z)", lambda m: lambda z: m.real(m.conj(z) * z), (c(),)),
    Case("imag(z ** 3)", lambda m: lambda z: m.imag(z ** 3), (c(),)),
    Case("angle(z)", lambda m: lambda z: m.angle(z), (0.3 - 1.2j,)),
    Case("real(exp(z))", lambda m: lambda z: m.real(m.exp(z)), (c(),)),
    Case("abs(log(z))", lambda m: lambda z: m.abs(m.log(z)), (c(),)),
    Case("polynomial", lambda m: lambda z: m.real(z ** 3 - 2 * z ** 2 + (1 + 1j) * z - 4j),
         (c(),)),
    Case("division", lambda m: lambda z: m.imag(1 / (z + 2)) + m.abs((z - 1j) / (z + 3)),
         (c(),)),
    Case("sin, cos", lambda m: lambda z: m.abs(m.sin(z)) + m.real(m.cos(z) * 1j), (c(),)),
    Case("tanh, sqrt", lambda m: lambda z: m.imag(m.tanh(z)) * m.real(m.sqrt(z)), (c(),)),
    Case("tan, log1p, expm1", lambda m: lambda z: m.abs(m.tan(z) + m.log1p(z) * m.expm1(z)),
         (0.4 + 0.3j,)),
    Case("real(z) * imag(z)", lambda m: lambda z: m.real(z) * m.imag(z) ** 2, (c(),)),
    Case("exp(-abs(z)**2)", lambda m: lambda z: m.exp(-m.abs(z) ** 2), (c(),)),
    Case("abs(z) ** 2 via conj", lambda m: lambda z: m.real(z * m.conj(z)) ** 1.5, (c(),)),
    Case("np.dot of complex vectors", lambda m: lambda a, b: m.abs(m.dot(a, b)), (c(4), c(4))),
    Case("np.sum of a complex array", lambda m: lambda z: m.real(m.sum(z * z)), (c(5),)),
    Case("abs of an array, reduced", lambda m: lambda z: m.sum(m.abs(z) * m.arange(1, 6)),
         (c(5),)),
    Case("mean of |z|^2", lambda m: lambda z: m.mean(m.real(z * m.conj(z))), (c(2, 3),)),
    Case("angle of an array", lambda m: lambda z: m.sum(m.angle(z) * m.abs(z)), (c(4),)),
    Case("matmul", lambda m: lambda z: m.abs(m.sum(m.dot(A, z * z))), (c(3),)),
    Case("matrix products of complex and real matrices",
         lambda m: lambda a, b, w: m.sum(m.abs(m.dot(m.dot(a, b), w) + 1j)),
         (c(2, 3), c(3, 4), r(4, 2))),
    Case("real and complex arguments", lambda m: lambda x, z: m.abs(x * z + x ** 2), (r(), c())),
    Case("complex constant times a real input",
         lambda m: lambda x: m.abs((1 + 2j) * x - 1j) + m.real(m.exp(1j * x)) * x, (r(),)),
    Case("real array with complex constants",
         lambda m: lambda x: m.sum(m.abs(m.exp(1j * x) * (2 - 1j) + x)), (r(4),)),
    Case("broadcasting a real row against a complex column",
         lambda m: lambda z, w: m.sum(m.abs(m.reshape(z, (3, 1)) * w + 1j)), (c(3), r(4))),
    Case("real base, complex exponent", lambda m: lambda x: m.abs(x ** (1 + 1j)), (1.7,)),
    Case("complex base, real exponent", lambda m: lambda z, p: m.real(z ** p), (c(), 2.5)),
    Case("where", lambda m: lambda z: m.sum(m.abs(m.where(MASK, z, 2 * z) * z)), (c(3),)),
    Case("concatenate complex and real",
         lambda m: lambda z, x: m.sum(m.abs(m.concatenate([z, x]) * (1 + 1j))), (c(2), r(3))),
    Case("stack complex and real",
         lambda m: lambda z, x: m.real(m.sum(m.stack([z, x]) ** 2 * 1j)), (c(3), r(3))),
    Case("indexing", lambda m: lambda z: m.abs(z[1] * z[0] - z[2]), (c(3),)),
    Case("sigmoid as a formula", lambda m: lambda z: m.abs(1 / (1 + m.exp(-z))), (c(),)),
    Case("conj of a real", lambda m: lambda x: m.conj(x) * x ** 2, (r(),)),
]
IDS = [case.name for case in ZOO]


def ours(case):
    return case.make(np)


def theirs(case):
    return case.make(anp)


def close(a, b, tol=1e-9):
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=tol, atol=tol)


def autograd_gradient(case, i):
    with warnings.catch_warnings():      # autograd's own scatter-add drops an imaginary part
        warnings.simplefilter("ignore", np.exceptions.ComplexWarning)
        return autograd.grad(theirs(case), i)(*case.args)


# ---------------------------------------------------------------------------
# Reverse mode


@pytest.mark.parametrize("case", ZOO, ids=IDS)
def test_gradient_matches_autograd(case):
    grads = ad.gradient(ours(case), *case.args)
    assert len(grads) == len(case.args)
    for i, (g, x) in enumerate(zip(grads, case.args)):
        close(g, autograd_gradient(case, i))
        # a real argument's gradient is real, a complex one's complex
        assert np.iscomplexobj(g) == np.iscomplexobj(x), (i, g)
        assert np.shape(g) == np.shape(x)


@pytest.mark.parametrize("case", ZOO, ids=IDS)
def test_value_and_grad_and_vjp(case):
    n = len(case.args)
    value, grads = ad.value_and_grad(ours(case), argnums=tuple(range(n)))(*case.args)
    close(value, ours(case)(*case.args), 0)                # the value is the plain call
    close(value, theirs(case)(*case.args))
    out, pullback = ad.vjp(ours(case), *case.args)
    close(out, value, 0)
    pulled = pullback(1.0)
    for i in range(n):
        expected = autograd_gradient(case, i)
        close(grads[i], expected)
        close(pulled[i], expected)
        assert np.iscomplexobj(pulled[i]) == np.iscomplexobj(case.args[i])


@pytest.mark.parametrize("case", ZOO, ids=IDS)
def test_grad_of_each_argument(case):
    for i in range(len(case.args)):
        close(ad.grad(ours(case), argnums=i)(*case.args), autograd_gradient(case, i))


# ---------------------------------------------------------------------------
# Forward mode: along 1 and along 1j for a complex argument (along 1 for a real one),
# against autograd's make_jvp and against central differences along that direction.


def directions(x):
    if not np.iscomplexobj(x):
        return [np.ones(np.shape(x)) if np.shape(x) else 1.0]
    one = np.ones(np.shape(x)) if np.shape(x) else 1.0
    return [one, one * 1j, np.exp(1j * rng.uniform(-3, 3, np.shape(x)))]


def central_difference(f, args, i, v, h=1e-6):
    def at(s):
        moved = list(args)
        moved[i] = args[i] + s * h * v
        return f(*moved)
    return (at(1) - at(-1)) / (2 * h)


@pytest.mark.parametrize("case", ZOO, ids=IDS)
def test_jvp_matches_autograd_and_differences(case):
    for i, x in enumerate(case.args):
        for v in directions(x):
            tangents = [np.zeros(np.shape(a)) if np.shape(a) else 0.0 for a in case.args]
            tangents[i] = v
            out, tangent = ad.jvp(ours(case), case.args, tangents)
            close(out, ours(case)(*case.args), 0)

            def one_argument(xi, _i=i):
                moved = list(case.args)
                moved[_i] = xi
                return theirs(case)(*moved)
            expected = autograd.make_jvp(one_argument)(x)(v)[1]
            close(tangent, expected)
            close(tangent, central_difference(ours(case), case.args, i, v), 1e-6)
            assert not np.iscomplexobj(tangent)      # a real output has a real tangent


@pytest.mark.parametrize("case", ZOO, ids=IDS)
def test_jvp_is_the_gradient_paired_with_the_direction(case):
    """Re(gradient * v) is the change along v: the two modes agree."""
    grads = ad.gradient(ours(case), *case.args)
    for i, x in enumerate(case.args):
        for v in directions(x):
            tangents = [np.zeros(np.shape(a)) if np.shape(a) else 0.0 for a in case.args]
            tangents[i] = v
            _, tangent = ad.jvp(ours(case), case.args, tangents)
            close(tangent, np.real(np.sum(grads[i] * v)))


# ---------------------------------------------------------------------------
# Holomorphic functions: the derivative is f'(z) in both modes


HOLOMORPHIC = [  # (f written for a module m, f')
    (lambda m: lambda z: z * z, lambda z: 2 * z),
    (lambda m: lambda z: m.sin(z) * m.exp(z),
     lambda z: np.cos(z) * np.exp(z) + np.sin(z) * np.exp(z)),
    (lambda m: lambda z: 1 / (z - 2), lambda z: -1 / (z - 2) ** 2),
    (lambda m: lambda z: m.sqrt(z) + m.log(z), lambda z: 0.5 / np.sqrt(z) + 1 / z),
    (lambda m: lambda z: m.tanh(z) ** 3, lambda z: 3 * np.tanh(z) ** 2 * (1 - np.tanh(z) ** 2)),
    (lambda m: ad.sigmoid if m is np else lambda z: 1 / (1 + m.exp(-z)),
     lambda z: np.exp(-z) / (1 + np.exp(-z)) ** 2),
]


@pytest.mark.parametrize("make, df", HOLOMORPHIC)
def test_derivative_of_a_holomorphic_function_is_f_prime(make, df):
    f, z = make(np), 0.7 + 0.4j
    close(ad.derivative(f, z), df(z))
    close(ad.D(f)(z), df(z))
    close(ad.jacfwd(f)(z), df(z))
    close(ad.jacrev(f)(z), df(z))
    close(ad.jvp(f, (z,), (1j,))[1], 1j * df(z))
    close(ad.jvp(f, (z,), (1j,))[1], autograd.make_jvp(make(anp))(z)(1j)[1])
    # the vjp of a holomorphic function with cotangent 1 is f'(z) too (no conjugation)
    close(ad.vjp(f, z)[1](1.0)[0], df(z))
    close(ad.vjp(f, z)[1](1.0)[0], autograd.make_vjp(make(anp))(z)[0](1.0))


def test_second_derivative_of_a_holomorphic_function():
    z = 0.3 - 0.8j
    close(ad.D(ad.D(np.sin))(z), -np.sin(z))
    close(ad.derivative(ad.D(lambda w: w ** 3), z), 6 * z)


def test_higher_order_through_the_complex_rules():
    """The rules are written with the differentiable rows, so they nest (autograd as the
    oracle for forward over reverse and reverse over reverse)."""
    z = 1 + 1j
    close(ad.D(ad.D(lambda w: abs(w)))(z), np.imag(z) ** 2 / abs(z) ** 3)   # d²|z|/dx²

    def f(w):
        return np.abs(w) ** 3 + np.real(w * w * w) * np.imag(w)

    def f_theirs(w):
        return anp.abs(w) ** 3 + anp.real(w * w * w) * anp.imag(w)
    for v in (1.0, 1j):
        close(ad.jvp(ad.grad(f), (z,), (v,))[1],
              autograd.make_jvp(autograd.grad(f_theirs))(z)(v)[1])
    close(ad.hessian(f)(z), autograd.make_jvp(autograd.grad(f_theirs))(z)(1.0)[1])
    close(ad.grad(lambda x: ad.grad(lambda w: np.abs(w * x))(z).real)(2.0),
          autograd.grad(lambda x: anp.real(autograd.grad(lambda w: anp.abs(w * x))(z)))(2.0))


def test_jacobians_of_complex_arrays():
    z = c(3)

    def f(w):
        return np.abs(w) ** 2 + np.real(w * 1j)

    def f_theirs(w):
        return anp.abs(w) ** 2 + anp.real(w * 1j)
    close(ad.jacrev(f)(z), autograd.jacobian(f_theirs)(z))

    def g(w):
        return w * w * 3                         # holomorphic: J = diag(6 z)
    close(ad.jacfwd(g)(z), np.diag(6 * z))
    close(ad.jacrev(g)(z), np.diag(6 * z))


def test_vjp_of_a_complex_output_with_a_complex_cotangent():
    z = c(3)
    ct = c(3)

    def f(w):
        return np.exp(w) * np.conj(w) + np.abs(w)

    def f_theirs(w):
        return anp.exp(w) * anp.conj(w) + anp.abs(w)
    close(ad.vjp(f, z)[1](ct)[0], autograd.make_vjp(f_theirs)(z)[0](ct))


# ---------------------------------------------------------------------------
# Dual numbers with complex parts


def test_dual_with_complex_primal_and_tangent():
    z = ad.Dual(1 + 1j, 1j)
    w = abs(z * z)
    close(w.primal, 2.0)
    close(w.tangent, autograd.make_jvp(lambda u: anp.abs(u * u))(1 + 1j)(1j)[1])
    s = np.sin(z)
    close(s.primal, np.sin(1 + 1j))
    close(s.tangent, np.cos(1 + 1j) * 1j)
    assert "Dual(" in repr(s)
    e = z.conj()
    close(e.tangent, -1j)
    close(z.real.tangent, 0.0)
    close(z.imag.tangent, 1.0)


def test_a_real_value_takes_no_complex_tangent():
    with pytest.raises(ad.InputError, match="real value has a real tangent"):
        ad.Dual(2.0, 1j)
    with pytest.raises(ad.InputError, match="real value has a real tangent"):
        ad.jvp(np.sin, (2.0,), (1j,))
    # a complex primal may move along a real tangent (the real direction)
    close(ad.jvp(np.sin, (2.0 + 0j,), (1j,))[1], np.cos(2.0) * 1j)


# ---------------------------------------------------------------------------
# The public names and NumPy's spellings


def test_public_functions_and_numpy_spellings_agree():
    z = 0.6 - 0.9j
    for ours_fn, numpy_fn, their_fn in (
            (ad.real, np.real, anp.real), (ad.imag, np.imag, anp.imag),
            (ad.conj, np.conj, anp.conj), (ad.conj, np.conjugate, anp.conjugate),
            (ad.angle, np.angle, anp.angle)):
        close(ours_fn(z), numpy_fn(z), 0)
        expected = autograd.grad(lambda w, fn=their_fn: anp.abs(fn(w * w) + w))(z)
        for fn in (ours_fn, numpy_fn):
            close(ad.gradient(lambda w, fn=fn: np.abs(fn(w * w) + w), z)[0], expected)
    close(ad.gradient(lambda w: np.angle(w, deg=True), z)[0],
          autograd.grad(anp.angle)(z) * 180 / np.pi)
    close(ad.gradient(lambda w: w.real * w.imag, z)[0],
          autograd.grad(lambda w: anp.real(w) * anp.imag(w))(z))
    close(ad.gradient(lambda w: np.real(w.conjugate() * w), z)[0],
          autograd.grad(lambda w: anp.real(anp.conj(w) * w))(z))   # 2 conj(z)


def test_abs_at_zero_follows_autograd():
    close(ad.gradient(lambda w: abs(w), 0j)[0], autograd.grad(anp.abs)(0j))
    close(ad.derivative(lambda w: abs(w), 0j), 0.0)


def test_the_derivative_listing_of_abs_is_unchanged_for_real_inputs():
    text = str(ad.trace(lambda x: abs(x), -2.0).tangent_wengert())
    assert "sign(x)" in text


def test_gradient_of_a_complex_output_is_refused():
    with pytest.raises(ad.NotScalarOutput, match="complex"):
        ad.gradient(lambda z: z * z, 1 + 1j)
    with pytest.raises(ad.NotScalarOutput, match="complex"):
        ad.grad(lambda z: np.sin(z))(1j)


def test_no_dependence_gives_none_or_complex_zeros():
    assert ad.gradient(lambda z, x: x * 2.0, 1j, 3.0) == (None, 2.0)
    g = ad.grad(lambda z, x: x * 2.0, argnums=(0, 1))(1j, 3.0)
    assert g == (0j, 2.0) and type(g[0]) is complex
    close(ad.derivative(lambda z: 3.0 + 0 * np.real(z), 1j), 0.0)


# ---------------------------------------------------------------------------
# Rows without a complex meaning refuse, with one message in both modes


REFUSED = [
    ("maximum", lambda z: np.abs(np.maximum(z, 0.5))),
    ("minimum", lambda z: np.abs(np.minimum(z, 0.5))),
    ("max", lambda z: np.abs(np.max(z * np.ones(3)))),
    ("min", lambda z: np.abs(np.min(z * np.ones(3)))),
    ("sign", lambda z: np.abs(np.sign(z) * z)),
]


@pytest.mark.parametrize("name, f", REFUSED, ids=[f"{n}-{i}" for i, (n, _) in
                                                  enumerate(REFUSED)])
def test_rows_without_complex_rule_refuse_in_both_modes(name, f):
    z = 0.3 + 0.4j
    messages = []
    for run in (lambda: ad.gradient(f, z), lambda: ad.derivative(f, z),
                lambda: ad.jvp(f, (z,), (1j,)), lambda: ad.value_and_grad(f)(z)):
        with pytest.raises(ad.NoDerivativeRule) as err:
            run()
        messages.append(str(err.value))
    assert len(set(messages)) == 1
    assert f"'{name}' of complex numbers" in messages[0]


def test_clip_refuses_complex_numbers():
    # np.clip is maximum then minimum: each sweep meets the one it reaches first
    for run in (ad.gradient, ad.derivative):
        with pytest.raises(ad.NoDerivativeRule, match="'m..imum' of complex numbers"):
            run(lambda z: np.abs(np.clip(z, 0.0, 1.0)), 0.3 + 0.4j)


def test_a_real_argument_next_to_a_complex_constant_is_refused_too():
    with pytest.raises(ad.NoDerivativeRule, match="'maximum' of complex numbers"):
        ad.gradient(lambda x: np.abs(np.maximum(x, 1j)), 2.0)
    with pytest.raises(ad.NoDerivativeRule, match="'maximum' of complex numbers"):
        ad.derivative(lambda x: np.abs(np.maximum(x, 1j)), 2.0)


def test_order_rows_on_real_values_are_unchanged():
    assert ad.gradient(lambda x: np.maximum(x, 0.5) * np.sign(x), 2.0) == (1.0,)
    assert ad.derivative(lambda x: np.max(x * np.array([1.0, 2.0])), 3.0) == 2.0


def test_scalar_fast_paths_leave_complex_numbers_alone():
    """Python complex numbers take the general route, whose rules handle them."""
    z = 1 + 1j
    close(ad.gradient(lambda w: ad.abs(w * w), z)[0], 2 - 2j)
    close(ad.derivative(lambda w: ad.sin(w) * 2, z), 2 * np.cos(z))
    close(ad.abs(z), abs(z), 0)
    close(ad.sin(z), np.sin(z), 0)


# ---------------------------------------------------------------------------
# Traces at a complex point: the sweeps give autograd's numbers, the listings show the
# rules that computed them (abs's complex rule, the real part a real value keeps)


def test_sweeps_at_a_complex_point():
    def f(z):
        return abs(z * z) + np.angle(np.conj(z))

    def f_theirs(z):
        return anp.abs(z * z) + anp.angle(anp.conj(z))
    z = 1 + 1j
    t = ad.trace(f, z)
    close(t.backward_sweep().values[0], autograd.grad(f_theirs)(z))
    for v in (1.0, 1j):
        close(t.forward_sweep(tangent=v).values[-1], autograd.make_jvp(f_theirs)(z)(v)[1])


def test_listings_at_a_complex_point():
    t = ad.trace(lambda z, x: abs(z * z) + np.real(z * x), 1 + 1j, 2.0)
    assert str(t.tangent_wengert(wrt="z")).splitlines()[:2] == [
        "dy1 = z + z", "dy2 = real(dy1 * (conj(y1) / y2))"]
    bar = names.adjoint_of
    adjoint = str(t.adjoint_wengert()).splitlines()
    assert f"{bar('x')} = real({bar('y3')} * z)" in adjoint    # x is real: the real part
    assert f"{bar('y1')} = {bar('y2')} * (conj(y1) / y2)" in adjoint
    # the same function at a real point prints the real rules, as before
    real_listing = str(ad.trace(lambda z, x: abs(z * z) + np.real(z * x), 1.0, 2.0)
                       .tangent_wengert(wrt="z"))
    assert "sign(y1)" in real_listing and "conj" not in real_listing


# ---------------------------------------------------------------------------
# np.fft.fft / ifft (autograd has their vjps; their jvps are checked by differences)


FFT = [
    Case("sum |fft(z)|", lambda m: lambda z: m.sum(m.abs(m.fft.fft(z))), (c(6),)),
    Case("fft of a real array along axis 0",
         lambda m: lambda x: m.sum(m.real(m.fft.fft(x, axis=0)) * m.arange(4)), (r(3, 4),)),
    Case("ifft, ortho", lambda m: lambda z: m.sum(m.abs(m.fft.ifft(z * z, norm="ortho")) ** 2
                                                  * m.arange(5)), (c(5),)),
    Case("fft then ifft", lambda m: lambda z: m.abs(m.fft.ifft(m.fft.fft(z) * z)[1]), (c(4),)),
]


@pytest.mark.parametrize("case", FFT, ids=[case.name for case in FFT])
def test_fft_in_both_modes(case):
    x = case.args[0]
    g = ad.gradient(ours(case), x)[0]
    close(g, autograd_gradient(case, 0))
    assert np.iscomplexobj(g) == np.iscomplexobj(x)
    for v in directions(x):
        _, tangent = ad.jvp(ours(case), (x,), (v,))
        close(tangent, central_difference(ours(case), (x,), 0, v), 1e-6)
        close(tangent, np.real(np.sum(g * v)))


def test_fft_options_that_change_the_length_are_refused():
    with pytest.raises(ad.NoDerivativeRule, match=r"np.fft.fft\(..., n=...\)"):
        ad.gradient(lambda z: np.sum(np.abs(np.fft.fft(z, n=8))), c(4))


@pytest.mark.parametrize("f", [lambda z: abs(z % 2.0), lambda z: abs(z // 2.0)],
                         ids=["mod", "floordiv"])
def test_mod_and_floordiv_refuse_complex_numbers_as_python_and_numpy_do(f):
    for z in (1 + 1j, np.array([1 + 1j, 2.0])):
        with pytest.raises(TypeError) as plain:
            f(z)
        for run in (ad.gradient, ad.derivative):
            with pytest.raises(TypeError) as err:
                run(f, z)
            assert str(err.value) == str(plain.value)


# ---------------------------------------------------------------------------
# check_grads takes complex arguments (the dot-product test pairs with Re(sum(a * b)))


@pytest.mark.parametrize("case", ZOO + FFT, ids=IDS + [case.name for case in FFT])
def test_check_grads_at_order_2(case):
    check_grads(ours(case), *case.args, order=2)


def test_check_grads_catches_a_rule_with_the_wrong_convention():
    @ad.adjoint
    def square(z):
        return z * z, lambda g: (g * np.conj(2 * z),)     # conjugated: not autograd's

    with pytest.raises(AssertionError, match="dot-product test"):
        check_grads(lambda z: np.abs(square(z)), 1 + 0.5j, modes=("rev",), order=1)
    check_grads(lambda x: np.abs(square(x)), 0.7, modes=("rev",), order=1)   # real: right


# Moments of complex values: var = mean |z - m|², a real number whose gradient carries
# conj(z - m) (autograd's convention); the nan-variants compute the same value.
@pytest.mark.parametrize("ours, theirs", [
    (np.var, anp.var), (np.std, anp.std), (np.nanvar, anp.var), (np.nanstd, anp.std),
    (lambda z: np.var(z, ddof=1), lambda z: anp.var(z, ddof=1)),
    (lambda z: np.var(z * 1j), lambda z: anp.var(z * 1j))])
def test_moments_of_complex_values_match_numpy_and_autograd(ours, theirs):
    z = np.array([1 + 1j, 2 - 1j, 0.5 + 0.3j])
    value = ad.trace(ours, z).output
    assert not np.iscomplexobj(value) and value == pytest.approx(ours(z))
    np.testing.assert_allclose(ad.grad(ours)(z), autograd.grad(theirs)(z), rtol=1e-10)
    np.testing.assert_allclose(ad.jacrev(ours)(z), autograd.grad(theirs)(z), rtol=1e-10)
    direction, h = np.array([0.3j, -0.5, 1 + 1j]), 1e-6
    fd = (ours(z + h * direction) - ours(z - h * direction)) / (2 * h)
    assert ad.jvp(ours, (z,), (direction,))[1] == pytest.approx(fd, rel=1e-6)


def test_jacfwd_and_jacrev_agree_on_a_real_function_of_complex_inputs():
    # forward mode takes a second pass along i for a complex input: df/dx - i df/dy
    f = lambda z: np.sum(np.abs(np.sin(z)))
    z = np.array([1 + 1j, 0.5 - 0.2j])
    expected = autograd.grad(lambda z: anp.sum(anp.abs(anp.sin(z))))(z)
    np.testing.assert_allclose(ad.jacfwd(f)(z), expected, rtol=1e-12)
    np.testing.assert_allclose(ad.jacrev(f)(z), expected, rtol=1e-12)
    assert ad.jacfwd(lambda z: abs(z * z))(1 + 1j) == pytest.approx(2 - 2j)
    np.testing.assert_allclose(ad.jacfwd(np.sin)(z), np.diag(np.cos(z)))   # holomorphic: f'
