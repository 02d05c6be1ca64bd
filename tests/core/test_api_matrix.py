"""One API across transforms: every transform × {keyword arguments, int argnums, tuple
argnums, has_aux} × {scalar, array, container argument}.

Where the contract defines the combination (DESIGN.md, "Second wave"), the answer must
be right: checked against finite differences (``difftools``), in JAX's conventions
(a tuple of argnums gives a tuple, nested tuples for the Hessian; ``has_aux`` gives
``(result, aux)`` or ``((value, aux), grad)``; a container argument gives a Jacobian
mirroring it). Where it does not (argnums on ``ad.gradient``, which takes all
arguments; has_aux on ``ad.trace``), the call must fail with a ``TypeError`` (or an
``ad.ADError``) naming the option, never answer silently. Test ids are
``transform-feature-argument``.
"""

from __future__ import annotations

import numpy as np
import pytest

import adexplorer as ad

from . import difftools as T

RTOL, ATOL = 1e-6, 1e-8
HESS_RTOL, HESS_ATOL = 1e-5, 1e-6
SCALE = 2.0                        # the keyword argument: not the default, so it shows


# ---------------------------------------------------------------------------
# The functions, written once per kind of argument (module-level, so source_grad can
# read them). F is scalar-valued, G vector-valued; *_aux also return an aux value.


def F_scalar(x, y, scale=1.0):
    return scale * ad.sin(x) * y ** 2 + x * y


def G_scalar(x, y, scale=1.0):
    return scale * np.stack([ad.sin(x) * y, x * y ** 2, x ** 3])


def F_array(x, y, scale=1.0):
    return scale * np.sum(np.sin(x) * y ** 2) + np.sum(x * y)


def G_array(x, y, scale=1.0):
    return scale * (np.sin(x) * y + x ** 2 * np.sum(y))


def F_container(x, y, scale=1.0):
    return (scale * (ad.sin(x["a"]) * y[0] ** 2 + np.sum(np.sin(x["b"]) * y[1] ** 2))
            + x["a"] * y[0] + np.sum(x["b"] * y[1]))


def G_container(x, y, scale=1.0):
    return scale * np.stack([ad.sin(x["a"]) * y[0], np.sum(x["b"] * y[1]), x["a"] * y[0] ** 2])


def F_scalar_aux(x, y, scale=1.0):
    return F_scalar(x, y, scale), {"twice_x": 2.0 * x, "tag": "scalar"}


def G_scalar_aux(x, y, scale=1.0):
    return G_scalar(x, y, scale), {"twice_x": 2.0 * x, "tag": "scalar"}


def F_array_aux(x, y, scale=1.0):
    return F_array(x, y, scale), {"twice_x": 2.0 * x, "tag": "array"}


def G_array_aux(x, y, scale=1.0):
    return G_array(x, y, scale), {"twice_x": 2.0 * x, "tag": "array"}


def F_container_aux(x, y, scale=1.0):
    return F_container(x, y, scale), {"twice_x": 2.0 * x["b"], "tag": "container"}


def G_container_aux(x, y, scale=1.0):
    return G_container(x, y, scale), {"twice_x": 2.0 * x["b"], "tag": "container"}


KINDS = {
    "scalar": {"x": 0.7, "y": 1.3, "F": F_scalar, "G": G_scalar, "F_aux": F_scalar_aux,
               "G_aux": G_scalar_aux},
    "array": {"x": np.array([0.3, -0.7, 1.2]), "y": np.array([0.9, 1.4, -0.5]),
              "F": F_array, "G": G_array, "F_aux": F_array_aux, "G_aux": G_array_aux},
    "container": {"x": {"a": 0.7, "b": np.array([0.3, -0.8])},
                  "y": (1.3, np.array([0.6, -1.1])), "F": F_container, "G": G_container,
                  "F_aux": F_container_aux, "G_aux": G_container_aux},
}


# ---------------------------------------------------------------------------
# Expected answers (finite differences, JAX's structure)


def fd_jac(fn, args, i, kwargs=None):
    """d fn / d args[i]: the output's structure outside, the argument's inside (JAX)."""
    kwargs = kwargs or {}
    out = fn(*args, **kwargs)
    per_path = {path: T.partials(fn, args, i, path, kwargs) for path in T.leaf_paths(args[i])}
    n_out = len(T.out_leaves(out))
    trees = iter([T.mirror_paths(args[i], lambda path, j=j: per_path[path][j])
                  for j in range(n_out)])
    return T.map_leaves(lambda leaf: next(trees), out)


