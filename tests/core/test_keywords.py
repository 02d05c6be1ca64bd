"""No NumPy keyword is silently ignored: every entry point that takes AD values either
honours a keyword (same value as NumPy, derivative equal to finite differences) or refuses
it with an error naming the entry and the keyword. The refusal tests loop over the
dispatch tables, so a new entry is checked without a new test."""

import inspect

import numpy as np
import pytest

import adexplorer as ad
from adexplorer.core import numpy_dispatch as nd
from adexplorer.core.errors import InPlaceOutput, LostDerivative, NoDerivativeRule
from adexplorer.core.keywords import check_keywords

rng = np.random.default_rng(7)
V = rng.standard_normal(5)                      # no ties: max/min derivatives are defined
M = rng.standard_normal((3, 4))
MASK_V = np.array([True, False, True, True, False])
MASK_M = np.array([[True, False, True, True], [False, True, True, False],
                   [True, True, False, True]])


def numerical_gradient(f, x, h=1e-6):
    """Central differences of a scalar function of an array."""
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[i] = h
        g[i] = (f(x + e) - f(x - e)) / (2 * h)
    return g


def check_against_numpy(call, x):
    """``call`` on an AD value: value as NumPy gives, gradient (reverse) and a directional
    derivative (forward) as finite differences of NumPy on plain arrays."""
    plain = call(x)
    weights = rng.standard_normal(np.shape(plain))

    def loss(x):
        return np.sum(weights * call(x))
    value, g = ad.value_and_grad(loss)(x)
    np.testing.assert_allclose(ad.vjp(call, x)[0], plain, rtol=1e-14)
    np.testing.assert_allclose(value, loss(x), rtol=1e-13)
    expected = numerical_gradient(loss, x)
    np.testing.assert_allclose(g, expected, rtol=1e-6, atol=1e-8)
    direction = rng.standard_normal(x.shape)
    _, tangent = ad.jvp(loss, (x,), (direction,))
    np.testing.assert_allclose(tangent, np.sum(expected * direction), rtol=1e-6, atol=1e-8)


# ---------------------------------------------------------------------------
# Refusals, by enumeration of the tables

ALL_UFUNCS = list(nd.UFUNCS) + list(nd.COMPOSITE_UFUNCS) + sorted(nd.PLAIN_UFUNCS, key=str)


def _ufunc_calls():
    return [(f"np.{u.__name__}", u, "__call__") for u in ALL_UFUNCS]


def _ufunc_methods():
    return [(f"np.{u.__name__}.{method}", u, method)
            for method, table in nd.UFUNC_METHODS.items() for u in table]


def _protocol_call(name, what, method, v, kwargs):
    """Reach the dispatcher exactly as NumPy does, with ``kwargs`` passed through (NumPy
    itself already refuses some made-up keywords before asking the AD value)."""
    if method is None:                       # a function in FUNCTIONS
        return v.__array_function__(what, (type(v),), (v,), kwargs)
    if method == "x.":                       # an array method
        return getattr(v, what)(**kwargs)
    inputs = (v,) * (2 if method == "outer" else what.nin if method == "__call__" else 1)
    return v.__array_ufunc__(what, method, *inputs, **kwargs)


ENTRIES = ([(nd._numpy_name(f), f, None) for f in nd.FUNCTIONS]     # np.fft.fft too
           + _ufunc_calls() + _ufunc_methods()
           + [(f"x.{m}", m, "x.") for m in nd.METHODS])


@pytest.mark.parametrize("name, what, method", ENTRIES, ids=[e[0] for e in ENTRIES])
@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_an_unknown_keyword_is_refused_naming_entry_and_keyword(name, what, method, mode):
    def f(v):
        return _protocol_call(name, what, method, v, {"bogus_option": 1})
    with pytest.raises(NoDerivativeRule) as info:
        if mode == "reverse":
            ad.gradient(lambda v: np.sum(f(v)), V)
        else:
            ad.jvp(f, (V,), (np.ones_like(V),))
    message = str(info.value)
    assert f"{name}(..., bogus_option=...)" in message and "drop bogus_option=" in message


