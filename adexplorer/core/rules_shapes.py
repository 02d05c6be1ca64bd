# Over 450 lines: one family's rows and its NumPy entry table, which lists them in one place.
"""Shape changes beyond the basic rows: joining and splitting, padding, repeats, rolls,
flips, moving axes, broadcasting, sorting and taking, linspace.

Everything here only moves, copies or picks elements, so it is built from the rows of
``rules_numpy`` — reshape, transpose, indexing (whose adjoint is a scatter-add),
concatenate — and ``where``; sorting and partitioning are indexing by a permutation
computed on the primal values, as in autograd. Products live in ``rules_products``.
"""

from __future__ import annotations

import itertools

import numpy as np

from . import rules as R
from . import rules_numpy as RN
from .errors import InPlaceOutput, NoDerivativeRule
from .keywords import float_dtype, honours, refuse_value, statics
from .primitives import ADValue, bind, strip

# Helpers that rules_products builds on too.

def reshaped(x, shape):
    """``x`` with the given shape (itself when it has it already)."""
    return x if R.shape(x) == tuple(shape) else bind(RN.reshape, x, shape=tuple(shape))


def flat(x):
    return reshaped(x, (int(np.size(strip(x))),))


def float_type(x):
    return np.result_type(strip(x), 1.0)

# ---------------------------------------------------------------------------
# Joining and splitting

def _atleast(nd):
    def one(x):
        shape = R.shape(x)
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
    return _join(arrays, 0 if R.ndim(arrays[0]) == 1 else 1, dtype, "np.hstack")


@honours()
def _dstack(tup):
    return _join([_atleast_3d.one(x) for x in tup], 2)


@honours()
def _column_stack(tup):
    columns = [bind(RN.reshape, x, shape=(R.shape(x)[0], 1)) if R.ndim(x) < 2 else x
               for x in (_atleast_1d.one(x) for x in tup)]
    return _join(columns, 1)


@honours("axis")
@statics("axis")
def _append(arr, values, axis=None):
    if axis is None:
        return _join([flat(arr), flat(values)], 0)
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
        nd = R.ndim(ary)
        axis = axis % nd
        points = _split_points(R.shape(ary)[axis], indices_or_sections, even, name)
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
        if name == "np.hsplit" and R.ndim(ary) == 1:
            return pieces(ary, indices_or_sections, 0)
        if R.ndim(ary) <= fixed_axis:
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
    shape = R.shape(array)
    widths = np.broadcast_to(np.asarray(pad_width, dtype=int), (len(shape), 2))
    padded = with_zeros(array, widths)
    if not isinstance(value, ADValue) and not np.any(np.asarray(value)):
        return padded
    inside = np.zeros(R.shape(padded), dtype=bool)
    inside[tuple(slice(int(lo), int(lo + n)) for n, (lo, _) in zip(shape, widths))] = True
    if not isinstance(value, ADValue):          # plain constants, per axis as NumPy puts them
        value = np.pad(np.zeros(shape, dtype=float_type(array)), widths,
                       constant_values=value)
    return bind(R.where, inside, padded, value)


def with_zeros(x, widths):
    """``x`` with (before, after) zeros joined on along each axis."""
    dtype = float_type(x)
    for axis, (lo, hi) in enumerate(widths):
        def zeros(n, axis=axis, like=x):
            block = list(R.shape(like))
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
        a, axis = flat(a), 0
    axis = axis % R.ndim(a)
    picks = np.repeat(np.arange(R.shape(a)[axis]), strip(repeats))
    return bind(RN.getitem, a, index=_along(axis, picks))


@honours()
@statics("reps")
def _tile(A, reps):
    """Each axis of length d repeated r times: a new axis of length r broadcast in front
    of it, then the two merged."""
    reps = (reps,) if isinstance(reps, (int, np.integer)) else tuple(reps)
    n = max(len(reps), R.ndim(A))
    reps = (1,) * (n - len(reps)) + reps
    shape = (1,) * (n - R.ndim(A)) + R.shape(A)
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
        return bind(RN.reshape, _roll(flat(a), shift, 0), shape=R.shape(a))
    shifts = np.broadcast_arrays(np.asarray(shift), np.asarray(axis))
    for s, ax in zip(shifts[0].ravel(), shifts[1].ravel()):
        ax = int(ax) % R.ndim(a)
        n = R.shape(a)[ax]
        if n:
            a = bind(RN.getitem, a, index=_along(ax, (np.arange(n) - int(s)) % n))
    return a


