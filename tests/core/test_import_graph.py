"""The core is layered: every module imports only from its own layer or the ones below.

The layers are listed here, bottom first (docs/architecture.md draws the same picture).
Imports are read with ``ast`` from the source, at the top of a module and inside
functions alike, so a cycle cannot hide in a function body.
"""

import ast
import math
from pathlib import Path

import adexplorer as ad
from adexplorer.core import errors

PACKAGE = Path(ad.__file__).parent

# The core's layers, bottom first.
LAYERS = [
    ("foundation", ["errors", "names", "values", "memory"]),
    ("table", ["primitives", "levels"]),
    ("arguments", ["trees", "keywords"]),
    ("rows", ["rules", "rules_numpy", "rules_scans", "rules_matrix", "rules_decompositions",
              "rules_elementwise", "rules_special", "rules_reductions", "rules_shapes",
              "rules_products", "rules_linalg"]),
    ("numpy", ["arrays", "numpy_dispatch", "operator_table"]),
    ("values", ["operators", "symbolic", "calls"]),
    ("modes", ["tracing", "fastpaths", "forward", "gradients", "backprop", "reverse"]),
    ("transforms", ["custom", "jacobians", "checkpoint"]),
    ("views", ["wengert", "sweeps", "explain", "views", "tape_memory"]),
    ("package", ["__init__"]),
]
LAYER_OF = {module: k for k, (_, modules) in enumerate(LAYERS) for module in modules}

# What the modules beside the core may import from the rest of adexplorer.
MAY_IMPORT = {"core": set(), "testing": {"core"}}


def module_name(path: Path) -> str:
    parts = ("adexplorer",) + path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_module(name: str) -> bool:
    relative = Path(*name.split(".")[1:])
    return (PACKAGE / relative).with_suffix(".py").exists() or \
        (PACKAGE / relative / "__init__.py").exists()


def imports(source: str, name: str, is_package: bool = False) -> list[tuple[int, str]]:
    """``(line, module)`` for every adexplorer module that ``source`` (the module
    ``name``) imports, anywhere in its text."""
    package = name if is_package else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[:len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module
            targets = [f"{target}.{alias.name}" for alias in node.names]
            targets = [t if is_module(t) else target for t in targets]
            found += [(node.lineno, t) for t in dict.fromkeys(targets)]
    return [(line, t) for line, t in found if t == "adexplorer" or t.startswith("adexplorer.")]


def package_imports():
    """``(module, line, imported module)`` for every module of the package."""
    for path in sorted(PACKAGE.rglob("*.py")):
        name = module_name(path)
        for line, target in imports(path.read_text(), name, path.name == "__init__.py"):
            yield name, line, target


def core_module(name: str) -> str | None:
    if name == "adexplorer.core":
        return "__init__"
    if name.startswith("adexplorer.core."):
        return name.split(".")[2]
    return None


def subpackage(name: str) -> str:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def upward(edges) -> list[str]:
    """The core imports that reach a higher layer."""
    return [f"{module}:{line} imports {target} ({LAYERS[LAYER_OF[core_module(target)]][0]} "
            f"is above {LAYERS[LAYER_OF[core_module(module)]][0]})"
            for module, line, target in edges
            if core_module(module) is not None and core_module(target) is not None
            and LAYER_OF[core_module(target)] > LAYER_OF[core_module(module)]]


def test_every_core_module_has_a_layer():
    on_disk = {p.stem for p in (PACKAGE / "core").glob("*.py")}
    assert on_disk == set(LAYER_OF), "add the new module to LAYERS (and docs/architecture.md)"


def test_no_core_module_imports_a_higher_layer():
    assert upward(package_imports()) == []


def test_an_import_inside_a_function_counts():
    # the checker on a made-up module: a rules row reaching up into reverse mode
    source = "def rule(g):\n    from .reverse import backprop\n    return backprop\n"
    edges = [("adexplorer.core.rules", line, target)
             for line, target in imports(source, "adexplorer.core.rules")]
    assert edges == [("adexplorer.core.rules", 2, "adexplorer.core.reverse")]
    assert len(upward(edges)) == 1


def test_the_core_imports_nothing_outside_it():
    outside = [f"{module}:{line} imports {target}" for module, line, target in package_imports()
               if core_module(module) is not None and core_module(target) is None]
    assert outside == []


def test_errors_imports_nothing_of_the_package():
    assert imports((PACKAGE / "core" / "errors.py").read_text(), "adexplorer.core.errors") == []


def test_testing_imports_only_the_core():
    wrong = [f"{module}:{line} imports {target}" for module, line, target in package_imports()
             if subpackage(module) in MAY_IMPORT and subpackage(target) != subpackage(module)
             and subpackage(target) not in MAY_IMPORT[subpackage(module)]]
    assert wrong == []


def test_errors_knows_which_math_functions_adexplorer_covers():
    # errors.py cannot ask the package, so it keeps a list; it must match the package
    covered = {fn for fn in dir(math)
               if callable(getattr(ad, errors._NUMPY_NAMES.get(fn, fn), None))}
    assert covered == errors.MATH_FUNCTIONS
