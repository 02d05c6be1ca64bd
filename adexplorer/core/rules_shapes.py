"""Shape changes and products beyond the basic rows: einsum, tensordot, outer, kron,
trace, diagonals, triangles, repeats, flips, splits, padding, stacking helpers, sorting and
taking.

One new row, ``einsum``: every other product here (tensordot, outer, inner, kron, trace,
diagonal) is an einsum, so its rules are einsums too. Everything that only moves, copies or
picks elements is built from the rows of ``rules_numpy`` — reshape, transpose, indexing
(whose adjoint is a scatter-add), concatenate — and ``where``; sorting and partitioning are
indexing by a permutation computed on the primal values, as in autograd.
"""

from __future__ import annotations

import functools
import inspect
import itertools
import string

import numpy as np

from . import rules as R
from . import rules_numpy as RN
from .errors import InPlaceOutput, NoDerivativeRule
from .keywords import float_dtype, honours, refuse_value
from .primitives import ADValue, bind, defprim, strip

# ---------------------------------------------------------------------------
# Static arguments (axes, counts, indices) are never differentiated; a transformation that
# differentiates every number it is given (the tape of source_grad) may still wrap them.

def _plain(value):
    if isinstance(value, (tuple, list)):
        return type(value)(_plain(v) for v in value)
    return strip(value)


def statics(*names):
    """Strip AD wrappers from the named parameters before the entry sees them."""
    def wrap(fn):
        signature = inspect.signature(fn)

        @functools.wraps(fn)
        def entry(*args, **kwargs):
            bound = signature.bind(*args, **kwargs)
            for name in names:
                if name in bound.arguments:
                    bound.arguments[name] = _plain(bound.arguments[name])
            return fn(*bound.args, **bound.kwargs)
        return entry
    return wrap


# ---------------------------------------------------------------------------
# The einsum row. Its subscripts are always explicit ("ij,jk->ik": no ellipsis, an
# output given); the NumPy entry below writes the user's subscripts that way.

_LETTERS = string.ascii_letters


def _terms(subscripts):
    inputs, output = subscripts.split("->")
    return inputs.split(","), output


def _einsum_impl(*operands, subscripts):
    # Three or more operands (a vjp adds the cotangent, ones and identities): contract
    # them pairwise in the cheapest order rather than in one nested loop over all labels.
    return np.einsum(subscripts, *operands, optimize=len(operands) > 2)


def _einsum_jvp(i):
    """The tangent of argument i: the same contraction with the tangent in its place."""
    def rule(t, ans, *operands, subscripts):
        return einsum(*operands[:i], t, *operands[i + 1:], subscripts=subscripts)
    return rule


def _einsum_vjp(i):
    """The cotangent of argument i: contract the output's cotangent with every other
    operand onto argument i's subscripts. A label only argument i has (summed inside it)
    comes back through a vector of ones; a repeated label (a diagonal, 'ii') through an
    identity matrix that links the repeat to a fresh label."""
    def rule(g, ans, *operands, subscripts):
        inputs, output = _terms(subscripts)
        sizes = _label_sizes(inputs, operands)
        terms = [output] + [s for j, s in enumerate(inputs) if j != i]
        args = [g] + [x for j, x in enumerate(operands) if j != i]
        present = set("".join(terms))
        fresh = (c for c in _LETTERS if c not in subscripts)
        plain = strip(g)
        dtype = np.result_type(plain, 1.0) if plain is not None else float
        target = ""
        for c in inputs[i]:
            if c in target:
                new = next(fresh)
                terms.append(c + new)
                args.append(np.eye(sizes[c], dtype=dtype))
                target += new
                continue
            if c not in present:
                terms.append(c)
                args.append(np.ones(sizes[c], dtype=dtype))
            target += c
        return einsum(*args, subscripts=",".join(terms) + "->" + target)
    return rule


def _label_sizes(inputs, operands):
    sizes = {}
    for term, x in zip(inputs, operands):
        for c, n in zip(term, R.shape(x)):        # R.shape: symbols (wengert.py) have one
            sizes[c] = max(sizes.get(c, 1), n)
    return sizes


