"""Reverse mode: record a ``Trace`` while the function runs, then sweep it backwards
(the sweep itself is ``backprop.py``).

``gradient(f, *args)`` follows Zygote: one entry per argument, ``None`` where the output
does not depend on it through differentiable operations (a loop counter, a string, a
flag, an unused argument). The reverse sweep is a plain loop over the recording, so a
trace of a million operations needs no recursion.
"""

from __future__ import annotations

import functools

import numpy as np

from . import fastpaths, trees
from .calls import (
    argnums_positions,
    call,
    pick,
    plain,
    positions,
    split_aux,
)
from .errors import InputError, NotScalarOutput
from .forward import zero_like
from .gradients import structured_gradient, user_gradient
from .levels import Level, fresh_id
from .names import argument_names
from .operators import Operators
from .backprop import backprop, sweep_from
from .primitives import ADValue, alive, bind, numpy_semantics, strip
from .rules import is_complex
from .tracing import Trace


class Traced(Operators):
    """A value being recorded: its primal, its level and its node in the trace."""

    __slots__ = ("primal", "_level", "_index")

    def __init__(self, primal, level: "ReverseLevel", index: int):
        self.primal = primal
        self._level = level
        self._index = index

    def __repr__(self):
        if self._level.done:                 # escaped its call: a plain value now
            return repr(self.primal)
        return f"Traced({self.primal!r})"


fastpaths.install(Traced, "traced")


class ReverseLevel(Level):
    """One reverse-mode transformation: records its own values into a ``Trace``."""

    # ``records`` and ``uses`` are the trace's own lists (``trace._records``,
    # ``trace.nondiff_uses``), held here so a fast path reaches them in one step.
    __slots__ = ("trace", "records", "uses")

    def __init__(self):
        self.id = fresh_id()
        self.done = False
        self.trace = trace = Trace()
        self.records = trace._records
        self.uses = trace.nondiff_uses

    def process(self, prim, args, params):
        primals = []
        parents = []
        nested = False                 # does an outer level still see this operation?
        i = 0
        for a in args:
            # one type test for the common arguments: this level's values and constants
            if type(a) is Traced and a._level is self:
                parents.append((i, a._index))
                a = a.primal
                if isinstance(a, ADValue):
                    if a._level.done:
                        a = alive(a)
                    nested = nested or isinstance(a, ADValue)
            elif isinstance(a, ADValue):
                if a._level.done:
                    a = alive(a)
                nested = nested or isinstance(a, ADValue)
            primals.append(a)
            i += 1
        if prim.forward_pass is not None:
            value, pullback = prim.forward_pass(*primals)
            params = dict(params, _pullback=pullback)
        elif nested:
            value = bind(prim, *primals, **params)
        else:
            value = prim.impl(*primals, **params)
        records = self.records             # the trace's own list, as the fast paths append
        index = len(records)
        records.append((prim, tuple(primals), params, value, tuple(parents)))
        if numpy_semantics.depth:
            self.trace.note_numpy(index)
        return Traced(value, self, index)

    def nondiff(self, prim, args, params):
        """Answer on primals, and note which of this level's nodes the row looked at."""
        mine = tuple(a._index for a in args if type(a) is Traced and a._level is self)
        if mine:
            self.uses.append((prim.name, *mine))
        return bind(prim, *[a.primal if type(a) is Traced and a._level is self else a
                            for a in args], **params)

    def note_use(self, kind: str, value) -> None:
        if not self.done:
            self.uses.append((kind, value._index))

    def input(self, value, name) -> Traced:
        return Traced(value, self, self.trace.add_input(value, name))


# ---------------------------------------------------------------------------
# Wrapping arguments