def fd_grad(fn, args, i, kwargs=None):
    return fd_jac(fn, args, i, kwargs)


def fd_hessian(fn, args, i, j, kwargs=None):
    return fd_jac(lambda *a, **kw: fd_jac(fn, a, i, kw), args, j, kwargs)


def fd_hessian_argnums(fn, args, i, which):
    """Row ``i`` of a Hessian over several argnums, nested as JAX nests
    ``jacfwd(jacrev(f, argnums), argnums)``: argument i's structure outside, then a tuple
    over ``which``, then argument j's structure."""
    blocks = [fd_hessian(fn, args, i, j) for j in which]
    return T.mirror_paths(args[i], lambda path: tuple(T.get(b, path) for b in blocks))


def fd_ones_derivative(fn, args, kwargs=None):
    ones = T.map_leaves(lambda v: np.ones(np.shape(v)) if T.is_numeric(v) else None, args[0])
    (d,) = T.fd_jvp(fn, args, (ones,) + (None,) * (len(args) - 1), kwargs)
    return d


def close(actual, expected, what, rtol=RTOL, atol=ATOL):
    assert not T.contains_ad_value(actual), f"{what}: an AD value escaped: {actual!r}"
    T.assert_tree_close(actual, expected, rtol, atol, what)


def refuses(call, *names):
    """The call fails with a TypeError or an ADError whose message names one of
    ``names``; a returned value is a silent answer to an undefined request."""
    try:
        result = call()
    except (TypeError, ad.ADError) as e:
        assert any(n in str(e) for n in names), (
            f"refused with {type(e).__name__} but without naming {names}: {e}")
        return
    raise AssertionError(f"expected a TypeError naming {names}; got the answer {result!r}")


def answer_or_refusal(call, check, *names):
    """Either the right answer or a TypeError/ADError naming one of ``names``."""
    try:
        result = call()
    except (TypeError, ad.ADError) as e:
        if names:
            assert any(n in str(e) for n in names), (
                f"refused with {type(e).__name__} but without naming {names}: {e}")
        return
    check(result)


def check_aux(aux, expected):
    assert not T.contains_ad_value(aux), f"aux holds an AD value: {aux!r}"
    assert aux["tag"] == expected["tag"]
    close(aux["twice_x"], expected["twice_x"], "aux", 1e-15, 0.0)


def direction(t):
    r = np.random.default_rng(5)
    return T.map_leaves(lambda v: r.standard_normal(np.shape(v))[()] if T.is_numeric(v)
                        else None, t)


# ---------------------------------------------------------------------------
# keyword arguments, held constant


