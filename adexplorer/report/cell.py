"""From the text of a ``%%autodiff`` cell (or the terminal's expression) to a function
and the point to differentiate it at. No IPython here; the CLI uses it too.

* ``build(cell, namespace, at)`` -> ``Program``. A cell that ends with an expression
  (``5*sin(log(x))``) becomes ``def f(x): return 5*sin(log(x))``, its variables given by
  ``at``; statements before it become the function's body. A cell of ``def``s runs in
  ``namespace`` like any cell and the last ``def`` (or the one named by ``func``) is
  explored. ``sin``, ``cos``, ``log``, ..., ``np`` and ``ad`` need no import.
* Every problem is a ``CellError`` whose message names it: a syntax error with its line,
  an undefined name, a malformed option (options.py reads the options).
  ``NamespaceGuard`` puts the namespace back as it was when something fails.
"""

from __future__ import annotations

import ast
import builtins
import itertools
import linecache
import os
import re
import textwrap
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from ..core.errors import ADError

EXPRESSION_NAME = "f"           # the function a cell's expression becomes


class CellError(ADError):
    """A problem with a cell or its options, described in one message."""


def math_names() -> dict:
    """What a cell may use without imports: adexplorer's math (which works on plain
    numbers, arrays and AD values alike), ``np``, ``ad`` and ``pi``."""
    import adexplorer as ad
    table = {name: getattr(ad, name) for name in (
        "sin", "cos", "tan", "exp", "log", "log1p", "expm1", "sqrt", "tanh", "sigmoid",
        "maximum", "minimum", "where", "dot", "matmul", "real", "imag", "conj", "angle",
        "logsumexp")}
    from ..core.rules_elementwise import PUBLIC as elementwise
    from ..core.rules_special import PUBLIC as special
    table.update({name: getattr(ad, name) for name in elementwise + special
                  if name != "round"})
    table.update(np=np, ad=ad, pi=np.pi)
    return table


# ---------------------------------------------------------------------------
# The namespace


class NamespaceGuard:
    """Remembers a namespace's bindings so they can be put back exactly."""

    def __init__(self, namespace: dict):
        self.namespace = namespace
        self.saved = dict(namespace)

    def restore(self):
        ns = self.namespace
        for name in [n for n in ns if n not in self.saved]:
            del ns[name]
        for name, value in self.saved.items():
            if name not in ns or ns[name] is not value:
                ns[name] = value


# ---------------------------------------------------------------------------
# Cells


@dataclass
class Program:
    """What a cell asks to differentiate: ``function(*args)`` (its parameters are the
    variables in ``wrt``; any others are fixed at their ``at`` value), ``explored`` the
    function as written (for SSA), and the cell's text for messages."""
    function: Callable
    explored: Callable
    args: tuple
    wrt: list
    point: dict
    title: str
    kind: str                       # "expression" or "def"
    filename: str
    lines: dict = field(default_factory=dict)   # filename -> {line: cell line}
    notes: list = field(default_factory=list)   # what looks valid but may not be meant

    def cell_line(self, filename: str, line: int) -> int | None:
        """The cell line of ``line`` in ``filename`` (the cell or the generated def)."""
        return self.lines.get(filename, {}).get(line)


_counter = itertools.count(1)


def remember_source(source: str, label: str) -> str:
    """Put ``source`` in linecache under a new name, so tracebacks and ``inspect``
    (hence ``ad.ssa``) can read it; returns the name."""
    filename = f"<{label}-{next(_counter)}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    return filename


