"""Differential tests: every program of the zoo (``programs.py``) is run plain and under
every applicable transform. The value must equal the plain call's (or the plain call's
exception must be raised), and the derivative must match central finite differences (for
complex inputs, HIPS autograd). A refusal is acceptable only as documented: an
``ad.ADError`` from ``source_grad``, or an ``ad.ADError``/``TypeError`` naming the
construct for the programs marked ``may_refuse``. A wrong number never is.

Test ids are ``program-transform``.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import adexplorer as ad

from . import difftools as T
from .programs import PROGRAMS

autograd = pytest.importorskip("autograd")

RTOL, ATOL = 1e-6, 1e-8           # derivatives against the 4th-order stencil
HESS_RTOL, HESS_ATOL = 1e-5, 1e-6
VALUE_RTOL = 1e-12                # values: the same operations on the same numbers

rng = np.random.default_rng(99)


# ---------------------------------------------------------------------------
# Plain outcomes and what applies


def outcome(call):
    """``("ok", value)`` or ``("raise", exception)``, with NumPy's warnings muted."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        try:
            return "ok", call()
        except Exception as e:          # noqa: BLE001 - compared with the AD run
            return "raise", e


PLAIN = {name: outcome(lambda p=p: p.fn(*p.args)) for name, p in PROGRAMS.items()}


def is_real_scalar(v) -> bool:
    return T.is_numeric(v) and np.ndim(v) == 0 and not np.iscomplexobj(v)


def is_array_like(v) -> bool:
    return T.is_numeric(v) and not np.iscomplexobj(v)


def plain_arg(a) -> bool:
    """A number or an array (not a container, not complex)."""
    return T.is_numeric(a) and not np.iscomplexobj(a)


def jac_position(p):
    for i in p.diff:
        if plain_arg(p.args[i]):
            return i
    return None


def transforms_for(p):
    kind, value = PLAIN[p.name]
    names = ["plain"]
    if kind == "raise":
        return names + ["gradient", "grad", "value_and_grad", "derivative", "D", "jvp", "vjp",
                "trace", "source_grad"]
    scalar = is_real_scalar(value)
    if scalar:
        names += ["gradient", "grad", "value_and_grad", "source_grad"]
    else:
        names += ["gradient-refuses-nonscalar"]
    names += ["jvp", "vjp", "trace"]
    if 0 in p.diff and T.is_numeric(p.args[0]):
        names += ["derivative", "D"]
    k = jac_position(p)
    if k is not None and is_array_like(value):
        names += ["jacfwd", "jacrev"]
        if scalar and p.hessian and np.size(p.args[k]) <= 8:
            names += ["hessian"]
    if p.category == "complex":
        names += ["oracle", "modes-agree"]
    return names


CASES = [pytest.param(p, t, id=f"{p.name}-{t}") for p in PROGRAMS.values()
         for t in transforms_for(p)]


def test_the_zoo_is_large_enough():
    assert len(PROGRAMS) >= 150
    assert len({p.category for p in PROGRAMS.values()}) >= 10


# ---------------------------------------------------------------------------
# Expected derivatives


def fd_args(p):
    """float32 programs are differenced in float64 (float32 FD would be too coarse)."""
    if p.category != "float32":
        return p.args
    return tuple(T.map_leaves(lambda v: np.asarray(v, dtype=np.float64)[()]
                              if T.is_numeric(v) else v, a) for a in p.args)


def tolerances(p):
    return (2e-4, 1e-5) if p.category == "float32" else (RTOL, ATOL)


def expected_gradient(p, cotangent=None, fill_zeros=False, positions=None):
    positions = p.diff if positions is None else positions
    args = fd_args(p)
    grads = list(T.fd_gradient(p.fn, args, positions, cotangent=cotangent))
    if p.oracle is not None and cotangent is None:
        for i in positions:
            if np.iscomplexobj(args[i]):
                grads[i] = autograd.grad(p.oracle, i)(*args)
    return tuple(T.zygote(g, fill_zeros) if g is not None else None for g in grads)