@honours("axis")
@statics("axis")
def _flip(m, axis=None):
    nd = R.ndim(m)
    axes = range(nd) if axis is None else [k % nd for k in np.atleast_1d(axis)]
    index = tuple(slice(None, None, -1) if k in axes else slice(None) for k in range(nd))
    return bind(RN.getitem, m, index=index)


@honours()
def _fliplr(m):
    if R.ndim(m) < 2:
        raise ValueError("np.fliplr: input must be >= 2-d")
    return _flip(m, 1)


@honours()
def _flipud(m):
    if R.ndim(m) < 1:
        raise ValueError("np.flipud: input must be >= 1-d")
    return _flip(m, 0)


@honours("k", "axes")
@statics("k", "axes")
def _rot90(m, k=1, axes=(0, 1)):
    """A quarter turn from axes[0] towards axes[1]: a flip and a swap of the two axes."""
    nd = R.ndim(m)
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




@honours()
@statics("source", "destination")
def moveaxis(a, source, destination):
    nd = R.ndim(a)
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
    nd = R.ndim(a)
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
        a, axis = flat(a), 0
    axis = axis % max(R.ndim(a), 1)
    perm = np.argsort(strip(a), axis=axis, kind="stable")
    return bind(RN.getitem, a, index=_full_index(perm, axis, R.shape(a)))


@honours("axis", "kind")
@statics("kth", "axis")
def _partition(a, kth, axis=-1, kind="introselect", order=None):
    """NumPy's partition, as the input taken by a permutation that gives exactly the
    values ``np.partition`` gives."""
    _real("np.partition", a)
    if axis is None:
        a, axis = flat(a), 0
    axis = axis % R.ndim(a)
    value = strip(a)
    parted = np.partition(value, kth, axis=axis, kind=kind)
    by_value = np.argsort(value, axis=axis, kind="stable")
    rank = np.argsort(np.argsort(parted, axis=axis, kind="stable"), axis=axis)
    perm = np.take_along_axis(by_value, rank, axis=axis)
    return bind(RN.getitem, a, index=_full_index(perm, axis, R.shape(a)))


@honours("axis")
@statics("indices", "axis")
def _take_along_axis(arr, indices, axis=-1):
    """Integer-array indexing: ``indices`` along ``axis``, an arange along every other
    axis (broadcast against each other as NumPy does)."""
    indices = np.asarray(strip(indices))
    if axis is None:
        arr, axis = flat(arr), 0
    axis = axis % R.ndim(arr)
    return bind(RN.getitem, arr, index=_full_index(indices, axis, R.shape(arr)))


@honours("axis", "mode")
@statics("indices", "axis")
def _take(a, indices, axis=None, out=None, mode="raise"):
    indices = np.asarray(strip(indices))
    if axis is None:
        a, axis = flat(a), 0
    axis = axis % R.ndim(a)
    n = R.shape(a)[axis]
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
    lead = np.broadcast_shapes(R.shape(start), R.shape(stop))
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
        points = moveaxis(points, 0, axis)
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
    np.broadcast_to: _broadcast_to,
    np.vstack: _vstack, np.hstack: _hstack, np.dstack: _dstack,
    np.column_stack: _column_stack, np.append: _append,
    np.repeat: _repeat, np.tile: _tile, np.roll: _roll, np.flip: _flip,
    np.fliplr: _fliplr, np.flipud: _flipud, np.rot90: _rot90,
    np.moveaxis: moveaxis, np.rollaxis: _rollaxis,
    np.atleast_1d: _atleast_1d, np.atleast_2d: _atleast_2d, np.atleast_3d: _atleast_3d,
    np.split: _split, np.array_split: _array_split, np.hsplit: _hsplit,
    np.vsplit: _vsplit, np.dsplit: _dsplit, np.pad: _pad,
    np.sort: _sort, np.partition: _partition, np.select: _select, np.take: _take,
    np.take_along_axis: _take_along_axis, np.linspace: _linspace,
}
if hasattr(np, "row_stack"):             # deprecated in NumPy 2.0: np.vstack under its name
    FUNCTIONS[np.row_stack] = _vstack
METHODS: dict = {       # "name" -> entry for the array method x.<name>(...)
    "repeat": _repeat, "take": _take,
    "sort": _in_place("sort"), "partition": _partition_method,
}
