"""``adexplorer explain`` through subprocess: text output, and one line on stderr with a
non-zero exit status for every kind of bad input."""

import math
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BAR = "\u0304"
POW = """def pow(x, n):
    r = 1
    while n > 0:
        n -= 1
        r *= x
    return r


def half(x):
    return 1 / (x - 1)


def rough(x):
    import math
    return math.sin(x)
"""


def entry_point() -> list:
    """The console script as pyproject declares it (run through this interpreter, so
    the test does not depend on the package being installed)."""
    spec = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    module, func = spec["adexplorer"].split(":")
    return [sys.executable, "-c", f"import sys, {module} as m; sys.exit(m.{func}())"]


COMMANDS = {"python -m adexplorer": [sys.executable, "-m", "adexplorer"],
            "console script": entry_point()}
if shutil.which("adexplorer"):                        # installed (CI: pip install -e .)
    COMMANDS["installed adexplorer"] = [shutil.which("adexplorer")]


def run(*args, command="python -m adexplorer", cwd=ROOT):
    return subprocess.run(COMMANDS[command] + list(args), cwd=cwd, capture_output=True,
                          text=True, timeout=120)


@pytest.fixture(scope="module")
def powfile(tmp_path_factory):
    path = tmp_path_factory.mktemp("src") / "powmod.py"
    path.write_text(POW)
    return str(path)


@pytest.mark.parametrize("command", list(COMMANDS))
def test_explain_the_talks_example(command):
    out = run("explain", "5*sin(log(x))", "--at", "x=3", command=command)
    assert out.returncode == 0 and out.stderr == ""
    text = out.stdout
    assert text.startswith("f(x) = 5*sin(log(x))   at x = 3\n")
    assert f"value: {5 * math.sin(math.log(3))!r}" in text
    d = 5 * math.cos(math.log(3)) / 3
    assert f"∂f/∂x = {d!r}" in text and f"df/dx = {d!r}" in text
    assert "Wengert list of f:\n  y1 = log(x)\n  y2 = sin(y1)\n  y3 = 5 * y2\n" in text
    assert ("Wengert list of f' (forward mode, d/dx):\n"
            "  dy1 = 1 / x      # tangent of y1\n  dy2 = cos(y1)    # slope of y2 in y1\n"
            "  dy3 = dy2 * dy1  # tangent of y2\n  dy4 = 5 * dy3    # tangent of y3\n") in text
    assert (f"adjoint list (reverse mode):\n  y{BAR}3 = 1\n  y{BAR}2 = y{BAR}3 * 5\n"
            f"  y{BAR}1 = y{BAR}2 * cos(y1)\n  x{BAR} = y{BAR}1 * (1 / x)\n") in text
    assert "finite-difference check:" in text and "central" in text
    assert run("explain", "5*sin(log(x))", "--at", "x=3", command=command).stdout == text


def test_modes_choose_the_lists():
    forward = run("explain", "x*y", "--at", "x=2", "y=3", "--mode", "forward").stdout
    reverse = run("explain", "x*y", "--at", "x=2,y=3", "--mode", "reverse").stdout
    assert "Wengert list of f' (forward mode, d/dx)" in forward and "adjoint list" not in forward
    assert "adjoint list" in reverse and "forward mode, d/dx" not in reverse
    assert "df/dx = 3" in forward and "∂f/∂y = 2" in reverse
    # --mode forward leads with forward mode: no reverse-mode headline, no reverse FD row
    assert "derivatives by forward mode (dual numbers):\n  df/dx = 3\n  df/dy = 2" in forward
    assert "reverse mode" not in forward and "∂" not in forward
    assert "forward mode" not in reverse.split("Wengert list")[0]


def test_wrt_and_arrays():
    out = run("explain", "np.sum(w * w) * c", "--at", "w=[1.0, -2.0]", "c=3.0", "--wrt", "w")
    assert out.returncode == 0, out.stderr
    assert "∂f/∂w = [  6., -12.]" in out.stdout and "c = 3.0 fixed" in out.stdout


