"""adexplorer's packages form layers, each importing only from the ones below it:
core ← s2s ← teaching ← report ← viz ← ipython ← the command line and the package.
The core's own layers are checked in tests/core/test_import_graph.py; this checks the
packages around it, every import (at the top of a module or inside a function) parsed
from the source."""

import ast
import sys
from pathlib import Path

import adexplorer

PACKAGE = Path(adexplorer.__file__).parent

LAYERS = ["core", "s2s", "teaching", "report", "viz", "ipython",
          "testing", "exercises", "cli", "__main__", "__init__"]   # exercises use check_grads

# Imports that go up on purpose, each with its reason.
ALLOWED = {
    # a %%autodiff cell may use `ad.` without importing it: the cell's namespace holds
    # the package, looked up when a cell is built
    ("report/cell.py", "__init__"),
}


def _part(module: str) -> str:
    """The layer of a module inside the package: ``adexplorer.viz.graph`` -> ``viz``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _imports(path: Path):
    here = ["adexplorer"] + list(path.relative_to(PACKAGE).with_suffix("").parts)
    if path.name == "__init__.py":
        here = here[:-1] + ["__init__"]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "adexplorer":
                    yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                if node.module and node.module.split(".")[0] == "adexplorer":
                    yield node.lineno, node.module
                continue
            base = here[:-node.level]
            if node.module:
                yield node.lineno, ".".join(base + [node.module])
            else:                                  # from .. import core
                for alias in node.names:
                    yield node.lineno, ".".join(base + [alias.name])


def _upward_imports():
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        own = relative.split("/")[0].removesuffix(".py")
        for line, target in _imports(path):
            other = _part(target)
            if other == own or (relative, other) in ALLOWED:
                continue
            if LAYERS.index(other) > LAYERS.index(own):
                found.append(f"{relative}:{line} imports {target} ({other} is above {own})")
    return found


def test_every_package_and_top_level_module_has_a_layer():
    on_disk = {p.name.removesuffix(".py") for p in PACKAGE.iterdir()
               if (p.is_dir() and (p / "__init__.py").exists()) or p.suffix == ".py"}
    assert on_disk == set(LAYERS)


def test_no_package_imports_a_higher_one():
    assert _upward_imports() == []


def test_the_check_sees_an_upward_import(tmp_path, monkeypatch):
    """The scan itself: an import of viz from the core, written inside a function, is found."""
    fake = tmp_path / "adexplorer"
    (fake / "core").mkdir(parents=True)
    (fake / "__init__.py").write_text("")
    (fake / "core" / "__init__.py").write_text("")
    (fake / "core" / "bad.py").write_text("def f():\n    from ..viz import graph\n")
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", fake)
    assert _upward_imports() == ["core/bad.py:2 imports adexplorer.viz (viz is above core)"]