einsum = defprim("einsum", _einsum_impl, display="einsum({subscripts}, {args})",
                 jvp=RN._PerArgument(_einsum_jvp), vjp=RN._PerArgument(_einsum_vjp))


def explicit_subscripts(subscripts: str, shapes) -> str:
    """NumPy's subscripts with the ellipsis written out as labels and the output given
    (implicit mode: the ellipsis, then the labels seen once, in alphabetical order)."""
    text = subscripts.replace(" ", "")
    inputs, arrow, output = text.partition("->")
    inputs = inputs.split(",")
    if len(inputs) != len(shapes):
        raise ValueError(f"einsum: {len(inputs)} operand subscripts in {subscripts!r} for "
                         f"{len(shapes)} operands")
    fresh = [c for c in _LETTERS if c not in text]
    spans = [len(s) - len(t.replace("...", "")) if "..." in t else 0
             for t, s in zip(inputs, shapes)]
    width = max(spans, default=0)
    dots = "".join(fresh[:width])
    written = [t.replace("...", dots[width - n:]) for t, n in zip(inputs, spans)]
    if not arrow:
        once = sorted(c for c in set("".join(written)) - set(dots)
                      if "".join(written).count(c) == 1)
        output = dots + "".join(once)
    else:
        output = output.replace("...", dots)
    return ",".join(written) + "->" + output


def _interleaved(args):
    """``einsum(a, [0, 1], b, [1, 2], [0, 2])`` as subscripts and operands."""
    def text(sublist):
        return "".join("..." if s is Ellipsis else _LETTERS[s] for s in sublist)
    pairs, output = (args[:-1], args[-1]) if len(args) % 2 else (args, None)
    subscripts = ",".join(text(s) for s in pairs[1::2])
    return subscripts + ("" if output is None else "->" + text(output)), list(pairs[0::2])


def contract(subscripts: str, *operands):
    """``np.einsum(subscripts, *operands)`` as one einsum row on explicit subscripts;
    operands broadcast along a label of size 1 (as NumPy allows) are broadcast first."""
    shapes = [np.shape(strip(x)) for x in operands]
    explicit = explicit_subscripts(subscripts, shapes)
    inputs, _ = _terms(explicit)
    sizes = _label_sizes(inputs, operands)
    widened = []
    for term, x, s in zip(inputs, operands, shapes):
        full = tuple(sizes[c] for c in term)
        widened.append(x if full == tuple(s) else bind(R.broadcast_to, x, shape=full))
    return bind(einsum, *widened, subscripts=explicit)


@honours("optimize")
def _einsum(*operands, out=None, optimize=False, dtype=None, order="K", casting="safe"):
    """``np.einsum``: string or interleaved subscripts, implicit or explicit output,
    ellipsis, repeated labels (traces, diagonals). ``optimize=`` only chooses the order of
    the contractions, not the value, so it is honoured by contracting as written."""
    if isinstance(operands[0], str):
        return contract(operands[0], *operands[1:])
    subscripts, arrays = _interleaved(operands)
    return contract(subscripts, *arrays)


# ---------------------------------------------------------------------------
# Products written as einsum

def _shape(x):
    return np.shape(strip(x))


def _ndim(x):
    return len(_shape(x))


@honours("axes")
@statics("axes")
def _tensordot(a, b, axes=2):
    na, nb = _ndim(a), _ndim(b)
    if isinstance(axes, (int, np.integer)):
        a_axes, b_axes = list(range(na - axes, na)), list(range(axes))
    else:
        a_axes, b_axes = axes
        a_axes = [a_axes] if isinstance(a_axes, (int, np.integer)) else list(a_axes)
        b_axes = [b_axes] if isinstance(b_axes, (int, np.integer)) else list(b_axes)
    if len(a_axes) != len(b_axes):
        raise ValueError("np.tensordot: the two lists of axes must be equally long")
    a_axes, b_axes = [k % na for k in a_axes], [k % nb for k in b_axes]
    sa = _LETTERS[:na]
    sb = list(_LETTERS[na:na + nb])
    for ka, kb in zip(a_axes, b_axes):
        sb[kb] = sa[ka]
    sb = "".join(sb)
    out = ("".join(c for k, c in enumerate(sa) if k not in a_axes)
           + "".join(c for k, c in enumerate(sb) if k not in b_axes))
    return contract(f"{sa},{sb}->{out}", a, b)


