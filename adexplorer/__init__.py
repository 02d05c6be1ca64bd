"""adexplorer: automatic differentiation you can see.

``import adexplorer as ad``; ``ad.gradient(f, x)``, ``ad.D(f)``, ``ad.trace(f, x)``; in
Jupyter, ``%load_ext adexplorer`` and a ``%%autodiff`` cell.
"""

from .core import (ADError, Const, D, Dual, InputError, LostDerivative, Node,
                   NoDerivativeRule, NotScalarOutput, PRIMITIVES, Primitive, Ref, Trace,
                   Traced, abs, adjoint, angle, checkpoint, concatenate, conj, cos, derivative, dot,
                   exp, expm1, gradient, grad, hessian, imag, jacfwd, jacrev, jvp, log,
                   log1p, logsumexp, matmul, max, maximum, mean, min, minimum, real,
                   reshape, sigmoid, sin, sqrt, stack, sum, tan, tangent, tanh, trace,
                   transpose, value_and_grad, vjp, where)
from .core import (arccos, arccosh, arcsin, arcsinh, arctan, arctan2, arctanh, cbrt, ceil,
                   cosh, deg2rad, exp2, fix, floor, fmax, fmin, hypot, ldexp, log2, log10,
                   logaddexp, logaddexp2, nan_to_num, rad2deg, rint, round, sinc, sinh,
                   trunc)
from .core import digamma, erf, lgamma
from .core import degrees, fabs, radians, real_if_close, reciprocal, sign, square
from .core.explain import explain_gradient
from .core.tape_memory import tape_memory
from . import exercises   # checkers for the notebooks' exercises (above testing): ad.exercises
from .s2s import SSAFunction, UnsupportedSyntax, source_grad, ssa
from .s2s.stack_memory import stack_memory
from .teaching import tape_vs_ssa
from .viz import fd_check, plot_fd, plot_fd_error, plot_graph, plot_memory
from .viz.explore import explore
from .viz.filmstrip import sweep_filmstrip


def __getattr__(name):
    """``ad.SweepPlayer`` and ``ad.jacobian_view`` are ipywidgets widgets: ipywidgets (and
    IPython) are imported when one is first asked for, not by ``import adexplorer``."""
    if name == "SweepPlayer":
        from .viz.widgets import SweepPlayer
        return SweepPlayer
    if name in ("jacobian_view", "JacobianView"):
        from .viz import jacobian_view as module
        return getattr(module, name)
    raise AttributeError(f"module 'adexplorer' has no attribute {name!r}")


def __dir__():
    return sorted([*globals(), "SweepPlayer", "jacobian_view", "JacobianView"])


def load_ipython_extension(ipython):
    """``%load_ext adexplorer``: register the ``%%autodiff`` cell magic (IPython is
    imported only now, not by ``import adexplorer``)."""
    from .ipython import load_ipython_extension as load
    load(ipython)

__version__ = "0.1.0"
