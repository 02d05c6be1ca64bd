"""The memory meter under a ``SweepPlayer``: live tape entries and bytes at each frame.

Reads ``tape_memory(trace)`` (core/tape_memory.py) and the player's sweep. Frame 0 of a
forward sweep is the empty tape and each step shows the tape recorded up to its node
(reverse mode's forward pass goes in the same order); frame 0 of a reverse sweep is the
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
        """Live tape memory at frame ``k`` (0: before the first step)."""
        m = self.memory
        if k > 0:
            return m.at(self.frames.step_at(k))
        if self.frames.mode == "forward" or not m.backward:
            return Usage(0, 0)
        return m.forward[len(m.backward) - 1]        # the whole tape, up to the output

    def text(self, k: int) -> str:
        """``tape: 4 entries, 32 bytes (peak 4 entries, 32 bytes)``, with what it counts."""
        m, now = self.memory, self.usage(k)
        what = ("recorded so far" if self.frames.mode == "forward"
                else "still needed by the reverse sweep")
        line = f"memory: tape {what}: {now}; peak {m.peak}"
        step = self.frames.step_at(k)
        if step is not None and step.kind != "seed" and self.frames.mode != "forward":
            extra = m.recomputed.get(step.node)
            if extra is not None:
                line += (f" (with {extra.entries} entries of "
                         f"{self.frames.trace.nodes[step.node].op}'s tape, recorded again)")
        return line

    def show(self, k: int) -> None:
        peak = max(self.memory.peak.entries, 1)
        share = 100 * self.usage(k).entries / peak
        self.value = (f'<div style="font-size:13px;color:#444">{html.escape(self.text(k))}</div>'
                      f'<div style="{_BAR_STYLE}"><div style="height:8px;width:{share:.0f}%;'
                      'background:#ff9f40;border-radius:4px"></div></div>')