def _reshaped(x, shape):
    """``x`` with the given shape (itself when it has it already)."""
    return x if _shape(x) == tuple(shape) else bind(RN.reshape, x, shape=tuple(shape))


def _flat(x):
    return _reshaped(x, (int(np.size(strip(x))),))


@honours()
def _outer(a, b, out=None):
    return contract("i,j->ij", _flat(a), _flat(b))


@honours()
def _inner(a, b, /):
    if _ndim(a) == 0 or _ndim(b) == 0:
        return bind(R.mul, a, b)
    na, nb = _ndim(a), _ndim(b)
    sa, sb = _LETTERS[:na - 1], _LETTERS[na - 1:na + nb - 2]
    return contract(f"{sa}z,{sb}z->{sa}{sb}", a, b)


@honours()
def _kron(a, b):
    """Every product a[i] * b[k] at index i * len(b) + k, per axis: an outer product whose
    axes are interleaved, then merged pairwise by a reshape."""
    n = max(_ndim(a), _ndim(b))
    sa, sb = (1,) * (n - _ndim(a)) + _shape(a), (1,) * (n - _ndim(b)) + _shape(b)
    a, b = _reshaped(a, sa), _reshaped(b, sb)
    la, lb = _LETTERS[:n], _LETTERS[n:2 * n]
    pairs = contract(f"{la},{lb}->" + "".join(p + q for p, q in zip(la, lb)), a, b)
    return _reshaped(pairs, tuple(p * q for p, q in zip(sa, sb)))


# ---------------------------------------------------------------------------
# Diagonals, traces, triangles

def _diagonal_of(a, offset, axis1, axis2):
    """The offset diagonal of axes (axis1, axis2), appended last as NumPy does: the two
    axes moved last, the square block the diagonal runs through sliced out, then
    ``einsum('...ii->...i')``."""
    nd = _ndim(a)
    axis1, axis2 = axis1 % nd, axis2 % nd
    if axis1 == axis2:
        raise ValueError("np.diagonal: axis1 and axis2 cannot be the same")
    rest = [k for k in range(nd) if k not in (axis1, axis2)]
    order = tuple(rest) + (axis1, axis2)
    if order != tuple(range(nd)):
        a = bind(RN.transpose, a, axes=order)
    rows, cols = _shape(a)[-2:]
    start_r, start_c = max(0, -offset), max(0, offset)
    n = max(0, min(rows - start_r, cols - start_c))
    if (start_r, start_c, n) != (0, 0, rows) or rows != cols:
        a = bind(RN.getitem, a, index=(Ellipsis, slice(start_r, start_r + n),
                                       slice(start_c, start_c + n)))
    return a, len(rest)


@honours("offset", "axis1", "axis2")
@statics("offset", "axis1", "axis2")
def _diagonal(a, offset=0, axis1=0, axis2=1):
    square, k = _diagonal_of(a, offset, axis1, axis2)
    labels = _LETTERS[:k]
    return contract(f"{labels}zz->{labels}z", square)


@honours("offset", "axis1", "axis2", "dtype")
@statics("offset", "axis1", "axis2")
def _trace(a, offset=0, axis1=0, axis2=1, dtype=None, out=None):
    square, k = _diagonal_of(float_dtype("np.trace", a, dtype), offset, axis1, axis2)
    labels = _LETTERS[:k]
    return contract(f"{labels}zz->{labels}", square)


@honours("k")
@statics("k")
def _diag(v, k=0):
    """A 1-D ``v`` on diagonal k of a square matrix (``einsum('i,ij->ij', v, I)``, then
    zeros joined on for k != 0), or diagonal k of a 2-D ``v``."""
    if _ndim(v) == 2:
        return _diagonal(v, k)
    if _ndim(v) != 1:
        raise ValueError("np.diag: input must be 1-d or 2-d")
    n = _shape(v)[0]
    square = contract("i,ij->ij", v, np.eye(n, dtype=_float_type(v)))
    if k == 0:
        return square
    after = ((0, k), (k, 0)) if k > 0 else ((-k, 0), (0, -k))
    return _with_zeros(square, after)


