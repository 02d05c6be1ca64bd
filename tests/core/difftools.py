"""Finite differences and comparisons on nested arguments, written independently of the
library (it never imports adexplorer's own tree or FD code), for the differential tests.

A *tree* is a number, a NumPy array, or a tuple / list / dict / dataclass / namedtuple of
trees; other leaves (strings, bools, None) are static. Derivatives are estimated with the
fourth-order central stencil (8(f(x+h) - f(x-h)) - (f(x+2h) - f(x-2h))) / 12h, whose
truncation error is O(h^4): with h = 1e-3 (scaled to the entry) it is accurate to about
1e-11 relative, far inside the tolerances used.
"""

from __future__ import annotations

import dataclasses
import numbers

import numpy as np

H = 1e-3


def is_numeric(v) -> bool:
    """A leaf that can be differentiated: a real or complex number or numeric array."""
    if isinstance(v, (bool, np.bool_)):
        return False
    if isinstance(v, np.ndarray):
        return v.dtype.kind in "fiuc"
    return isinstance(v, (numbers.Number, np.generic))


def is_namedtuple(t) -> bool:
    return isinstance(t, tuple) and hasattr(t, "_fields")


def children(t):
    """``(kind, keys, values)`` of a container, or ``None`` for a leaf."""
    if dataclasses.is_dataclass(t) and not isinstance(t, type):
        names = [f.name for f in dataclasses.fields(t)]
        return "dataclass", names, [getattr(t, n) for n in names]
    if isinstance(t, dict):
        return "dict", list(t), list(t.values())
    if isinstance(t, (tuple, list)):
        return type(t).__name__, list(range(len(t))), list(t)
    return None


def rebuild(t, values):
    """``t`` with its children replaced by ``values`` (same kind)."""
    if dataclasses.is_dataclass(t) and not isinstance(t, type):
        return dataclasses.replace(t, **dict(zip([f.name for f in dataclasses.fields(t)],
                                                 values)))
    if isinstance(t, dict):
        return dict(zip(t, values))
    if is_namedtuple(t):
        return type(t)(*values)
    if isinstance(t, tuple):
        return tuple(values)
    return list(values)


def leaf_paths(t, path=()):
    """Paths (tuples of keys) to the numeric leaves of ``t``, in order."""
    c = children(t)
    if c is None:
        return [path] if is_numeric(t) else []
    out = []
    for k, v in zip(c[1], c[2]):
        out += leaf_paths(v, path + (k,))
    return out


def get(t, path):
    for k in path:
        t = getattr(t, k) if dataclasses.is_dataclass(t) else t[k]
    return t


def put(t, path, value):
    if not path:
        return value
    c = children(t)
    values = list(c[2])
    i = c[1].index(path[0])
    values[i] = put(values[i], path[1:], value)
    return rebuild(t, values)


def map_leaves(fn, t):
    """Apply ``fn`` to every leaf (numeric or not); containers keep their kind."""
    c = children(t)
    if c is None:
        return fn(t)
    return rebuild(t, [map_leaves(fn, v) for v in c[2]])


def out_leaves(out):
    """The leaves of an output tree, as arrays (non-numeric leaves kept as they are)."""
    c = children(out)
    if c is None:
        return [out]
    return [leaf for v in c[2] for leaf in out_leaves(v)]


def as_float(v):
    """A leaf as a float (or complex) array, for arithmetic on FD estimates."""
    a = np.asarray(v)
    return a.astype(complex) if a.dtype.kind == "c" else a.astype(float)


# ---------------------------------------------------------------------------
# Finite differences


def _shift(args, path_dirs, t):
    """``args`` with each leaf at ``path`` moved by ``t * direction``."""
    args = list(args)
    for (i, path), d in path_dirs:
        leaf = get(args[i], path)
        moved = as_float(leaf) + t * np.asarray(d)
        if np.ndim(leaf) == 0:
            moved = moved[()]
            moved = complex(moved) if np.iscomplexobj(moved) else float(moved)
        args[i] = put(args[i], path, moved)
    return args


