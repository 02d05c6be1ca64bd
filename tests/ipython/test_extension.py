"""``import adexplorer`` stays light; ``%load_ext adexplorer`` registers ``%%autodiff``."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_import_adexplorer_imports_no_jupyter_or_plotting():
    """The widgets (ad.SweepPlayer is an ipywidgets class) load when first asked for."""
    code = ("import sys, adexplorer as ad\n"
            "assert ad.explore and ad.load_ipython_extension and 'SweepPlayer' in dir(ad)\n"
            "print(sorted(m for m in ('IPython', 'ipywidgets', 'matplotlib', 'ipykernel')"
            " if m in sys.modules))\n"
            "import ipywidgets\n"
            "assert issubclass(ad.SweepPlayer, ipywidgets.Widget)\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_load_ext_registers_the_cell_magic(shell):
    assert "autodiff" in shell.magics_manager.magics["cell"]
    result = shell.run_cell("%load_ext adexplorer")           # again: harmless
    assert result.success
