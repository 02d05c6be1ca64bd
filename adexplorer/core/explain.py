""""Why is this gradient None?": per argument, whether it got a gradient and, if not, why.

``explain_gradient(pow, 2, 5)`` records ``pow`` once (``ad.trace``), sweeps backwards with
the same ``backprop`` as ``ad.gradient``, and then reads the trace: an input whose adjoint is
``None`` either was never used on the way to the output, or was used only in comparisons
and control flow (``while n > 0``), which have no derivative, or was not a differentiable
type to begin with (a string, a bool, ``None``).

Comparisons and control flow come from ``trace.nondiff_uses``: reverse mode notes every
non-differentiable row (``<``, ``//``, ...) and every ``bool``/``index``/``int``/``hash``
of a recorded value. Before saying "the function does not use it", the claim is checked
by running ``f`` once more with only that argument nudged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from . import trees
from .primitives import COMPARE, PRIMITIVES, strip
from .names import ByName, argument_names
from .backprop import backprop
from .reverse import Traced, argument_gradients, scalar_seed
from .reverse import trace as record
from .values import short_value
from .wengert import primal_wengert

GOT = "gradient"
UNREACHED = "never reached the output"
CONTROL = "only used in comparisons or control flow"
NOT_DIFFERENTIABLE = "not a differentiable type"


@dataclass(frozen=True)
class LeafReport:
    """One differentiable (or not) leaf of an argument: ``x``, ``p['w']``, ``p.b``."""
    name: str
    status: str                 # GOT, UNREACHED, CONTROL or NOT_DIFFERENTIABLE
    reason: str                 # a sentence a student can read
    gradient: Any = None


@dataclass(frozen=True)
class ArgumentReport:
    """What one argument of ``f`` got, and why."""
    position: int
    name: str
    gradient: Any
    status: str
    reason: str
    leaves: tuple

    def __str__(self) -> str:
        if self.status == GOT:
            head = f"{self.name}: gradient"
            if len(self.leaves) <= 1:
                head += f" {short_value(self.gradient)}"
        else:
            head = f"{self.name}: None ({self.status}) - {self.reason}"
        if len(self.leaves) <= 1:
            return head
        return "\n".join([head] + [f"    {leaf.name}: " + (
            f"gradient {short_value(leaf.gradient)}" if leaf.status == GOT
            else f"None ({leaf.status}) - {leaf.reason}") for leaf in self.leaves])


class GradientExplanation(ByName):
    """One ``ArgumentReport`` per argument, by position or by name; ``.gradients`` is what
    ``ad.gradient`` returns."""

    missing = "no argument named {key!r}; arguments: {names}"

    @property
    def gradients(self) -> tuple:
        return tuple(r.gradient for r in self)

    def __str__(self) -> str:
        return "\n".join(str(r) for r in self)

    __repr__ = __str__


def explain_gradient(f, *args) -> GradientExplanation:
    """For each argument of ``f`` at ``args``: its gradient, or why it is ``None``."""
    return explain_trace(record(f, *args), args)


def explain_trace(trace, args) -> GradientExplanation:
    """The explanation of ``explain_gradient``, read from a recording ``ad.trace`` made of
    ``trace.function`` at ``args``: one reverse sweep (which leaves the trace whole, for
    other views), gradients exactly as ``ad.gradient`` returns them."""
    f = trace.function
    seeds = {}
    for i in trace.outputs:
        g = scalar_seed(trace.nodes[i].value)    # the seed ad.gradient uses: 1 for an int output
        seeds[i] = g if i not in seeds else seeds[i] + g
    grads = backprop(trace, seeds)
    gradients = argument_gradients(args, trace.arguments, grads, False)
    fed = _nondiff_feeders(trace)
    plain_out = trees.map_structure(strip, trace.output)
    names_ = argument_names(f, len(args))
    reports = []
    for position, (arg, made) in enumerate(zip(args, trace.arguments)):
        made = [made] if type(made) is Traced else made
        leaves = []
        for k, (leaf, t) in enumerate(zip(trees.leaves(arg), made)):
            name = (trace.nodes[t._index].name if t is not None
                    else _leaf_name(arg, names_[position], k))
            if t is None:
                leaves.append(LeafReport(name, NOT_DIFFERENTIABLE,
                                         f"a {type(leaf).__name__} has no derivative; only "
                                         "numbers and numeric arrays do"))
            elif grads[t._index] is not None:
                leaves.append(LeafReport(name, GOT, "",
                                         _as_argument_type(grads[t._index], leaf)))
            else:
                leaves.append(_why_none(f, args, position, k, name, t._index, trace, fed,
                                        plain_out))
        reports.append(_argument_report(position, names_[position], gradients[position],
                                        leaves))
    return GradientExplanation(reports)


def _argument_report(position, name, gradient, leaves) -> ArgumentReport:
    if not leaves:
        return ArgumentReport(position, name, None, NOT_DIFFERENTIABLE,
                              "it holds nothing to differentiate", ())
    if any(leaf.status == GOT for leaf in leaves):
        missing = [leaf for leaf in leaves if leaf.status != GOT]
        reason = "" if not missing else f"{len(missing)} of its {len(leaves)} parts got none"
        return ArgumentReport(position, name, gradient, GOT, reason, tuple(leaves))
    statuses = [leaf.status for leaf in leaves]
    for status in (CONTROL, UNREACHED, NOT_DIFFERENTIABLE):   # the most telling reason first
        if status in statuses:
            first = leaves[statuses.index(status)]
            return ArgumentReport(position, name, None, status, first.reason, tuple(leaves))
    raise AssertionError("unreachable")


_CONVERSIONS = {
    "bool": "is used as a condition (if / while / and / or)",
    "index": "is used as an integer (range(), an index, a count)",
    "int": "is converted with int()",
    "hash": "is used as a dict key or set member",
}


def _use_text(trace, what: str, indices) -> str:
    """``n is compared (>)``, ``k is used as an integer (...)``, in words."""
    names = " and ".join(trace.nodes[i].name for i in indices)
    if what in _CONVERSIONS:
        return f"{names} {_CONVERSIONS[what]}"
    prim = PRIMITIVES.get(what)
    symbol = prim.symbol if prim is not None else what
    compared = prim is not None and prim.precedence == COMPARE
    one = len(indices) == 1
    verb = ("is compared" if one else "are compared") if compared else \
        ("goes through" if one else "go through")
    return f"{names} {verb} ({symbol})"


def _nondiff_feeders(trace) -> dict:
    """node index -> the first non-differentiable use of it or of anything computed from it."""
    fed: dict = {}
    for what, *indices in trace.nondiff_uses:
        text = _use_text(trace, what, indices)
        for i in indices:
            fed.setdefault(i, text)
    for node in reversed(trace.nodes):      # consumers come after producers in a trace
        if node.index in fed:
            for p in node.inputs:
                fed.setdefault(p, fed[node.index])
    return fed


def _why_none(f, args, position, k, name, index, trace, fed, plain_out) -> LeafReport:
    if index in fed:
        return LeafReport(name, CONTROL, f"it only steers the computation: {fed[index]}, "
                          "which has no derivative")
    users = [n.index for n in trace.nodes if index in n.inputs]
    if users:
        shown = "; ".join(str(line) for line in primal_wengert(trace, users[:3]))
        more = ", ..." if len(users) > 3 else ""
        return LeafReport(name, UNREACHED, f"it is used ({shown}{more}) but nothing computed "
                          "from it reaches the output")
    if _steers(f, args, position, k, plain_out):
        return LeafReport(name, CONTROL,
                          "changing it changes the output, but no operation the trace saw "
                          "used it: it steered the computation in a way that has no derivative")
    return LeafReport(name, UNREACHED, "the function does not use it")


def _steers(f, args, position, k, plain_out) -> bool:
    """Does nudging leaf ``k`` of argument ``position`` change the output of ``f``?"""
    counter = iter(range(1 << 62))

    def nudge(leaf, _name):
        if next(counter) != k:
            return leaf
        if isinstance(leaf, (int, np.integer)):
            return leaf + 1
        return leaf * (1 + 1e-3) + 1e-3
    changed = list(args)
    changed[position] = trees.map_leaves(nudge, args[position], "x")
    try:
        other = f(*changed)
    except Exception:                      # it failed with another value: the value mattered
        return True
    return not _same(trees.map_structure(strip, other), plain_out)


def _same(a, b) -> bool:
    la, lb = trees.leaves(a), trees.leaves(b)
    if len(la) != len(lb):
        return False
    for x, y in zip(la, lb):
        try:
            if not np.array_equal(np.asarray(x), np.asarray(y)):
                return False
        except Exception:
            if x != y:
                return False
    return True


def _leaf_name(arg, name, k) -> str:
    found = []
    trees.map_leaves(lambda leaf, path: found.append(path) or leaf, arg, name)
    return found[k] if k < len(found) else name


def _as_argument_type(g, leaf):
    if type(leaf) in (float, int) and isinstance(g, (np.generic, np.ndarray)) and np.ndim(g) == 0:
        return g.item()
    return g