def random_like(leaf):
    shape = np.shape(leaf)
    if np.iscomplexobj(leaf):
        v = rng.standard_normal(shape) + 1j * rng.standard_normal(shape)
    else:
        v = rng.standard_normal(shape)
    if isinstance(leaf, np.ndarray):
        return v.astype(leaf.dtype) if leaf.dtype.kind in "fc" else v
    if isinstance(leaf, np.floating):
        return type(leaf)(v)
    return complex(v) if np.iscomplexobj(v) else float(v)


def random_tree(t):
    return T.map_leaves(lambda v: random_like(v) if T.is_numeric(v) else None, t)


def random_cotangent(out):
    return T.map_leaves(lambda v: random_like(v) if T.is_numeric(v) else None, out)


def shaped_like(out, leaves):
    """The output tree with its numeric leaves replaced, in order, by ``leaves``."""
    it = iter(leaves)

    def leaf(v):
        nxt = next(it)
        return nxt.reshape(np.shape(v))[()] if T.is_numeric(v) else None
    return T.map_leaves(leaf, out)


# ---------------------------------------------------------------------------
# Checks


def check_value(actual, plain, what="value"):
    assert not T.contains_ad_value(actual), f"{what}: an AD value escaped: {actual!r}"
    T.assert_tree_close(actual, plain, VALUE_RTOL, 1e-14, what)
    for a, e in zip(T.out_leaves(actual), T.out_leaves(plain)):
        if isinstance(e, np.ndarray):
            assert isinstance(a, np.ndarray) and a.dtype == e.dtype, (
                f"{what}: {type(a).__name__} {getattr(a, 'dtype', '')} where the plain call "
                f"gives an array of {e.dtype}")


def check_gradient_types(grads, args, what):
    """A gradient leaf is a number for a number, an array of the argument's shape and
    floating dtype for an array (float32 stays float32); never an AD value."""
    assert not T.contains_ad_value(grads), f"{what}: an AD value escaped: {grads!r}"
    for i, (g, a) in enumerate(zip(grads, args)):
        if g is None:
            continue
        for path in T.leaf_paths(a):
            leaf = T.get(a, path)
            gpath = tuple(path)
            try:
                gl = T.get(g, gpath) if not hasattr(a, "__dataclass_fields__") else \
                    T.get(g[gpath[0]], gpath[1:])
            except (KeyError, IndexError, TypeError):
                continue
            if gl is None or gl is T.ZERO_OR_NONE:
                continue
            if isinstance(leaf, np.ndarray):
                assert isinstance(gl, np.ndarray) and gl.shape == leaf.shape, (
                    f"{what} of argument {i} at {path}: {type(gl).__name__} of shape "
                    f"{np.shape(gl)} for an array of shape {leaf.shape}")
                if leaf.dtype.kind in "fc":
                    assert gl.dtype == leaf.dtype, (
                        f"{what} of argument {i}: dtype {gl.dtype} for a {leaf.dtype} input")
            else:
                assert np.ndim(gl) == 0, f"{what} of argument {i}: {gl!r} for a number"
                if isinstance(leaf, np.floating):
                    assert np.result_type(gl) == np.result_type(leaf), (
                        f"{what} of argument {i}: {np.result_type(gl)} for a "
                        f"{np.result_type(leaf)} input")


def refusal_ok(p, transform, exc) -> bool:
    if transform == "source_grad" and isinstance(exc, ad.ADError):
        return True
    if p.may_refuse is None or not isinstance(exc, (ad.ADError, TypeError)):
        return False
    names = (p.may_refuse,) if isinstance(p.may_refuse, str) else p.may_refuse
    return any(n in str(exc) for n in names)


