"""How long the generated adjoint's stacks get: ``stack_memory(source_grad(f), *args)``.

The adjoint code ``source_grad`` writes pushes what the reverse pass needs onto a list
per loop (``stack.append((i, r))``) and pops it on the way back. This module measures
those lists while the generated code runs, instead of assuming how long they get: a
``sys.settrace`` hook looks at the locals of every frame of generated code after each
line and adds up the loop stacks it holds (locals named ``stack…`` that are lists).
An entry is one push; its bytes are those of the numbers and arrays in it (8 per
number, ``nbytes`` per array), the same count as the tape's meter.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

from ..core.tape_memory import Usage, value_bytes

_GENERATED = "<source_grad "          # the file name s2s gives generated code


def item_bytes(item) -> int:
    """Bytes of one push: its numbers and arrays (a tuple's items added up)."""
    if isinstance(item, (tuple, list)):
        return sum(item_bytes(x) for x in item)
    return value_bytes(item)


@dataclass(frozen=True)
class StackMemory:
    """What the stacks held while the adjoint ran: ``timeline`` (one ``Usage`` per
    change), ``peak`` and ``result`` (the adjoint's answer)."""
    timeline: tuple
    peak: Usage
    result: object

    def __str__(self) -> str:
        return f"SSA stack peak: {self.peak} ({len(self.timeline)} changes)"


class _Watch:
    """The settrace hook: per frame of generated code, per stack, the bytes per item."""

    def __init__(self):
        self.frames: dict = {}        # frame -> {stack name: [bytes per item]}
        self.live = Usage(0, 0)
        self.timeline = [self.live]

    def call(self, frame, event, arg):
        if event == "call" and frame.f_code.co_filename.startswith(_GENERATED):
            self.frames[frame] = {}
            return self.line
        return None

    def line(self, frame, event, arg):
        stacks = self.frames.get(frame)
        if stacks is None:
            return None
        for name, value in frame.f_locals.items():
            if name.startswith("stack") and isinstance(value, list):
                sizes = stacks.setdefault(name, [])
                while len(sizes) > len(value):
                    self._change(-1, -sizes.pop())
                for item in value[len(sizes):]:
                    sizes.append(item_bytes(item))
                    self._change(1, sizes[-1])
        if event == "return":
            for sizes in self.frames.pop(frame).values():
                self._change(-len(sizes), -sum(sizes))
        return self.line

    def _change(self, entries: int, nbytes: int):
        if entries:
            self.live = Usage(self.live.entries + entries, self.live.bytes + nbytes)
            self.timeline.append(self.live)


def stack_memory(adjoint, *args, **kwargs) -> StackMemory:
    """Run ``adjoint`` (from ``ad.source_grad``) on ``args`` and measure its stacks."""
    from .entry import AdjointFunction
    if not isinstance(adjoint, AdjointFunction):
        name = getattr(adjoint, "__name__", type(adjoint).__name__)
        raise TypeError(f"stack_memory measures the stacks of generated adjoint code: give "
                        f"it ad.source_grad(f), not {name} (ad.stack_memory("
                        f"ad.source_grad({name}), *args))")
    watch = _Watch()
    previous = sys.gettrace()
    sys.settrace(watch.call)
    try:
        result = adjoint(*args, **kwargs)
    finally:
        sys.settrace(previous)
    peak = Usage(max(u.entries for u in watch.timeline), max(u.bytes for u in watch.timeline))
    return StackMemory(tuple(watch.timeline), peak, result)
