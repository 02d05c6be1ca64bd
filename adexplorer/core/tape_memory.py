"""How much of the tape is alive at each step of reverse mode: ``tape_memory(trace)``.

Reverse mode's cost is memory. The forward pass appends one entry per recorded row (and
one per input); an entry keeps the row's result and its constant arguments (its other
arguments are earlier entries). The reverse sweep walks the entries from the last to
the first, and once it has sent an entry's adjoint on, nothing reads that entry again:
while the sweep is at entry ``i``, entries ``0 … i`` are alive.

A ``checkpoint(f)`` row keeps only f's inputs and output. When the reverse sweep gets
to it, f's tape is recorded again and swept, so for that step the live memory is the
entries still alive plus the peak of f's own tape (measured by recording it, with any
checkpoints inside it counted the same way).

Bytes are those of the values kept: 8 per float or int, 16 per complex, ``nbytes`` for an
array. The meter reads the recording; it changes nothing in how gradients are computed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .checkpoint import is_checkpoint
from .primitives import strip
from .reverse import trace as record
from .tracing import Const, Trace


def value_bytes(value) -> int:
    """Bytes a value takes on the tape: numbers 8 (complex 16), arrays ``nbytes``."""
    v = strip(value)
    if isinstance(v, np.ndarray):
        return int(v.nbytes) if v.dtype.kind in "biufc" else 8 * v.size
    if isinstance(v, np.generic):
        return int(v.nbytes)
    if isinstance(v, complex):
        return 16
    if isinstance(v, (bool, int, float)):
        return 8
    return 0


@dataclass(frozen=True)
class Usage:
    """Live memory at one moment: tape entries and the bytes of the values they keep."""
    entries: int
    bytes: int

    def __str__(self) -> str:
        entries = f"{self.entries} entr{'y' if self.entries == 1 else 'ies'}"
        return f"{entries}, {_bytes_text(self.bytes)}"

    def __add__(self, other: "Usage") -> "Usage":
        return Usage(self.entries + other.entries, self.bytes + other.bytes)


def _bytes_text(n: int) -> str:
    if n < 10_000:
        return f"{n} bytes"
    if n < 10_000_000:
        return f"{n / 1024:.1f} KiB"
    return f"{n / 2**20:.1f} MiB"


def _peak(usages) -> Usage:
    return Usage(max((u.entries for u in usages), default=0),
                 max((u.bytes for u in usages), default=0))


class TapeMemory:
    """Live tape memory per entry of a ``Trace``, in both sweeps.

    ``forward[i]``: after the forward pass recorded entry ``i``; ``reverse[i]``: while
    the reverse sweep is at entry ``i`` (with a checkpoint's recomputed tape), for the
    entries up to the output, where the sweep starts; ``peak_forward``, ``peak_reverse``
    and ``peak`` (both). ``backward`` and ``peak_backward`` are the same as ``reverse``
    and ``peak_reverse``. ``at(step)`` reads a step of ``trace.forward_sweep()`` or
    ``trace.reverse_sweep()``.
    """

    def __init__(self, trace: Trace):
        self.trace = trace
        kept = [entry_bytes(node, trace) for node in trace.nodes]
        total, self.forward = 0, []
        for i, b in enumerate(kept):
            total += b
            self.forward.append(Usage(i + 1, total))
        self.recomputed = {node.index: recomputed_peak(node, trace)
                           for node in trace.nodes if is_checkpoint(node.primitive)}
        last = max(trace.outputs, default=-1)      # the sweep starts at the output
        self.reverse = [u + self.recomputed.get(i, Usage(0, 0))
                        for i, u in enumerate(self.forward[:last + 1])]
        self.peak_forward = _peak(self.forward)
        self.peak_reverse = _peak(self.reverse)
        self.peak = _peak([self.peak_forward, self.peak_reverse])

    @property
    def backward(self) -> list:
        return self.reverse

    @property
    def peak_backward(self) -> Usage:
        return self.peak_reverse

    def at(self, step) -> Usage:
        """Live memory at a step of a sweep (a forward-sweep step is read as the forward
        pass recording its node; a reverse-sweep step as the sweep being at its node)."""
        if hasattr(step, "tangent") or step.kind == "seed":   # a seed: nothing recorded again yet
            return self.forward[step.node]
        return self.reverse[step.node]

    def text(self, step=None) -> str:
        """One line: the memory at ``step`` (if given) and the peaks."""
        head = f"tape now: {self.at(step)}; " if step is not None else ""
        return (f"{head}peak: {self.peak} (forward pass {self.peak_forward.entries}, "
                f"reverse sweep {self.peak_reverse.entries} entries)")

    def __str__(self) -> str:
        back = _series(u.entries for u in reversed(self.reverse))
        lines = [f"forward pass:   entries {_series(u.entries for u in self.forward)}",
                 f"reverse sweep:  entries {back}" if back else
                 "reverse sweep:  none (the output does not depend on the inputs)"]
        if self.recomputed:
            i, usage = max(self.recomputed.items(), key=lambda item: item[1].entries)
            node = self.trace.nodes[i]
            lines.append(f"  {len(self.recomputed)} checkpoint row(s) record their tape again "
                         f"in the reverse sweep; the largest, at {node.name} = {node.op}(…), "
                         f"{usage}")
        lines.append(f"peak: {self.peak}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"<TapeMemory of {len(self.trace)} entries, peak {self.peak}>"


def _series(values, limit: int = 24) -> str:
    values = list(values)
    if len(values) <= limit:
        return " ".join(map(str, values))
    half = limit // 2
    return " ".join(map(str, values[:half])) + " … " + " ".join(map(str, values[-half:]))


def entry_bytes(node, trace: Trace) -> int:
    """Bytes one entry keeps: its result and its constant arguments."""
    return value_bytes(node.value) + sum(value_bytes(a.value) for a in node.args
                                         if isinstance(a, Const))


def recomputed_peak(node, trace: Trace) -> Usage:
    """The peak of the tape a checkpoint row records again in the reverse sweep: its
    function recorded at the node's arguments, as its vjp rule records it."""
    nodes = trace.nodes
    leaves = [nodes[a.index].value if not isinstance(a, Const) else a.value
              for a in node.args]
    params = dict(node.params)
    template = params.pop("_template", None)
    row = node.primitive
    inner = record(lambda *xs: row.call(xs, template, params), *leaves)
    return TapeMemory(inner).peak


def tape_memory(trace: Trace) -> TapeMemory:
    """The memory meter of a recording: live tape entries and bytes per step of the
    forward pass and the reverse sweep, and the peak (see the module text)."""
    if not isinstance(trace, Trace):
        raise TypeError(f"tape_memory needs a Trace (from ad.trace(f, *args)), "
                        f"not a {type(trace).__name__}")
    return TapeMemory(trace)