def wrap_arguments(f, args: tuple, level: ReverseLevel, which=None):
    """Wrap the differentiable leaves of ``args`` (all, or positions ``which``) as inputs.

    Returns the wrapped arguments and, per argument, its wrapped input (a plain number)
    or the list of wrapped leaves (``None`` for a leaf that is not differentiable) in
    traversal order.
    """
    trace = level.trace
    trace.function = f
    wrapped, per_arg = list(args), [None] * len(args)
    for i, arg in enumerate(args):
        if which is not None and i not in which:
            continue
        if type(arg) is float or type(arg) is int or type(arg) is complex or (
                type(arg) is np.ndarray and arg.dtype.kind in "fiuc"):
            # one input, named from f's signature when the trace is read
            wrapped[i] = per_arg[i] = Traced(arg, level, trace.add_input(arg, i))
            continue
        made = per_arg[i] = []

        def wrap(leaf, path, made=made):
            if trees.is_differentiable(leaf):
                t = Traced(leaf, level, trace.add_input(leaf, path))     # level.input
                made.append(t)
                return t
            made.append(None)
            return leaf
        wrapped[i] = trees.map_leaves(wrap, arg, argument_names(f, len(args))[i])
        if which is not None and not any(t is not None for t in made):
            raise InputError(f"argument {i} ({type(arg).__name__}) has nothing to "
                             "differentiate; pass numbers or arrays")
    return wrapped, per_arg


def argument_gradients(args, per_arg, grads, fill_zeros: bool):
    """Per-argument gradients mirroring each argument's structure."""
    out = []
    seen = set()                    # ids of the arrays handed out so far

    def own(g):
        """Copy an array handed out twice (``a + b`` sends the same cotangent object to
        both), so every gradient array is the caller's own."""
        if type(g) is np.ndarray:
            if id(g) in seen:
                return g.copy()
            seen.add(id(g))
        return g
    for arg, made in zip(args, per_arg):
        if type(made) is Traced:                  # a number or an array argument
            g = grads[made._index]
            if type(g) is not float or type(arg) is complex:
                g = own(zero_like(arg) if g is None and fill_zeros else user_gradient(g, arg))
            out.append(g)
            continue
        if made is None:
            out.append(None)
            continue
        leaves = iter(made)

        def leaf_grad(leaf):
            t = next(leaves)
            g = None if t is None else grads[t._index]
            if g is None and fill_zeros and t is not None:
                g = zero_like(leaf)
            return g
        out.append(structured_gradient(arg, leaf_grad, own))
    return tuple(out)


def output_leaves(out, level):
    """Output leaves recorded at ``level``, and the output with their primals."""
    if type(out) is Traced and out._level is level:
        return [out], out.primal
    recorded = [o for o in trees.leaves(out) if type(o) is Traced and o._level is level]

    def leaf(o):
        return o.primal if type(o) is Traced and o._level is level else o
    return recorded, trees.map_structure(leaf, out)


def scalar_seed(value):
    if type(value) is float:
        return 1.0
    v = strip(value)
    if isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_)):
        return 1
    if isinstance(v, np.ndarray):
        return np.ones(v.shape)
    return 1.0


# ---------------------------------------------------------------------------
# The public transformations


def vjp(f, *args, **kwargs):
    """``(f(*args, **kwargs), pullback)``; ``pullback(cotangent)`` gives one gradient per
    positional argument (``None`` where the output does not depend on it). Keyword
    arguments are held constant. The pullback can be called again."""
    return _vjp(f, args, kwargs, None)


def _vjp(f, args, kwargs, which, fill_zeros=False):
    level, out, per_arg = record_call(f, args, kwargs, which)

    def pullback(cotangent):
        return _pull(level, out, args, per_arg, cotangent, fill_zeros)
    pullback.trace = level.trace
    return output_leaves(out, level)[1], pullback


def record_call(f, args, kwargs, which):
    """Run ``f`` on wrapped arguments under a new level: ``(level, output, per_arg)``;
    ``which`` is None (every argument) or positions from ``calls.positions``."""
    level = ReverseLevel()
    wrapped, per_arg = wrap_arguments(f, args, level, which)
    return level, call(f, wrapped, kwargs, level), per_arg


