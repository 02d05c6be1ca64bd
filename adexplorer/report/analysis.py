"""Everything ``%%autodiff``, ``adexplorer explain`` and ``ad.explore`` show about f at a
point, computed from one recording (``analyse``), and as deterministic text
(``Report.text``).

A report holds the value, the gradient by reverse mode (with the reason for every
``None``), the derivatives by forward mode, the Wengert lists of f, f' and the
adjoint, the finite-difference check per argument, the check of any user rule
(``@ad.adjoint`` / ``@ad.tangent``) met on the way against finite differences, and,
when asked and possible, the SSA form and the generated adjoint code. No Jupyter here:
the terminal prints ``report.text()``; the widgets read the fields.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from ..core import trees
from ..core.checkpoint import is_checkpoint
from ..core.errors import ADError
from ..core.calls import with_dtype_of
from ..core.explain import GOT, explain_trace
from ..core.forward import one_like, push_tangents, zero_like
from ..core.primitives import strip
from ..core.rules import broadcast_like, is_complex
from ..core.names import argument_names
from ..core.reverse import check_scalar_output, trace as record
from ..core.tape_memory import tape_memory
from ..core.tracing import Const
from ..core.values import short_value
from .fd import check_one

MODES = ("forward", "reverse")
_MAX_FORWARD_LISTS = 4          # tangent Wengert lists printed (one per input)
_RULE_RTOL, _RULE_ATOL = 1e-5, 1e-7


@dataclass(frozen=True)
class RuleCheck:
    """A user rule's derivative at the point where it was used, against central
    differences of the rule's own function: ``error`` is |rule - FD|."""
    row: str
    node: str
    position: int
    argument: str
    mode: str                    # "vjp" (reverse rule) or "jvp" (forward rule)
    rule_value: float
    fd_value: float
    error: float
    ok: bool

    def __str__(self) -> str:
        mark = "ok" if self.ok else "WRONG"
        return (f"{self.row} at {self.node}, argument {self.position + 1} ({self.argument}), "
                f"{self.mode}: rule {self.rule_value:.10g}, finite differences "
                f"{self.fd_value:.10g}, |difference| {self.error:.2g}: {mark}")


@dataclass
class Report:
    """f at one point, as every view shows it (see the module text)."""
    function: Callable
    args: tuple
    names: list
    title: str
    modes: tuple
    value: Any
    trace: Any
    explanation: Any
    derivatives: dict = field(default_factory=dict)     # name -> forward-mode df/dname
    fd: dict = field(default_factory=dict)              # name -> FDCheck, or why not
    rules: list = field(default_factory=list)           # RuleCheck per user rule use
    ssa: Any = None                                     # SSAFunction, if asked and possible
    adjoint_source: str | None = None
    ssa_note: str = ""
    warnings: list = field(default_factory=list)        # what NumPy warned about, once each
    notes: list = field(default_factory=list)           # answers that look valid but are not

    gradients: tuple | None = None                      # ad.gradient(f, *args), scalar f

    @property
    def gradient(self) -> dict:
        """Reverse mode: argument name -> gradient (``None``: see ``explanation``),
        exactly what ``ad.gradient`` returns (of ``sum(f)`` for an array output)."""
        if self.gradients is not None:
            return dict(zip(self.names, self.gradients))
        return {r.name: r.gradient for r in self.explanation}

    @property
    def name(self) -> str:
        """How the function is called in derivative names (``∂f/∂x``, ``pow'``)."""
        name = getattr(self.function, "__name__", "f")
        return name if name.isidentifier() else "f"

    @property
    def scalar_output(self) -> bool:
        return np.ndim(self.value) == 0

    @property
    def wrong_rules(self) -> list:
        return [r for r in self.rules if not r.ok]

    def text(self, sweeps: bool = False) -> str:
        """Plain text, the same every run: value, derivatives, Wengert lists, FD check,
        rule checks, SSA and adjoint code; with ``sweeps``, every step of each sweep."""
        return "\n".join(_text(self, sweeps)).rstrip() + "\n"

    def __str__(self) -> str:
        return self.text()