def kwargs_case(transform, kind):
    k = KINDS[kind]
    x, y, F, G = k["x"], k["y"], k["F"], k["G"]
    kw = {"scale": SCALE}
    args = (x, y)
    container = kind == "container"
    if transform == "gradient":
        g = ad.gradient(F, x, y, **kw)
        assert isinstance(g, tuple) and len(g) == 2, f"one gradient per positional argument: {g!r}"
        close(g, (fd_grad(F, args, 0, kw), fd_grad(F, args, 1, kw)), "gradient")
    elif transform == "grad":
        close(ad.grad(F)(x, y, **kw), fd_grad(F, args, 0, kw), "grad")
    elif transform == "value_and_grad":
        v, g = ad.value_and_grad(F)(x, y, **kw)
        close(v, F(x, y, **kw), "value", 1e-14, 0.0)
        close(g, fd_grad(F, args, 0, kw), "grad")
    elif transform in ("derivative", "D"):
        call = (lambda: ad.derivative(F, x, y, **kw)) if transform == "derivative" else \
            (lambda: ad.D(F)(x, y, **kw))
        check = lambda d: close(d, fd_ones_derivative(F, args, kw), transform)
        if container:      # the derivative along "all ones" of a dict is not defined
            answer_or_refusal(call, check)
        else:
            check(call())
    elif transform == "jvp":
        # jvp(f, primals, tangents) has no place for keywords in the contract:
        # pass them through, or refuse naming the keyword
        v = (direction(x), direction(y))

        def check(r):
            out, t = r
            close(out, G(x, y, **kw), "primal output", 1e-14, 0.0)
            close(t, T.fd_jvp(G, args, v, kw)[0], "tangent")
        answer_or_refusal(lambda: ad.jvp(G, (x, y), v, **kw), check, "scale")
    elif transform == "vjp":
        out, pullback = ad.vjp(G, x, y, **kw)
        close(out, G(x, y, **kw), "primal output", 1e-14, 0.0)
        u = np.array([0.3, -1.2, 0.7])
        got = pullback(u)
        assert isinstance(got, tuple) and len(got) == 2, f"one cotangent per argument: {got!r}"
        exp = T.fd_gradient(G, args, (0, 1), kw, cotangent=u)
        close(got, exp, "vjp")
    elif transform in ("jacfwd", "jacrev"):
        jac = getattr(ad, transform)
        call = lambda: jac(G)(x, y, **kw)
        check = lambda J: close(J, fd_jac(G, args, 0, kw), transform)
        if container:      # a Jacobian mirroring a dict (JAX), or a refusal
            answer_or_refusal(call, check)
        else:
            check(call())
    elif transform == "hessian":
        call = lambda: ad.hessian(F)(x, y, **kw)
        check = lambda H: close(H, fd_hessian(F, args, 0, 0, kw), "hessian",
                                HESS_RTOL, HESS_ATOL)
        if container:
            answer_or_refusal(call, check)
        else:
            check(call())
    elif transform == "trace":
        t = ad.trace(F, x, y, **kw)
        close(t.output, F(x, y, **kw), "trace.output", 1e-14, 0.0)
    elif transform == "source_grad":
        def check(g):
            close(g, (fd_grad(F, args, 0, kw), fd_grad(F, args, 1, kw)), "source_grad")
        try:                 # source_grad may refuse a construct (an ADError), but the
            g = ad.source_grad(F)(x, y, **kw)    # keyword itself must pass through
        except ad.ADError:
            return
        check(g)
    elif transform == "fd_check":
        one = {"scalar": lambda x, scale=1.0: F_scalar(x, 1.3, scale),
               "array": lambda x, scale=1.0: F_array(x, KINDS["array"]["y"], scale),
               "container": lambda x, scale=1.0: F_container(x, KINDS["container"]["y"],
                                                             scale)}[kind]

        def check(r):
            close(np.asarray(r.value), np.asarray(one(x, **kw)), "fd_check value", 1e-14, 0.0)
            close(np.asarray(r.ad), np.asarray(fd_grad(one, (x,), 0, kw)), "fd_check AD")
        if container:
            answer_or_refusal(lambda: ad.fd_check(one, x, **kw), check)
        else:
            check(ad.fd_check(one, x, **kw))
    else:
        raise AssertionError(transform)


# ---------------------------------------------------------------------------
# argnums (int and tuple)


ARGNUMS_TRANSFORMS = ("grad", "value_and_grad", "jacfwd", "jacrev", "hessian")


def argnums_case(transform, kind, argnums):
    k = KINDS[kind]
    x, y, F, G = k["x"], k["y"], k["F"], k["G"]
    args = (x, y)
    many = isinstance(argnums, tuple)
    which = argnums if many else (argnums,)
    container = kind == "container"
    if transform in ("grad", "value_and_grad"):
        r = getattr(ad, transform)(F, argnums=argnums)(x, y)
        if transform == "value_and_grad":
            v, r = r
            close(v, F(x, y), "value", 1e-14, 0.0)
        exp = tuple(fd_grad(F, args, i) for i in which)
        close(r, exp if many else exp[0], transform)
    elif transform in ("jacfwd", "jacrev"):
        call = lambda: getattr(ad, transform)(G, argnums=argnums)(x, y)
        exp = tuple(fd_jac(G, args, i) for i in which)
        check = lambda J: close(J, exp if many else exp[0], transform)
        if container:
            answer_or_refusal(call, check)
        else:
            check(call())
    elif transform == "hessian":
        call = lambda: ad.hessian(F, argnums=argnums)(x, y)
        if many:
            exp = tuple(fd_hessian_argnums(F, args, i, which) for i in which)
        else:
            exp = fd_hessian(F, args, argnums, argnums)
        check = lambda H: close(H, exp, "hessian", HESS_RTOL, HESS_ATOL)
        if container:
            answer_or_refusal(call, check)
        else:
            check(call())
    else:
        undefined_option(transform, kind, "argnums", argnums)