def _float_type(x):
    return np.result_type(strip(x), 1.0)


def _triangle(name, keep):
    @honours("k")
    @statics("k")
    def triangle(m, k=0):
        shape = _shape(m)
        if len(shape) == 0:
            raise ValueError(f"np.{name}: input must be at least 1-d")
        rows, cols = (shape[-2], shape[-1]) if len(shape) >= 2 else (shape[-1], shape[-1])
        mask = keep(np.ones((rows, cols), dtype=bool), k)
        return bind(R.where, mask, m, 0.0)
    return triangle


_tril, _triu = _triangle("tril", np.tril), _triangle("triu", np.triu)


# ---------------------------------------------------------------------------
# Joining and splitting

def _atleast(nd):
    def one(x):
        shape = _shape(x)
        if len(shape) >= nd:
            return x
        if nd == 3 and len(shape) == 2:
            new = shape + (1,)
        elif nd == 3 and len(shape) == 1:
            new = (1,) + shape + (1,)
        else:
            new = (1,) * (nd - len(shape)) + shape
        return bind(RN.reshape, x, shape=new)

    @honours()
    def atleast(*arys):
        out = [one(x) for x in arys]
        return out[0] if len(out) == 1 else tuple(out)
    atleast.one = one
    return atleast


_atleast_1d, _atleast_2d, _atleast_3d = _atleast(1), _atleast(2), _atleast(3)


def _join(arrays, axis, dtype=None, name=None):
    arrays = [float_dtype(name, x, dtype) for x in arrays] if dtype is not None else arrays
    return bind(RN.concatenate, *arrays, axis=axis)


@honours("dtype")
def _vstack(tup, *, dtype=None, casting="same_kind"):
    return _join([_atleast_2d.one(x) for x in tup], 0, dtype, "np.vstack")


@honours("dtype")
def _hstack(tup, *, dtype=None, casting="same_kind"):
    arrays = [_atleast_1d.one(x) for x in tup]
    return _join(arrays, 0 if _ndim(arrays[0]) == 1 else 1, dtype, "np.hstack")


@honours()
def _dstack(tup):
    return _join([_atleast_3d.one(x) for x in tup], 2)


@honours()
def _column_stack(tup):
    columns = [bind(RN.reshape, x, shape=(_shape(x)[0], 1)) if _ndim(x) < 2 else x
               for x in (_atleast_1d.one(x) for x in tup)]
    return _join(columns, 1)


@honours("axis")
@statics("axis")
def _append(arr, values, axis=None):
    if axis is None:
        return _join([_flat(arr), _flat(values)], 0)
    return _join([arr, values], axis)


def _split_points(n, indices_or_sections, even, name):
    if isinstance(indices_or_sections, (int, np.integer)):
        sections = int(indices_or_sections)
        if sections <= 0:
            raise ValueError(f"{name}: number sections must be larger than 0")
        if even and n % sections:
            raise ValueError(f"{name}: array split does not result in an equal division")
        size, extra = divmod(n, sections)
        sizes = [size + 1] * extra + [size] * (sections - extra)
        return list(np.cumsum([0] + sizes))
    return [0] + [int(i) for i in indices_or_sections] + [n]


def _splitter(name, even, fixed_axis=None):
    def pieces(ary, indices_or_sections, axis):
        nd = _ndim(ary)
        axis = axis % nd
        points = _split_points(_shape(ary)[axis], indices_or_sections, even, name)
        return [bind(RN.getitem, ary, index=(slice(None),) * axis + (slice(lo, hi),))
                for lo, hi in itertools.pairwise(points)]

    if fixed_axis is None:
        @honours("axis")
        @statics("indices_or_sections", "axis")
        def split(ary, indices_or_sections, axis=0):
            return pieces(ary, indices_or_sections, axis)
        return split

    @honours()
    @statics("indices_or_sections")
    def split_along(ary, indices_or_sections):
        if name == "np.hsplit" and _ndim(ary) == 1:
            return pieces(ary, indices_or_sections, 0)
        if _ndim(ary) <= fixed_axis:
            raise ValueError(f"{name} only works on arrays of {fixed_axis + 1} or more "
                             "dimensions")
        return pieces(ary, indices_or_sections, fixed_axis)
    return split_along