def analyse(f, args, *, title: str | None = None, modes=MODES, ssa: bool = False,
            source=None) -> Report:
    """Trace ``f(*args)`` and compute everything a view shows (see ``Report``).

    ``ssa``: also lower ``source`` (default ``f``) to SSA and generate its adjoint code;
    if that is not possible the reason is kept in ``ssa_note`` (``ssa`` stays None)."""
    args = tuple(args)
    modes = tuple(modes)
    names = argument_names(f, len(args))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", RuntimeWarning)
        trace = record(f, *args)             # the one run of f under AD
        value = trees.map_structure(strip, trace.output)
        _check_output(value)
        explanation = explain_trace(trace, args)
        title = title or f"{getattr(f, '__name__', 'f')}({', '.join(names)})"
        report = Report(f, args, names, title, modes, value, trace, explanation)
        if report.scalar_output:
            check_scalar_output(value, "gradient")     # what ad.gradient refuses
            report.gradients = explanation.gradients
        if "forward" in modes:
            report.derivatives = _forward_derivatives(trace, args, names, explanation)
        report.fd = _fd_checks(report, reverse_row="reverse" in modes)
        report.rules = check_rules(trace)
    report.warnings = list(dict.fromkeys(str(w.message) for w in caught
                                         if issubclass(w.category, RuntimeWarning)))
    if not all(np.all(np.isfinite(np.asarray(v, dtype=complex)))
               for v in trees.leaves(value)):
        report.notes.append(f"{report.name} is {number(value)} at this point (outside its "
                            "domain, or overflowing): its derivatives here mean nothing")
    if ssa:
        _add_ssa(report, source if source is not None else f)
    return report


def _check_output(value):
    leaves = trees.leaves(value)
    if not leaves or not all(isinstance(v, (int, float, complex, np.number, np.ndarray))
                             and not isinstance(v, bool) for v in leaves):
        raise ADError(f"the function returned {short_value(value) or repr(value)} "
                      f"({type(value).__name__}); it must return a number or an array")


def _differentiable(arg) -> bool:
    return (isinstance(arg, (int, float, np.floating, np.integer)) and not isinstance(arg, bool)) \
        or (isinstance(arg, np.ndarray) and arg.dtype.kind in "fiu")


def _forward_derivatives(trace, args, names, explanation) -> dict:
    """df/dname by forward mode for each scalar argument: the recorded trace swept
    forward with the jvp rules (``push_tangents``), seeded at that argument; every line's
    (value, tangent) pair is the dual number ``ad.jvp`` would carry through it."""
    out = {}
    for k, (name, arg) in enumerate(zip(names, args)):
        if not _differentiable(arg) or np.ndim(arg) or explanation[k].status != GOT:
            continue
        made = trace.arguments[k]
        i = (made if type(made) is not list else made[0])._index
        tangents = push_tangents(trace, {i: one_like(trace.nodes[i].value)})
        nodes = iter(trace.output_leaf_nodes)
        out[name] = trees.map_structure(
            lambda leaf: _output_tangent(tangents, next(nodes), leaf), trace.output)
    return out


def _output_tangent(tangents, node, primal):
    """The tangent of one output leaf, as ``ad.jvp`` gives it (zero if it is constant)."""
    t = tangents[node] if node is not None else None
    if t is None:
        return zero_like(primal) if trees.is_differentiable(primal) else None
    t = with_dtype_of(broadcast_like(t, primal), primal)
    if is_complex(primal) and not is_complex(t):
        t = t + 0j                        # a complex output has a complex tangent
    return t


def _fd_checks(report: Report, reverse_row=True) -> dict:
    """Finite differences against the AD answers the report already has."""
    f, args, explanation = report.function, report.args, report.explanation
    out = {}
    for k, (name, arg) in enumerate(zip(report.names, args)):
        if explanation[k].status != GOT:
            out[name] = f"nothing to check: the gradient is None ({explanation[k].status})"
        elif not _differentiable(arg):
            out[name] = (f"a {type(arg).__name__} argument: finite differences need a number "
                         "or an array")
        elif not report.scalar_output:
            out[name] = "the output is an array: finite differences are checked for one number"
        else:
            def partial(v, k=k):
                changed = list(args)
                changed[k] = v
                return f(*changed)
            known = (report.derivatives.get(name, report.gradients[k]), report.gradients[k])
            out[name] = check_one(partial, arg, reverse_row, 0, None, known)
    return out


# ---------------------------------------------------------------------------
# User rules against finite differences


