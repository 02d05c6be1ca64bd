"""Teaching helpers around the AD library: the talk's examples and side-by-side measurements.

``tape_vs_ssa(f)`` measures the tape of ``f(x, n)`` against its SSA form; ``examples``
keeps the talk's ``pow`` where ``inspect.getsource`` can read it. Nothing in the AD core
or the compiler (``s2s``) imports this package.
"""

from .compare import TapeVsSSA, tape_vs_ssa

__all__ = ["tape_vs_ssa", "TapeVsSSA"]
