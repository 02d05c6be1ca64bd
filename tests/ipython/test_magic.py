"""%%autodiff through a real IPython InteractiveShell: every option, every kind of bad
input (one UsageError line, no traceback, the namespace left as it was)."""

import math

import numpy as np
import pytest
from IPython.core.error import UsageError
from IPython.utils.capture import capture_output

from adexplorer.ipython.magic import AutodiffMagics, AutodiffResult

WIDGET = "application/vnd.jupyter.widget-view+json"
D_LOG = 5 * math.cos(math.log(3.0)) / 3.0          # d/dx 5 sin(log x) at 3
V_LOG = 5 * math.sin(math.log(3.0))
BAR = "\u0304"


def run(shell, source):
    with capture_output() as out:
        result = shell.run_cell(source)
    return result, out


def ok(shell, source):
    result, out = run(shell, source)
    assert result.success, (out.stderr, result.error_in_exec)
    assert "Traceback" not in out.stdout + out.stderr
    return result.result, out


# ---------------------------------------------------------------------------
# Working cells


def test_expression_default_mode_shows_both_sweeps_and_returns_the_result(shell):
    res, out = ok(shell, "%%autodiff --at x=3.0\n5*sin(log(x))")
    assert isinstance(res, AutodiffResult)
    assert res.value == pytest.approx(V_LOG, rel=1e-15)
    assert res.gradient == {"x": pytest.approx(D_LOG, rel=1e-15)}
    assert res.derivative == pytest.approx(D_LOG, rel=1e-15)
    assert str(res.trace) == "y1 = log(x)\ny2 = sin(y1)\ny3 = 5 * y2"
    # C1: the result is the cell's one output: it displays as the box, nothing else is
    # displayed; its plain text is the text report, for front ends without widgets
    assert out.outputs == []
    shown = res._repr_mimebundle_()
    assert WIDGET in shown and shown[WIDGET]["model_id"] == res.widget.model_id
    assert shown["text/plain"] == res.report.text(sweeps=True).rstrip("\n")
    assert "y2 = sin(y1)" in shown["text/plain"] and repr(D_LOG) in shown["text/plain"]
    assert [p.mode for p in res.players] == ["forward", "reverse"]
    for player in res.players:
        player.show(player.n_frames - 1)
        assert player.frames.check.ok and "0.758054" in player.status.value
    assert repr(res) == f"AutodiffResult(value={V_LOG!r}, gradient={{'x': {D_LOG!r}}})"


def test_the_next_cell_reads_the_result_as_underscore(shell):
    ok(shell, "%%autodiff --at x=3.0 --static\n5*sin(log(x))")
    res, _ = ok(shell, "r = _\nr.gradient['x']")
    assert res == pytest.approx(D_LOG, rel=1e-15)


def test_several_variables_spaces_after_commas(shell):
    res, _ = ok(shell, "%%autodiff --at x=3.0, y=2 --mode reverse\nx*y + sin(x)")
    assert res.gradient == {"x": pytest.approx(2 + math.cos(3.0)), "y": pytest.approx(3.0)}
    assert res.derivative is None
    assert [p.mode for p in res.players] == ["reverse"]


def test_wrt_differentiates_only_some_variables(shell):
    res, out = ok(shell, "%%autodiff --at x=3.0,y=2 --wrt y\nx*y + sin(x)")
    assert res.gradient == {"y": pytest.approx(3.0)}
    assert res.derivative == pytest.approx(3.0)
    assert [n.name for n in res.trace.nodes if n.is_input] == ["y"]
    assert "x = 3.0 fixed" in res.widget.children[0].value


def test_mode_forward(shell):
    res, _ = ok(shell, "%%autodiff --at x=3.0,y=2 --mode forward\nx*y + sin(x)")
    assert [(p.mode, p.frames.wrt) for p in res.players] == [("forward", [0]), ("forward", [1])]
    assert res.derivatives == {"x": pytest.approx(2 + math.cos(3.0)), "y": pytest.approx(3.0)}


def test_array_values(shell):
    res, _ = ok(shell, "%%autodiff --at w=[1.0, -2.0, 0.5]\nnp.sum(w * w) + tanh(w[0])")
    expected = np.array([2.0 + 1 - math.tanh(1.0) ** 2, -4.0, 1.0])
    assert np.allclose(res.gradient["w"], expected)


