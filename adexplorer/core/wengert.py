"""Printers for a ``Trace``: the Wengert list in the slide's form.

```
y1 = log(x)
y2 = sin(y1)
y3 = 5 * y2
```
"""

from __future__ import annotations

from .symbolic import Sym, expression
from .tracing import Const, Trace


def operand(trace: Trace, arg):
    """A node argument as something a row can be applied to symbolically."""
    if isinstance(arg, Const):
        return arg.value
    return Sym(trace.nodes[arg.index].name)


def format_trace(trace: Trace) -> str:
    lines = []
    for node in trace.nodes:
        if node.is_input:
            continue
        args = [operand(trace, a) for a in node.args]
        expr = expression(node.primitive, args, node.params)
        lines.append(f"{node.name} = {expr}")
    return "\n".join(lines)