def _pull(level, out, args, per_arg, cotangent, fill_zeros):
    """Sweep back from ``out`` with ``cotangent``; gradients mirroring ``args``."""
    if type(out) is Traced and type(cotangent) is float and type(out.primal) is float:
        seeds = {out._index: cotangent} if out._level is level else {}
        grads = backprop(level.trace, seeds, release=True)
        return argument_gradients(args, per_arg, grads, fill_zeros)
    cts = trees.align_leaves(cotangent, out, "cotangent")
    leaves = trees.leaves(out)
    seeds = {}
    for o, ct in zip(leaves, cts):
        if type(o) is Traced and o._level is level and ct is not None:
            if is_complex(ct) and not is_complex(o):
                ct = np.real(ct)          # a real output moves only along the real line
            i = o._index
            seeds[i] = ct if i not in seeds else seeds[i] + ct
    return argument_gradients(args, per_arg, backprop(level.trace, seeds, release=True), fill_zeros)


def check_scalar_output(value, who: str):
    if type(value) is float or type(value) is int or isinstance(value, np.floating):
        return                   # a real number (np.mean's answer is an np.float64)
    v = strip(value)
    if not trees.is_differentiable(v) and not isinstance(v, (bool, np.bool_)):
        raise NotScalarOutput(f"{who} needs a function that returns a number; "
                              f"it returned a {type(v).__name__}")
    if np.iscomplexobj(v):
        raise NotScalarOutput(f"{who} needs a real output; the function returned a complex "
                              "number, whose gradient is not defined (take .real or abs)")
    if np.ndim(v) != 0:
        raise NotScalarOutput(f"{who} needs a scalar output, but the function returned "
                              f"shape {np.shape(v)}; use ad.jacrev or ad.vjp for "
                              "array outputs")


def gradient(f, *args, **kwargs):
    """The gradient of a scalar function, one entry per positional argument (Zygote
    semantics); keyword arguments are held constant.

    ``gradient(lambda x: 5 * sin(log(x)), 3.0) == (0.7580540380443495,)``;
    ``gradient(pow, 2, 5) == (80, None)``: ``n`` is only a loop counter.
    """
    return _value_and_gradients(f, args, kwargs, None, False, "gradient")[1]


def _value_and_gradients(f, args, kwargs, which, fill_zeros, who, has_aux=False):
    """Record ``f`` once and sweep back from its scalar output: ``(value, gradients)``,
    or ``(value, gradients, aux)`` with ``has_aux``."""
    if len(args) == 1 and type(args[0]) is float and not kwargs and not has_aux and (
            which is None or len(which) == 1):
        value, gradient = _float_value_and_gradient(f, args[0], fill_zeros, who)
        return value, (gradient,)
    level, out, per_arg = record_call(f, args, kwargs, which)
    if has_aux:
        out, aux = split_aux(out, has_aux, who)
    result = _from_output(level, out, args, per_arg, fill_zeros, who)
    return result + (plain(aux, level),) if has_aux else result


def _float_value_and_gradient(f, x: float, fill_zeros, who):
    """``(value, gradient)`` of ``f`` at one Python float (``vg(3.0)``, the commonest
    call): ``_value_and_gradients``'s steps with nothing left to decide about the
    argument, and a float output swept from one seed down to the input, node 0."""
    level = ReverseLevel()
    trace = level.trace
    trace.function = f
    wrapped = Traced(x, level, trace.add_input(x, 0))
    out = call(f, (wrapped,), None, level)
    if type(out) is not Traced or out._level is not level or type(out.primal) is not float:
        value, gradients = _from_output(level, out, (x,), [wrapped], fill_zeros, who)
        return value, gradients[0]
    gradient = sweep_from(trace, out._index, 1.0, 1)[0]
    if gradient is None and fill_zeros:
        gradient = 0.0
    return out.primal, gradient


