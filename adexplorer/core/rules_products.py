"""Products and diagonals: einsum, tensordot, outer, inner, kron, cross, trace, diagonals,
triangles.

One new row, ``einsum``: every other product here is an einsum (``cross`` is a stack of
products), so its rules are einsums too and order 2 comes free. Diagonals and triangles are
indexing and masks, built from the rows of ``rules_numpy``.
"""

from __future__ import annotations

import string

import numpy as np

from . import rules as R
from . import rules_numpy as RN
from .errors import NoDerivativeRule
from .keywords import float_dtype, honours, statics
from .primitives import bind, defprim, strip
from .rules_shapes import flat, float_type, moveaxis, reshaped, with_zeros

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
                 jvp=RN.PerArgument(_einsum_jvp), vjp=RN.PerArgument(_einsum_vjp))


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


@honours("axes")
@statics("axes")
def _tensordot(a, b, axes=2):
    na, nb = R.ndim(a), R.ndim(b)
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




@honours()
def _outer(a, b, out=None):
    return contract("i,j->ij", flat(a), flat(b))


@honours()
def _inner(a, b, /):
    if R.ndim(a) == 0 or R.ndim(b) == 0:
        return bind(R.mul, a, b)
    na, nb = R.ndim(a), R.ndim(b)
    sa, sb = _LETTERS[:na - 1], _LETTERS[na - 1:na + nb - 2]
    return contract(f"{sa}z,{sb}z->{sa}{sb}", a, b)


@honours()
def _kron(a, b):
    """Every product a[i] * b[k] at index i * len(b) + k, per axis: an outer product whose
    axes are interleaved, then merged pairwise by a reshape."""
    n = max(R.ndim(a), R.ndim(b))
    sa, sb = (1,) * (n - R.ndim(a)) + R.shape(a), (1,) * (n - R.ndim(b)) + R.shape(b)
    a, b = reshaped(a, sa), reshaped(b, sb)
    la, lb = _LETTERS[:n], _LETTERS[n:2 * n]
    pairs = contract(f"{la},{lb}->" + "".join(p + q for p, q in zip(la, lb)), a, b)
    return reshaped(pairs, tuple(p * q for p, q in zip(sa, sb)))


# ---------------------------------------------------------------------------
# Diagonals, traces, triangles

def _diagonal_of(a, offset, axis1, axis2):
    """The offset diagonal of axes (axis1, axis2), appended last as NumPy does: the two
    axes moved last, the square block the diagonal runs through sliced out, then
    ``einsum('...ii->...i')``."""
    nd = R.ndim(a)
    axis1, axis2 = axis1 % nd, axis2 % nd
    if axis1 == axis2:
        raise ValueError("np.diagonal: axis1 and axis2 cannot be the same")
    rest = [k for k in range(nd) if k not in (axis1, axis2)]
    order = tuple(rest) + (axis1, axis2)
    if order != tuple(range(nd)):
        a = bind(RN.transpose, a, axes=order)
    rows, cols = R.shape(a)[-2:]
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
    if R.ndim(v) == 2:
        return _diagonal(v, k)
    if R.ndim(v) != 1:
        raise ValueError("np.diag: input must be 1-d or 2-d")
    n = R.shape(v)[0]
    square = contract("i,ij->ij", v, np.eye(n, dtype=float_type(v)))
    if k == 0:
        return square
    after = ((0, k), (k, 0)) if k > 0 else ((-k, 0), (0, -k))
    return with_zeros(square, after)



def _triangle(name, keep):
    @honours("k")
    @statics("k")
    def triangle(m, k=0):
        shape = R.shape(m)
        if len(shape) == 0:
            raise ValueError(f"np.{name}: input must be at least 1-d")
        rows, cols = (shape[-2], shape[-1]) if len(shape) >= 2 else (shape[-1], shape[-1])
        mask = keep(np.ones((rows, cols), dtype=bool), k)
        return bind(R.where, mask, m, 0.0)
    return triangle


_tril, _triu = _triangle("tril", np.tril), _triangle("triu", np.triu)



@honours("axisa", "axisb", "axisc", "axis")
def _cross(a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """``np.cross`` of 3-vectors (along any axis, broadcast over the others), written
    with the rows: c = (a1 b2 - a2 b1, a2 b0 - a0 b2, a0 b1 - a1 b0)."""
    if axis is not None:
        axisa = axisb = axisc = axis
    a = moveaxis(a, axisa, -1) if R.ndim(a) else a
    b = moveaxis(b, axisb, -1) if R.ndim(b) else b
    if np.shape(strip(a))[-1:] != (3,) or np.shape(strip(b))[-1:] != (3,):
        raise NoDerivativeRule("np.cross of vectors that are not 3-vectors",
                               "only 3-component vectors are supported on AD values (2-D "
                               "cross products are deprecated in NumPy); pad with a zero z")
    a0, a1, a2 = (a[..., k] for k in range(3))
    b0, b1, b2 = (b[..., k] for k in range(3))
    c = RN.stack(a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0, axis=-1)
    return moveaxis(c, -1, axisc) if axisc not in (-1, R.ndim(c) - 1) else c


# What this family adds to the NumPy dispatch (numpy_dispatch.py merges them):
UFUNCS: dict = {}
FUNCTIONS: dict = {
    np.einsum: _einsum, np.tensordot: _tensordot, np.outer: _outer, np.inner: _inner,
    np.kron: _kron, np.cross: _cross, np.trace: _trace, np.diag: _diag, np.diagonal: _diagonal,
    np.tril: _tril, np.triu: _triu,
}
METHODS: dict = {"diagonal": _diagonal, "trace": _trace}
