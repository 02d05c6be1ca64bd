"""``ad.checkpoint(f)``: same derivatives as ``f`` in every mode, one row in a trace, and
``f`` run again in the backward sweep (its tape is not kept)."""

import math

import autograd
import autograd.numpy as anp
import numpy as np
import pytest

import adexplorer as ad
from adexplorer.core.errors import InputError


class Counted:
    """A function that counts its calls."""

    def __init__(self, fn):
        self.fn, self.calls = fn, 0
        self.__name__ = fn.__name__

    def __call__(self, *args, **kwargs):
        self.calls += 1
        return self.fn(*args, **kwargs)


def wave(x):
    return ad.sin(x) * x ** 3


def wave_autograd(x):
    return anp.sin(x) * x ** 3


def wave_prime(x):                       # d/dx sin(x) x³
    return math.cos(x) * x ** 3 + 3 * x ** 2 * math.sin(x)


def wave_second(x):
    return -math.sin(x) * x ** 3 + 6 * x ** 2 * math.cos(x) + 6 * x * math.sin(x)


def segment(r, x, k):
    for _ in range(k):
        r = r * x
    return r


def test_reverse_gradient_matches_the_closed_form_and_autograd():
    cw = ad.checkpoint(wave)
    for x in (0.3, 1.7, -2.2):
        (g,) = ad.gradient(lambda x: 2.0 * cw(x) + x, x)
        assert g == pytest.approx(2 * wave_prime(x) + 1, rel=1e-12)
        assert g == pytest.approx(autograd.grad(lambda x: 2 * wave_autograd(x) + x)(x),
                                  rel=1e-12)


def test_forward_mode_through_a_checkpoint_is_the_jvp_of_f():
    cw = ad.checkpoint(wave)
    out, tangent = ad.jvp(cw, (1.3,), (0.5,))
    assert out == pytest.approx(math.sin(1.3) * 1.3 ** 3)
    assert tangent == pytest.approx(0.5 * wave_prime(1.3), rel=1e-12)
    assert ad.derivative(lambda x: cw(x) * x, 0.8) == pytest.approx(
        wave_prime(0.8) * 0.8 + wave(0.8), rel=1e-12)
    cs = ad.checkpoint(segment)              # x² y³, tangents along both arguments
    out, tangent = ad.jvp(lambda x, y: cs(cs(1.0, x, 2), y, 3), (1.1, 0.9), (1.0, 2.0))
    assert tangent == pytest.approx(2 * 1.1 * 0.9 ** 3 + 3 * 1.1 ** 2 * 0.9 ** 2 * 2.0,
                                    rel=1e-12)


def test_nested_derivatives_through_a_checkpoint():
    cw = ad.checkpoint(wave)
    x = 1.1
    assert ad.grad(ad.grad(cw))(x) == pytest.approx(wave_second(x), rel=1e-10)
    assert ad.D(ad.D(cw))(x) == pytest.approx(wave_second(x), rel=1e-10)
    assert ad.grad(ad.D(cw))(x) == pytest.approx(wave_second(x), rel=1e-10)
    # forward over reverse, on a function of a vector, against autograd's Hessian
    cf = ad.checkpoint(lambda v: ad.sum(ad.sin(v) * v[::-1]))
    v = np.array([0.3, -1.2, 2.0])
    expected = autograd.hessian(lambda v: anp.sum(anp.sin(v) * v[::-1]))(v)
    np.testing.assert_allclose(ad.hessian(cf)(v), expected, rtol=1e-10, atol=1e-12)


def test_array_outputs_in_both_modes_against_autograd():
    cf = ad.checkpoint(lambda v, w: ad.sin(v) * w + v ** 2)
    v, w = np.array([0.4, -1.0, 2.5]), np.array([1.5, 0.2, -0.7])
    expected_v = autograd.jacobian(lambda v: anp.sin(v) * w + v ** 2)(v)
    expected_w = autograd.jacobian(lambda w: anp.sin(v) * w + v ** 2)(w)
    np.testing.assert_allclose(ad.jacrev(cf)(v, w), expected_v, rtol=1e-12)
    np.testing.assert_allclose(ad.jacfwd(cf)(v, w), expected_v, rtol=1e-12)
    np.testing.assert_allclose(ad.jacrev(cf, argnums=1)(v, w), expected_w, rtol=1e-12)


def test_checkpointed_loop_against_finite_differences_and_x_to_the_n():
    cs = ad.checkpoint(segment)

    def pow_in_segments(x, n, every):
        r = 1.0
        while n > 0:
            k = min(every, n)
            r = cs(r, x, k)
            n -= k
        return r
    x, n = 1.05, 10
    g = ad.grad(pow_in_segments)(x, n, 3)
    assert g == pytest.approx(n * x ** (n - 1), rel=1e-12)
    h = 1e-6
    fd = (pow_in_segments(x + h, n, 3) - pow_in_segments(x - h, n, 3)) / (2 * h)
    assert g == pytest.approx(fd, rel=1e-7)


