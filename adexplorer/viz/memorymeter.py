"""The memory meter under a ``SweepPlayer``: what a sweep keeps alive at each frame.

Forward mode (dual numbers) keeps no tape: at each step it holds only the values and
tangents a later node still reads (and the output's), so its meter counts those
(value, tangent) pairs. Reverse mode reads ``tape_memory(trace)`` (core/tape_memory.py)
and the player's sweep: frame 0 of a reverse sweep is the
whole tape and each step shows the entries the sweep still needs, plus the tape a
checkpoint row records again when the sweep is at it. ``meter.text(k)`` is the
plain-text form; the widget shows it with a bar scaled to the peak.
"""

from __future__ import annotations

import html

import ipywidgets as w

from ..core.tape_memory import Usage, tape_memory

_BAR_STYLE = "height:8px;background:#eee;border-radius:4px;width:min(420px, 90%)"


class MemoryMeter(w.HTML):
    """An ``HTML`` widget: the tape memory at the player's frame, and the peak."""

    def __init__(self, frames):
        super().__init__()
        self.add_class("adexplorer-memory")
        self.frames = frames
        self.memory = tape_memory(frames.trace)

    def usage(self, k: int) -> Usage:
        """Live tape memory at frame ``k`` (0: before the first step) of a reverse sweep."""
        m = self.memory
        if k > 0:
            return m.at(self.frames.step_at(k))
        if not m.reverse:
            return Usage(0, 0)
        return m.forward[len(m.reverse) - 1]        # the whole tape, up to the output

    def live_pairs(self, k: int) -> int:
        """Forward mode: the (value, tangent) pairs held after frame ``k``'s step, those
        of the nodes so far that a later node reads, or that are outputs."""
        step = self.frames.step_at(k)
        if step is None:
            return 0
        now = step.node
        trace = self.frames.trace
        last_read = {}
        for node in trace.nodes:
            for i in node.inputs:
                last_read[i] = node.index
        outputs = set(trace.outputs) or {len(trace) - 1}
        return sum(1 for i in range(now + 1) if i in outputs or last_read.get(i, -1) > now)

    def text(self, k: int) -> str:
        """``tape: 4 entries, 32 bytes (peak 4 entries, 32 bytes)``, with what it counts;
        in forward mode, that there is no tape and how many pairs are live."""
        if self.frames.mode == "forward":
            peak = max(self.live_pairs(j) for j in range(self.frames.n_frames))
            live = self.live_pairs(k)
            return (f"memory: forward mode keeps no tape, only current values and their "
                    f"tangents: {live} (value, tangent) pair{'' if live == 1 else 's'} "
                    f"live; peak {peak}")
        m, now = self.memory, self.usage(k)
        line = f"memory: tape still needed by the reverse sweep: {now}; peak {m.peak}"
        step = self.frames.step_at(k)
        if step is not None and step.kind != "seed":
            extra = m.recomputed.get(step.node)
            if extra is not None:
                line += (f" (with {extra.entries} entries of "
                         f"{self.frames.trace.nodes[step.node].op}'s tape, recorded again)")
        return line

    def show(self, k: int) -> None:
        if self.frames.mode == "forward":
            share = 100 * self.live_pairs(k) / max(self.live_pairs(j) for j in
                                                   range(len(self.frames.sweep) + 1) or [1])
        else:
            share = 100 * self.usage(k).entries / max(self.memory.peak.entries, 1)
        self.value = (f'<div style="font-size:13px;color:#444">{html.escape(self.text(k))}</div>'
                      f'<div style="{_BAR_STYLE}"><div style="height:8px;width:{share:.0f}%;'
                      'background:#ff9f40;border-radius:4px"></div></div>')
