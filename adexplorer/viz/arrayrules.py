"""The rule of an array step as a caption writes it, with the shapes that meet in it.

``rule_with_shapes(trace, step)`` turns the adjoint list's line
``W̄2 = sum_to(transpose(y3, axes=(1, 0)) @ ȳ4, shape=(5, 2))`` into
``W̄2 = y3ᵀ @ ȳ4`` and ``(4,5)ᵀ @ (4,2) → (5,2)``: every array the rule reads replaced by
its shape, then the shape of what the step adds. A ``sum_to`` that sums nothing is
dropped; one that undoes broadcasting (``b̄1`` of ``y1 + b1``) is told apart as its own
line, ``un-broadcast: sum ȳ2 (4,5) over axis 0 → (5,)``. Whether a rule really sums is
read from the rule itself, run once more on the step's numbers, not from its text.
``unbroadcast_of(trace, step)`` gives that sum as data — the contribution at the
operation's shape before it, and the axes — so the player can show it as a frame of its own.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..core.reverse import trace as record
from ..core.tracing import Const
from ..core.values import shape_text

_AXES = re.compile(r"transpose\(([^(),]+), axes=\(1, 0\)\)")
_SUPERSCRIPT_T = "ᵀ"


@dataclass(frozen=True)
class RuleText:
    """``symbols`` the rule as a line; ``shapes`` the same with shapes for arrays
    (``""`` for a scalar step); ``unbroadcast`` the sum that undoes broadcasting, or ``""``."""
    symbols: str
    shapes: str
    unbroadcast: str


def rule_with_shapes(trace, step, symbols: str) -> RuleText:
    """The rule of ``step`` (a sweep step whose line is ``symbols``), as described above."""
    if step.kind == "seed" or not _has_arrays(step):
        return RuleText(symbols, "", "")
    sums = _sums(trace, step) if step.kind == "vjp" else []
    text = _readable(symbols)
    lhs, sep, rhs = _split(text)
    out = shape_text(np.shape(step.contribution), compact=True)
    reads = tuple(step.reads) + ((step.name, step.primal),)     # a rule may read its result
    if sums:
        inner, summed, _unsummed = sums[-1]
        axes = _summed_axes(inner, summed)
        shapes = f"{_shapes_for_names(rhs, reads)} → {shape_text(inner, compact=True)}"
        extra = (f"un-broadcast: {step.parent_name} has shape {shape_text(summed, True)}, so "
                 f"{shape_text(inner, True)} is summed over axis {axes} → {out}")
        return RuleText(text, shapes, extra)
    return RuleText(text, f"{_shapes_for_names(rhs, reads)} → {out}", "")


@dataclass(frozen=True)
class Unbroadcast:
    """The sum that undoes broadcasting in a reverse step: ``unsummed`` is the
    contribution at the operation's shape, summed over ``axes`` (text, ``"0"``) to the
    argument's shape ``shape``."""
    unsummed: Any
    axes: str
    shape: tuple


def unbroadcast_of(trace, step) -> Unbroadcast | None:
    """The un-broadcast sum of a reverse (vjp) step, or None if its rule sums nothing."""
    if step.kind != "vjp" or not _has_arrays(step):
        return None
    sums = _sums(trace, step)
    if not sums:
        return None
    inner, summed, unsummed = sums[-1]
    return Unbroadcast(unsummed, _summed_axes(inner, summed), summed)


def _has_arrays(step) -> bool:
    return np.ndim(step.contribution) > 0 or any(np.ndim(v) > 0 for _, v in step.reads)


def _sums(trace, step) -> list:
    """(input shape, output shape, input) of each ``sum_to`` the step's vjp rule really
    runs (one that sums nothing is no sum)."""
    node = trace.nodes[step.node]
    nodes = trace.nodes
    args = [a.value if isinstance(a, Const) else nodes[a.index].value for a in node.args]
    rule = node.primitive.vjp_rule(step.position)
    adjoint = step.reads[-1][1]                  # the node's adjoint, read last
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            inner = record(lambda g: rule(g, node.value, *args, **node.params), adjoint)
    except Exception:                            # a rule that cannot run alone: no claim
        return []
    found = [(tuple(np.shape(inner.nodes[n.inputs[0]].value)), tuple(np.shape(n.value)),
              inner.nodes[n.inputs[0]].value)
             for n in inner.nodes if n.op == "sum_to" and n.inputs]
    return [s for s in found if s[0] != s[1]]


def _summed_axes(inner: tuple, summed: tuple) -> str:
    lead = len(inner) - len(summed)
    axes = list(range(lead)) + [lead + i for i, n in enumerate(summed)
                                if n == 1 and inner[lead + i] != 1]
    return ", ".join(map(str, axes)) if len(axes) != 1 else str(axes[0])


def _readable(line: str) -> str:
    """Drop ``sum_to(E, shape=S)`` wrappers (told apart on their own line) and write a
    2-D transpose as ``Eᵀ``."""
    while True:
        start = line.find("sum_to(")
        if start < 0:
            break
        end = _closing(line, start + len("sum_to"))
        inner = line[start + len("sum_to("):end]
        cut = inner.rfind(", shape=")
        line = line[:start] + (inner[:cut] if cut >= 0 else inner) + line[end + 1:]
    return _AXES.sub(lambda m: m.group(1) + _SUPERSCRIPT_T, line)


def _closing(text: str, open_at: int) -> int:
    depth = 0
    for k in range(open_at, len(text)):
        depth += {"(": 1, ")": -1}.get(text[k], 0)
        if depth == 0:
            return k
    return len(text) - 1


def _split(line: str):
    for sep in (" += ", " = "):
        if sep in line:
            lhs, rhs = line.split(sep, 1)
            return lhs, sep, rhs
    return "", "", line


def _shapes_for_names(rhs: str, reads) -> str:
    """``rhs`` with every array it reads written as its shape: ``(4,5)ᵀ @ (4,2)``."""
    for name, value in sorted(reads, key=lambda r: -len(r[0])):   # y12 before y1
        if np.ndim(value) == 0:
            continue
        # a name ends where no letter, digit or macron follows (ᵀ may: "W2ᵀ")
        pattern = r"(?<![\w\u0304])" + re.escape(name) + r"(?=ᵀ|[^\w\u0304]|$)"
        rhs = re.sub(pattern, shape_text(np.shape(value), compact=True), rhs)
    return rhs
