"""What the lowering reads of a function: the function itself, its source, the names it uses.

``watch`` says what to look at later to see whether a global the function read when it
was lowered now means another object (then the lowering is out of date).
"""

from __future__ import annotations

import ast
import inspect

from .unsupported import SourceUnavailable, UnsupportedSyntax

UNDEFINED = object()            # what a name means that is not defined (any more)


def read_function(fn):
    """The Python function to read: a method's function; anything else is refused."""
    if inspect.ismethod(fn):
        fn = fn.__func__
    if not inspect.isfunction(fn):
        raise SourceUnavailable(f"ad.ssa needs a Python function defined with def; got "
                                f"{type(fn).__name__} {getattr(fn, '__name__', fn)!r}")
    return fn


def read_source(fn):
    """``(fn, its source text, its first line)``; a decorator's wrapper is refused."""
    try:
        lines, first = inspect.getsourcelines(fn)
    except (OSError, TypeError) as e:
        raise SourceUnavailable(f"cannot read the source of {fn.__name__} ({e}); define it "
                                "in a file or a notebook cell") from None
    if inspect.unwrap(fn) is not fn:
        # A decorator's wrapper (functools.wraps): the source found is the undecorated
        # function, which is not what runs when the name is called.
        raise UnsupportedSyntax(
            f"functions wrapped by a decorator ({fn.__name__} runs the decorator's wrapper, "
            "not this source)", inspect.unwrap(fn).__code__.co_filename, first, lines[0],
            f"ad.gradient runs the decorated function; ad.source_grad({fn.__name__}"
            ".__wrapped__) differentiates the undecorated one")
    return fn, "".join(lines), first


def watch(fn_ssa) -> tuple[list, list]:
    """What to look at to see whether a name the function read when it was lowered
    now means another object (a global constant changed in a notebook, a helper
    defined again): ``(globals dict, name, value)`` triples (for a builtin the global
    must stay undefined) and ``(closure cell, value)`` pairs."""
    fn = fn_ssa.function
    code, names, cells = fn.__code__, [], []
    for name, value in fn_ssa.free.items():
        if name in code.co_freevars:
            cells.append((fn.__closure__[code.co_freevars.index(name)], value))
        elif name in fn.__globals__:
            names.append((fn.__globals__, name, value))
        else:
            names.append((fn.__globals__, name, UNDEFINED))
    return names, cells


def identifiers(node) -> tuple[tuple, tuple]:
    """``(every name the function reads or writes, its parameters and locals)``, in
    order of appearance (Python has already NFKC-normalised them)."""
    params = [a.arg for a in node.args.posonlyargs + node.args.args]
    used, assigned = list(params), list(params)
    for n in ast.walk(node):
        if isinstance(n, ast.Name):
            used.append(n.id)
            if isinstance(n.ctx, ast.Store):
                assigned.append(n.id)
    return tuple(dict.fromkeys(used)), tuple(dict.fromkeys(assigned))


def assigned_names(body, loop_node) -> list[str]:
    """Names assigned anywhere in a loop body (in order): they get φ nodes at the header."""
    out = []
    if isinstance(loop_node, ast.For) and isinstance(loop_node.target, ast.Name):
        out.append(loop_node.target.id)
    for stmt in body:
        for n in ast.walk(stmt):
            targets = []
            if isinstance(n, ast.Assign):
                targets = n.targets
            elif isinstance(n, (ast.AugAssign, ast.AnnAssign)):
                targets = [n.target]
            elif isinstance(n, ast.For):
                targets = [n.target]
            for t in targets:
                for name in ast.walk(t):
                    if isinstance(name, ast.Name):
                        out.append(name.id)
    return list(dict.fromkeys(out))
