"""The AD core never imports Jupyter or plotting (DESIGN: core <- s2s <- viz <- ipython)."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = ("matplotlib", "ipywidgets", "IPython", "networkx", "ipykernel", "jupyter_core")


@pytest.mark.parametrize("statement", [
    "import adexplorer.core",
    "import adexplorer.core as c; c.gradient(lambda x: c.sin(x) * x, 0.5); c.trace(lambda x: x * x, 2.0)",
    "import adexplorer.testing as t, adexplorer.core as c; t.check_grads(c.sin, 0.5)",
])
def test_core_does_not_import_jupyter_or_plotting(statement):
    code = (f"{statement}\n"
            "import sys\n"
            f"print(sorted(m for m in {FORBIDDEN!r} if m in sys.modules))\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]", f"the core imported {result.stdout.strip()}"