def directional(f, args, path_dirs, h, kwargs=None):
    """d/dt f(args + t·direction) at t = 0, for every output leaf (a list of arrays)."""
    kwargs = kwargs or {}

    def at(t):
        return [as_float(o) for o in out_leaves(f(*_shift(args, path_dirs, t), **kwargs))]
    p1, m1, p2, m2 = at(h), at(-h), at(2 * h), at(-2 * h)
    return [(8 * (a - b) - (c - d)) / (12 * h) for a, b, c, d in zip(p1, m1, p2, m2)]


def step_for(value) -> float:
    return H * max(1.0, float(np.max(np.abs(np.asarray(value)), initial=0.0)))


def partials(f, args, i, path, kwargs=None):
    """The derivative of every output leaf with respect to each entry of leaf ``path`` of
    argument ``i``: a list (per output leaf) of arrays shaped ``out.shape + leaf.shape``."""
    leaf = get(args[i], path)
    shape = np.shape(leaf)
    n = int(np.prod(shape))
    cols = []
    for k in range(n):
        d = np.zeros(n)
        d[k] = 1.0
        entry = np.ravel(np.asarray(leaf))[k] if n else 0.0
        cols.append(directional(f, args, [((i, path), d.reshape(shape))], step_for(entry),
                                kwargs))
    return [np.stack([c[j] for c in cols], axis=-1).reshape(np.shape(cols[0][j]) + shape)
            for j in range(len(cols[0]))]


def complex_partials(f, args, i, path, kwargs=None):
    """For a complex leaf: d/dx - i d/dy of the (real) output, autograd's convention."""
    leaf = get(args[i], path)
    shape = np.shape(leaf)
    n = int(np.prod(shape))
    out = np.zeros(n, dtype=complex)
    for k in range(n):
        for unit, weight in ((1.0, 1.0), (1j, -1j)):
            d = np.zeros(n, dtype=complex)
            d[k] = unit
            step = step_for(np.ravel(np.asarray(leaf))[k])
            (g,) = directional(f, args, [((i, path), d.reshape(shape))], step, kwargs)
            out[k] += weight * np.real(g)
    return out.reshape(shape)[()] if not shape else out.reshape(shape)


def fd_gradient(f, args, positions, kwargs=None, cotangent=None):
    """Per argument in ``positions``: the gradient of ``<cotangent, f(args)>`` (a scalar
    output when ``cotangent`` is None), mirroring the argument; a leaf's entry is an array
    (or a complex number in autograd's convention for a complex leaf). Static leaves
    stay as they are; arguments not in ``positions`` give ``None``."""
    def scalar_f(*a, **kw):
        out = f(*a, **kw)
        if cotangent is None:
            return out
        return sum(float(np.real(np.vdot(np.asarray(u, dtype=float), as_float(o))))
                   for u, o in zip(out_leaves(cotangent), out_leaves(out)))
    grads = []
    for i, arg in enumerate(args):
        if i not in positions:
            grads.append(None)
            continue

        def leaf(path, arg=arg, i=i):
            v = get(arg, path)
            if np.iscomplexobj(v):
                return complex_partials(scalar_f, args, i, path, kwargs)
            (g,) = partials(scalar_f, args, i, path, kwargs)
            return g
        grads.append(mirror_paths(arg, leaf))
    return tuple(grads)


def mirror_paths(t, fn, path=()):
    """``t`` with every numeric leaf replaced by ``fn(path)``, static leaves by ``None``;
    a dataclass becomes a dict of its fields (the library's documented convention)."""
    c = children(t)
    if c is None:
        return fn(path) if is_numeric(t) else None
    values = [mirror_paths(v, fn, path + (k,)) for k, v in zip(c[1], c[2])]
    if c[0] == "dataclass":
        return dict(zip(c[1], values))
    return rebuild(t, values)


def fd_jvp(f, args, tangents, kwargs=None):
    """The directional derivative of every output leaf along ``tangents`` (a tree per
    argument, ``None`` where the argument stays fixed)."""
    path_dirs = []
    scale = 1.0
    for i, (a, t) in enumerate(zip(args, tangents)):
        if t is None:
            continue
        for path in leaf_paths(a):
            d = get(t, path)
            if d is None:
                continue
            path_dirs.append(((i, path), np.asarray(d)))
            scale = max(scale, float(np.max(np.abs(np.asarray(get(a, path))), initial=0.0)))
    return directional(f, args, path_dirs, H * scale, kwargs)