def check_rules(trace) -> list:
    """Each use of a user rule (``@ad.adjoint`` / ``@ad.tangent`` row) in ``trace``,
    checked at its recorded arguments: the rule the user wrote (vjp or jvp) along a
    fixed random direction against central differences of the row's own function."""
    nodes = trace.nodes
    checks = []
    for node in nodes:
        prim = node.primitive
        if prim is None or not prim.user or is_checkpoint(prim):   # a checkpoint: f's own AD
            continue
        args = [nodes[a.index].value if not isinstance(a, Const) else a.value for a in node.args]
        plain = {k: v for k, v in node.params.items() if not k.startswith("_")}
        # the rule the user wrote: @ad.adjoint rows have a forward pass (value, pullback),
        # @ad.tangent rows a jvp; the other mode is derived from it, so a second check
        # would only repeat the first
        written = "vjp" if prim.forward_pass is not None else "jvp"
        for position, arg in enumerate(node.args):
            if isinstance(arg, Const) or not _differentiable(args[position]):
                continue
            checks.append(_check_rule(node, prim, args, plain, position, written,
                                      nodes[arg.index].name))
    return checks


def _check_rule(node, prim, args, plain, position, mode, argument) -> RuleCheck:
    rng = np.random.default_rng(position)
    x = np.asarray(args[position], dtype=float)
    v = rng.standard_normal(x.shape) if x.shape else 1.0
    ans = node.value
    u = rng.standard_normal(np.shape(ans)) if np.shape(ans) else 1.0
    eps = 1e-6 * max(1.0, float(np.max(np.abs(x))) if x.size else 1.0)

    def moved(sign):
        changed = list(args)
        changed[position] = args[position] + sign * eps * v
        return np.asarray(prim.impl(*changed, **plain), dtype=float)
    fd = (moved(1) - moved(-1)) / (2 * eps)            # J v
    if mode == "vjp":
        cotangent = prim.vjp_rule(position)(u, ans, *args, **node.params)
        rule_value = float(np.sum(np.asarray(cotangent, dtype=float) * v))
        fd_value = float(np.sum(np.asarray(u, dtype=float) * fd))
    else:
        tangent = prim.jvp_rule(position)(v, ans, *args, **node.params)
        rule_value = float(np.sum(np.asarray(u, dtype=float) * np.asarray(tangent, dtype=float)))
        fd_value = float(np.sum(np.asarray(u, dtype=float) * fd))
    error = abs(rule_value - fd_value)
    ok = error <= _RULE_ATOL + _RULE_RTOL * max(abs(rule_value), abs(fd_value), 1.0)
    return RuleCheck(prim.name, node.name, position, argument, mode, rule_value, fd_value,
                     error, ok)


# ---------------------------------------------------------------------------
# SSA and the generated adjoint


def _add_ssa(report: Report, fn):
    try:
        from .. import s2s
    except ImportError as err:                # the s2s package is not there at all
        report.ssa_note = f"SSA is not available ({err})"
        return
    try:
        report.ssa = s2s.ssa(fn)
    except ADError as err:
        report.ssa_note = str(err)
        return
    source_grad = getattr(s2s, "source_grad", None)
    if source_grad is None:
        report.ssa_note = "the generated adjoint is not available (ad.source_grad is missing)"
        return
    try:
        report.adjoint_source = source_grad(fn).source
    except ADError as err:
        report.ssa_note = str(err)


# ---------------------------------------------------------------------------
# Text


def number(v) -> str:
    """A value in full: ``repr`` of a float (every digit), arrays by NumPy."""
    if v is None:
        return "None"
    if isinstance(v, np.ndarray):
        return np.array2string(v, precision=10, separator=", ")
    if isinstance(v, (np.floating, np.integer)):
        v = v.item()
    return repr(v)


def point_text(names, args) -> str:
    return ", ".join(f"{n} = {number(a) if _differentiable(a) else repr(a)}"
                     for n, a in zip(names, args))


def _indent(text: str, by: str = "  ") -> list:
    return [by + line if line else line for line in str(text).splitlines()]


def reaches_output(trace, wrt: str) -> bool:
    """Does a tangent started at input ``wrt`` reach an output? (A loop counter's does
    not: its forward list would be arithmetic on the counter that f never uses.)"""
    from ..core.wengert import tangent_listing
    names_ = tangent_listing(trace, wrt).tangent_names
    return any(o in names_ for o in trace.outputs)


def forward_lists(report: Report) -> list:
    """``(input name, its tangent Wengert list or None)`` for the forward lists shown:
    ``None`` when f does not depend on that input (no list is printed for it)."""
    trace = report.trace
    out = []
    for i in trace.inputs[:_MAX_FORWARD_LISTS]:
        name = trace.nodes[i].name
        labelled = trace.tangent_wengert(wrt=name, labels=True)   # dy3 belongs to y2
        out.append((name, labelled if reaches_output(trace, name) else None))
    return out