_split = _splitter("np.split", even=True)
_array_split = _splitter("np.array_split", even=False)
_hsplit = _splitter("np.hsplit", even=True, fixed_axis=1)
_vsplit = _splitter("np.vsplit", even=True, fixed_axis=0)
_dsplit = _splitter("np.dsplit", even=True, fixed_axis=2)


@honours("mode", "constant_values")
@statics("pad_width")
def _pad(array, pad_width, mode="constant", **kwargs):
    """``np.pad`` in constant mode: blocks of zeros joined on along each axis, and the
    constant (an AD scalar, or any plain constants NumPy takes) put in the border."""
    if mode != "constant":
        raise refuse_value("np.pad", "mode", mode,
                           "only mode='constant' is supported on AD values; build the "
                           "border with np.concatenate and indexing instead")
    value = kwargs.get("constant_values", 0)
    if isinstance(value, ADValue) and np.ndim(strip(value)):
        raise NoDerivativeRule("np.pad(..., constant_values=<array of AD values>)",
                               "give one AD scalar, or plain constants per axis")
    shape = _shape(array)
    widths = np.broadcast_to(np.asarray(pad_width, dtype=int), (len(shape), 2))
    padded = _with_zeros(array, widths)
    if not isinstance(value, ADValue) and not np.any(np.asarray(value)):
        return padded
    inside = np.zeros(_shape(padded), dtype=bool)
    inside[tuple(slice(int(lo), int(lo + n)) for n, (lo, _) in zip(shape, widths))] = True
    if not isinstance(value, ADValue):          # plain constants, per axis as NumPy puts them
        value = np.pad(np.zeros(shape, dtype=_float_type(array)), widths,
                       constant_values=value)
    return bind(R.where, inside, padded, value)


def _with_zeros(x, widths):
    """``x`` with (before, after) zeros joined on along each axis."""
    dtype = _float_type(x)
    for axis, (lo, hi) in enumerate(widths):
        def zeros(n, axis=axis, like=x):
            block = list(_shape(like))
            block[axis] = int(n)
            return np.zeros(tuple(block), dtype=dtype)
        parts = ([zeros(lo)] if lo else []) + [x] + ([zeros(hi)] if hi else [])
        if len(parts) > 1:
            x = bind(RN.concatenate, *parts, axis=axis)
    return x


# ---------------------------------------------------------------------------
# Repeating, rolling, flipping, moving axes: indexing and reshapes

def _along(axis, index):
    return (slice(None),) * axis + (index,)


@honours("axis")
@statics("repeats", "axis")
def _repeat(a, repeats, axis=None):
    if axis is None:
        a, axis = _flat(a), 0
    axis = axis % _ndim(a)
    picks = np.repeat(np.arange(_shape(a)[axis]), strip(repeats))
    return bind(RN.getitem, a, index=_along(axis, picks))


@honours()
@statics("reps")
def _tile(A, reps):
    """Each axis of length d repeated r times: a new axis of length r broadcast in front
    of it, then the two merged."""
    reps = (reps,) if isinstance(reps, (int, np.integer)) else tuple(reps)
    n = max(len(reps), _ndim(A))
    reps = (1,) * (n - len(reps)) + reps
    shape = (1,) * (n - _ndim(A)) + _shape(A)
    spread = tuple(s for pair in zip((1,) * n, shape) for s in pair)
    wide = tuple(s for pair in zip(reps, shape) for s in pair)
    x = bind(RN.reshape, A, shape=spread)
    if wide != spread:
        x = bind(R.broadcast_to, x, shape=wide)
    return bind(RN.reshape, x, shape=tuple(r * d for r, d in zip(reps, shape)))


