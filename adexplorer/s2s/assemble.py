"""Whole functions around both passes, and compiling them into one namespace.

A function is written in one of two forms: ``grad_f`` (forward pass, seed, reverse pass,
one function: what ``source_grad`` returns), or ``forward_f`` / ``backward_f`` for a
function called by another (its forward pass returns what its reverse pass needs;
``backward_f`` is that reverse pass, named as Zygote's pullbacks are). All of them run in
one namespace where every name the rule texts use (``cos``, ``sum_to``, ``shape``) is
bound to the adexplorer row itself.
"""

from __future__ import annotations

import linecache

from ..core import names
from .analysis import Analysis
from .forward import Forward
from .ir import CALL, TAPE, Block, Jump, Loop
from .lower import lowered_or_none
from .namespace import Namespace
from .plan import Plan, control, written_bookkeeping
from .regions import returns_in
from .resolve import IMPURE
from .reverse import Reverse, indent

class Unit:
    """Generated functions that call each other, compiled into one namespace."""

    def __init__(self, mode: str = "scalar", lower=None):
        self.mode = mode
        self.lower = lower or lowered_or_none      # a user function -> SSA form, or None
        self.ns = Namespace()
        self.sources: list[str] = []
        self.lowered: dict = {}
        self.effects = False             # print, a tape call, an original function called
        self.reverse_parts: dict = {}    # function name -> line (def = 1) its reverse pass starts
        self.numpy_targets: dict = {}    # function name -> targets of NumPy calls (np.log)

    def taped_calls(self, fn_ssa, analysis) -> set:
        """Make every user function ``fn_ssa`` calls with a derivative ready: lowered,
        with its forward and reverse pass; the calls of those that cannot be lowered
        are differentiated by the tape."""
        return {s for s in fn_ssa.statements()
                if s.kind == CALL and analysis.is_active(s.target) and self.callee(s.fn) is None}

    def callee(self, fn):
        """The SSA form of user function ``fn``, its forward and reverse pass added to this
        unit the first time; None when it cannot be lowered (the tape differentiates it)."""
        if fn in self.lowered:
            return self.lowered[fn]
        self.lowered[fn] = None
        sub = self.lower(fn)
        if sub is None:
            return None
        base = fn.__name__
        self.ns.functions[fn] = (self.ns.bind(names.forward_function(base), object()),
                                 self.ns.bind(names.backward_function(base), object()))
        self.lowered[fn] = sub
        self.sources.append(self.vjp_source(fn, sub))
        return sub

    def plan(self, fn_ssa):
        """Analyse ``fn_ssa`` and plan its adjoint: ``(plan, loop infos, return-site
        variable)``."""
        analysis = Analysis(fn_ssa)
        plan = Plan(fn_ssa, self.mode, self.ns, analysis, self.taped_calls(fn_ssa, analysis))
        infos, site = control(plan)
        self.effects = self.effects or any(_may_have_effects(s, plan) for s in fn_ssa.statements())
        return plan, infos, site

    def grad_source(self, fn_ssa) -> str:
        """``(source, name)`` of ``grad_f``: forward pass, seed, reverse pass, the gradient
        tuple."""
        plan, infos, site = self.plan(fn_ssa)
        reverse = Reverse(plan, infos, site, "grad")
        rev, live = reverse.seq(fn_ssa.body, _return_sites(fn_ssa), site, set())
        infos = written_bookkeeping(infos, reverse.reads)
        forward = Forward(plan, infos, site, "grad", self.ns)
        fwd = forward.seq(fn_ssa.body, None)
        results = [_gradient_of(plan, a, live, "None") for a in fn_ssa.args]
        params = [plan.var(a) for a in fn_ssa.args]
        name = self.ns.bind(names.gradient_function(fn_ssa.name), object())
        head = ([f"{site} = 0"] if site else []) + fwd
        self.reverse_parts[name] = 2 + sum(len(line.splitlines()) for line in head)
        self.numpy_targets[name] = forward.numpy_targets
        body = head + rev + [f"return {_tuple(results)}"]
        return f"def {name}({', '.join(params)}):\n" + "\n".join(indent(body)) + "\n", name

    def vjp_source(self, fn, fn_ssa) -> str:
        """The source of ``forward_f`` (value and saved data) and ``backward_f`` (the
        reverse pass) for a called function."""
        plan, infos, site = self.plan(fn_ssa)
        out, saved_in = plan.control("out"), plan.control("saved")
        out_bar = plan.names.version(names.adjoint_of(out))
        reverse = Reverse(plan, infos, site, "vjp", out_bar)
        rev, live = reverse.seq(fn_ssa.body, _return_sites(fn_ssa), site, set())
        infos = written_bookkeeping(infos, reverse.reads)
        forward = Forward(plan, infos, site, "vjp", self.ns, out)
        fwd = forward.seq(fn_ssa.body, None)
        params = [plan.var(a) for a in fn_ssa.args]
        saved = [r for r in reverse.reads if r in _kept_names(plan, infos, site)]
        always = _always_assigned(plan, infos, fn_ssa)
        fresh = [r for r in saved if r not in always and r != site]
        results = [_gradient_of(plan, a, live, "ZERO") for a in fn_ssa.args]
        forward_name, reverse_name = self.ns.functions[fn]
        head = [f"{site} = 0"] if site else []
        head += [" = ".join(fresh) + " = None"] if fresh else []
        forward_src = (f"def {forward_name}({', '.join(params)}):\n"
                       + "\n".join(indent(head + fwd + [f"return {out}, {_tuple(saved)}"]))
                       + "\n")
        unpack = [f"{_tuple(saved)} = {saved_in}"] if saved else []
        self.reverse_parts[reverse_name] = 2
        self.numpy_targets[forward_name] = forward.numpy_targets
        reverse_src = (f"def {reverse_name}({saved_in}, {out_bar}):\n"
                        + "\n".join(indent(unpack + rev + [f"return {_tuple(results)}"])) + "\n")
        return forward_src + "\n\n" + reverse_src

    def compile(self, source: str, name: str, namespace=None):
        """Run the generated ``source`` in ``namespace`` (this unit's by default); a
        called function's forward pass gets that function's default arguments."""
        namespace = self.ns.globals if namespace is None else namespace
        filename = f"<source_grad {name}>"
        linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
        exec(compile(source, filename, "exec"), namespace)
        for fn, (forward, _) in self.ns.functions.items():
            if forward in namespace and self.lowered.get(fn) is not None:
                namespace[forward].__defaults__ = fn.__defaults__


