"""Build the tutorial notebooks from their cell sources, and execute them.

Each ``tools/notebooks/NN_name.py`` holds one notebook in the "percent" format (the one
jupytext reads): a line ``# %%`` starts a code cell, ``# %% [markdown]`` a markdown cell
whose lines are comments, and ``# %% tags=["nbval-ignore-output"]`` gives a cell tags.
A cell tagged ``exercise-solution`` is stored collapsed (``"jupyter": {"source_hidden":
true}``): students see an exercise's solution only when they open it.

    python tools/notebooks/build.py              # write and execute every notebook
    python tools/notebooks/build.py 02 03        # only the notebooks starting with 02, 03
    python tools/notebooks/build.py --no-execute # write them without outputs
    python tools/notebooks/build.py --check      # do notebooks/*.ipynb match the sources?
    python tools/notebooks/build.py 05 --allow-errors   # while writing: run past errors

Executing runs ``jupyter nbconvert --execute --inplace`` without widget state and without
timing metadata, with the kernel started in notebooks/ and this checkout importable, so a
rebuild changes a notebook only where its code or its outputs changed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[2]
SOURCES = Path(__file__).resolve().parent
NOTEBOOKS = ROOT / "notebooks"
IGNORE_OUTPUT = "nbval-ignore-output"
SOLUTION = "exercise-solution"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"

_MARKER = re.compile(r"^# %%(?P<markdown> \[markdown\])?(?: tags=(?P<tags>\[.*\]))?\s*$")
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
LANGUAGE_INFO = {"codemirror_mode": {"name": "ipython", "version": 3},
                 "file_extension": ".py", "mimetype": "text/x-python", "name": "python",
                 "nbconvert_exporter": "python", "pygments_lexer": "ipython3"}


def source_files(prefixes=()) -> list[Path]:
    """The notebook sources, in order; only those starting with one of ``prefixes``."""
    files = sorted(p for p in SOURCES.glob("[0-9][0-9]_*.py"))
    if prefixes:
        files = [p for p in files if p.name.startswith(tuple(prefixes))]
    return files


def parse_cells(text: str, name: str = "<source>") -> list[dict]:
    """Cells of a percent-format source: dicts with ``cell_type``, ``source``, ``tags``."""
    cells: list[dict] = []
    current = None
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("# %%"):
            m = _MARKER.match(line)
            if m is None:
                raise ValueError(f"{name}:{number}: malformed cell marker {line!r}; use "
                                 f"'# %%', '# %% [markdown]' or '# %% tags=[\"...\"]'")
            current = {"cell_type": "markdown" if m["markdown"] else "code",
                       "lines": [], "tags": json.loads(m["tags"]) if m["tags"] else []}
            cells.append(current)
        elif current is None:
            if line.strip() and not line.startswith("#"):
                raise ValueError(f"{name}:{number}: text before the first '# %%' marker")
        else:
            current["lines"].append(line)
    out = []
    for cell in cells:
        lines = cell["lines"]
        if cell["cell_type"] == "markdown":
            bad = [ln for ln in lines if ln.strip() and not (ln == "#" or ln.startswith("# "))]
            if bad:
                raise ValueError(f"{name}: markdown lines must start with '# ': {bad[0]!r}")
            lines = [ln[2:] if ln.startswith("# ") else "" for ln in lines]
        if cell["cell_type"] == "code" and any(ln.startswith("# #") for ln in lines):
            raise ValueError(f"{name}: a markdown heading inside a code cell; is a "
                             f"'# %% [markdown]' marker missing before it?")
        while lines and not lines[-1].strip():
            lines = lines[:-1]
        while lines and not lines[0].strip():
            lines = lines[1:]
        out.append({"cell_type": cell["cell_type"], "source": "\n".join(lines),
                    "tags": cell["tags"]})
    return out


def notebook_path(source: Path) -> Path:
    return NOTEBOOKS / (source.stem + ".ipynb")


def make_notebook(cells: list[dict], stem: str):
    """A v4 notebook without outputs; cell ids are fixed (``<stem>-<k>``) so that a
    rebuild does not change them."""
    nb = nbformat.v4.new_notebook()
    nb.metadata = {"kernelspec": dict(KERNELSPEC), "language_info": dict(LANGUAGE_INFO)}
    short = stem.split("_")[0]
    for k, cell in enumerate(cells):
        make = nbformat.v4.new_markdown_cell if cell["cell_type"] == "markdown" \
            else nbformat.v4.new_code_cell
        c = make(cell["source"])
        c.id = f"nb{short}-{k:02d}"
        if cell["tags"]:
            c.metadata["tags"] = list(cell["tags"])
        if SOLUTION in cell["tags"]:
            c.metadata["jupyter"] = {"source_hidden": True}
        nb.cells.append(c)
    return nb


def tidy(path: Path) -> None:
    """After execution: drop widget state, timing and version details from metadata, and
    blank the model ids of widget views. Their models are not stored, so an id would only
    change on every build and make JupyterLab show "model not found" before the cell is
    re-run; with an empty id it shows nothing until then."""
    nb = nbformat.read(path, as_version=4)
    nb.metadata = {"kernelspec": dict(KERNELSPEC), "language_info": dict(LANGUAGE_INFO)}
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        for output in cell.get("outputs", []):
            view = output.get("data", {}).get(WIDGET_VIEW)
            if view is not None:
                view["model_id"] = ""
    nbformat.write(nb, path)


def execute(path: Path, allow_errors: bool = False) -> None:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    subprocess.run(
        [sys.executable, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute",
         "--inplace", "--ExecutePreprocessor.store_widget_state=False",
         "--ExecutePreprocessor.record_timing=False",
         "--ExecutePreprocessor.timeout=300", "--ExecutePreprocessor.kernel_name=python3",
         *(["--allow-errors"] if allow_errors else []), str(path)],
        cwd=path.parent, env=env, check=True)
    tidy(path)


def drift(source: Path) -> list[str]:
    """Differences between a source and its committed notebook (cells, text, tags)."""
    path = notebook_path(source)
    if not path.exists():
        return [f"{path.name} is missing; run tools/notebooks/build.py {source.stem[:2]}"]
    want = parse_cells(source.read_text(encoding="utf-8"), source.name)
    have = nbformat.read(path, as_version=4).cells
    problems = []
    if len(want) != len(have):
        problems.append(f"{path.name}: {len(have)} cells, the source has {len(want)}")
    for k, (w, h) in enumerate(zip(want, have)):
        tags = list(h.get("metadata", {}).get("tags", []))
        if (w["cell_type"], w["source"], w["tags"]) != (h.cell_type, h.source, tags):
            problems.append(f"{path.name}: cell {k} differs from {source.name}")
        hidden = h.get("metadata", {}).get("jupyter", {}).get("source_hidden", False)
        if hidden != (SOLUTION in w["tags"]):
            problems.append(f"{path.name}: cell {k} should {'' if not hidden else 'not '}"
                            f"be collapsed")
    return problems


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("only", nargs="*", help="notebook number prefixes, e.g. 02 03")
    parser.add_argument("--no-execute", action="store_true", help="write without outputs")
    parser.add_argument("--allow-errors", action="store_true",
                        help="keep going past a failing cell (while writing a notebook)")
    parser.add_argument("--check", action="store_true",
                        help="only compare notebooks/*.ipynb with their sources")
    args = parser.parse_args(argv)
    sources = source_files(args.only)
    if not sources:
        parser.error(f"no notebook sources match {args.only}")
    if args.check:
        problems = [p for s in sources for p in drift(s)]
        print("\n".join(problems) if problems else f"{len(sources)} notebooks match")
        return 1 if problems else 0
    NOTEBOOKS.mkdir(exist_ok=True)
    for source in sources:
        path = notebook_path(source)
        nb = make_notebook(parse_cells(source.read_text(encoding="utf-8"), source.name),
                           source.stem)
        if args.no_execute:
            nbformat.write(nb, path)
            continue
        # Execute a hidden copy next to the notebook (same working directory), and replace
        # the notebook only when that succeeded.
        work = path.with_name(f".{path.stem}.building.ipynb")
        nbformat.write(nb, work)
        print(f"executing {path.relative_to(ROOT)}", flush=True)
        try:
            execute(work, args.allow_errors)
            os.replace(work, path)
        finally:
            work.unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
