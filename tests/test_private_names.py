"""A name with a leading underscore belongs to its module: no other adexplorer module
imports it. A name another module needs is made public where it lives, so a reader of
that module sees what others depend on. Every module is parsed with ``ast``, so imports
inside functions count too; dunder names (``__version__``) are not private."""

import ast
from pathlib import Path

import adexplorer

PACKAGE = Path(adexplorer.__file__).parent


def _is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _from_adexplorer(node: ast.ImportFrom) -> bool:
    """A relative import, or an absolute one of an adexplorer module."""
    if node.level:
        return True
    return bool(node.module) and node.module.split(".")[0] == "adexplorer"


def private_imports(source: str) -> list:
    """``(line, module, name)`` for each private name imported from an adexplorer module."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and _from_adexplorer(node):
            module = "." * node.level + (node.module or "")
            found += [(node.lineno, module, alias.name)
                      for alias in node.names if _is_private(alias.name)]
    return found


def test_no_module_imports_another_modules_private_names():
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        found += [f"{relative}:{line}: from {module} import {name}"
                  for line, module, name in private_imports(path.read_text(encoding="utf-8"))]
    assert not found, ("private names imported from another module; make them public "
                       "where they live:\n" + "\n".join(found))


def test_the_check_sees_every_form_of_import():
    source = ("from __future__ import annotations\n"
              "from .expressions import Expressions, _op_text\n"
              "from adexplorer.viz.jacobian_grid import _mode as mode\n"
              "from . import memory as _memory, __version__\n"
              "def f():\n"
              "    from ..core import _inner\n"
              "from numpy import _private_to_numpy\n")
    assert private_imports(source) == [(2, ".expressions", "_op_text"),
                                       (3, "adexplorer.viz.jacobian_grid", "_mode"),
                                       (6, "..core", "_inner")]