def _gradient_lines(report: Report) -> list:
    """The headline: the gradient by reverse mode, and/or the derivatives by forward mode
    (only the ones for the modes asked for; every None with its reason)."""
    f, grads, out = report.name, report.gradient, []
    if "reverse" in report.modes:
        of = "" if report.scalar_output else f" of sum({f}) (the output is an array)"
        out.append(f"gradient{of}, by reverse mode:")
        for r in report.explanation:
            if r.status == GOT:
                out.append(f"  ∂{f}/∂{r.name} = {number(grads[r.name])}")
            else:
                out.append(f"  ∂{f}/∂{r.name} = None: {r.status} - {r.reason}")
    if "forward" in report.modes and (report.derivatives or "reverse" not in report.modes):
        out.append("derivatives by forward mode (dual numbers):")
        for r in report.explanation:
            if r.name in report.derivatives:
                out.append(f"  d{f}/d{r.name} = {number(report.derivatives[r.name])}")
            elif "reverse" in report.modes:
                continue
            elif r.status != GOT:
                out.append(f"  d{f}/d{r.name} = None: {r.status} - {r.reason}")
            else:
                out.append(f"  ∂{f}/∂{r.name} = {number(grads[r.name])}   (by reverse mode: "
                           f"{r.name} is not a single number)")
    return out


def _sweep_lines(report: Report) -> list:
    """Every step of the sweeps the modes ask for (forward: from the first input that
    reaches the output)."""
    trace, out = report.trace, []
    first = next((name for name, listing in forward_lists(report) if listing is not None),
                 None)
    if "forward" in report.modes and first is not None:
        out.append("")
        out.append(f"forward sweep (d/d{first}), step by step:")
        out += _indent(trace.forward_sweep(wrt=first))
    if "reverse" in report.modes:
        out.append("")
        out.append("reverse sweep, step by step:")
        out += _indent(trace.reverse_sweep())
    return out


def _text(report: Report, sweeps: bool) -> list:
    trace, f = report.trace, report.name
    out = [f"{report.title}   at {point_text(report.names, report.args)}", ""]
    out.append(f"value: {number(report.value)}")
    for message in report.warnings:
        out.append(f"NumPy warned: {message}")
    for note in report.notes:
        out.append(f"note: {note}")
    out.append("")
    out += _gradient_lines(report)
    out.append("")
    out.append(f"Wengert list of {f}:")
    out += _indent(trace) or ["  (no operations: the output does not depend on the inputs)"]
    if "forward" in report.modes:
        for name, listing in forward_lists(report):
            out.append("")
            if listing is None:
                out.append(f"Wengert list of {f}' (forward mode, d/d{name}): none, {f} does "
                           f"not depend on {name} (its derivative is 0, its gradient None)")
                continue
            out.append(f"Wengert list of {f}' (forward mode, d/d{name}):")
            out += _indent(listing) or ["  (no operations)"]
        if len(trace.inputs) > _MAX_FORWARD_LISTS:
            out.append(f"  ... and {len(trace.inputs) - _MAX_FORWARD_LISTS} more inputs")
    if "reverse" in report.modes:
        out.append("")
        out.append("adjoint list (reverse mode):")
        out += _indent(trace.adjoint_wengert())
        out.append("")
        out.append("memory of reverse mode (live tape entries, step by step):")
        out += _indent(tape_memory(trace))
    if sweeps:
        out += _sweep_lines(report)
    out.append("")
    out.append("finite-difference check:")
    for name, check in report.fd.items():
        if isinstance(check, str):
            out.append(f"  d/d{name}: {check}")
        else:
            out.append(f"  d/d{name}:")
            out += _indent(check, "    ")
    if report.rules:
        out.append("")
        out.append("user rules against finite differences:")
        out += [f"  {r}" for r in report.rules]
    if report.ssa is not None or report.ssa_note:
        out.append("")
        if report.ssa is not None:
            out.append("SSA form:")
            out += _indent(report.ssa)
        if report.adjoint_source is not None:
            out.append("")
            out.append("generated adjoint code:")
            out += _indent(report.adjoint_source.rstrip())
        if report.ssa_note:
            out.append(f"SSA / adjoint code: {report.ssa_note}")
    return out