@pytest.mark.parametrize("name, what, method", ENTRIES, ids=[e[0] for e in ENTRIES])
def test_out_is_refused_everywhere(name, what, method):
    with pytest.raises(InPlaceOutput, match=rf"{name.replace('.', '[.]')}\(\.\.\., out=\.\.\.\) "
                                            "writes in place .* drop out="):
        ad.gradient(lambda v: np.sum(_protocol_call(name, what, method, v,
                                                    {"out": np.zeros(5)})), V)


def _entries_with_parameters():
    found = [(nd._numpy_name(f), e) for f, e in nd.FUNCTIONS.items()]
    found += [(f"x.{m}", e) for m, e in nd.METHODS.items()]
    found += [(n, nd.UFUNC_METHODS[m][u]) for n, u, m in _ufunc_methods()]
    found += [("np.add", nd._ufunc_call)]
    return found


# A value that asks for something, for every parameter name an entry may refuse.
ASKING = {"out": np.zeros(5), "dtype": np.complex128, "casting": "no", "copy": True,
          "order": "F", "subok": False, "where": MASK_V, "signature": "dd->d",
          "newshape": (5,), "initial": 1.0, "keepdims": True, "axis": 0, "n": 8,
          "rcond": 0.1, "rtol": 0.1, "hermitian": True}


@pytest.mark.parametrize("name, entry", _entries_with_parameters(),
                         ids=[n for n, _ in _entries_with_parameters()])
def test_every_parameter_not_honoured_is_refused_when_given(name, entry):
    refused = [p for p in inspect.signature(entry).parameters.values()
               if p.default is not p.empty and p.name not in getattr(entry, "keywords", ())
               and p.kind is not p.VAR_KEYWORD]
    for p in refused:
        with pytest.raises((NoDerivativeRule, InPlaceOutput), match=rf"\(\.\.\., {p.name}="):
            check_keywords(name, entry, (V,), {p.name: ASKING[p.name]})


def test_refused_positional_parameters_are_caught_too():
    # np.sum(a, axis, dtype, out): the fourth positional argument is out
    with pytest.raises(InPlaceOutput, match=r"np\.sum\(\.\.\., out="):
        ad.gradient(lambda v: np.sum(v, 0, None, np.zeros(())), V)
    with pytest.raises(InPlaceOutput, match=r"x\.max\(\.\.\., out="):
        ad.gradient(lambda v: v.max(0, np.zeros(())), V)


@pytest.mark.parametrize("method", ["reduce", "accumulate", "outer", "at", "reduceat"])
def test_every_ufunc_method_without_an_entry_is_refused_naming_it(method):
    table = nd.UFUNC_METHODS.get(method, {})
    missing = [u for u in ALL_UFUNCS if u not in table]
    assert missing
    for u in missing:
        def f(v, u=u):
            return v.__array_ufunc__(u, method, v, v)
        with pytest.raises((NoDerivativeRule, InPlaceOutput),
                           match=rf"np\.{u.__name__}\.{method}\b"):
            ad.jvp(f, (V,), (np.ones(5),))


@pytest.mark.parametrize("method", ["reduceat", "at"])
def test_ufunc_methods_without_an_entry_are_refused_naming_them(method):
    indices = np.array([0, 2])
    arguments = (indices, 1.0) if method == "at" else (indices,)
    with pytest.raises((NoDerivativeRule, InPlaceOutput), match=rf"np\.add\.{method}"):
        ad.gradient(lambda v: np.sum(getattr(np.add, method)(v, *arguments)), V)
    with pytest.raises(NoDerivativeRule, match=r"np\.subtract\.reduce"):
        ad.gradient(lambda v: np.subtract.reduce(v), V)
    with pytest.raises(NoDerivativeRule, match=r"np\.multiply\.accumulate"):
        ad.gradient(lambda v: np.sum(np.multiply.accumulate(v)), V)