@honours("axis")
@statics("shift", "axis")
def _roll(a, shift, axis=None):
    if axis is None:
        return bind(RN.reshape, _roll(_flat(a), shift, 0), shape=_shape(a))
    shifts = np.broadcast_arrays(np.asarray(shift), np.asarray(axis))
    for s, ax in zip(shifts[0].ravel(), shifts[1].ravel()):
        ax = int(ax) % _ndim(a)
        n = _shape(a)[ax]
        if n:
            a = bind(RN.getitem, a, index=_along(ax, (np.arange(n) - int(s)) % n))
    return a


@honours("axis")
@statics("axis")
def _flip(m, axis=None):
    nd = _ndim(m)
    axes = range(nd) if axis is None else [k % nd for k in np.atleast_1d(axis)]
    index = tuple(slice(None, None, -1) if k in axes else slice(None) for k in range(nd))
    return bind(RN.getitem, m, index=index)


@honours()
def _fliplr(m):
    if _ndim(m) < 2:
        raise ValueError("np.fliplr: input must be >= 2-d")
    return _flip(m, 1)


@honours()
def _flipud(m):
    if _ndim(m) < 1:
        raise ValueError("np.flipud: input must be >= 1-d")
    return _flip(m, 0)


@honours("k", "axes")
@statics("k", "axes")
def _rot90(m, k=1, axes=(0, 1)):
    """A quarter turn from axes[0] towards axes[1]: a flip and a swap of the two axes."""
    nd = _ndim(m)
    if len(axes) != 2 or axes[0] % nd == axes[1] % nd:
        raise ValueError("np.rot90: axes must be two different axes")
    a0, a1 = axes[0] % nd, axes[1] % nd
    k %= 4
    if k == 0:
        return m
    if k == 2:
        return _flip(_flip(m, a0), a1)
    order = list(range(nd))
    order[a0], order[a1] = order[a1], order[a0]
    if k == 1:
        return bind(RN.transpose, _flip(m, a1), axes=tuple(order))
    return _flip(bind(RN.transpose, m, axes=tuple(order)), a1)


@honours("subok")
def _broadcast_to(array, shape, subok=False):
    """``np.broadcast_to``: the broadcasting row (its adjoint sums back down); ``subok``
    changes only the array class NumPy would return."""
    shape = (int(shape),) if np.ndim(shape) == 0 else tuple(int(n) for n in shape)
    return bind(R.broadcast_to, array, shape=shape)


