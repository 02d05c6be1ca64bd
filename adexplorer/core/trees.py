"""Arguments as trees: tuples, lists, dicts and dataclasses of numbers and arrays.

``map_leaves`` rebuilds an argument with every leaf replaced (used to wrap inputs);
``mirror`` builds the gradient of an argument from per-leaf gradients, with ``None``
where a leaf got none, and collapses a container with no gradient at all to ``None``
(Zygote's ``nothing``). A dataclass instance's gradient is a dict of its fields.
"""

from __future__ import annotations

import copy
import dataclasses
from typing import Any, Callable

import numpy as np

from . import names
from .errors import InputError
from .primitives import ADValue, strip


def is_differentiable(x) -> bool:
    """Numbers, numeric arrays and AD values are differentiable leaves; bools, strings,
    ``None`` and other objects are not."""
    t = type(x)
    if t is float or t is int:
        return True
    if t is np.ndarray:
        return x.dtype.kind in "fiuc"
    if isinstance(x, bool) or isinstance(x, np.bool_):
        return False
    if isinstance(x, (float, int, complex, np.number, ADValue)):
        return True
    if isinstance(x, np.ndarray):
        return x.dtype.kind in "fiuc"
    return False


def _is_dataclass_instance(x) -> bool:
    return dataclasses.is_dataclass(x) and not isinstance(x, type)


_LEAF_TYPES = (float, int, str, bool, type(None), np.ndarray)


def _children(x):
    """``(kind, [(key, child), ...])`` for a container, else ``None``."""
    if type(x) in _LEAF_TYPES or isinstance(x, ADValue):
        return None
    if isinstance(x, tuple):
        return "tuple", list(enumerate(x))
    if isinstance(x, list):
        return "list", list(enumerate(x))
    if isinstance(x, dict):
        return "dict", list(x.items())
    if _is_dataclass_instance(x):
        return "dataclass", [(f.name, getattr(x, f.name)) for f in dataclasses.fields(x)]
    return None


def _rebuild(x, kind, values):
    if kind == "tuple":
        return type(x)(*values) if hasattr(x, "_fields") else type(x)(values)
    if kind == "list":
        return list(values)
    if kind == "dict":
        return dict(zip(x.keys(), values))
    # a copy with the fields set directly: works for frozen and init=False fields too
    out = copy.copy(x)
    for f, v in zip(dataclasses.fields(x), values):
        object.__setattr__(out, f.name, v)
    return out


def _child_name(parent: str, kind: str, key) -> str:
    return names.field(parent, key) if kind == "dataclass" else names.path(parent, key)


def map_leaves(fn: Callable[[Any, str], Any], x, name: str):
    """Rebuild ``x`` with each leaf replaced by ``fn(leaf, path_name)``."""
    node = _children(x)
    if node is None:
        return fn(x, name)
    kind, items = node
    # a leaf child (an array in a dict of them) is mapped here, not by one more call
    return _rebuild(x, kind, [fn(v, _child_name(name, kind, k)) if type(v) in _LEAF_TYPES
                              else map_leaves(fn, v, _child_name(name, kind, k))
                              for k, v in items])


def leaves(x) -> list:
    node = _children(x)
    if node is None:
        return [x]
    out = []
    for _, v in node[1]:
        out.extend(leaves(v))
    return out


def align_leaves(value, like, what: str = "tangent", where: str = "") -> list:
    """The leaves of ``value`` in the order of ``like``'s leaves: dicts are matched by key,
    a dataclass by its fields (or a dict of them); ``None`` stands for all zeros. A
    mismatch in structure or shape raises ``InputError`` naming where it is."""
    node = _children(like)
    if node is None:
        if value is not None and np.shape(strip(value)) != np.shape(strip(like)):
            raise InputError(f"the {what}{where or ''} has shape {np.shape(strip(value))} "
                             f"but the value it goes with has shape {np.shape(strip(like))}")
        return [value]
    kind, items = node
    if value is None:
        return [None] * len(leaves(like))
    if kind in ("dict", "dataclass"):
        given = value if isinstance(value, dict) else (
            {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
            if _is_dataclass_instance(value) else None)
        if given is None or set(given) != {k for k, _ in items}:
            keys = sorted(map(str, given)) if isinstance(given, dict) else type(value).__name__
            raise InputError(f"the {what}{where} should have the keys "
                             f"{sorted(str(k) for k, _ in items)}, got {keys}")
        parts = [(k, given[k], v) for k, v in items]
    else:
        if not isinstance(value, (tuple, list)) or len(value) != len(items):
            raise InputError(f"the {what}{where} should be a sequence of {len(items)} "
                             f"parts like its value, got {type(value).__name__}")
        parts = [(k, value[k], v) for k, v in items]
    out = []
    for k, v, child in parts:
        out.extend(align_leaves(v, child, what, f"{where}[{k!r}]"))
    return out


def mirror(fn: Callable[[Any], Any], x):
    """The gradient-shaped image of ``x``: ``fn(leaf)`` per leaf (``None`` = no gradient).

    Containers keep their type (a dataclass becomes a dict); a container whose leaves
    all map to ``None`` becomes ``None``.
    """
    node = _children(x)
    if node is None:
        return fn(x)
    kind, items = node
    values = [fn(v) if type(v) in _LEAF_TYPES else mirror(fn, v) for _, v in items]
    if all(v is None for v in values):
        return None
    if kind == "dataclass" or kind == "dict":
        return {k: v for (k, _), v in zip(items, values)}
    if kind == "tuple":
        return type(x)(*values) if hasattr(x, "_fields") else tuple(values)
    return list(values)


def map_structure(fn: Callable[[Any], Any], x):
    """Apply ``fn`` to every leaf, keeping the container types (for outputs)."""
    node = _children(x)
    if node is None:
        return fn(x)
    kind, items = node
    return _rebuild(x, kind, [fn(v) if type(v) in _LEAF_TYPES else map_structure(fn, v)
                              for _, v in items])