def _may_have_effects(s, plan) -> bool:
    """Does running ``s`` run code that is not generated here (which may print)?"""
    return (plan.kind_of(s) == TAPE or s.fn in IMPURE
            or s.kind == CALL and s not in plan.statements)    # the original function


def _kept_names(plan, infos, site) -> set:
    """What a reverse pass may read from its forward pass: values defined outside loops
    (inside loops they come back from the stacks), saved calls, loop bookkeeping."""
    kept = {plan.var(v) for v in plan.analysis.order if plan.analysis.loop_of_value(v) is None}
    kept |= {plan.saved_names[v] for s, v in plan.saved.items()
             if plan.analysis.loop_of_value(s.target) is None}
    for info in infos.values():
        kept |= {x for x in (info.stack, info.count, info.exit) if x}
    return kept | ({site} if site else set())


def _always_assigned(plan, infos, fn_ssa) -> set:
    """Variables every run of the forward pass assigns before it can return."""
    out = {plan.var(a) for a in fn_ssa.args}
    for item in fn_ssa.body:
        if isinstance(item, Block):
            for phi in item.phis:
                out.add(plan.var(phi.target))
            for s in item.statements:
                out.add(plan.var(s.target))
                if s in plan.saved:
                    out.add(plan.var(plan.saved[s]))
        elif isinstance(item, Loop):
            info = infos[item]
            out.update(x for x in (info.stack, info.count, info.exit) if x)
        if returns_in([item]) or isinstance(item, Jump):
            break
    return out


def _gradient_of(plan, arg, live, nothing: str) -> str:
    """What the reverse pass returns for argument ``arg``: its adjoint, or ``nothing``."""
    if plan.analysis.is_active(arg) and plan.root(arg) in live:
        return plan.adjoint(arg)
    return nothing


def _return_sites(fn_ssa) -> set:
    return {j.site for j in returns_in(fn_ssa.body)}


def _tuple(items) -> str:
    return f"({items[0]},)" if len(items) == 1 else "(" + ", ".join(items) + ")"


__all__ = ["Unit"]
