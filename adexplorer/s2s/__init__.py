"""Source to source: a Python function lowered to SSA form, and its adjoint generated as code.

``ssa(f)`` gives the ``SSAFunction`` (blocks, φ nodes; ``print`` it). ``source_grad(f)``
returns a function computing the same tuple as ``ad.gradient(f, *args)`` by running
adjoint code generated from that SSA form (its ``.source``).
"""

from .compare import TapeVsSSA, tape_vs_ssa
from .ir import SSAFunction
from .lower import LoweringError, SourceUnavailable, UnsupportedSyntax, ssa

__all__ = ["ssa", "SSAFunction", "tape_vs_ssa", "TapeVsSSA", "LoweringError",
           "SourceUnavailable", "UnsupportedSyntax"]
