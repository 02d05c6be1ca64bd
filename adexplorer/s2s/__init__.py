"""Source to source: a Python function lowered to SSA form, and its adjoint generated as code.

``ssa(f)`` gives the ``SSAFunction`` (blocks, φ nodes; ``print`` it). ``source_grad(f)``
returns a function computing the same tuple as ``ad.gradient(f, *args)`` by running
adjoint code generated from that SSA form (its ``.source``).
"""

from .lower import LoweringError, SourceUnavailable, UnsupportedSyntax, ssa
from .ir import SSAFunction
from .entry import AdjointFunction, source_grad

__all__ = ["ssa", "SSAFunction", "source_grad", "AdjointFunction", "LoweringError",
           "SourceUnavailable", "UnsupportedSyntax"]


def __getattr__(name):
    """``tape_vs_ssa`` moved to ``adexplorer.teaching`` (a teaching helper, not part of
    the compiler); it is still found here when asked for."""
    if name in ("tape_vs_ssa", "TapeVsSSA"):
        from .. import teaching
        return getattr(teaching, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