def test_keyword_arguments_and_containers_are_differentiated():
    def scaled(params, x, scale=1.0, mode="square"):
        y = params["a"] * x ** 2 if mode == "square" else params["a"] * x
        return scale * y + params["b"][0] * params["b"][1]
    cs = ad.checkpoint(scaled)

    def f(a, b0, b1, x, s):
        return cs({"a": a, "b": (b0, b1)}, x, scale=s, mode="square")
    args = (1.5, 2.0, -3.0, 0.7, 4.0)
    grads = ad.gradient(f, *args)
    a, b0, b1, x, s = args
    expected = (s * x ** 2, b1, b0, 2 * s * a * x, a * x ** 2)
    assert grads == pytest.approx(expected, rel=1e-12)
    assert ad.gradient(lambda x: cs({"a": 1.0, "b": (0.0, 0.0)}, x, mode="linear"), 3.0) \
        == pytest.approx((1.0,))
    # keyword arguments of the transform itself are held constant, as everywhere
    assert ad.grad(lambda x, c=1.0: ad.checkpoint(wave)(x) * c)(0.5, c=3.0) \
        == pytest.approx(3 * wave_prime(0.5))


def test_a_checkpoint_is_one_row_in_the_trace_the_sweeps_and_the_lists():
    inner = Counted(wave)
    cw = ad.checkpoint(inner)
    t = ad.trace(lambda x: ad.log(cw(x)), 1.2)
    assert str(t) == "y1 = checkpoint(wave)(x)\ny2 = log(y1)"
    assert [n.op for n in t.nodes] == ["input", "checkpoint(wave)", "log"]
    back = t.backward_sweep()
    assert [s.op for s in back if s.kind == "vjp"] == ["log", "checkpoint(wave)"]
    forward = t.forward_sweep()
    assert [s.op for s in forward if s.kind == "jvp"] == ["checkpoint(wave)", "log"]
    assert back.values[0] == pytest.approx(wave_prime(1.2) / wave(1.2), rel=1e-12)
    assert "checkpoint(wave)" in str(t.tangent_wengert())
    assert "checkpoint(wave)" in str(t.adjoint_wengert())
    assert "sin" not in str(t)                     # f's own operations are not on the tape


def test_the_backward_sweep_calls_f_again_once_per_checkpoint_row():
    inner = Counted(segment)
    cs = ad.checkpoint(inner)

    def three_segments(x, y):
        return cs(cs(cs(1.0, x, 2), y, 3), x, 1)
    ad.gradient(three_segments, 1.1, 0.9)
    # three rows: three calls in the forward pass, three again in the backward sweep
    # (each row's two differentiable arguments share one recomputation)
    assert inner.calls == 6
    inner.calls = 0
    ad.trace(three_segments, 1.1, 0.9)
    assert inner.calls == 3                        # recording alone does not recompute
    (gx, gy) = ad.gradient(three_segments, 1.1, 0.9)
    assert gx == pytest.approx(3 * 1.1 ** 2 * 0.9 ** 3, rel=1e-12)
    assert gy == pytest.approx(3 * 1.1 ** 3 * 0.9 ** 2, rel=1e-12)


def test_source_grad_through_a_checkpoint():
    got = ad.source_grad(_pow_with_checkpoints)(1.07, 11)
    assert got[0] == pytest.approx(11 * 1.07 ** 10, rel=1e-12)
    assert got[1] is None
    assert "checkpoint" in ad.source_grad(_pow_with_checkpoints).source


_segment = ad.checkpoint(segment)


def _pow_with_checkpoints(x, n):
    r = 1.0
    while n > 0:
        k = min(4, n)
        r = _segment(r, x, k)
        n -= k
    return r


def test_plain_values_and_a_clear_refusal():
    cw = ad.checkpoint(wave)
    assert cw(0.5) == wave(0.5)                  # no AD: just f
    pair = ad.checkpoint(lambda x: (x, x * 2))
    with pytest.raises(InputError, match=r"checkpoint.*one number or array"):
        ad.gradient(lambda x: pair(x) * 1.0, 1.0)
    with pytest.raises(InputError, match="checkpoint needs a function"):
        ad.checkpoint(3.0)


# A checkpointed function that reads a value being differentiated from outside its
# arguments: the gradient must still reach that value (f is then recorded in full).

def _reads_y(x, y):
    return ad.checkpoint(lambda z: z * ad.sin(y))(x)


