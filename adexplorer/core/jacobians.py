"""Jacobians and Hessians: ``jacfwd`` (one forward pass per input component), ``jacrev``
(one recording, one reverse sweep per output component) and ``hessian`` (forward over
reverse).

Both Jacobians take ``argnums`` (an int, or a tuple for a tuple of Jacobians),
``has_aux`` and keyword arguments held constant, as in JAX. The result mirrors the
output; each output leaf holds, per argument, the argument's structure with one block of
shape ``out_leaf.shape + in_leaf.shape`` per input leaf (a dataclass argument gives a
dict, as gradients do).
"""

from __future__ import annotations

import itertools

import numpy as np

from . import trees
from .calls import argnums_positions, pick, plain, positions, split_aux, with_dtype_of
from .forward import jvp_with_aux, one_like
from .backprop import backprop
from .reverse import (Traced, argument_gradients, grad, output_leaves, record_call,
                      scalar_seed)
from .rules import is_complex
from .rules_numpy import reshape, stack


def _unit(leaf, k: int):
    """The k-th unit direction in the space of ``leaf`` (a number or an array)."""
    x_shape = tuple(np.shape(leaf))
    if not x_shape:
        return one_like(leaf)
    return np.eye(1, _size(leaf), k).reshape(x_shape)


def _size(leaf) -> int:
    return int(np.prod(np.shape(leaf)))


def _join(parts, lead: tuple, trail, per_input: bool):
    """One block of shape ``lead + trail`` (output shape + input shape) from its parts:
    one column per input component (``per_input``, forward mode) or one row per output
    component (reverse mode). Built with the rows, so it stays differentiable."""
    trail = tuple(trail)
    enumerated = trail if per_input else lead
    if not parts:                                  # an empty array on that side
        return np.zeros(lead + trail)
    if not enumerated:
        return parts[0]
    joined = stack(*parts, axis=len(lead) if per_input else 0)
    return reshape(joined, shape=lead + trail)


def _per_input(arg, block_at):
    """``arg``'s gradient structure with ``block_at(j)`` at its differentiable leaf j."""
    index = itertools.count()

    def leaf(x):
        j = next(index)
        return block_at(j) if trees.is_differentiable(x) else None
    return trees.mirror(leaf, arg)


def _assemble(out_value, args, where, single, block):
    """The Jacobian's structure: the output's, with, at output leaf k, per chosen
    argument p, the argument's structure holding ``block(k, p, j)`` at its leaf j."""
    out_index = itertools.count()

    def per_output(o):
        k = next(out_index)
        if not trees.is_differentiable(o):
            return None
        blocks = [_per_input(args[p], lambda j, p=p: block(k, p, j)) for p in where]
        return pick(blocks, range(len(where)), single)
    return trees.map_structure(per_output, out_value)


def _one_leaf(arg, j: int, direction):
    """A tangent shaped like ``arg``: ``direction`` at leaf ``j``, None elsewhere."""
    index = itertools.count()
    return trees.map_structure(lambda leaf: direction if next(index) == j else None, arg)


def jacfwd(f, argnums=0, has_aux=False):
    """The Jacobian of ``f`` w.r.t. ``argnums`` by forward mode, one pass per input
    component (two for a complex one: along 1 and along i, so a real output gets
    df/dx - i df/dy as jacrev gives it); blocks of shape ``out.shape + x.shape``. With
    ``has_aux``, ``(J, aux)``."""
    which, single = argnums_positions(argnums, "jacfwd")

    def jac(*args, **kwargs):
        where = positions(which, len(args))
        columns = {}                  # (p, j) -> per input component, the output tangents
        columns_i = {}                # the same along i, for a complex input leaf
        value = aux = None
        for p in where:
            for j, leaf in enumerate(trees.leaves(args[p])):
                if not trees.is_differentiable(leaf):
                    continue
                columns[p, j] = []
                if is_complex(leaf):
                    columns_i[p, j] = []
                for k in range(_size(leaf)):
                    tangents = [None] * len(args)
                    tangents[p] = _one_leaf(args[p], j, _unit(leaf, k))
                    value, t, aux = jvp_with_aux(f, args, tangents, kwargs, has_aux)
                    columns[p, j].append(trees.leaves(t))
                    if (p, j) in columns_i:
                        tangents[p] = _one_leaf(args[p], j, 1j * _unit(leaf, k))
                        columns_i[p, j].append(trees.leaves(
                            jvp_with_aux(f, args, tangents, kwargs, has_aux)[1]))
        if value is None:             # no input component at all: one pass for the value
            value, _, aux = jvp_with_aux(f, args, [None] * len(args), kwargs, has_aux)
        out_leaves = trees.leaves(value)

        def block(k, p, j):
            cols = [c[k] for c in columns[p, j]]
            if cols and cols[0] is None:
                return None
            if (p, j) in columns_i and not is_complex(out_leaves[k]):
                # a real output of a complex input: df/dx - i df/dy, as jacrev gives it
                cols = [c1 - 1j * c[k] for c1, c in zip(cols, columns_i[p, j])]
            leaf = trees.leaves(args[p])[j]
            return with_dtype_of(_join(cols, tuple(np.shape(out_leaves[k])), np.shape(leaf),
                                       True), leaf)
        result = _assemble(value, args, where, single, block)
        return (result, aux) if has_aux else result
    jac.__name__ = jac.__qualname__ = f"jacfwd({getattr(f, '__name__', 'f')})"
    return jac


def jacrev(f, argnums=0, has_aux=False):
    """The Jacobian of ``f`` w.r.t. ``argnums`` by reverse mode: one recording, one
    reverse sweep per output component; blocks of shape ``out.shape + x.shape``. With
    ``has_aux``, ``(J, aux)``."""
    which, single = argnums_positions(argnums, "jacrev")

    def jac(*args, **kwargs):
        where = positions(which, len(args))
        level, out, per_arg = record_call(f, args, kwargs, where)
        out, aux = split_aux(out, has_aux, "jacrev")
        value = output_leaves(out, level)[1]
        out_leaves, recorded = trees.leaves(value), trees.leaves(out)
        rows = {}                     # k -> per output component, the argument gradients
        for k, o in enumerate(out_leaves):
            if not trees.is_differentiable(o):
                continue
            node = recorded[k]._index if type(recorded[k]) is Traced \
                and recorded[k]._level is level else None
            rows[k] = []
            for c in range(_size(o)):
                seed = _unit(o, c) if np.shape(o) else scalar_seed(o)
                grads = backprop(level.trace, {} if node is None else {node: seed},
                                 release=True)
                gradients = argument_gradients(args, per_arg, grads, True)
                rows[k].append({p: trees.leaves(gradients[p]) for p in where})

        def block(k, p, j):
            parts = [r[p][j] for r in rows[k]]
            if parts and parts[0] is None:
                return None
            leaf = trees.leaves(args[p])[j]
            return with_dtype_of(_join(parts, tuple(np.shape(out_leaves[k])), np.shape(leaf),
                                       False), leaf)
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
