"""The globals of generated code: every row by name, the runtime helpers, the user's callables.

Rules' texts call rows by their names (``cos``, ``sum_to``, ``shape``), bound here to the
adexplorer row itself; a name already taken is bound under a numbered one
(``seed_2``), and never under a word the generated code uses for its own variables.
"""

from __future__ import annotations

import builtins

from .. import core
from ..core import rules as R
from ..core.primitives import PRIMITIVES
from . import runtime
from .localnames import nfkc
from .plan import CONTROL_WORDS


class Namespace:
    """The globals of generated code: rows by name, the runtime helpers, the user's
    callables and constants (bound under their own names when free)."""

    def __init__(self):
        d = {}                          # the generated code's globals
        for name, row in PRIMITIVES.items():
            if name.isidentifier():
                fast = getattr(core, name, None)
                d[name] = fast if getattr(fast, "primitive", None) is row else row
        for word in CONTROL_WORDS:        # ``stack`` is a loop's list in generated code
            d.pop(word, None)
        d.update(ZERO=runtime.ZERO, seed=runtime.seed, row_vjp=runtime.row_vjp,
                 tape=runtime.tape, in_range=runtime.in_range, shape=R.shape)
        self.globals = d
        self.functions: dict = {}       # user function -> names of its (forward, reverse) pass
        self.locals: set = set()        # every local of generated code (NFKC): bound around

    def __contains__(self, name):
        return name in self.globals

    def names(self):
        """Every name bound."""
        return list(self.globals)

    def bind(self, preferred: str, obj) -> str:
        """Bind ``obj`` under ``preferred`` or, when that means something else or is a
        local, ``preferred_2``, ...; the name used."""
        name, k = preferred, 1
        while name in self.globals and self.globals[name] is not obj or nfkc(name) in self.locals:
            k += 1
            name = f"{preferred}_{k}"
        self.globals[name] = obj
        return name

    def row_name(self, row) -> str:
        """The name generated code calls ``row`` by."""
        if not row.user and self.globals.get(row.name) in (row, getattr(core, row.name, None)):
            return row.name
        base = row.display.split("(")[0] if "(" in row.display else row.name
        return self.bind(base if base.isidentifier() and base not in CONTROL_WORDS
                         else "row", row)

    def reverse_name(self, fn) -> str:
        """The name of the function holding ``fn``'s reverse pass (``backward_f``)."""
        return self.functions[fn][1]

    def dotted(self, text: str, scope_of) -> str:
        """``np.sum`` as it can be written in generated code (its root bound here)."""
        root, _, rest = text.partition(".")
        obj = scope_of(root)
        if self.globals.get(root, obj) is not obj and getattr(builtins, root, None) is obj:
            return self.bind("builtins", builtins) + "." + text     # builtins.max, not max_2
        name = self.bind(root, obj)
        return name + ("." + rest if rest else "")
