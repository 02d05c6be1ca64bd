"""Source to source: a Python function lowered to SSA form, and its adjoint generated as code.

``ssa(f)`` gives the ``SSAFunction`` (blocks, φ nodes; ``print`` it). ``source_grad(f)``
returns a function computing the same tuple as ``ad.gradient(f, *args)`` by running
adjoint code generated from that SSA form (its ``.source``).

The pipeline, one stage per file, in the order ``source_grad`` runs them:

1. ``lower.py``         AST → SSA IR (``ir.py``): blocks, φ nodes, the region tree; with
                        ``source_code.py``, ``expressions.py``, ``loops.py``, ``lambdas.py``,
                        ``resolve.py``
2. ``cleanup.py``       tidies the fresh IR: trivial φs, dead code, unreachable items, numbering
3. ``analysis.py``      loops, activity, liveness, and the Python variable of each value
4. ``plan.py``          every decision the passes follow, kept out of the IR (with
                        ``contributions.py`` per statement and ``regions.py`` for exits)
5. ``forward.py``       the forward pass as Python lines, pushing what loops must save
6. ``reverse.py``       the reverse pass as Python lines, popping it
7. ``assemble.py``      whole functions (``grad_f``, ``forward_g``/``backward_g``), compiled
                        in one ``namespace.py``; ``guards.py`` gives the NumPy-semantics form
8. ``entry.py``         ``source_grad``: the ``AdjointFunction`` users call; ``runtime.py``
                        holds the helpers the generated code calls

``listing.py`` prints the IR (``print(ad.ssa(f))``); ``localnames.py`` gives fresh local
names; ``unsupported.py`` says which syntax is refused.
"""

from .lower import LoweringError, SourceUnavailable, UnsupportedSyntax, ssa
from .ir import SSAFunction
from .entry import AdjointFunction, source_grad

__all__ = ["ssa", "SSAFunction", "source_grad", "AdjointFunction", "LoweringError",
           "SourceUnavailable", "UnsupportedSyntax"]