def test_a_value_an_honoured_keyword_does_not_implement_is_refused():
    for call, text in [
            (lambda v: np.sum(v, dtype=np.int64), r"np\.sum\(\.\.\., dtype=int64\)"),
            (lambda v: np.mean(v, dtype=np.float32), r"np\.mean\(\.\.\., dtype=float32\)"),
            (lambda v: np.add.reduce(v, dtype=complex), r"dtype=complex"),
            (lambda v: np.sum(v.reshape(5, 1, order="F")), r"x\.reshape\(\.\.\., order='F'\)")]:
        with pytest.raises(NoDerivativeRule, match=text):
            ad.gradient(call, V)
    # order="K" reads memory order: for a transposed value NumPy's answer is not C order
    assert np.ravel(M.T, order="K").tolist() != np.ravel(M.T, order="C").tolist()
    with pytest.raises(NoDerivativeRule, match=r"np\.ravel\(\.\.\., order='K'\)"):
        ad.gradient(lambda v: np.sum(np.ravel(v.T, order="K") * np.arange(12.0)), M)
    with pytest.raises(ValueError, match=r"np\.max\(\.\.\., where=\.\.\.\) needs initial="):
        ad.gradient(lambda v: np.max(v, where=MASK_V), V)
    with pytest.raises(ValueError, match="both a_min= and min="):
        ad.gradient(lambda v: np.sum(np.clip(v, 0.0, None, min=0.1)), V)


# ---------------------------------------------------------------------------
# The two examples found by trying the library as a new user


def test_clip_with_out_refuses_instead_of_returning_the_unclipped_value():
    def f(x):
        y = x + 1.0
        np.clip(y, 0.0, 1.5, out=y)
        return np.sum(y)
    with pytest.raises(InPlaceOutput, match=r"np\.clip\(\.\.\., out=\.\.\.\) writes in place"):
        ad.gradient(f, V)
    with pytest.raises(InPlaceOutput, match=r"x\.clip\(\.\.\., out="):
        ad.gradient(lambda x: np.sum(x.clip(0.0, 1.5, out=x)), V)


def test_reduce_with_initial_and_where_gives_numpys_value_and_gradient():
    value, g = ad.value_and_grad(lambda v: np.add.reduce(v, initial=10.0))(V)
    assert value == pytest.approx(np.add.reduce(V, initial=10.0), rel=1e-14)
    np.testing.assert_array_equal(g, np.ones(5))                  # d(10 + sum v)/dv = 1
    value, g = ad.value_and_grad(lambda v: np.add.reduce(v, where=MASK_V))(V)
    assert value == pytest.approx(np.add.reduce(V, where=MASK_V), rel=1e-14)
    np.testing.assert_array_equal(g, MASK_V.astype(float))        # only the kept elements
    value, g = ad.value_and_grad(lambda v: np.maximum.reduce(v, initial=10.0))(V)
    assert value == np.maximum.reduce(V, initial=10.0) == 10.0    # initial wins: no slope
    np.testing.assert_array_equal(g, np.zeros(5))
    low = V.max() - 0.5                                           # the largest element wins
    value, g = ad.value_and_grad(lambda v: np.maximum.reduce(v, initial=low))(V)
    assert value == np.maximum.reduce(V, initial=low)
    np.testing.assert_array_equal(g, (V == V.max()).astype(float))


# ---------------------------------------------------------------------------
# Honoured keywords: value and derivative equal NumPy and finite differences