def _from_output(level, out, args, per_arg, fill_zeros, who):
    """``(value, gradients)`` from the recorded output ``out`` of ``level``."""
    if type(out) is Traced and out._level is level:
        value = out.primal
        if type(value) is float:
            seed = 1.0
        else:
            check_scalar_output(value, who)
            seed = scalar_seed(value)
        return value, argument_gradients(args, per_arg, sweep_from(level.trace, out._index,
                                                                   seed), fill_zeros)
    value = output_leaves(out, level)[1]
    check_scalar_output(value, who)
    return value, _pull(level, out, args, per_arg, scalar_seed(value), fill_zeros)


def _named(fn, f, what: str):
    functools.update_wrapper(fn, f)
    fn.__name__ = fn.__qualname__ = f"{what}({getattr(f, '__name__', 'f')})"
    return fn


def _argnums(argnums, who: str):
    """``(positions_of, single)``: ``positions_of(n)`` gives the argnums as positions among
    ``n`` arguments, with no work per call when they are non-negative (``argnums=0``)."""
    which, single = argnums_positions(argnums, who)
    needed = max(which) + 1 if min(which) >= 0 else None

    def positions_of(n):
        return which if needed is not None and n >= needed else positions(which, n)
    return positions_of, single


def value_and_grad(f, argnums=0, has_aux=False):
    """``f`` -> a function returning ``(f(*args), gradient w.r.t. argnums)``, JAX style:
    zeros (not ``None``) where the output does not depend on an argument; a tuple of
    gradients for a tuple ``argnums``; ``((value, aux), gradient)`` with ``has_aux``.
    Keyword arguments of the call are held constant."""
    positions_of, single = _argnums(argnums, "value_and_grad")
    first_only = single and argnums == 0 and not has_aux

    def vg(*args, **kwargs):
        if first_only and len(args) == 1 and type(args[0]) is float and not kwargs:
            return _float_value_and_gradient(f, args[0], True, "grad")     # vg(3.0)
        where = positions_of(len(args))
        if has_aux:
            value, grads, aux = _value_and_gradients(f, args, kwargs, where, True, "grad",
                                                     True)
            return (value, aux), pick(grads, where, single)
        value, grads = _value_and_gradients(f, args, kwargs, where, True, "grad")
        return value, (grads[where[0]] if single else pick(grads, where, single))
    return _named(vg, f, "value_and_grad")


def grad(f, argnums=0, has_aux=False):
    """``f`` -> its gradient function (nestable: ``grad(grad(f))``); with ``has_aux``,
    ``(gradient, aux)``."""
    positions_of, single = _argnums(argnums, "grad")
    first_only = single and argnums == 0 and not has_aux

    def g(*args, **kwargs):
        if first_only and len(args) == 1 and type(args[0]) is float and not kwargs:
            return _float_value_and_gradient(f, args[0], True, "grad")[1]     # g(3.0)
        where = positions_of(len(args))
        if has_aux:
            _, grads, aux = _value_and_gradients(f, args, kwargs, where, True, "grad", True)
            return pick(grads, where, single), aux
        grads = _value_and_gradients(f, args, kwargs, where, True, "grad")[1]
        return grads[where[0]] if single else pick(grads, where, single)
    return _named(g, f, "grad")


def trace(f, *args, **kwargs) -> Trace:
    """Run ``f`` once and return its recording (the Wengert list) as a ``Trace``; keyword
    arguments are held constant."""
    level = ReverseLevel()
    wrapped, per_arg = wrap_arguments(f, args, level)
    out = call(f, wrapped, kwargs, level)
    recorded, value = output_leaves(out, level)
    t = level.trace
    t.outputs = [o._index for o in recorded]
    t.output = value
    t.arguments = per_arg
    t.output_leaf_nodes = [o._index if type(o) is Traced and o._level is level else None
                           for o in trees.leaves(out)]
    return t