@honours("axisa", "axisb", "axisc", "axis")
def _cross(a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """``np.cross`` of 3-vectors (along any axis, broadcast over the others), written
    with the rows: c = (a1 b2 - a2 b1, a2 b0 - a0 b2, a0 b1 - a1 b0)."""
    if axis is not None:
        axisa = axisb = axisc = axis
    a = _moveaxis(a, axisa, -1) if _ndim(a) else a
    b = _moveaxis(b, axisb, -1) if _ndim(b) else b
    if np.shape(strip(a))[-1:] != (3,) or np.shape(strip(b))[-1:] != (3,):
        raise NoDerivativeRule("np.cross of vectors that are not 3-vectors",
                               "only 3-component vectors are supported on AD values (2-D "
                               "cross products are deprecated in NumPy); pad with a zero z")
    a0, a1, a2 = (a[..., k] for k in range(3))
    b0, b1, b2 = (b[..., k] for k in range(3))
    c = RN.stack(a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0, axis=-1)
    return _moveaxis(c, -1, axisc) if axisc not in (-1, _ndim(c) - 1) else c


@honours()
@statics("source", "destination")
def _moveaxis(a, source, destination):
    nd = _ndim(a)
    source = [k % nd for k in np.atleast_1d(source)]
    destination = [k % nd for k in np.atleast_1d(destination)]
    if len(source) != len(destination):
        raise ValueError("np.moveaxis: source and destination must have the same number "
                         "of elements")
    order = [k for k in range(nd) if k not in source]
    for dest, src in sorted(zip(destination, source)):
        order.insert(dest, src)
    return bind(RN.transpose, a, axes=tuple(order))


@honours("start")
@statics("axis", "start")
def _rollaxis(a, axis, start=0):
    nd = _ndim(a)
    axis, start = axis % nd, start + nd if start < 0 else start
    if axis < start:
        start -= 1
    if axis == start:
        return a
    order = [k for k in range(nd) if k != axis]
    order.insert(start, axis)
    return bind(RN.transpose, a, axes=tuple(order))


# ---------------------------------------------------------------------------
# Sorting and taking: indexing with indices computed on the primal values

def _full_index(indices, axis, shape):
    """The index tuple that picks ``indices`` along ``axis`` and keeps every other axis
    (``take_along_axis`` as integer-array indexing)."""
    nd = len(shape)
    index = []
    for k in range(nd):
        if k == axis:
            index.append(indices)
        else:
            stretch = [1] * nd
            stretch[k] = shape[k]
            index.append(np.arange(shape[k]).reshape(stretch))
    return tuple(index)


def _real(name, a):
    if np.iscomplexobj(strip(a)):
        raise NoDerivativeRule(f"{name} of complex values",
                               "complex numbers have no order to differentiate; sort the "
                               "real and imaginary parts yourself")


@honours("axis", "kind", "stable")
@statics("axis")
def _sort(a, axis=-1, kind=None, order=None, *, stable=None):
    """The sorted values are the input taken by its argsort: each value keeps its own
    derivative (at a tie either copy has the same value, so either choice is right)."""
    _real("np.sort", a)
    if axis is None:
        a, axis = _flat(a), 0
    axis = axis % max(_ndim(a), 1)
    perm = np.argsort(strip(a), axis=axis, kind="stable")
    return bind(RN.getitem, a, index=_full_index(perm, axis, _shape(a)))


@honours("axis", "kind")
@statics("kth", "axis")
def _partition(a, kth, axis=-1, kind="introselect", order=None):
    """NumPy's partition, as the input taken by a permutation that gives exactly the
    values ``np.partition`` gives."""
    _real("np.partition", a)
    if axis is None:
        a, axis = _flat(a), 0
    axis = axis % _ndim(a)
    value = strip(a)
    parted = np.partition(value, kth, axis=axis, kind=kind)
    by_value = np.argsort(value, axis=axis, kind="stable")
    rank = np.argsort(np.argsort(parted, axis=axis, kind="stable"), axis=axis)
    perm = np.take_along_axis(by_value, rank, axis=axis)
    return bind(RN.getitem, a, index=_full_index(perm, axis, _shape(a)))


@honours("axis")
@statics("indices", "axis")
def _take_along_axis(arr, indices, axis=-1):
    """Integer-array indexing: ``indices`` along ``axis``, an arange along every other
    axis (broadcast against each other as NumPy does)."""
    indices = np.asarray(strip(indices))
    if axis is None:
        arr, axis = _flat(arr), 0
    axis = axis % _ndim(arr)
    return bind(RN.getitem, arr, index=_full_index(indices, axis, _shape(arr)))


@honours("axis", "mode")
@statics("indices", "axis")
def _take(a, indices, axis=None, out=None, mode="raise"):
    indices = np.asarray(strip(indices))
    if axis is None:
        a, axis = _flat(a), 0
    axis = axis % _ndim(a)
    n = _shape(a)[axis]
    if mode == "wrap":
        indices = np.mod(indices, n)
    elif mode == "clip":
        indices = np.clip(indices, 0, n - 1)
    elif mode != "raise":
        raise ValueError(f"np.take: mode must be 'raise', 'wrap' or 'clip', not {mode!r}")
    return bind(RN.getitem, a, index=_along(axis, indices))


@honours("default")
def _select(condlist, choicelist, default=0):
    """The first choice whose condition holds, else ``default``: wheres nested from the
    last condition to the first. Conditions only select; they are not differentiated."""
    if len(condlist) != len(choicelist):
        raise ValueError("np.select: list of cases must be same length as list of conditions")
    out = default
    for cond, choice in zip(reversed(list(condlist)), reversed(list(choicelist))):
        out = bind(R.where, np.asarray(strip(cond), dtype=bool), choice, out)
    return out


# ---------------------------------------------------------------------------
# Building arrays from AD values

@honours("num", "endpoint", "retstep", "dtype", "axis", "device")
@statics("num", "axis")
def _linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0, *,
              device=None):
    """``start + k * step`` for k = 0 .. num - 1, with step = (stop - start) / div and the
    last point exactly ``stop`` when ``endpoint`` is True, as NumPy computes it."""
    if device not in (None, "cpu"):
        raise refuse_value("np.linspace", "device", device, "only device='cpu' exists here")
    num = int(num)
    if num < 0:
        raise ValueError(f"Number of samples, {num}, must be non-negative.")
    div = (num - 1) if endpoint else num
    start, stop = start * 1.0, stop * 1.0
    delta = stop - start
    lead = np.broadcast_shapes(_shape(start), _shape(stop))
    dtype_k = np.result_type(strip(start), strip(stop), float(num))
    k = np.arange(num, dtype=dtype_k).reshape((-1,) + (1,) * len(lead))
    step = delta / div if div > 0 else np.nan * delta
    if div > 0:
        points = k * step + start
    else:
        points = k * delta + start
    if endpoint and num > 1:
        points = bind(RN.concatenate,
                      bind(RN.getitem, points, index=(slice(0, num - 1),)),
                      bind(RN.reshape, bind(R.broadcast_to, stop, shape=lead),
                           shape=(1,) + lead), axis=0)
    if axis != 0:
        points = _moveaxis(points, 0, axis)
    points = float_dtype("np.linspace", points, dtype)
    return (points, step) if retstep else points


