"""The local names of one generated function, none of which can change what the user wrote.

A generated function holds the user's variables (``r``, ``x``), temporaries (``y1``, or
``v1`` when an argument is called ``y``), later versions (``r2``), adjoints (``x̄``) and
bookkeeping (``stack``, ``count``, ``saved_y3``). ``LocalNames`` gives every one of them
a name that differs, after Python's NFKC normalisation of identifiers (``a`` + U+0304 is
``ā``), from every other local, from every name the user's function reads or writes
(parameters, locals, globals, builtins) and from the namespace the code runs in. A user's
local variable keeps its own name (the first value of it that needs a variable).
"""

from __future__ import annotations

import unicodedata

from ..core import names


def nfkc(name: str) -> str:
    """The identifier Python sees: ``ā`` typed as a + combining macron is U+0101."""
    return unicodedata.normalize("NFKC", name)


class LocalNames:
    """Fresh local names for one generated function."""

    def __init__(self, user_names, user_locals, namespace):
        self.taken = {nfkc(n) for n in user_names} | {nfkc(n) for n in namespace.names()}
        self.own = {nfkc(n) for n in user_locals} - {nfkc(n) for n in namespace.names()}
        self.namespace = namespace
        self.given: list[str] = []

    def _take(self, name: str) -> str:
        self.taken.add(nfkc(name))
        self.own.discard(nfkc(name))
        self.given.append(name)
        self.namespace.locals.add(nfkc(name))   # later globals are bound around it
        return name

    def free(self, name: str) -> bool:
        """Is ``name`` still free (as Python compares identifiers)?"""
        return nfkc(name) not in self.taken

    def user(self, base: str) -> str:
        """The user's variable ``base`` under its own name if still free, else a version."""
        if nfkc(base) in self.own:
            return self._take(base)
        return self.version(base)

    def version(self, base: str) -> str:
        """``base`` itself if nobody uses it, else ``base2``, ``base3`` (``y1_2``)."""
        name, k = base, 1
        while not self.free(name):
            k += 1
            name = names.version(base, k)
        return self._take(name)

    def numbered(self, make) -> str:
        """The first free ``make(k)`` for k = 1, 2, ... (``y1``, ``stack``, ``stack2``)."""
        k = 1
        while not self.free(make(k)):
            k += 1
        return self._take(make(k))


__all__ = ["LocalNames", "nfkc"]