def _tanh_layer_loss(W, x):
    return np.sum(ad.checkpoint(lambda h: np.tanh(h @ W))(x) ** 2)


def _tanh_layer_loss_plain(W, x):
    return np.sum(np.tanh(x @ W) ** 2)


def _fd(f, args, i, h=1e-6):
    """Central differences of scalar ``f`` in argument ``i`` (a float or an array)."""
    base = np.asarray(args[i], float)
    out = np.zeros_like(base)
    for k in np.ndindex(base.shape):
        up, down = base.copy(), base.copy()
        up[k] += h
        down[k] -= h

        def at(v):
            a = list(args)
            a[i] = v if base.shape else float(v)
            return float(f(*a))
        out[k] = (at(up) - at(down)) / (2 * h)
    return out if base.shape else float(out)


def test_a_closed_over_value_gets_its_gradient():
    gx, gy = ad.gradient(_reads_y, 2.0, 0.5)
    assert gx == pytest.approx(math.sin(0.5), rel=1e-12)
    assert gy == pytest.approx(2.0 * math.cos(0.5), rel=1e-12)
    assert ad.grad(lambda y: ad.checkpoint(lambda z: z * y)(y))(3.0) == pytest.approx(6.0)
    # grad of grad: d²/dy² y³ = 6y
    second = ad.grad(ad.grad(lambda y: ad.checkpoint(lambda z: z * y * y)(y)))(3.0)
    assert second == pytest.approx(18.0)
    _, pull = ad.vjp(_reads_y, 2.0, 0.5)
    assert pull(2.0) == pytest.approx((2 * math.sin(0.5), 4.0 * math.cos(0.5)))


def test_a_closed_over_weight_matrix_against_the_plain_layer_and_differences():
    rng = np.random.default_rng(3)
    W, x = rng.normal(size=(3, 3)), rng.normal(size=(2, 3))
    gW, gx = ad.gradient(_tanh_layer_loss, W, x)
    pW, px = ad.gradient(_tanh_layer_loss_plain, W, x)
    np.testing.assert_allclose(gW, pW, rtol=1e-12)
    np.testing.assert_allclose(gx, px, rtol=1e-12)
    np.testing.assert_allclose(gW, _fd(_tanh_layer_loss_plain, (W, x), 0), rtol=1e-6)
    np.testing.assert_allclose(gx, _fd(_tanh_layer_loss_plain, (W, x), 1), rtol=1e-6)


def test_the_trace_of_a_closure_is_the_trace_of_f_recorded_in_full():
    rng = np.random.default_rng(4)
    W, x = rng.normal(size=(3, 3)), rng.normal(size=(2, 3))
    t = ad.trace(_tanh_layer_loss, W, x)
    assert str(t) == str(ad.trace(_tanh_layer_loss_plain, W, x))   # no half-recorded rows
    sweep = t.reverse_sweep()
    assert len(sweep) >= 4
    t2 = ad.trace(_reads_y, 2.0, 0.5)
    assert len(t2) == 4                              # x, y, sin(y), x * sin(y)


def _reads_y_named(x, y):
    inner = ad.checkpoint(lambda z: z * ad.sin(y))
    return inner(x)


def test_source_grad_of_a_closure_is_right_or_refused():
    try:
        grads = ad.source_grad(_reads_y_named)(2.0, 0.5)
    except Exception as err:                         # a refusal must name the construct
        assert "_reads_y_named" in str(err) or "line" in str(err)
        return
    assert grads == pytest.approx((math.sin(0.5), 2.0 * math.cos(0.5)))


def test_closures_across_nested_levels_and_without_traced_arguments():
    # d/dy of 2y is 2 (the checkpoint's argument is a constant)
    assert ad.grad(lambda y: ad.checkpoint(lambda z: z * y)(2.0))(3.0) == pytest.approx(2.0)
    # inner: d/db (b·a·b) = 2ab; outer: d/da 2ab at b = 1.5 is 3
    outer = ad.grad(lambda a: ad.grad(lambda b: ad.checkpoint(lambda z: z * a * b)(b))(1.5))
    assert outer(2.0) == pytest.approx(3.0)
    # the argument from the outer level, the closed-over value from the inner one
    swapped = ad.grad(lambda a: ad.grad(lambda b: ad.checkpoint(lambda z: z * b)(a))(1.5))
    assert swapped(2.0) == pytest.approx(1.0)
    # forward over reverse: d/dy of d/dy (y sin y) = 2 cos y - y sin y
    f = lambda y: ad.checkpoint(lambda z: z * ad.sin(y))(y)      # noqa: E731
    assert ad.D(ad.grad(f))(0.7) == pytest.approx(2 * math.cos(0.7) - 0.7 * math.sin(0.7))