REDUCTIONS = {
    "sum axis": (lambda x: np.sum(x, axis=1), M),
    "sum axis tuple keepdims": (lambda x: np.sum(x, axis=(0, 1), keepdims=True), M),
    "sum initial": (lambda x: np.sum(x, axis=0, initial=2.5), M),
    "sum where": (lambda x: np.sum(x, axis=1, where=MASK_M), M),
    "sum where initial keepdims": (lambda x: np.sum(x, 0, None, None, True, 1.0, MASK_M), M),
    "sum dtype float": (lambda x: np.sum(x, dtype=np.float64), M),
    "mean axis keepdims": (lambda x: np.mean(x, axis=0, keepdims=True), M),
    "mean where": (lambda x: np.mean(x, axis=1, where=MASK_M), M),
    "mean where all": (lambda x: np.mean(x, where=MASK_M), M),
    "max axis keepdims": (lambda x: np.max(x, axis=1, keepdims=True), M),
    "max initial": (lambda x: np.max(x, axis=0, initial=0.0), M),
    "max where initial": (lambda x: np.max(x, axis=1, where=MASK_M, initial=-0.5), M),
    "amax initial": (lambda x: np.amax(x, initial=-10.0), M),
    "min axis": (lambda x: np.min(x, axis=0), M),
    "min initial": (lambda x: np.min(x, axis=1, initial=0.0), M),
    "min where initial": (lambda x: np.min(x, where=MASK_M, initial=5.0), M),
    "add.reduce axis 0": (lambda x: np.add.reduce(x), M),
    "add.reduce axis None initial": (lambda x: np.add.reduce(x, axis=None, initial=3.0), M),
    "add.reduce where keepdims": (lambda x: np.add.reduce(x, 1, where=MASK_M, keepdims=True), M),
    "maximum.reduce where initial": (lambda x: np.maximum.reduce(x, axis=1, where=MASK_M,
                                                                 initial=0.0), M),
    "minimum.reduce initial": (lambda x: np.minimum.reduce(x, initial=0.0), M),
    "x.sum axis keepdims": (lambda x: x.sum(axis=0, keepdims=True), M),
    "x.sum positional keepdims": (lambda x: x.sum(1, None, None, True), M),
    "x.sum where initial": (lambda x: x.sum(where=MASK_M, initial=1.0), M),
    "x.mean where": (lambda x: x.mean(axis=0, where=MASK_M), M),
    "x.max positional keepdims": (lambda x: x.max(0, None, True), M),
    "x.max initial": (lambda x: x.max(initial=0.0), M),
    "x.min where initial": (lambda x: x.min(axis=1, where=MASK_M, initial=0.5), M),
}


@pytest.mark.parametrize("call, x", REDUCTIONS.values(), ids=REDUCTIONS.keys())
def test_honoured_reduction_keywords_match_numpy(call, x):
    check_against_numpy(call, x)


SHAPES_AND_CHOICES = {
    "clip positional": (lambda x: np.clip(x, -0.5, 0.5), M),
    "clip a_min a_max": (lambda x: np.clip(x, a_min=-0.5, a_max=0.5), M),
    "clip min max": (lambda x: np.clip(x, min=-0.5, max=0.5), M),
    "clip min only": (lambda x: np.clip(x, min=0.0), M),
    "clip a_max only": (lambda x: np.clip(x, None, 0.2), M),
    "x.clip positional": (lambda x: x.clip(-0.5, 0.5), M),
    "x.clip min max": (lambda x: x.clip(min=-0.5, max=0.5), M),
    "x.clip max only": (lambda x: x.clip(max=0.1), M),
    "reshape order C": (lambda x: np.reshape(x, (4, 3), order="C"), M),
    "x.reshape order C": (lambda x: x.reshape(2, 6, order="C"), M),
    "x.reshape -1": (lambda x: x.reshape(-1, 2), M),
    "transpose axes": (lambda x: np.transpose(x, axes=(1, 0)), M),
    "x.transpose": (lambda x: x.transpose(1, 0), M),
    "squeeze axis": (lambda x: np.squeeze(x.reshape(3, 1, 4), axis=1), M),
    "x.squeeze": (lambda x: x.reshape(1, 12).squeeze(), M),
    "ravel order C": (lambda x: np.ravel(x, order="C"), M),
    "ravel order K of a C-contiguous value": (lambda x: np.ravel(x, order="K"), M),
    "x.reshape order A of a C-contiguous value": (lambda x: x.reshape(4, 3, order="A"), M),
    "x.flatten": (lambda x: x.flatten(), M),
    "x.copy order C": (lambda x: x.copy(order="C") * 2, M),
    "x.swapaxes": (lambda x: x.swapaxes(0, 1), M),
    "concatenate axis": (lambda x: np.concatenate([x, 2 * x], axis=1), M),
    "stack axis": (lambda x: np.stack([x, x ** 2], axis=2), M),
    "add.accumulate": (lambda x: np.add.accumulate(x), M),
    "add.accumulate axis 1": (lambda x: np.add.accumulate(x, axis=1), M),
    "add.accumulate 1-D": (lambda x: np.add.accumulate(x[0] * x[1]), M),
    "multiply.outer": (lambda x: np.multiply.outer(x[0], x[1:]), M),
    "subtract.outer": (lambda x: np.subtract.outer(x, x[0]), M),
    "maximum.outer": (lambda x: np.maximum.outer(x[0], x[1]), M),
    "x.dot": (lambda x: x.dot(x.T), M),
}