def run_transform(p, transform, call, check):
    """Run ``call`` under the contract; ``check(result)`` when it answers."""
    kind, plain = PLAIN[p.name]
    got_kind, got = outcome(call)
    if kind == "raise":
        if got_kind == "raise":
            if isinstance(got, type(plain)):
                return
            if refusal_ok(p, transform, got):
                return
            raise AssertionError(
                f"the plain call raises {type(plain).__name__}: {plain}; {transform} raised "
                f"{type(got).__name__}: {got}") from got
        raise AssertionError(f"the plain call raises {type(plain).__name__}: {plain}; "
                             f"{transform} returned {got!r} instead (a silent answer)")
    if got_kind == "raise":
        if refusal_ok(p, transform, got):
            return
        raise AssertionError(f"{transform} refused {p.name}: {type(got).__name__}: "
                             f"{got}") from got
    check(got)


@pytest.mark.parametrize("p, transform", CASES)
def test_program(p, transform):
    CHECKS[transform](p, transform)


def _gradient(p, transform):
    rtol, atol = tolerances(p)

    def check(grads):
        assert isinstance(grads, tuple) and len(grads) == len(p.args), (
            f"expected a tuple of {len(p.args)} gradients, got {grads!r}")
        T.assert_tree_close(grads, expected_gradient(p), rtol, atol, "gradient")
        check_gradient_types(grads, p.args, "gradient")
    if transform == "source_grad":
        call = lambda: ad.source_grad(p.fn)(*p.args)
    else:
        call = lambda: ad.gradient(p.fn, *p.args)
    run_transform(p, transform, call, check)


def _grad_positions(p):
    """argnums for grad: the differentiable arguments and unused float arguments."""
    return tuple(i for i, a in enumerate(p.args)
                 if i in p.diff or (isinstance(a, float) and not isinstance(a, bool)))


def _grad(p, transform):
    rtol, atol = tolerances(p)
    _, plain = PLAIN[p.name]
    positions = _grad_positions(p) or (0,)
    argnums = positions[0] if len(positions) == 1 else positions

    def check(result):
        if transform == "value_and_grad":
            assert isinstance(result, tuple) and len(result) == 2, f"got {result!r}"
            value, grads = result
            check_value(value, plain)
        else:
            grads = result
        grads = (grads,) if len(positions) == 1 else grads
        assert isinstance(grads, tuple) and len(grads) == len(positions), f"got {grads!r}"
        exp = expected_gradient(p, fill_zeros=True, positions=positions)
        for k, i in enumerate(positions):
            T.assert_tree_close(grads[k], exp[i], rtol, atol, f"gradient of argument {i}")
        check_gradient_types([grads[k] if k < len(grads) else None for k in range(len(positions))],
                             [p.args[i] for i in positions], transform)
    transformer = ad.grad if transform == "grad" else ad.value_and_grad
    run_transform(p, transform, lambda: transformer(p.fn, argnums=argnums)(*p.args), check)


def _vjp(p, transform):
    rtol, atol = tolerances(p)
    kind, plain = PLAIN[p.name]
    u = random_cotangent(plain) if kind == "ok" else None

    def call():
        out, pullback = ad.vjp(p.fn, *p.args)
        return out, pullback(u)

    def check(result):
        out, grads = result
        check_value(out, plain)
        assert isinstance(grads, tuple) and len(grads) == len(p.args), f"got {grads!r}"
        T.assert_tree_close(grads, expected_gradient(p, cotangent=u), rtol, atol, "vjp")
        check_gradient_types(grads, p.args, "vjp")
    run_transform(p, transform, call, check)


def _tangents(p):
    return tuple(random_tree(a) if i in p.diff else None for i, a in enumerate(p.args))


def _jvp(p, transform):
    rtol, atol = tolerances(p)
    _, plain = PLAIN[p.name]
    tangents = _tangents(p)

    def check(result):
        out, tangent = result
        check_value(out, plain, "primal output")
        fd = T.fd_jvp(p.fn, fd_args(p), tangents)
        T.assert_tree_close(tangent, shaped_like(plain, fd), rtol, atol, "tangent output")
        assert not T.contains_ad_value(tangent), f"an AD value escaped: {tangent!r}"
        assert_float32_stays(p, tangent, "tangent output")
    run_transform(p, transform, lambda: ad.jvp(p.fn, p.args, tangents), check)


