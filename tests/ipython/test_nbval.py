"""%%autodiff in a notebook checked by nbval, as the tutorials are: a ``--static`` cell's
text is compared (and a changed number is caught); a widget cell passes when tagged
``nbval-ignore-output`` (nothing is printed into Output widgets)."""

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
CELLS = [
    ("%load_ext adexplorer", []),
    ("%%autodiff --at x=3.0 --static\n5*sin(log(x))", []),
    ("%%autodiff --at x=3.0\n5*sin(log(x))", ["nbval-ignore-output"]),
    ("print(_.gradient['x'])", []),
]


def kernel_env():
    return dict(os.environ, PYTHONPATH=os.pathsep.join(
        p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p), MPLBACKEND="Agg")


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """The notebook executed by nbclient, with its outputs stored as a committed one."""
    from nbclient import NotebookClient
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    for source, tags in CELLS:
        cell = nbformat.v4.new_code_cell(source)
        if tags:
            cell.metadata["tags"] = tags
        nb.cells.append(cell)
    folder = tmp_path_factory.mktemp("nb")
    old = dict(os.environ)
    os.environ.update(kernel_env())               # the kernel inherits this environment
    try:
        NotebookClient(nb, timeout=120, kernel_name="python3",
                       resources={"metadata": {"path": str(folder)}}).execute()
    finally:
        os.environ.clear()
        os.environ.update(old)
    return nb, folder


def nbval(path: Path):
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "--nbval", "--nbval-current-env", str(path)],
                          cwd=path.parent, env=kernel_env(), capture_output=True, text=True,
                          timeout=300)


def test_static_and_widget_cells_pass_nbval(executed):
    nb, folder = executed
    static = nb.cells[1].outputs
    assert static[0]["name"] == "stdout" and "y1 = log(x)" in static[0]["text"]
    assert all(o["output_type"] == "display_data" and "image/png" in o["data"]
               for o in static[1:-1])
    assert nb.cells[3].outputs[0]["text"] == "0.7580540380443495\n"
    path = folder / "good.ipynb"
    nbformat.write(nb, path)
    result = nbval(path)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "4 passed" in result.stdout


def test_nbval_catches_a_changed_number_in_the_static_text(executed):
    nb, folder = executed
    changed = nbformat.from_dict(nb)
    text = changed.cells[1].outputs[0]["text"]
    assert "0.7580540380443495" in text
    changed.cells[1].outputs[0]["text"] = text.replace("0.7580540380443495",
                                                       "0.7580540380443496", 1)
    path = folder / "changed.ipynb"
    nbformat.write(changed, path)
    result = nbval(path)
    assert result.returncode != 0 and "1 failed" in result.stdout


def test_a_widget_cell_has_one_output_the_box(executed):
    """The box was displayed and then the result printed again under it
    as Out[n]; now the result is the box, shown once, with the text report as text."""
    nb, _ = executed
    outputs = nb.cells[2].outputs
    assert len(outputs) == 1 and outputs[0]["output_type"] == "execute_result"
    data = outputs[0]["data"]
    assert "application/vnd.jupyter.widget-view+json" in data
    assert "4.45288" in data["text/plain"] and "y2 = sin(y1)" in data["text/plain"]
