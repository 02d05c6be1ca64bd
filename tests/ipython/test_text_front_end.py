"""Without a widget front end (terminal IPython, ``ipython file.ipy``) ``%%autodiff``
prints the text report of ``--static``; inside a kernel it builds widgets."""

import math
import subprocess
import sys
from pathlib import Path

from IPython.utils.capture import capture_output

from adexplorer.ipython.magic import can_show_widgets

ROOT = Path(__file__).resolve().parents[2]
WIDGET = "application/vnd.jupyter.widget-view+json"
D_LOG = 5 * math.cos(math.log(3.0)) / 3.0
V_LOG = 5 * math.sin(math.log(3.0))
CELL = "%%autodiff --at x=3.0\n5*sin(log(x))"
REPORT = ("y1 = log(x)\n  y2 = sin(y1)\n  y3 = 5 * y2",               # f's Wengert list
          "dy1 = 1 / x      # tangent of y1\n  dy2 = cos(y1)    # slope of y2 in y1\n  "
          "dy3 = dy2 * dy1  # tangent of y2\n  dy4 = 5 * dy3    # tangent of y3",  # f''s
          repr(V_LOG), f"∂f/∂x = {D_LOG!r}")


def run(shell, source):
    with capture_output() as out:
        result = shell.run_cell(source)
    assert result.success, (out.stderr, result.error_in_exec)
    return result.result, out


def test_a_terminal_shell_prints_the_text_report_and_builds_no_widget(terminal_shell):
    assert not can_show_widgets(terminal_shell)
    res, out = run(terminal_shell, CELL)
    for block in REPORT:
        assert block in out.stdout
    assert res.widget is None and res.players == []
    assert not out.outputs                          # no pictures shown as "<Image object>"
    assert res._repr_mimebundle_() == {"text/plain": repr(res)}
    assert res.gradient["x"] == D_LOG
    static, static_out = run(terminal_shell, CELL.replace("\n", " --static\n", 1))
    assert static_out.stdout == out.stdout          # the same text as --static


def test_a_terminal_plot_says_why_there_is_no_figure(terminal_shell):
    _, out = run(terminal_shell, "%%autodiff --at x=1.0 --plot 0.5:5\nx*x")
    assert "--plot draws a figure, which a terminal cannot show" in out.stdout
    assert not out.outputs


def test_a_kernel_shell_builds_widgets_and_prints_nothing(shell):
    assert can_show_widgets(shell)
    res, out = run(shell, CELL)
    assert "y1 = log(x)" not in out.stdout and WIDGET in res._repr_mimebundle_()
    assert [p.mode for p in res.players] == ["forward", "reverse"]


def test_ipython_running_a_file_prints_the_report(tmp_path):
    """``ipython --ext adexplorer file.ipy``: a real terminal IPython, no kernel (the
    file is one cell, so the extension is loaded by the option)."""
    script = tmp_path / "lecture.ipy"
    script.write_text(CELL + "\n")
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg",
           "IPYTHONDIR": str(tmp_path / "ipython"), "HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "IPython", "--no-banner",
                           "--ext=adexplorer", str(script)],
                          cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    for block in REPORT:
        assert block in done.stdout
    assert "VBox" not in done.stdout and "Widget" not in done.stdout
    assert "Traceback" not in done.stdout + done.stderr