@pytest.mark.parametrize("call, x", SHAPES_AND_CHOICES.values(), ids=SHAPES_AND_CHOICES.keys())
def test_honoured_keywords_of_shapes_choices_and_ufunc_methods_match_numpy(call, x):
    check_against_numpy(call, x)


def test_a_wider_float_dtype_is_honoured_on_int_inputs():
    k = np.array([1, 2, 3])
    value, g = ad.value_and_grad(lambda v: np.sum(v * v, dtype=np.float64))(k)
    assert value == 14.0 and isinstance(value, np.floating)
    np.testing.assert_array_equal(g, 2 * k)                        # d sum v^2 = 2 v
    f32 = np.array([1.0, 2.0], dtype=np.float32)
    out = ad.vjp(lambda v: np.sum(v, dtype=np.float64), f32)[0]
    assert out.dtype == np.float64


# ---------------------------------------------------------------------------
# Array methods without support: suggestions point only at what works


def test_missing_array_methods_suggest_only_dispatched_numpy_functions():
    x = ad.Dual(V, np.ones(5))
    # what AD values do have: the array methods with rules and the array protocol
    supported = set(nd.METHODS) | {"shape", "ndim", "size", "dtype", "T", "real", "imag"}
    missing = [m for m in dir(np.ndarray) if not m.startswith("_") and m not in supported]
    assert "byteswap" in missing and "item" in missing
    # a method named like a unary ufunc (.conjugate) applies that ufunc: NumPy's loop
    # over an object array of AD values calls it
    ufunc_named = [m for m in missing
                   if isinstance(getattr(np, m, None), np.ufunc) and getattr(np, m).nin == 1]
    for m in ufunc_named:
        np.testing.assert_array_equal(getattr(x, m)().primal, getattr(np, m)(V))
    for m in sorted(set(missing) - set(ufunc_named)):
        with pytest.raises(TypeError) as info:
            getattr(x, m)
        message = str(info.value)
        if f"np.{m}(x)" in message:
            assert nd.dispatched(getattr(np, m, None)), message


def test_a_method_without_a_numpy_function_is_refused_plainly_and_item_drops_the_derivative():
    # x.std() used to be the example here; it has a row now (rules_reductions.py)
    g = ad.gradient(lambda v: v.std(), V)[0]
    np.testing.assert_allclose(g, (V - V.mean()) / (V.size * V.std()), rtol=1e-12)
    with pytest.raises(NoDerivativeRule) as info:
        ad.gradient(lambda v: v.byteswap(), V)
    assert "x.byteswap()" in str(info.value) and "np.byteswap" not in str(info.value)
    for method in ("item", "tolist"):
        with pytest.raises(LostDerivative) as info:
            ad.gradient(lambda v, method=method: getattr(v, method)(), V[:1])
        message = str(info.value)
        assert f"x.{method}()" in message and "float() after the derivative call" in message
        assert "np.item" not in message
    with pytest.raises(NoDerivativeRule, match=r"np\.argmax\(x\)"):
        ad.gradient(lambda v: v[v.argmax()], V)
