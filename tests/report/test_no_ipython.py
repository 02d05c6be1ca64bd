"""The report, the cell parsing and the option parsing are shared by the terminal and the
magic, so importing them (and running the terminal's explain) never imports IPython."""

import subprocess
import sys


def test_the_report_package_and_the_cli_import_no_ipython():
    code = ("import sys, adexplorer.report, adexplorer.report.cell, "
            "adexplorer.report.options, adexplorer.cli\n"
            "from adexplorer.cli import main\n"
            "main(['explain', '5*sin(log(x))', '--at', 'x=3'])\n"
            "loaded = sorted(m for m in sys.modules if m.split('.')[0] in "
            "('IPython', 'ipywidgets', 'ipykernel'))\n"
            "print('LOADED', loaded)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert "0.758054" in out.stdout                   # 5 cos(log 3) / 3, the talk's number
    assert out.stdout.strip().splitlines()[-1] == "LOADED []"
