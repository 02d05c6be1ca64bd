"""Source to source: a Python function lowered to SSA form, and its adjoint generated as code.

``ssa(f)`` gives the ``SSAFunction`` (blocks, φ nodes; ``print`` it). ``source_grad(f)``
returns a function computing the same tuple as ``ad.gradient(f, *args)`` by running
adjoint code generated from that SSA form (its ``.source``).
"""

from .lower import LoweringError, SourceUnavailable, UnsupportedSyntax, ssa
from .ir import SSAFunction
from .adjoint_function import AdjointFunction, source_grad
from .compare import TapeVsSSA, tape_vs_ssa

__all__ = ["ssa", "SSAFunction", "source_grad", "AdjointFunction", "tape_vs_ssa", "TapeVsSSA",
           "LoweringError", "SourceUnavailable", "UnsupportedSyntax"]
