"""The end of a sweep animation: its result next to an independent run.

``check_sweep(frames)`` compares what a ``SweepFrames`` sweep computed (input adjoints in
reverse mode, output tangents in forward mode) with ``ad.gradient`` / ``ad.jvp`` of the
traced function run anew, as a ``SweepCheck`` the player shows at its last frame.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from ..core import trees
from ..core.forward import jvp, one_like, zero_like
from ..core.names import argument_names
from ..core.reverse import gradient
from ..core.values import short_value


@dataclass(frozen=True)
class SweepCheck:
    """The sweep's result against an independent run of ``ad.gradient`` / ``ad.jvp``:
    ``ok`` is True/False, or None when there was nothing to compare with."""
    ok: bool | None
    text: str


def check_sweep(frames) -> SweepCheck:
    trace, nodes = frames.trace, frames.trace.nodes
    got = frames.result()
    where = trace.inputs if frames.mode == "reverse" else trace.outputs
    shown = ", ".join(f"{frames.value_labels[i]} = {short_value(v)}" for i, v in zip(where, got))
    f = getattr(trace, "function", None)
    primals = [nodes[i].value for i in trace.inputs]
    fname = getattr(f, "__name__", "f")
    if f is None or argument_names(f, len(primals)) != [nodes[i].name for i in trace.inputs]:
        what = "input adjoints" if frames.mode == "reverse" else "output tangents"
        return SweepCheck(None, f"Done: the {what} are {shown}.")
    point = ", ".join(short_value(p) for p in primals)
    fname = "f" if fname == "<lambda>" else fname
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            reference = _reference(frames, f, primals)
        if frames.mode == "reverse":
            call = f"ad.gradient({fname}, {point})"
        else:
            wrt = ", ".join(nodes[i].name for i in frames.wrt)
            call = f"ad.jvp({fname}, ({point}{',' * (len(primals) == 1)}), tangent 1 for {wrt})"
    except Exception as err:                      # f cannot be run again: say so, no claim
        return SweepCheck(None, f"Done: {shown} (could not run {fname} again: {err})")
    if len(reference) != len(got):
        return SweepCheck(None, f"Done: {shown}.")
    same = all(_same(a, b) for a, b in zip(got, reference))
    ref_text = ", ".join(short_value(r) if r is not None else "None" for r in reference)
    if len(reference) > 1:
        ref_text = f"({ref_text})"
    verdict = "the same ✓" if same else "they DIFFER ✗"
    return SweepCheck(same, f"Done: {shown}. {call} gives {ref_text}: {verdict}")


def _reference(frames, f, primals) -> list:
    """``ad.gradient`` (reverse) or the output tangents of ``ad.jvp`` (forward), run anew."""
    if frames.mode == "reverse":
        return list(gradient(f, *primals))
    tangents = [one_like(p) if i in frames.wrt else zero_like(p)
                for i, p in zip(frames.trace.inputs, primals)]
    return list(trees.leaves(jvp(f, primals, tangents)[1]))


def _same(a, b) -> bool:
    if a is None or b is None:
        zero = lambda v: v is None or not np.any(np.asarray(v))  # noqa: E731
        return zero(a) and zero(b)
    return bool(np.allclose(np.asarray(a, dtype=complex), np.asarray(b, dtype=complex),
                            rtol=1e-9, atol=1e-12))