def test_a_function_from_a_file_with_its_ssa(powfile):
    out = run("explain", f"{powfile}:pow", "--at", "x=2,n=5", "--ssa")
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("pow(x, n)   at x = 2, n = 5\n")
    assert "∂pow/∂x = 80\n" in out.stdout
    assert "∂pow/∂n = None: only used in comparisons or control flow" in out.stdout
    assert "SSA form:\n  pow(x = %1, n = %2)" in out.stdout and "φ" in out.stdout
    assert "generated adjoint code:\n  def grad_pow(x, n):" in out.stdout


def test_ssa_of_another_function(powfile):
    out = run("explain", "x*x", "--at", "x=2", "--ssa", f"{powfile}:pow")
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("f(x) = x*x") and "def grad_pow(x, n):" in out.stdout


def test_steps():
    out = run("explain", "x*w + sin(x)", "--at", "x=3,w=2", "--steps", "--mode", "reverse")
    assert "reverse sweep, step by step:" in out.stdout
    assert f"x{BAR} += y{BAR}1 * w" in out.stdout


BAD = {
    "syntax error": (["explain", "5*sin(log(x)", "--at", "x=3"],
                     "syntax error in the expression, line 1"),
    "undefined name": (["explain", "5*z", "--at", "x=3"], "undefined name 'z'"),
    "no point": (["explain", "5*x"], "undefined name 'x'"),
    "malformed --at": (["explain", "5*x", "--at", "x=3.0.1"], "is not a Python literal"),
    "bad --mode": (["explain", "x", "--at", "x=1", "--mode", "up"], "invalid choice: 'up'"),
    "unknown option": (["explain", "x", "--at", "x=1", "--fast"], "unrecognized arguments"),
    "no command": ([], "give a command"),
    "unknown command": (["draw", "x"], "invalid choice: 'draw'"),
    "non-differentiable op": (["explain", "np.spacing(x)", "--at", "x=2.5"],
                              "np.spacing has no derivative rule"),
    "division by zero": (["explain", "1/x", "--at", "x=0"],
                         "ZeroDivisionError: division by zero (line 1: 1/x)"),
    "math domain error": (["explain", "log(x)", "--at", "x=-1.0"],
                          "ValueError: math domain error (line 1: log(x))"),
    "missing file": (["explain", "x", "--at", "x=1", "--ssa", "nowhere.py:f"],
                     "nowhere.py: no such file"),
    "bad --ssa spec": (["explain", "x", "--at", "x=1", "--ssa", "pow"], "expected FILE.py:FUNC"),
    "--wrt unknown": (["explain", "x", "--at", "x=1", "--wrt", "y"], "--wrt y"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_input_is_one_line_on_stderr(case):
    args, message = BAD[case]
    out = run(*args)
    assert out.returncode != 0
    assert out.stdout == ""
    assert out.stderr.count("\n") == 1 and out.stderr.startswith("adexplorer: error: ")
    assert message in out.stderr and "Traceback" not in out.stderr


def test_errors_in_a_file_name_the_file_and_line(powfile):
    out = run("explain", f"{powfile}:half", "--at", "x=1.0")
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert out.stderr == ("adexplorer: error: ZeroDivisionError: float division by zero "
                          "(powmod.py, line 10: return 1 / (x - 1))\n")
    out = run("explain", f"{powfile}:rough", "--at", "x=1.0")
    assert out.returncode == 1 and "math.sin" in out.stderr and "ad.sin" in out.stderr
    out = run("explain", f"{powfile}:nothing", "--at", "x=1.0")
    assert out.returncode == 1 and "defines no function nothing" in out.stderr


# ---------------------------------------------------------------------------
# Bugs a user met in the terminal and notebook views: each test guards one


@pytest.mark.parametrize("command", list(COMMANDS))
def test_prints_under_a_narrow_stdout_encoding(command):
    """B3: a cp1252 stdout (Windows, a redirected stream) cannot encode ∂, the combining
    bar of ȳ or φ; explain still prints everything, with ASCII spellings for those."""
    env = dict(os.environ, PYTHONIOENCODING="cp1252")
    out = subprocess.run(COMMANDS[command] + ["explain", "5*sin(log(x))", "--at", "x=3"],
                         cwd=ROOT, capture_output=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    text = out.stdout.decode("cp1252")
    d = 5 * math.cos(math.log(3)) / 3
    assert f"df/dx = {d!r}" in text
    assert "ybar2 = ybar3 * 5" in text and "xbar = ybar1 * (1 / x)" in text
    assert "dy4 = 5 * dy3" in text and out.stderr == b""
    bad = subprocess.run(COMMANDS[command] + ["explain", "5*z", "--at", "x=3"], cwd=ROOT,
                         capture_output=True, env=env, timeout=120)
    assert bad.returncode == 1 and bad.stderr.decode("cp1252").startswith("adexplorer: error:")


def test_a_missing_file_says_so():
    """M4: nofile.py:pow is a file that is not there, not a malformed expression."""
    out = run("explain", "nofile.py:pow", "--at", "x=2")
    assert out.returncode == 1
    assert out.stderr == "adexplorer: error: nofile.py: no such file\n"


def test_ssa_file_before_the_target_is_the_target(powfile):
    """M4: 'explain --ssa pow.py:pow --at ...' means: explain that pow, with its SSA."""
    out = run("explain", "--ssa", f"{powfile}:pow", "--at", "x=2,n=5")
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("pow(x, n)   at x = 2, n = 5\n")
    assert "∂pow/∂x = 80\n" in out.stdout and "def grad_pow(x, n):" in out.stdout
    out = run("explain", "--at", "x=2")
    assert out.returncode == 2 and "give what to explain" in out.stderr


def test_an_expression_calls_the_ssa_files_function(powfile):
    """M4: "pow(x, 5)" with --ssa file.py:pow traces the file's pow (a while loop: five
    multiplications by x, r starting at 1), not Python's builtin pow (one x ** 5)."""
    out = run("explain", "pow(x, 5)", "--at", "x=2", "--ssa", f"{powfile}:pow")
    assert out.returncode == 0, out.stderr
    listing = out.stdout.split("Wengert list of f:\n")[1].split("\n\n")[0]
    assert "**" not in listing and listing.count("* x") == 5
    assert "∂f/∂x = 80\n" in out.stdout and "def grad_pow(x, n):" in out.stdout


def test_no_forward_list_for_a_loop_counter(powfile):
    """M5: n only steers the loop: no 'd/dn' list of tangent arithmetic, but a sentence."""
    out = run("explain", f"{powfile}:pow", "--at", "x=2,n=5")
    assert out.returncode == 0, out.stderr
    assert ("Wengert list of pow' (forward mode, d/dn): none, pow does not depend on n"
            in out.stdout)
    assert "nothing to check: the gradient is None" in out.stdout
    assert "see why" not in out.stdout


def test_steps_show_the_running_total(powfile):
    """M2: x̄ of pow at x = 2, n = 5 gets 16 five times; the table shows it reach 80."""
    out = run("explain", f"{powfile}:pow", "--at", "x=2,n=5", "--wrt", "x", "--steps",
              "--mode", "reverse")
    sweep = out.stdout.split("reverse sweep, step by step:")[1]
    assert "64 + 16 → 80" in sweep


def test_a_nan_value_gets_a_note():
    """M11: np.log at -1 is nan; its derivative by the 1/x rule, -1, means nothing here.
    (log(x) on a Python float raises as math.log does; np.log keeps NumPy's nan.)"""
    out = run("explain", "np.log(x)", "--at", "x=-1.0")
    assert out.returncode == 0, out.stderr
    assert "note: f is nan at this point" in out.stdout and out.stderr == ""