@pytest.mark.parametrize("line, cell, expected", [
    ("--at p={'a': 1.0, 'b': 2.0}", "p['a'] * p['b']", {"p": {"a": 2.0, "b": 1.0}}),
    ("--at x=1.5, s='abc'", "x * len(s)", {"x": 3.0, "s": None}),
    ('--at "x=1.0, y=-2.0"', "x * y", {"x": -2.0, "y": 1.0}),
    ("--at x=-1.0 y=2.0", "x * y", {"x": 2.0, "y": -1.0}),
])
def test_literal_values_of_every_kind(shell, line, cell, expected):
    res, _ = ok(shell, f"%%autodiff {line}\n{cell}")
    assert res.gradient == expected


def test_statements_before_the_expression_and_math_without_imports(shell):
    res, _ = ok(shell, "%%autodiff --at x=0.5\na = exp(x)\nb = sqrt(a) * cos(x)\nb + pi")
    # b = e^(x/2) cos x: b' = e^(x/2) (cos x / 2 - sin x)
    expected = math.exp(0.25) * (math.cos(0.5) / 2 - math.sin(0.5))
    assert res.gradient["x"] == pytest.approx(expected, rel=1e-14)


def test_multiline_expression(shell):
    res, _ = ok(shell, "%%autodiff --at x=2.0\n(x * x\n + 3 * x)")
    assert res.gradient["x"] == pytest.approx(7.0)


POW = """def square(x):
    return x * x

def pow(x, n):
    r = 1
    for i in range(n):
        r = r * x
    return r
"""


def test_defs_last_one_explored_and_they_stay_defined(shell):
    res, _ = ok(shell, "%%autodiff --at x=2.0,n=5 --mode reverse\n" + POW)
    assert res.value == 32.0
    assert res.gradient == {"x": 80.0, "n": None}
    later, _ = ok(shell, "pow(3.0, 2) + square(2.0)")
    assert later == 13.0


def test_func_picks_the_def(shell):
    res, _ = ok(shell, "%%autodiff --at x=3.0 --func square\n" + POW)
    assert res.gradient == {"x": 6.0}


def test_a_def_using_math_names_works_in_later_cells(shell):
    ok(shell, "%%autodiff --at x=1.0 --static\ndef g(x):\n    return sin(x) * x")
    later, _ = ok(shell, "g(2.0)")
    assert later == pytest.approx(math.sin(2.0) * 2.0)


def test_ssa_of_a_def(shell):
    res, out = ok(shell, "%%autodiff --at x=2.0,n=5 --ssa\n" + POW)
    assert res.report.ssa is not None and "φ" in str(res.report.ssa)
    assert res.report.adjoint_source.startswith("def grad_pow(x, n):")
    shown = [c.value for c in res.widget.children if "SSA form" in getattr(c, "value", "")]
    assert len(shown) == 1 and "φ" in shown[0] and "def grad_pow(x, n):" in shown[0]


def test_ssa_of_an_expression_and_static_text(shell):
    res, out = ok(shell, "%%autodiff --at x=3.0 --ssa --static\n5*sin(log(x))")
    assert "SSA form:" in out.stdout and "generated adjoint code:" in out.stdout
    assert "def grad_f(x):" in out.stdout


def test_plot(shell):
    res, out = ok(shell, "%%autodiff --at x=1.0 --plot 0.5:5\nx*x")
    images = [c for c in res.widget.children if c.__class__.__name__ == "Image"]
    assert len(images) == 1 and bytes(images[0].value).startswith(b"\x89PNG")
    _, static = ok(shell, "%%autodiff --at x=1.0 --plot 0.5:5 --static\nx*x")
    assert len(static.outputs) == len(out_data(static)) == 4   # graph, 2 sweeps, plot


@pytest.mark.parametrize("option", ["--plot -1:2", "--plot=-1:2"])
def test_plot_with_a_negative_start(shell, option):
    ok(shell, f"%%autodiff --at x=1.0 --static {option}\nx*x")


def test_static_is_deterministic_text_and_still_figures(shell):
    cell = "%%autodiff --at x=3.0 --static\n5*sin(log(x))"
    _, first = ok(shell, cell)
    _, second = ok(shell, cell)
    assert first.stdout == second.stdout
    text = first.stdout
    for block in ("y1 = log(x)\n  y2 = sin(y1)\n  y3 = 5 * y2",
                  "dy1 = 1 / x      # tangent of y1\n  dy2 = cos(y1)    # slope of y2 in y1\n  "
                  "dy3 = dy2 * dy1  # tangent of y2\n  dy4 = 5 * dy3    # tangent of y3",
                  f"y{BAR}3 = 1\n  y{BAR}2 = y{BAR}3 * 5\n  y{BAR}1 = y{BAR}2 * cos(y1)\n"
                  f"  x{BAR} = y{BAR}1 * (1 / x)"):
        assert block in text
    assert f"∂f/∂x = {D_LOG!r}" in text
    kinds = [set(o.data) for o in out_data(first)]
    assert kinds and all("image/png" in k and WIDGET not in k for k in kinds)
    assert [o.data["image/png"] for o in first.outputs] == [o.data["image/png"] for o in
                                                            second.outputs]