# ---------------------------------------------------------------------------
# Array methods that sort in place

def _in_place(name):
    @honours("axis", "kind", "stable")
    def method(a, axis=-1, kind=None, order=None, *, stable=None):
        raise InPlaceOutput(f"x.{name}() {name}s the array in place and returns None, so "
                            f"it cannot be differentiated; use y = np.{name}(x) instead")
    return method


def _partition_method(a, kth, axis=-1, kind="introselect", order=None):
    raise InPlaceOutput("x.partition() partitions the array in place and returns None, "
                        "so it cannot be differentiated; use y = np.partition(x, kth) instead")


_partition_method = honours("axis", "kind")(_partition_method)


# What this family adds to the NumPy dispatch (numpy_dispatch.py merges them):
UFUNCS: dict = {}       # np.<ufunc> -> row
FUNCTIONS: dict = {     # np.<function> -> entry (its honoured keywords marked with @honours)
    np.einsum: _einsum, np.tensordot: _tensordot, np.outer: _outer, np.inner: _inner,
    np.kron: _kron, np.cross: _cross, np.broadcast_to: _broadcast_to, np.trace: _trace, np.diag: _diag, np.diagonal: _diagonal,
    np.tril: _tril, np.triu: _triu,
    np.vstack: _vstack, np.hstack: _hstack, np.dstack: _dstack,
    np.column_stack: _column_stack, np.append: _append,
    np.repeat: _repeat, np.tile: _tile, np.roll: _roll, np.flip: _flip,
    np.fliplr: _fliplr, np.flipud: _flipud, np.rot90: _rot90,
    np.moveaxis: _moveaxis, np.rollaxis: _rollaxis,
    np.atleast_1d: _atleast_1d, np.atleast_2d: _atleast_2d, np.atleast_3d: _atleast_3d,
    np.split: _split, np.array_split: _array_split, np.hsplit: _hsplit,
    np.vsplit: _vsplit, np.dsplit: _dsplit, np.pad: _pad,
    np.sort: _sort, np.partition: _partition, np.select: _select, np.take: _take,
    np.take_along_axis: _take_along_axis, np.linspace: _linspace,
}
if hasattr(np, "row_stack"):             # deprecated in NumPy 2.0: np.vstack under its name
    FUNCTIONS[np.row_stack] = _vstack
METHODS: dict = {       # "name" -> entry for the array method x.<name>(...)
    "repeat": _repeat, "take": _take, "diagonal": _diagonal, "trace": _trace,
    "sort": _in_place("sort"), "partition": _partition_method,
}
