"""Errors of lowering a function to SSA, and the constructs it does not lower."""

from __future__ import annotations

import os

from ..core.errors import ADError


class LoweringError(ADError):
    """A function could not be lowered to SSA."""


class UnsupportedSyntax(LoweringError):
    """A construct ``ad.ssa`` / ``ad.source_grad`` does not lower, with its place in the file."""

    def __init__(self, construct: str, filename: str = "", line: int = 0,
                 source: str = "", hint: str = ""):
        where = f"{os.path.basename(filename)}, line {line}" if line else "the function"
        message = f"ad.ssa does not support {construct} ({where}"
        message += f": {source.strip()})" if source.strip() else ")"
        if hint:
            message += f"; {hint}"
        super().__init__(message)
        self.construct, self.filename, self.line = construct, filename, line


class SourceUnavailable(LoweringError):
    """``inspect.getsource`` cannot find the function's source."""


UNSUPPORTED = {  # node type -> (construct, what to do instead)
    "Try": ("try statements", "ad.gradient (the tape) runs any Python code"),
    "TryStar": ("try statements", "ad.gradient (the tape) runs any Python code"),
    "With": ("with statements", "ad.gradient (the tape) runs any Python code"),
    "AsyncWith": ("async with", ""), "AsyncFor": ("async for", ""), "Await": ("await", ""),
    "AsyncFunctionDef": ("async functions", ""),
    "FunctionDef": ("nested function definitions", "define the function at module level"),
    "ClassDef": ("class definitions", "define the class at module level"),
    "Global": ("global statements", "pass the value as an argument and return results"),
    "Nonlocal": ("nonlocal statements", "pass the value as an argument and return results"),
    "Delete": ("del statements", ""), "Raise": ("raise statements", ""),
    "Assert": ("assert statements", ""), "Import": ("import statements", "import at module level"),
    "ImportFrom": ("import statements", "import at module level"),
    "Match": ("match statements", "use if/elif"),
    "Lambda": ("lambda expressions", "define a function with def"),
    "ListComp": ("list comprehensions", "write a for loop over range(...)"),
    "SetComp": ("set comprehensions", "write a for loop over range(...)"),
    "DictComp": ("dict comprehensions", "write a for loop over range(...)"),
    "GeneratorExp": ("generator expressions", "write a for loop over range(...)"),
    "Yield": ("yield (generator functions)", "return a value instead"),
    "YieldFrom": ("yield from (generator functions)", "return a value instead"),
    "NamedExpr": ("assignment expressions (:=)", "assign on a line of its own"),
    "JoinedStr": ("f-strings", ""), "List": ("list displays", "use a tuple of numbers or an array"),
    "Dict": ("dict displays", ""), "Set": ("set displays", ""),
    "Starred": ("starred expressions", ""),
}