def build(cell: str, namespace: dict, point: dict, *, wrt=None, func: str | None = None,
          label: str = "autodiff", noun: str = "the cell") -> Program:
    """Turn ``cell`` into a ``Program`` (see the module text). ``namespace`` is where the
    cell's ``def``s and any math names they need are put (they stay, so the functions
    work in later cells; an expression cell without defs changes nothing); the caller
    restores it on failure (``NamespaceGuard``). ``noun`` names the text in messages."""
    cell = textwrap.dedent(cell).rstrip()      # leading blank lines stay: line numbers count them
    filename = remember_source(cell + "\n", label)
    if not cell.strip():
        raise CellError(f"{noun} is empty: write an expression such as 5*sin(log(x)) "
                        "(with --at x=3.0) or a def")
    try:
        tree = ast.parse(cell, filename)
    except SyntaxError as err:
        raise CellError(_syntax_message(err, cell, noun)) from None
    body = tree.body
    ends_with_expression = isinstance(body[-1], ast.Expr)
    is_def = [isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)) for s in body]
    defs = [s.name for s, d in zip(body, is_def) if d]
    if func is not None and (ends_with_expression or func not in defs):
        where = f"{noun} defines {', '.join(defs)}" if defs else f"{noun} defines no function"
        if ends_with_expression:
            where += " and ends with an expression, which is what gets differentiated"
        raise CellError(f"--func {func}: {where}")
    if not ends_with_expression and not defs:
        raise CellError(f"{noun} should end with an expression to differentiate "
                        "(5*sin(log(x))) or define a function with def")
    if ends_with_expression and not defs:
        # Nothing of this cell outlives it: its function sees the math names in a copy
        # of the namespace, and the user's namespace gains no sin, log or np.
        namespace = dict(namespace)
    _inject_math(tree, namespace)
    _check_names(tree, namespace, point, ends_with_expression)
    lines = {filename: {k: k for k in range(1, cell.count("\n") + 2)}}
    if not ends_with_expression:
        _run(tree, filename, namespace)
        name = func if func is not None else defs[-1]
        program = from_function(namespace[name], point, wrt, name=name)
        program.filename, program.lines = filename, lines
        return program
    definitions = [s for s, d in zip(body, is_def) if d]
    if definitions:
        _run(ast.Module(body=definitions, type_ignores=[]), filename, namespace)
    statements = [s for s, d in zip(body, is_def) if not d]
    explored, generated, line_map = _expression_function(cell, statements, point,
                                                          namespace, label)
    expression = " ".join((ast.get_source_segment(cell, body[-1]) or "").split())
    lines[generated] = line_map
    program = _program(explored, point, wrt, f"{EXPRESSION_NAME}({', '.join(point)}) = "
                       f"{expression}", direct=True)
    program.kind, program.filename, program.lines = "expression", filename, lines
    program.notes = [f"{noun} assigns to {name} (line {line}), which --at gives: from there "
                     f"on {name} is no longer the variable differentiated"
                     for name, line in _assigned(statements) if name in point]
    return program


def _assigned(statements) -> list:
    """``(name, line)`` for each name the statements assign in their own scope (not in
    a def, lambda, class or comprehension inside them), first assignment only."""
    scopes = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef,
              ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
    found: dict = {}

    def visit(node):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            found.setdefault(node.id, node.lineno)
        for child in ast.iter_child_nodes(node):
            if not isinstance(child, scopes):
                visit(child)
    for statement in statements:
        visit(statement)
    return list(found.items())


def from_function(fn, point: dict, wrt=None, name: str | None = None) -> Program:
    """A ``Program`` for a function that already exists (a def of a cell, or one loaded
    from a file): its parameters are named by ``point``."""
    name = name or getattr(fn, "__name__", "f")
    if not callable(fn):
        raise CellError(f"{name} is not a function")
    _check_point(fn, name, point)
    return _program(fn, point, wrt, f"{name}({', '.join(_parameters(fn))})", direct=False)