# ---------------------------------------------------------------------------
# Comparisons


class ZeroOrNone:
    """Expected leaf: ``None`` or zeros are both right (no dependence, Zygote-style)."""

    def __repr__(self):
        return "ZeroOrNone"


ZERO_OR_NONE = ZeroOrNone()


def close(actual, expected, rtol, atol_rel, what, exact_shape=True):
    """``actual`` (a number or array, never an AD value) is close to ``expected``."""
    if not isinstance(actual, (np.ndarray, np.generic, numbers.Number)):
        raise AssertionError(  # noqa: TRY004 - a test failure, not a caller's type errorf"{what}: expected a number or an array, got "
                             f"{type(actual).__name__}: {actual!r}")
    a = np.asarray(actual)
    e = np.asarray(expected)
    if a.dtype == object:
        raise AssertionError(f"{what}: got an object array {actual!r}, not numbers")
    if exact_shape and a.shape != e.shape:
        raise AssertionError(f"{what}: shape {a.shape}, expected {e.shape}")
    if np.iscomplexobj(a) and not np.iscomplexobj(e) and np.any(np.imag(a) != 0):
        raise AssertionError(f"{what}: complex {actual!r} where a real value is expected "
                             f"({expected!r})")
    scale = max(1.0, float(np.max(np.abs(e), initial=0.0)))
    np.testing.assert_allclose(a, e, rtol=rtol, atol=atol_rel * scale, err_msg=what)


def assert_tree_close(actual, expected, rtol, atol_rel, what, none_ok_for_zero=False):
    """Structure and values: containers of the same kind (a namedtuple may come back as
    a namedtuple or a tuple), ``None`` where ``None`` is expected, numbers close."""
    if expected is None:
        assert actual is None, f"{what}: expected None (no dependence), got {actual!r}"
        return
    if expected is ZERO_OR_NONE:
        if actual is not None:
            close(actual, 0.0, rtol, atol_rel, what, exact_shape=False)
        return
    c = children(expected)
    if c is None:
        assert actual is not None, f"{what}: got None, expected {expected!r}"
        close(actual, expected, rtol, atol_rel, what)
        return
    kind, keys, values = c
    if kind == "dict":
        assert isinstance(actual, dict), f"{what}: expected a dict, got {type(actual).__name__}"
        assert list(actual) == keys, f"{what}: keys {list(actual)} != {keys}"
        items = [actual[k] for k in keys]
    else:
        want = list if kind == "list" else tuple
        assert isinstance(actual, want), (f"{what}: expected a {want.__name__}, got "
                                          f"{type(actual).__name__}: {actual!r}")
        assert len(actual) == len(values), f"{what}: length {len(actual)} != {len(values)}"
        items = list(actual)
    for k, a, e in zip(keys, items, values):
        assert_tree_close(a, e, rtol, atol_rel, f"{what}[{k!r}]", none_ok_for_zero)


def zygote(expected, fill_zeros):
    """Turn an FD gradient tree into what a transform should give: leaves whose FD
    derivative is all zero may be None (gradient, Zygote) or zeros (grad, JAX)."""
    def leaf(v):
        if v is None or v is ZERO_OR_NONE:
            return v
        if np.all(np.asarray(v) == 0) or np.max(np.abs(np.asarray(v))) < 1e-12:
            return np.zeros(np.shape(v)) if fill_zeros else ZERO_OR_NONE
        return v
    return map_leaves(leaf, expected)


def contains_ad_value(t) -> bool:
    """Does a result still hold a library value type (a Traced/Dual/...) anywhere?"""
    for leaf in out_leaves(t):
        if isinstance(leaf, np.ndarray) and leaf.dtype == object:
            if any(contains_ad_value(x) for x in leaf.ravel()):
                return True
        elif not (leaf is None or isinstance(leaf, (numbers.Number, np.generic, np.ndarray,
                                                    str, bytes))):
            return True
    return False