def assert_float32_stays(p, result, what):
    """float32 in (arguments and tangents), float32 out."""
    if p.category != "float32":
        return
    for leaf in T.out_leaves(result):
        assert np.result_type(leaf) == np.float32, (
            f"{what}: {np.result_type(leaf)} from float32 inputs")


def _derivative(p, transform):
    rtol, atol = tolerances(p)
    _, plain = PLAIN[p.name]
    x, rest = p.args[0], p.args[1:]
    ones = (np.ones(np.shape(x)) if isinstance(x, np.ndarray) else 1.0,) + (None,) * len(rest)

    def check(d):
        fd = T.fd_jvp(p.fn, fd_args(p), ones)
        T.assert_tree_close(d, shaped_like(plain, fd), rtol, atol, transform)
        assert not T.contains_ad_value(d), f"an AD value escaped: {d!r}"
        assert_float32_stays(p, d, transform)
    if transform == "D":
        call = lambda: ad.D(p.fn)(x, *rest)
    else:
        call = lambda: ad.derivative(p.fn, x, *rest)
    run_transform(p, transform, call, check)


def _jacobian(p, transform):
    rtol, atol = tolerances(p)
    k = jac_position(p)
    (expected,) = T.partials(p.fn, fd_args(p), k, ())

    def check(J):
        assert not T.contains_ad_value(J), f"an AD value escaped: {J!r}"
        T.close(J, expected, rtol, atol, f"{transform} w.r.t. argument {k}")
        assert_float32_stays(p, J, transform)
    jac = ad.jacfwd if transform == "jacfwd" else ad.jacrev
    run_transform(p, transform, lambda: jac(p.fn, argnums=k)(*p.args), check)


def _hessian(p, transform):
    k = jac_position(p)
    args = fd_args(p)

    def grad_k(*a):
        (g,) = T.partials(p.fn, a, k, ())
        return g
    (expected,) = T.partials(grad_k, args, k, ())
    rtol = 2e-3 if p.category == "float32" else HESS_RTOL

    def check(H):
        assert not T.contains_ad_value(H), f"an AD value escaped: {H!r}"
        T.close(H, expected, rtol, HESS_ATOL, f"hessian w.r.t. argument {k}")
        assert_float32_stays(p, H, "hessian")
    run_transform(p, transform, lambda: ad.hessian(p.fn, argnums=k)(*p.args), check)


def _trace(p, transform):
    _, plain = PLAIN[p.name]
    run_transform(p, transform, lambda: ad.trace(p.fn, *p.args),
                  lambda t: check_value(t.output, plain, "trace.output"))


def _gradient_refuses_nonscalar(p, transform):
    with pytest.raises(ad.ADError), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ad.gradient(p.fn, *p.args)


def _oracle(p, transform):
    """The harness's own check: autograd's convention is d/dx - i d/dy, as FD shows."""
    for i in p.diff:
        fd = T.fd_gradient(p.oracle, p.args, (i,))[i]
        T.close(autograd.grad(p.oracle, i)(*p.args), fd, 1e-6, 1e-8, f"autograd, argument {i}")


def _modes_agree(p, transform):
    """Complex input: one convention, or one refusal — the same in both modes."""
    reverse = outcome(lambda: ad.gradient(p.fn, *p.args))[0]
    forward = outcome(lambda: ad.jvp(p.fn, p.args, _tangents(p)))[0]
    assert reverse == forward, f"reverse mode: {reverse}, forward mode: {forward}"


def _plain(p, transform):
    """The program itself runs (or raises what it is meant to raise)."""
    kind, value = PLAIN[p.name]
    if p.raises is not None:
        assert kind == "raise" and isinstance(value, p.raises), f"plain call: {value!r}"
    elif kind == "raise":
        raise AssertionError(f"the plain call raised {type(value).__name__}: {value}") \
            from value