def _program(explored, point, wrt, title, direct: bool) -> Program:
    """``direct``: ``explored``'s parameters are exactly the variables, in order."""
    variables = list(point)
    if not variables:
        raise CellError("nothing to differentiate: give the point with --at, e.g. --at x=3.0")
    wrt = variables if wrt is None else list(wrt)
    unknown = [v for v in wrt if v not in point]
    if unknown:
        raise CellError(f"--wrt {', '.join(unknown)}: not among the variables given by --at "
                        f"({', '.join(variables)})")
    fixed = {k: v for k, v in point.items() if k not in wrt}
    function = explored if direct and wrt == variables else _over(explored, wrt, fixed)
    if fixed:
        title += ", with " + ", ".join(f"{k} = {v!r}" for k, v in fixed.items()) + " fixed"
    filename = getattr(getattr(explored, "__code__", None), "co_filename", "")
    return Program(function, explored, tuple(point[v] for v in wrt), wrt, dict(point), title,
                   "def", filename, {})


def _syntax_message(err: SyntaxError, cell: str, noun: str) -> str:
    line = err.lineno or 1
    text = (err.text or (cell.splitlines()[line - 1] if line <= cell.count("\n") + 1 else ""))
    text = text.rstrip("\n")
    message = f"syntax error in {noun}, line {line}: {err.msg}"
    if text.strip():
        caret = " " * max((err.offset or 1) - 1 - (len(text) - len(text.lstrip())), 0) + "^"
        message += f"\n    {text.strip()}\n    {caret}"
    return message


def _loaded_names(tree) -> list:
    """Every name the cell reads, in order of appearance."""
    seen = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            seen.setdefault(node.id, node)
    return list(seen.values())


def _inject_math(tree, namespace: dict):
    """Put the math names the cell reads and the namespace lacks into the namespace
    (a cell's functions look them up there when they run later)."""
    table = math_names()
    for node in _loaded_names(tree):
        name = node.id
        if name in table and name not in namespace and not hasattr(builtins, name):
            namespace[name] = table[name]


def _bound_names(tree) -> set:
    bound = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            bound.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
            args = node.args if not isinstance(node, ast.ClassDef) else None
            if args is not None:
                bound.update(a.arg for a in args.posonlyargs + args.args + args.kwonlyargs)
                bound.update(a.arg for a in (args.vararg, args.kwarg) if a is not None)
        elif isinstance(node, ast.Lambda):
            bound.update(a.arg for a in node.args.args + node.args.kwonlyargs)
        elif isinstance(node, ast.alias):
            bound.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bound.add(node.name)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            bound.update(node.names)
    return bound


def _check_names(tree, namespace, point, expression: bool):
    """In an expression cell, every name read must be a variable, bound in the cell,
    known to the namespace, a math name or a builtin."""
    if not expression:
        return                       # a def's names are looked up when it runs
    bound = _bound_names(tree)
    for node in _loaded_names(tree):
        name = node.id
        if name in point or name in bound or name in namespace or hasattr(builtins, name):
            continue
        given = "".join(f"{v}=...," for v in point)
        hint = f"give it a value (--at {given}{name}=...) or define it"
        close = _did_you_mean(name, list(namespace) + list(math_names()) + list(point))
        if close:
            hint = f"did you mean {close}? Or {hint}"
        raise CellError(f"undefined name {name!r} (line {node.lineno}): {hint}")


def _did_you_mean(name: str, known) -> str | None:
    """The known name ``name`` is most likely a misspelling of (``loog`` -> ``log``)."""
    import difflib
    known = [k for k in dict.fromkeys(known) if not k.startswith("_")]
    found = difflib.get_close_matches(name, known, n=1, cutoff=0.75)
    return found[0] if found else None


def _run(tree, filename: str, namespace: dict):
    exec(compile(tree, filename, "exec"), namespace)


def _expression_function(cell, statements, point, namespace, label):
    """``def f(<variables>): <statements>; return <last expression>`` as source (kept in
    linecache for inspect and ad.ssa), compiled with ``namespace`` as its globals."""
    out = [f"def {EXPRESSION_NAME}({', '.join(point)}):"]
    line_map = {}
    for k, statement in enumerate(statements):
        if k == len(statements) - 1:
            text = _return_of(cell, statement)
        else:
            text = (ast.get_source_segment(cell, statement) or "").splitlines()
        for offset, line in enumerate(text):
            out.append("    " + line)
            line_map[len(out)] = statement.lineno + offset
    source = "\n".join(out) + "\n"
    generated = remember_source(source, label + "-function")
    where: dict = {}
    exec(compile(source, generated, "exec"), namespace, where)
    return where[EXPRESSION_NAME], generated, line_map