def undefined_option(transform, kind, option, value):
    """A transform the contract gives no such option: a TypeError naming it."""
    k = KINDS[kind]
    x, y, F, G = k["x"], k["y"], k["F"], k["G"]
    opt = {option: value}
    calls = {
        "gradient": lambda: ad.gradient(F, x, y, **opt),
        "derivative": lambda: ad.derivative(F, x, y, **opt),
        "D": lambda: ad.D(F, **opt)(x, y),
        "jvp": lambda: ad.jvp(G, (x, y), (direction(x), direction(y)), **opt),
        "vjp": lambda: ad.vjp(G, x, y, **opt),
        "trace": lambda: ad.trace(F, x, y, **opt),
        "source_grad": lambda: ad.source_grad(F, **opt)(x, y),
    }
    if kind == "container" and transform in ("derivative", "D"):
        # a derivative along "all ones" of a dict is undefined anyway: any clear refusal
        answer_or_refusal(calls[transform], lambda r: pytest.fail(f"answered {r!r}"))
    else:
        refuses(calls[transform], option)


# ---------------------------------------------------------------------------
# has_aux


def has_aux_case(transform, kind):
    k = KINDS[kind]
    x, y, F, G, F_aux, G_aux = (k["x"], k["y"], k["F"], k["G"], k["F_aux"], k["G_aux"])
    args = (x, y)
    aux_F, aux_G = F_aux(x, y)[1], G_aux(x, y)[1]
    container = kind == "container"
    if transform == "grad":
        g, aux = ad.grad(F_aux, has_aux=True)(x, y)
        close(g, fd_grad(F, args, 0), "grad")
        check_aux(aux, aux_F)
    elif transform == "value_and_grad":
        (v, aux), g = ad.value_and_grad(F_aux, has_aux=True)(x, y)
        close(v, F(x, y), "value", 1e-14, 0.0)
        close(g, fd_grad(F, args, 0), "grad")
        check_aux(aux, aux_F)
    elif transform in ("jacfwd", "jacrev"):
        def check(r):
            J, aux = r
            close(J, fd_jac(G, args, 0), transform)
            check_aux(aux, aux_G)
        call = lambda: getattr(ad, transform)(G_aux, has_aux=True)(x, y)
        if container:
            answer_or_refusal(call, check)
        else:
            check(call())
    elif transform == "hessian":       # JAX has it; the contract does not: either
        def check(r):
            H, aux = r
            close(H, fd_hessian(F, args, 0, 0), "hessian", HESS_RTOL, HESS_ATOL)
            check_aux(aux, aux_F)
        answer_or_refusal(lambda: ad.hessian(F_aux, has_aux=True)(x, y), check, "has_aux")
    elif transform == "jvp":           # JAX: (out, tangent, aux); or a refusal naming it
        v = (direction(x), direction(y))

        def check(r):
            out, t, aux = r
            close(out, G(x, y), "primal output", 1e-14, 0.0)
            close(t, T.fd_jvp(G, args, v)[0], "tangent")
            check_aux(aux, aux_G)
        answer_or_refusal(lambda: ad.jvp(G_aux, (x, y), v, has_aux=True), check, "has_aux")
    elif transform == "vjp":           # JAX: (out, pullback, aux); or a refusal naming it
        u = np.array([0.3, -1.2, 0.7])

        def check(r):
            out, pullback, aux = r
            close(out, G(x, y), "primal output", 1e-14, 0.0)
            close(pullback(u), T.fd_gradient(G, args, (0, 1), cotangent=u), "vjp")
            check_aux(aux, aux_G)
        answer_or_refusal(lambda: ad.vjp(G_aux, x, y, has_aux=True), check, "has_aux")
    else:
        undefined_option(transform, kind, "has_aux", True)


# ---------------------------------------------------------------------------
# No option: the baseline every column is compared with