CHECKS = {
    "plain": _plain,
    "gradient": _gradient, "source_grad": _gradient, "grad": _grad,
    "value_and_grad": _grad, "vjp": _vjp, "jvp": _jvp, "derivative": _derivative,
    "D": _derivative, "jacfwd": _jacobian, "jacrev": _jacobian, "hessian": _hessian,
    "trace": _trace, "gradient-refuses-nonscalar": _gradient_refuses_nonscalar,
    "oracle": _oracle, "modes-agree": _modes_agree,
}


# ---------------------------------------------------------------------------
# Python semantics at a point, and values that escape a finished call


def at_two(x):
    try:
        return 1.0 / (x - 2.0)
    except ZeroDivisionError:
        return x * 3.0


def test_try_except_takes_the_plain_branch_at_the_point():
    """At exactly x = 2.0 the plain call takes the except branch (3x): so must AD."""
    assert at_two(2.0) == 6.0
    assert ad.gradient(at_two, 2.0) == (3.0,)
    assert ad.value_and_grad(at_two)(2.0) == (6.0, 3.0)
    assert ad.derivative(at_two, 2.0) == 3.0
    assert ad.trace(at_two, 2.0).output == 6.0
    assert ad.jvp(at_two, (2.0,), (1.0,)) == (6.0, 3.0)
    try:
        sg = ad.source_grad(at_two)
    except ad.ADError:
        return                              # refusing the construct is allowed
    assert sg(2.0) == (3.0,)


def numpy_at_two(x):
    try:
        return 1.0 / (x - 2.0) + x
    except ZeroDivisionError:
        return x * 3.0


def test_numpy_values_keep_numpy_semantics():
    """np.float64(2.0): NumPy divides by zero to inf (with a warning), plainly and under
    AD alike, so the try branch is taken; the derivative there is -inf."""
    x = np.float64(2.0)
    with np.errstate(divide="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert numpy_at_two(x) == np.inf
        value, g = ad.value_and_grad(numpy_at_two)(x)
        d = ad.derivative(numpy_at_two, x)
    assert value == np.inf and g == -np.inf and d == -np.inf, (value, g, d)


def plain_number(v, what):
    assert type(v) is float, f"{what}: {type(v).__name__} {v!r}, expected a plain float"
    return v


def test_an_escaped_value_acts_as_its_plain_value():
    saved = []

    def f(x):
        y = x * x
        saved.append(y)
        return y * 3.0
    assert ad.gradient(f, 2.0) == (12.0,)
    (v,) = saved
    assert float(v) == 4.0
    assert plain_number(v + 1.0, "escaped value + 1.0") == 5.0


def test_an_escaped_value_is_a_constant_in_a_later_gradient():
    saved = []
    ad.gradient(lambda x: saved.append(ad.sin(x)) or x, 0.5)
    (g,) = ad.gradient(lambda x: saved[0] * x, 1.0)
    assert plain_number(g, "gradient") == np.sin(0.5)
    (g,) = ad.gradient(lambda x: saved[0] * x + x ** 2, 1.0)
    assert abs(plain_number(g, "gradient") - (np.sin(0.5) + 2.0)) < 1e-15
    d = ad.derivative(lambda x: saved[0] * x, 1.0)
    assert plain_number(d, "derivative") == np.sin(0.5)
    out, t = ad.jvp(lambda x: saved[0] * x, (2.0,), (1.0,))
    assert plain_number(out, "jvp primal") == 2 * np.sin(0.5)
    assert plain_number(t, "jvp tangent") == np.sin(0.5)


def test_an_escaped_forward_value_acts_as_its_plain_value():
    saved = []
    ad.derivative(lambda x: saved.append(x ** 2) or x, 3.0)
    assert float(saved[0]) == 9.0
    (g,) = ad.gradient(lambda y: saved[0] * y, 1.0)
    assert plain_number(g, "gradient") == 9.0
