"""Jacobians and Hessians: ``jacfwd`` (one forward pass per input component), ``jacrev``
(one recording, one backward sweep per output component) and ``hessian`` (forward over
reverse).

Both Jacobians take ``argnums`` (an int, or a tuple for a tuple of Jacobians),
``has_aux`` and keyword arguments held constant, as in JAX. The result mirrors the
output; each output leaf holds, per argument, the argument's structure with one block of
shape ``out_leaf.shape + in_leaf.shape`` per input leaf (a dataclass argument gives a
dict, as gradients do).
"""

from __future__ import annotations

import numpy as np

from . import trees
from .calls import argnums_positions, pick, positions, split_aux
from .errors import InputError
from .forward import jvp_with_aux, one_like
from .reverse import _gradients, _outputs, _record, _seed, backprop, grad, Traced
from .rules import shape
from .rules_numpy import reshape, stack


def _unit(leaf, k: int):
    """The k-th unit direction in the space of ``leaf`` (a number or an array)."""
    x_shape = tuple(np.shape(leaf))
    if not x_shape:
        return one_like(leaf)
    n = int(np.prod(x_shape))
    return np.eye(1, n, k).reshape(x_shape)


def _size(leaf) -> int:
    return int(np.prod(np.shape(leaf)))


def _join(parts, lead: tuple, trail: tuple, axis_last: bool):
    """Blocks of one Jacobian from its pieces: rows (``axis_last=False``: one per output
    component, each shaped like the input) or columns (one per input component, each
    shaped like the output), as a ``lead + trail`` array. Stays differentiable."""
    if len(parts) == 1 and not (axis_last and trail) and not (not axis_last and lead):
        return parts[0]
    out_shape = tuple(shape(parts[0]))
    joined = stack(*parts, axis=len(out_shape) if axis_last else 0)
    return reshape(joined, shape=lead + trail)


def _assemble(out_value, args, where, single, block):
    """The Jacobian's structure: for output leaf k, per argument p, the argument's
    structure with ``block(k, p, j)`` at its leaf j."""
    out_leaves = iter(range(len(trees.leaves(out_value))))

    def per_output(o):
        k = next(out_leaves)
        if not trees.is_differentiable(o):
            return None
        per_arg = []
        for p in where:
            in_leaves = iter(range(len(trees.leaves(args[p]))))
            per_arg.append(trees.mirror(lambda leaf, p=p, it=in_leaves: block(k, p, next(it))
                                        if trees.is_differentiable(leaf) else
                                        (next(it), None)[1], args[p]))
        return pick(per_arg, range(len(where)), single)
    return trees.map_structure(per_output, out_value)


def jacfwd(f, argnums=0, has_aux=False):
    """The Jacobian of ``f`` w.r.t. ``argnums`` by forward mode, one pass per input
    component; blocks of shape ``out.shape + x.shape``. With ``has_aux``, ``(J, aux)``."""
    which, single = argnums_positions(argnums, "jacfwd")

    def jac(*args, **kwargs):
        where = positions(which, len(args))
        columns = {}                  # (p, j) -> list of output tangent leaves per component
        value = aux = None
        for p in where:
            for j, leaf in enumerate(trees.leaves(args[p])):
                if not trees.is_differentiable(leaf):
                    continue
                cols = columns[p, j] = []
                for k in range(max(_size(leaf), 1)):
                    tangents = [None] * len(args)
                    unit = _unit(leaf, k) if _size(leaf) else np.zeros(np.shape(leaf))
                    tangents[p] = _one_leaf(args[p], j, unit)
                    value, t, aux = jvp_with_aux(f, args, tangents, kwargs, has_aux)
                    cols.append(trees.leaves(t))
        if not columns:
            raise InputError("jacfwd: the arguments chosen by argnums hold nothing to "
                             "differentiate; pass numbers or arrays")
        out_leaves = trees.leaves(value)

        def block(k, p, j):
            cols = [c[k] for c in columns[p, j]]
            if cols[0] is None:
                return None
            lead = tuple(np.shape(out_leaves[k]))
            return _join(cols, lead, tuple(np.shape(trees.leaves(args[p])[j])), True)
        result = _assemble(value, args, where, single, block)
        return (result, aux) if has_aux else result
    jac.__name__ = jac.__qualname__ = f"jacfwd({getattr(f, '__name__', 'f')})"
    return jac


def _one_leaf(arg, j: int, direction):
    """A tangent shaped like ``arg``: ``direction`` at leaf ``j``, None elsewhere."""
    counter = iter(range(len(trees.leaves(arg))))
    return trees.map_structure(lambda leaf: direction if next(counter) == j else None, arg)


def jacrev(f, argnums=0, has_aux=False):
    """The Jacobian of ``f`` w.r.t. ``argnums`` by reverse mode: one recording, one
    backward sweep per output component; blocks of shape ``out.shape + x.shape``. With
    ``has_aux``, ``(J, aux)``."""
    which, single = argnums_positions(argnums, "jacrev")

    def jac(*args, **kwargs):
        where = positions(which, len(args))
        level, out, per_arg = _record(f, args, kwargs, where)
        out, aux = split_aux(out, has_aux, "jacrev")
        value = _outputs(out, level)[1]
        recorded = trees.leaves(out)
        rows = {}                     # k -> list of per-argument gradient leaves per component
        for k, o in enumerate(trees.leaves(value)):
            if not trees.is_differentiable(o):
                continue
            mine = type(recorded[k]) is Traced and recorded[k]._level is level
            rows[k] = []
            for c in range(max(_size(o), 1)):
                seeds = {recorded[k]._index: _seed(o) if not np.shape(o) else _unit(o, c)} \
                    if mine else {}
                grads = _gradients(args, per_arg, backprop(level.trace, seeds, release=True),
                                   True)
                rows[k].append({p: trees.leaves(grads[p]) for p in where})

        def block(k, p, j):
            parts = [r[p][j] for r in rows[k]]
            if parts[0] is None:
                return None
            trail = tuple(np.shape(trees.leaves(args[p])[j]))
            return _join(parts, tuple(np.shape(trees.leaves(value)[k])), trail, False)
        from .calls import plain
        result = _assemble(value, args, where, single, block)
        return (result, plain(aux, level)) if has_aux else result
    jac.__name__ = jac.__qualname__ = f"jacrev({getattr(f, '__name__', 'f')})"
    return jac


def hessian(f, argnums=0):
    """The Hessian of a scalar function: forward mode over reverse mode (mixed mode). A
    tuple ``argnums`` gives nested tuples (``((H00, H01), (H10, H11))``), as in JAX."""
    argnums_positions(argnums, "hessian")
    h = jacfwd(grad(f, argnums), argnums)
    h.__name__ = h.__qualname__ = f"hessian({getattr(f, '__name__', 'f')})"
    return h