def baseline_case(transform, kind):
    k = KINDS[kind]
    x, y, F, G = k["x"], k["y"], k["F"], k["G"]
    args = (x, y)
    container = kind == "container"
    if transform == "gradient":
        close(ad.gradient(F, x, y), (fd_grad(F, args, 0), fd_grad(F, args, 1)), "gradient")
    elif transform in ("grad", "value_and_grad"):
        r = getattr(ad, transform)(F)(x, y)
        if transform == "value_and_grad":
            v, r = r
            close(v, F(x, y), "value", 1e-14, 0.0)
        close(r, fd_grad(F, args, 0), transform)
    elif transform in ("derivative", "D"):
        call = (lambda: ad.derivative(F, x, y)) if transform == "derivative" else \
            (lambda: ad.D(F)(x, y))
        check = lambda d: close(d, fd_ones_derivative(F, args), transform)
        if container:
            answer_or_refusal(call, check)
        else:
            check(call())
    elif transform == "jvp":
        v = (direction(x), direction(y))
        out, t = ad.jvp(G, args, v)
        close(out, G(x, y), "primal output", 1e-14, 0.0)
        close(t, T.fd_jvp(G, args, v)[0], "tangent")
    elif transform == "vjp":
        u = np.array([0.3, -1.2, 0.7])
        out, pullback = ad.vjp(G, x, y)
        close(out, G(x, y), "primal output", 1e-14, 0.0)
        close(pullback(u), T.fd_gradient(G, args, (0, 1), cotangent=u), "vjp")
    elif transform in ("jacfwd", "jacrev"):
        call = lambda: getattr(ad, transform)(G)(x, y)
        check = lambda J: close(J, fd_jac(G, args, 0), transform)
        if container:      # a Jacobian mirroring the dict (JAX), or a clear refusal
            answer_or_refusal(call, check)
        else:
            check(call())
    elif transform == "hessian":
        call = lambda: ad.hessian(F)(x, y)
        check = lambda H: close(H, fd_hessian(F, args, 0, 0), "hessian", HESS_RTOL, HESS_ATOL)
        if container:
            answer_or_refusal(call, check)
        else:
            check(call())
    elif transform == "trace":
        close(ad.trace(F, x, y).output, F(x, y), "trace.output", 1e-14, 0.0)
    elif transform == "source_grad":
        try:
            g = ad.source_grad(F)(x, y)
        except ad.ADError:
            return
        close(g, (fd_grad(F, args, 0), fd_grad(F, args, 1)), "source_grad")


# ---------------------------------------------------------------------------
# The matrix


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("transform", ("gradient", "grad", "value_and_grad", "derivative",
                                       "D", "jvp", "vjp", "jacfwd", "jacrev", "hessian",
                                       "trace", "source_grad"))
def test_no_option(transform, kind):
    baseline_case(transform, kind)



ALL = ("gradient", "grad", "value_and_grad", "derivative", "D", "jvp", "vjp", "jacfwd",
       "jacrev", "hessian", "trace", "source_grad")


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("transform", ALL + ("fd_check",))
def test_kwargs(transform, kind):
    kwargs_case(transform, kind)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("transform", ALL)
def test_int_argnums(transform, kind):
    argnums_case(transform, kind, 1)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("transform", ALL)
def test_tuple_argnums(transform, kind):
    argnums_case(transform, kind, (0, 1))


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("transform", ALL)
def test_has_aux(transform, kind):
    has_aux_case(transform, kind)


def test_a_negative_argnums_counts_from_the_end():
    x, y = 0.7, 1.3
    close(ad.grad(F_scalar, argnums=-1)(x, y), fd_grad(F_scalar, (x, y), 1), "grad")


@pytest.mark.parametrize("transform", ARGNUMS_TRANSFORMS)
def test_an_argnums_out_of_range_is_refused_naming_it(transform):
    k = KINDS["scalar"]
    fn = k["G"] if transform.startswith("jac") else k["F"]
    refuses(lambda: getattr(ad, transform)(fn, argnums=2)(k["x"], k["y"]), "argnums")


@pytest.mark.parametrize("transform", ("grad", "value_and_grad", "jacfwd", "jacrev"))
def test_has_aux_needs_a_pair(transform):
    """has_aux=True on a function that returns no (output, aux) pair is refused."""
    k = KINDS["array"]
    fn = k["G"] if transform.startswith("jac") else k["F"]
    try:
        result = getattr(ad, transform)(fn, has_aux=True)(k["x"], k["y"])
    except (TypeError, ValueError, ad.ADError) as e:
        assert "unexpected keyword" not in str(e), f"has_aux is not taken: {e}"
        assert isinstance(e, ad.ADError) or "aux" in str(e), f"unclear refusal: {e!r}"
        return
    raise AssertionError(f"expected a refusal naming aux, got {result!r}")