def _return_of(cell: str, statement) -> list:
    lines = (ast.get_source_segment(cell, statement.value) or "").splitlines()
    if len(lines) == 1:
        return ["return " + lines[0]]
    return ["return (" + lines[0]] + lines[1:-1] + [lines[-1] + ")"]


def _parameters(fn) -> list:
    import inspect
    try:
        return list(inspect.signature(fn).parameters)
    except (TypeError, ValueError):
        return []


def _check_point(fn, name: str, point: dict):
    import inspect
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return
    if any(p.kind == p.VAR_KEYWORD for p in params.values()):
        return
    kinds = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
    extra = [p for p in point if p not in params or params[p].kind not in kinds]
    if extra:
        raise CellError(f"--at {', '.join(extra)}: {name} has no such parameter; its "
                        f"parameters are {', '.join(params) or 'none'}")
    missing = [p for p, spec in params.items() if spec.default is spec.empty
               and spec.kind in kinds and p not in point]
    if missing:
        raise CellError(f"{name} needs a value for {', '.join(missing)}: add "
                        f"--at {','.join(f'{p}=...' for p in missing)}")


def _over(fn: Callable, wrt: list, fixed: dict) -> Callable:
    """A function of the ``wrt`` variables only (others fixed), with parameter names
    ``wrt`` so traces name the inputs after them."""
    params = ", ".join(wrt)
    passed = ", ".join([f"{v}={v}" for v in wrt] + [f"{k}=_fixed[{k!r}]" for k in fixed])
    name = getattr(fn, "__name__", EXPRESSION_NAME)
    name = name if name.isidentifier() else EXPRESSION_NAME
    source = f"def {name}({params}):\n    return _explored({passed})\n"
    where: dict = {}
    exec(compile(source, remember_source(source, "autodiff-wrt"), "exec"),
         {"_explored": fn, "_fixed": dict(fixed)}, where)
    return where[name]


# What core/errors.py appends to a message: " (at <file>, line 2: return math.sin(x))".
_CORE_PLACE = re.compile(r" \(at (?P<file>[^,]+), line \d+: .*\)$", re.DOTALL)


def describe_error(err: BaseException, program: Program | None, filenames=()) -> str:
    """One message for an exception raised while running the cell's code: what, and
    where in the cell (``line 2: return 1 / x``). The place is said once, in the cell's
    own line numbers; the names of generated sources (``<autodiff-3>``) never show."""
    if not isinstance(err, ADError) and isinstance(err.__cause__, ADError):
        err = err.__cause__           # NumPy wraps ours: z[0] = x gives "a sequence"
    what = str(err) if isinstance(err, ADError) else f"{type(err).__name__}: {err}"
    if isinstance(err, NameError) and getattr(err, "name", None):
        what = (f"undefined name {err.name!r}: give it a value with --at {err.name}=... "
                "or define it")
    place = _place(err, program, filenames)
    found = _CORE_PLACE.search(what)
    if found and (place or found["file"].startswith("<")):
        what = what[:found.start()]
    return f"{what} ({place})" if place and place not in what else what


def _place(err, program, filenames) -> str:
    known = set(filenames)
    if program is not None:
        known |= set(program.lines) | {program.filename}
    tb, found = err.__traceback__, None
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename in known:
            found = (filename, tb.tb_lineno)
        tb = tb.tb_next
    if found is None:
        return ""
    filename, line = found
    text = linecache.getline(filename, line).strip()
    if program is not None and filename in program.lines:
        mapped = program.cell_line(filename, line)
        if mapped is None:
            return ""
        return f"line {mapped}: {linecache.getline(program.filename, mapped).strip() or text}"
    return f"{os.path.basename(filename)}, line {line}: {text}"
