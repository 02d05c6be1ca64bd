"""The reverse sweep: adjoints from a ``Trace``'s seeds back to its inputs.

``backprop`` is a plain loop over the recording, from the last seeded node down, so a
trace of a million operations needs no recursion. Each contribution is one call of a
row's vjp rule; contributions to a node used several times add up, in the order the
records meet them. With ``release``, an intermediate adjoint is dropped as soon as it has
been sent on (only the inputs' are kept), which keeps memory and page faults down for
large arrays.

A record of the scalar fast paths (``params is SCALAR``, parents in slots: see
``tracing.py`` and ``fastpaths.py``) with a plain-number cotangent runs its row's
compiled whole step (``row.scalar_step``: every contribution added to its parent at
once) when no one watches the steps; with ``on_step`` (the views' sweep), a non-number
cotangent, or at a domain boundary, it runs one argument at a time
(``_scalar_contributions``). Both add the same numbers in the same order, so they give
the same bits (``tests/core/test_scalar_recording.py``).
"""

from __future__ import annotations

from .primitives import BOUNDARY_ERRORS, apply_rule, apply_rule_as_numpy, rule_at_boundary
from .tracing import SCALAR, Trace


def backprop(trace: Trace, seeds: dict, on_step=None, release: bool = False) -> list:
    """Sweep ``trace`` backwards from ``seeds`` (node index -> cotangent).

    Every contribution is one call of a row's vjp rule; contributions to a node used
    several times add up. ``on_step(node, position, parent, contribution, before,
    after)`` sees each one in order. Returns the adjoint of every node (``None`` where
    the output does not depend on it); with ``release``, only the inputs' adjoints are
    kept, and each intermediate one is dropped as soon as it has been sent on, which
    keeps memory (and page faults) down for large arrays.
    """
    grads = [None] * len(trace._records)
    for i, g in seeds.items():
        grads[i] = g if grads[i] is None else grads[i] + g
    return _sweep(trace, grads, max(seeds) if seeds else -1, on_step, release)


def sweep_from(trace: Trace, index: int, seed, inputs: int = 0) -> list:
    """``backprop(trace, {index: seed}, release=True)``: one seed, nothing watching (the
    gradient calls' sweep). ``inputs``: how many records at the start are inputs, which
    have nothing to send on (the sweep stops above them)."""
    grads = [None] * len(trace._records)
    grads[index] = seed
    return _sweep(trace, grads, index, None, True, inputs)


def _sweep(trace: Trace, grads: list, i: int, on_step, release: bool, stop: int = 0) -> list:
    """``backprop``'s loop, from node ``i`` down to node ``stop``, adding into ``grads``."""
    records = trace._records          # the tuples themselves: this loop is the hot path
    numpy_nodes = trace.numpy_nodes
    unwatched = on_step is None
    while i >= stop:
        g = grads[i]
        if g is None:
            i -= 1
            continue
        prim, args, params, value, parents = records[i]
        # A record of the scalar fast paths (parents in slots, fastpaths.py): with a plain
        # cotangent, its whole step runs as compiled formulas, unless someone watches the
        # steps; at 1/0 (nothing added yet), or otherwise, one argument at a time.
        if params is SCALAR and unwatched and (type(g) is float or type(g) is int):
            try:
                prim.scalar_step(g, value, args, parents, grads)
            except BOUNDARY_ERRORS:
                _scalar_contributions(i, prim, g, value, args, parents, grads, True, None)
        elif params is SCALAR:
            _scalar_contributions(i, prim, g, value, args, parents, grads,
                                  type(g) is float or type(g) is int, on_step)
        elif parents:                             # (an input has none)
            rules = prim.vjp or ()
            as_numpy = numpy_nodes and i in numpy_nodes
            for position, parent in parents:
                # apply_rule and vjp_rule, inlined (two calls per contribution fewer):
                # the rule at hand, or vjp_rule's error naming the missing one
                rule = rules[position] if position < len(rules) else None
                if rule is None:
                    rule = prim.vjp_rule(position)
                if as_numpy:
                    c = apply_rule_as_numpy(rule, g, value, args, params)
                else:
                    try:
                        c = rule(g, value, *args, **params)
                    except BOUNDARY_ERRORS:
                        c = rule_at_boundary(rule, g, value, args, params)
                if c is None:                     # a user pullback sent nothing back
                    continue
                before = grads[parent]
                grads[parent] = c if before is None else before + c
                if on_step is not None:
                    on_step(i, position, parent, c, before, grads[parent])
        if release and prim is not None:          # (an input keeps its adjoint)
            grads[i] = None
        i -= 1
    return grads


def _scalar_contributions(i, prim, g, value, args, slots, grads, plain, on_step):
    """A fast record's contributions one argument at a time, added to each parent as
    ``backprop``'s general loop adds them (and shown to ``on_step``): the compiled
    formula per argument for a plain cotangent, else, or at 1/0, the general rule."""
    position = 0
    for parent in (slots,) if type(slots) is int else slots:     # int: the first's
        if parent is not None:
            c = None
            if plain:
                try:
                    c = prim.scalar_vjp[position](g, value, args)
                except BOUNDARY_ERRORS:           # 1/0: NumPy's inf, see apply_rule
                    pass
            if c is None:
                c = apply_rule(prim.vjp_rule(position), g, value, args, None)
            before = grads[parent]
            grads[parent] = c if before is None else before + c
            if on_step is not None:
                on_step(i, position, parent, c, before, grads[parent])
        position += 1