def test_kwargs_are_constants_not_arguments():
    """A keyword argument is held constant: no gradient for it, and a traced value is
    never passed in its place."""
    seen = []

    def f(x, scale=1.0):
        seen.append(type(scale))
        return scale * x ** 2
    assert ad.gradient(f, 3.0, scale=2.0) == (12.0,)
    assert seen == [float]
    assert ad.grad(ad.grad(f))(3.0, scale=2.0) == 4.0


def scaled_square(x, scale=1.0):
    return scale * x ** 2


NESTED = {
    # d/ds of (d/dx s x^2 at x = 1.5) = 2 x = 3
    "grad": lambda s: ad.grad(scaled_square)(1.5, scale=s),
    "gradient": lambda s: ad.gradient(scaled_square, 1.5, scale=s)[0],
    "value_and_grad": lambda s: ad.value_and_grad(scaled_square)(1.5, scale=s)[1],
    "derivative": lambda s: ad.derivative(scaled_square, 1.5, scale=s),
    "D": lambda s: ad.D(scaled_square)(1.5, scale=s),
    "jacfwd": lambda s: ad.jacfwd(scaled_square)(1.5, scale=s),
    "jacrev": lambda s: ad.jacrev(scaled_square)(1.5, scale=s),
    "vjp": lambda s: ad.vjp(scaled_square, 1.5, scale=s)[1](1.0)[0],
    # d/ds of (d2/dx2 s x^2) = 2, scaled by 1.5 to keep one expected value: 3
    "hessian": lambda s: 1.5 * ad.hessian(scaled_square)(1.5, scale=s),
    # d/ds of (s x^2 at x = 1.5) = 2.25, times 4/3: 3
    "trace": lambda s: ad.trace(scaled_square, 1.5, scale=s).output * (4.0 / 3.0),
}


@pytest.mark.parametrize("outer", ("grad", "D"))
@pytest.mark.parametrize("inner", NESTED)
def test_a_keyword_from_an_outer_transform_carries_its_derivative(inner, outer):
    """Held constant by the inner transform, a keyword argument still depends on the
    outer transform's input: no perturbation confusion, no derivative dropped."""
    d = getattr(ad, outer)(NESTED[inner])(2.0)
    close(d, 3.0, f"{outer} of {inner} with a keyword", 1e-12, 1e-12)


def test_aux_from_an_outer_transform_carries_its_derivative():
    # aux = s x at x = 1: d/ds = 1; the value s x^2: d/ds = 1
    aux = lambda s: ad.grad(lambda x: (s * x * x, s * x), has_aux=True)(1.0)[1]
    value = lambda s: ad.value_and_grad(lambda x: (s * x * x, s * x), has_aux=True)(1.0)[0][0]
    close(ad.grad(aux)(2.0), 1.0, "d aux / ds", 1e-12, 1e-12)
    close(ad.grad(value)(2.0), 1.0, "d value / ds", 1e-12, 1e-12)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("transform", ("grad", "value_and_grad", "jacfwd", "jacrev"))
def test_all_options_at_once(transform, kind):
    """kwargs, a tuple of argnums and has_aux in one call."""
    k = KINDS[kind]
    x, y = k["x"], k["y"]
    kw = {"scale": SCALE}
    args = (x, y)
    fn, fn_aux = (k["G"], k["G_aux"]) if transform.startswith("jac") else (k["F"], k["F_aux"])
    aux_expected = fn_aux(x, y, **kw)[1]
    call = lambda: getattr(ad, transform)(fn_aux, argnums=(0, 1), has_aux=True)(x, y, **kw)
    if transform.startswith("jac"):
        def check(r):
            J, aux = r
            close(J, (fd_jac(fn, args, 0, kw), fd_jac(fn, args, 1, kw)), transform)
            check_aux(aux, aux_expected)
        if kind == "container":
            answer_or_refusal(call, check)
        else:
            check(call())
        return
    r = call()
    if transform == "value_and_grad":
        (v, aux), g = r
        close(v, fn(x, y, **kw), "value", 1e-14, 0.0)
    else:
        g, aux = r
    close(g, (fd_grad(fn, args, 0, kw), fd_grad(fn, args, 1, kw)), transform)
    check_aux(aux, aux_expected)
