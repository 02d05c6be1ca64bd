"""Every generated name in one place: ``y1``, ``dy1``, ``ȳ1``, ``x̄``, literals.

Names are given out at print time from the order of a recording, never from ``id()``
or set order, so printed output is identical run to run.
"""

from __future__ import annotations

import inspect

import numpy as np

BAR = "\u0304"          # combining macron: "y" + BAR + "1" prints as ȳ1
PHI = "φ"


def primal(k: int, prefix: str = "y") -> str:
    """The name of the k-th intermediate value of a Wengert list (1-based): ``y3``."""
    return f"{prefix}{k}"


def tangent(k: int, prefix: str = "y") -> str:
    """The name of the k-th line of a derivative Wengert list (1-based): ``dy3``."""
    return f"d{prefix}{k}"


def value_prefix(input_names) -> str:
    """``y`` for intermediate values (``y1``, ``dy1``, ``ȳ1``), unless an input is called
    ``y`` (or ``y2``, ...): then ``v``, so ``ȳ`` and ``ȳ1`` never sit side by side."""
    for prefix in ("y", "v", "w", "u"):
        if not any(n == prefix or (n.startswith(prefix) and n[len(prefix):].isdigit())
                   for n in input_names):
            return prefix
    return "node"


def tangent_of(name: str) -> str:
    """The tangent of a named value: ``x`` -> ``dx``, ``y2`` -> ``dy2``."""
    return "d" + name


def adjoint_of(name: str) -> str:
    """The adjoint of a named value, with a bar over its letters: ``y2`` -> ``ȳ2``,
    ``x`` -> ``x̄``."""
    end = 0
    while end < len(name) and (name[end].isalpha() or name[end] == "_"):
        end += 1
    if end == 0:
        return name + BAR
    return name[:end] + BAR + name[end:]


def argument(position: int) -> str:
    """Fallback name of a positional argument whose parameter name is unknown."""
    return f"x{position}"


_names_cache: dict = {}


def argument_names(f, n: int) -> list[str]:
    """Parameter names for ``n`` positional arguments of ``f`` (``x0``… if unknown)."""
    # Cached by code object, unless a wrapper (functools.wraps, __signature__) may share
    # its code with other functions of other signatures.
    code = getattr(f, "__code__", None)
    if hasattr(f, "__wrapped__") or "__signature__" in getattr(f, "__dict__", {}):
        code = None
    key = (code, n)
    known = _names_cache.get(key)
    if known is not None:
        return known
    try:
        params = list(inspect.signature(f).parameters.values())
    except (TypeError, ValueError):
        params = []
    positional = [p.name for p in params
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    var = next((p.name for p in params if p.kind == p.VAR_POSITIONAL), None)
    out = []
    for i in range(n):
        if i < len(positional):
            out.append(positional[i])
        elif var is not None:
            out.append(f"{var}[{i - len(positional)}]")
        else:
            out.append(argument(i))
    if code is not None:
        _names_cache[key] = out
    return out


def path(parent: str, key) -> str:
    """Name of a leaf inside a list, tuple or dict argument: ``p[0]``, ``p['w']``."""
    return f"{parent}[{key!r}]"


def field(parent: str, name: str) -> str:
    """Name of a dataclass field of an argument: ``p.w``."""
    return f"{parent}.{name}"


def literal(value) -> str:
    """How a constant prints inside an expression: ``5``, ``0.5``, ``array(3, 2)``."""
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return repr(float(value))
    if isinstance(value, np.ndarray):
        if value.ndim == 0:
            return literal(value.item())
        if value.dtype == bool:
            return "mask(" + ", ".join(str(n) for n in value.shape) + ")"
        if value.size <= 4 and value.ndim == 1:
            return "[" + ", ".join(literal(v) for v in value.tolist()) + "]"
        return "array(" + ", ".join(str(n) for n in value.shape) + ")"
    if isinstance(value, slice):
        parts = ["" if v is None else literal(v) for v in (value.start, value.stop)]
        text = ":".join(parts)
        return text if value.step is None else f"{text}:{literal(value.step)}"
    if isinstance(value, tuple):
        return ", ".join(literal(v) for v in value) if value else "()"
    return repr(value)


# ---------------------------------------------------------------------------
# Source to source (adexplorer.s2s): SSA listings and the generated adjoint code.


def ssa_value(k: int) -> str:
    """The k-th value of an SSA listing: ``%3``."""
    return f"%{k}"


def block_label(k: int) -> str:
    """The k-th basic block of an SSA listing: ``#2``."""
    return f"#{k}"


def version(name: str, k: int) -> str:
    """Another Python variable for a later value of ``name``: ``r2``, ``y1_2``."""
    return f"{name}_{k}" if name[-1:].isdigit() else f"{name}{k}"


def control(word: str, k: int) -> str:
    """Bookkeeping variables of generated loops (``stack``, ``count``, ``exit``, ``latch``)
    and of early returns (``site``): the word alone for the first, then ``stack2``, ..."""
    return word if k <= 1 else f"{word}{k}"


def gradient_function(name: str) -> str:
    """The generated gradient of function ``name``, as on the slide: ``grad_pow``."""
    return f"grad_{name}"


def forward_function(name: str) -> str:
    """The generated forward pass of a called function: ``forward_pow``."""
    return f"forward_{name}"


def backward_function(name: str) -> str:
    """The name of the generated reverse pass of a called function: ``backward_pow``."""
    return f"backward_{name}"


def saved(name: str) -> str:
    """What a call's forward pass keeps for its reverse pass: ``saved_y3``."""
    return f"saved_{name}"


def cotangents(name: str) -> str:
    """The cotangents a call's reverse pass returns, one per argument: ``grads_y3``."""
    return f"grads_{name}"


class ByName(tuple):
    """A tuple of items that have a ``name``, indexed by position or by that name
    (``explanation["y"]``, ``checks["y"]``); ``missing`` says what an unknown name means."""

    missing = "no item named {key!r}; names: {names}"

    def __getitem__(self, key):
        if isinstance(key, str):
            for item in self:
                if item.name == key:
                    return item
            raise KeyError(self.missing.format(key=key,
                                               names=", ".join(i.name for i in self)))
        return tuple.__getitem__(self, key)