def out_data(out):
    return list(out.outputs)


def test_help_lists_every_option(shell):
    doc = AutodiffMagics.autodiff.__doc__
    assert "--plot=-1:2" not in doc and "--plot -1:2" in doc    # C11: both spellings work
    assert "%%autodiff [--at NAME=VALUE" in doc
    for option in ("--at", "--wrt", "--mode", "--plot", "--ssa", "--static", "--func"):
        assert option in doc
    _, out = ok(shell, "%%autodiff?")
    assert "--static" in out.stdout and "--at" in out.stdout


# ---------------------------------------------------------------------------
# Bad input: one message, no traceback, namespace unchanged


BAD = {
    "syntax error": ("--at x=3.0", "5*sin(log(x)", "syntax error in the cell, line 1"),
    "syntax error in a def": ("--at x=3.0", "def f(x):\n    return x +* 2",
                              "syntax error in the cell, line 2"),
    "undefined name": ("--at x=3.0", "5*z", "undefined name 'z' (line 1)"),
    "undefined name in a def": ("--at x=3.0", "def f(x):\n    return q * x",
                                "undefined name 'q'"),
    "no --at": ("", "5*x", "undefined name 'x' (line 1): give it a value (--at x=...)"),
    "no --at for a def": ("", "def f(x):\n    return x", "f needs a value for x"),
    "malformed --at value": ("--at x=3.0.1", "5*x", "the value of x, '3.0.1', is not a Python"),
    "--at without a value": ("--at x", "5*x", "NAME=VALUE"),
    "--at with a bad name": ("--at 3=4", "5*x", "'3' is not a variable name"),
    "--at twice": ("--at x=1,x=2", "5*x", "x is given twice"),
    "--at names no parameter": ("--at x=1,z=2", "def f(x):\n    return x",
                                "--at z: f has no such parameter"),
    "--at misses a parameter": ("--at x=1", "def f(x, y):\n    return x * y",
                                "f needs a value for y"),
    "unknown option": ("--at x=1 --fast", "5*x", "unrecognized arguments: --fast"),
    "bad --mode": ("--at x=1 --mode sideways", "5*x", "invalid choice: 'sideways'"),
    "bad --plot": ("--at x=1 --plot 3", "5*x", "--plot wants LO:HI"),
    "--plot backwards": ("--at x=1 --plot 5:1", "5*x", "LO must be less than HI"),
    "--wrt not a variable": ("--at x=1 --wrt z", "5*x", "--wrt z: not among the variables"),
    "--func not defined": ("--at x=1 --func h", "def f(x):\n    return x", "--func h"),
    "non-differentiable op": ("--at x=3.0", "np.spacing(x)", "np.spacing has no derivative rule"),
    "math instead of ad": ("--at x=3.0", "import math\nmath.sin(x)", "ad.sin"),
    "stored into a float array": ("--at x=3.0", "z = np.zeros(2)\nz[0] = x\nnp.sum(z)",
                                  "np.stack"),
    "error while running": ("--at x=0.0", "1/x", "ZeroDivisionError"),
    "not a number": ("--at x=1.0", "'x is ' + str(x)", "must return a number"),
    "empty cell": ("--at x=1.0", "\n", "the cell is empty"),
    "no expression": ("--at x=1.0", "y = 2 * x", "should end with an expression"),
    # say what went wrong, not only what was expected
    "spaces around = in --at": ("--at x = 3.0", "5*x", "(no spaces around =); got 'x'"),
    "misspelled function": ("--at x=3.0", "5*sin(loog(x))",
                            "undefined name 'loog' (line 1): did you mean log?"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_input_is_one_usage_error(shell, case):
    line, cell, message = BAD[case]
    shell.run_cell("keep = 41\nf = 'mine'")
    before = dict(shell.user_ns)
    result, out = run(shell, f"%%autodiff {line}\n{cell}")
    assert isinstance(result.error_in_exec, UsageError)
    assert message in out.stderr
    assert out.stderr.startswith("UsageError: ") and out.stderr.count("UsageError") == 1
    assert "Traceback" not in out.stderr + out.stdout and "adexplorer/" not in out.stderr
    assert out.stdout == "" and not out.outputs
    after = dict(shell.user_ns)
    assert after.keys() == before.keys()
    assert all(after[k] is before[k] for k in before)


def test_a_failing_def_cell_takes_back_its_definitions(shell):
    shell.run_cell("def pow(x, n):\n    return 'the old one'")
    old = shell.user_ns["pow"]
    result, out = run(shell, "%%autodiff --at x=2.0,m=3\n" + POW)
    assert isinstance(result.error_in_exec, UsageError) and "--at m" in out.stderr
    assert shell.user_ns["pow"] is old
    assert "square" not in shell.user_ns and "sin" not in shell.user_ns


def test_messages_name_the_line_in_the_cell(shell):
    _, out = run(shell, "%%autodiff --at x=2.0\na = x * 2\nb = a / (x - 2)\nb + 1")
    assert "ZeroDivisionError" in out.stderr and "line 2: b = a / (x - 2)" in out.stderr


# ---------------------------------------------------------------------------
# Bugs a user of the magic met: each test would have caught one


def test_showing_the_result_is_inside_the_error_boundary(shell, monkeypatch):
    """B1: a failure while the result is displayed (frames, text, widgets) is one
    UsageError too, and the cell's definitions are taken back."""
    from adexplorer.ipython import magic

    def broken(*args, **kwargs):
        raise ValueError("drawing failed")
    for name, option in (("show_static", "--static"), ("show_widgets", "")):
        monkeypatch.setattr(magic, name, broken)
        shell.run_cell("keep = 41")
        before = dict(shell.user_ns)
        result, out = run(shell, f"%%autodiff --at x=3.0 {option}\ndef cube(x):\n"
                                 "    return x * x * x")
        assert isinstance(result.error_in_exec, UsageError)
        assert out.stderr.startswith("UsageError: ValueError: drawing failed")
        assert out.stderr.count("\n") == 1 and "Traceback" not in out.stderr + out.stdout
        assert "cube" not in shell.user_ns
        assert all(shell.user_ns[k] is before[k] for k in before)


@pytest.mark.parametrize("option", ["--static", ""])
def test_a_complex_point_is_one_usage_error(shell, option):
    """B1's reproducer: x*x at 1j has a complex output, whose gradient is not defined."""
    result, out = run(shell, f"%%autodiff --at x=1j {option}\nx*x")
    assert isinstance(result.error_in_exec, UsageError)
    assert out.stderr.startswith("UsageError: ") and out.stderr.count("\n") == 1
    assert "complex" in out.stderr and "Traceback" not in out.stderr + out.stdout


def _square_by_tangent_rule():
    import adexplorer as ad

    @ad.tangent
    def sq(primals, tangents):
        (x,), (dx,) = primals, tangents
        return x * x, 2 * x * dx
    return sq


@pytest.mark.parametrize("option", ["--static", ""])
def test_a_tangent_rule_in_a_cell(shell, option):
    """B2: f(x) = sq(x) + x with sq given only by its tangent rule: f'(x) = 2x + 1."""
    shell.user_ns["sq"] = _square_by_tangent_rule()
    res, out = ok(shell, f"%%autodiff --at x=3.0 {option}\nsq(x) + x")
    assert res.value == 12.0
    assert res.gradient == {"x": 7.0} and res.derivative == 7.0
    if option:
        assert "user rules against finite differences" in out.stdout
        assert "reverse sweep, step by step:" in out.stdout
    else:
        for player in res.players:
            player.show(player.n_frames - 1)
            assert player.frames.check.ok and "7" in player.status.value


def test_messages_hide_generated_file_names_and_count_blank_lines(shell):
    """M3: no "<autodiff-function-10>" in a message, the place said once, and line
    numbers as the user counts them under %%autodiff, blank lines included."""
    _, out = run(shell, "%%autodiff --at x=3.0\nimport math\nmath.sin(x)")
    assert "<autodiff" not in out.stderr and out.stderr.count("line ") == 1
    assert "(line 2: math.sin(x))" in out.stderr and "ad.sin" in out.stderr
    _, out = run(shell, "%%autodiff --at x=3.0\nimport math\ndef g(x):\n"
                        "    return math.sin(x)")
    assert "<autodiff" not in out.stderr and "(line 3: return math.sin(x))" in out.stderr
    _, out = run(shell, "%%autodiff --at x=3.0\n\n\n5*sin(log(z))")
    assert "undefined name 'z' (line 3)" in out.stderr
    _, out = run(shell, "%%autodiff --at x=3.0\n\n5*sin(log(x)")
    assert "syntax error in the cell, line 2" in out.stderr
    _, out = run(shell, "%%autodiff --at x=2.0\n\na = x * 2\nb = a / (x - 2)\nb + 1")
    assert "line 3: b = a / (x - 2)" in out.stderr


def test_mode_forward_static_leads_with_forward_mode(shell):
    """M6: --mode forward shows derivatives by forward mode, not a reverse headline."""
    _, out = ok(shell, "%%autodiff --at x=3.0 --mode forward --static\n5*sin(log(x))")
    head = out.stdout.split("Wengert list")[0]
    assert f"derivatives by forward mode (dual numbers):\n  df/dx = {D_LOG!r}" in head
    assert "reverse" not in out.stdout and "adjoint" not in out.stdout


POW_WHILE = "def pow(x, n):\n    r = 1\n    while n > 0:\n        n -= 1\n        r *= x\n    return r"


def test_no_derivative_list_for_a_loop_counter(shell):
    """M5: n only counts the loop; f' w.r.t. n is not printed as if it were a derivative."""
    _, out = ok(shell, "%%autodiff --at x=2.0,n=5 --static\n" + POW_WHILE)
    text = out.stdout
    assert "Wengert list of pow' (forward mode, d/dx):" in text
    assert ("Wengert list of pow' (forward mode, d/dn): none, pow does not depend on n"
            in text)
    lists = text.split("Wengert list of pow' (forward mode, d/dn)")[1].split("adjoint list")[0]
    assert "dy" not in lists
    assert "∂pow/∂x = 80" in text and "∂pow/∂n = None" in text


def test_backward_table_shows_the_running_total(shell):
    """M2: pow's x̄ collects 16 five times; the table must show the total reach 80."""
    _, out = ok(shell, "%%autodiff --at x=2.0,n=5 --wrt x --mode reverse --static\n"
                + POW_WHILE)
    sweep = out.stdout.split("reverse sweep, step by step:")[1].split("finite-difference")[0]
    totals = [line.split("→")[1].split()[0] for line in sweep.splitlines() if "+=" in line]
    assert totals == ["32", "48", "64", "80"]
    assert "64 + 16 → 80" in sweep


def test_answers_that_look_valid_get_a_note(shell):
    """M11: 'x = 5' in the cell replaces the variable of --at (the gradient None is then
    about the 5, not the x the user meant); np.log at -1 is nan, so its derivative -1 (the
    1/x rule) means nothing. Both say so, in text and in the widget's summary. (log at
    -1.0, a Python float, raises as math.log does.)"""
    _, out = ok(shell, "%%autodiff --at x=3.0 --static\nx = 5\nx*2")
    assert ("note: the cell assigns to x (line 1), which --at gives" in out.stdout)
    _, out = ok(shell, "%%autodiff --at x=3.0 --static\ny = x + 1\ny*2")
    assert "note:" not in out.stdout
    res, _ = ok(shell, "%%autodiff --at x=-1.0\nnp.log(x)")
    assert res.report.notes == ["f is nan at this point (outside its domain, or "
                                "overflowing): its derivatives here mean nothing"]
    assert "note: f is nan at this point" in res.widget.children[0].value


def test_an_expression_cell_leaves_the_namespace_as_it_was(shell):
    """C10: after '5*sin(log(x))' a later plain cell 'sin(0.5)' worked without an import
    (and failed once copied into a script). Only a def cell keeps names, for its defs."""
    before = set(shell.user_ns)
    ok(shell, "%%autodiff --at x=3.0 --static\n5*sin(log(x))")
    added = {n for n in set(shell.user_ns) - before if not n.startswith("_")}
    assert added == set()
    result, _ = run(shell, "sin(0.5)")
    assert isinstance(result.error_in_exec, NameError)


def test_static_sweep_pictures_say_which_steps_they_show_and_have_a_key():
    """The --static strip showed some of the steps, small, with no key to its colours."""
    import adexplorer as ad
    from adexplorer.ipython.magic import sweep_strip, sweep_strip_png
    from adexplorer.viz.sweepframes import SweepFrames

    def pow5(x):
        r = 1
        for _ in range(5):
            r = r * x
        return r

    long = SweepFrames(ad.trace(pow5, 2.0), "reverse")
    fig = sweep_strip(long)
    title = fig._suptitle.get_text()
    assert title.startswith("reverse sweep: steps 1, ") and f"of {long.n_frames - 1}" in title
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "this step's boxes" in labels and "adjoint complete" in labels
    assert all(t.get_fontsize() >= 11 for t in fig.legends[0].get_texts())
    assert sweep_strip_png(long).startswith(b"\x89PNG")
    short = SweepFrames(ad.trace(lambda x: 5 * ad.sin(ad.log(x)), 3.0), "forward")
    assert sweep_strip(short)._suptitle.get_text() == "forward sweep: all 4 steps"
