"""ad.explore builds every tab from one Report; the report's text; the cost of the full
Jacobian counted by hand; user rules checked against finite differences."""

import math

import numpy as np
import pytest

import adexplorer as ad
from adexplorer.viz.explore import TABS, cost
from adexplorer.report.analysis import analyse, check_rules


def pow_while(x, n):
    r = 1
    while n > 0:
        n -= 1
        r *= x
    return r


def f_log(x):
    return 5 * ad.sin(ad.log(x))


def three(x, y, z):
    return x * y + ad.sin(z)


@ad.adjoint
def good_add(a, b):
    return a + b, lambda d: (d, d)


@ad.adjoint
def bad_add(a, b):
    return a + b, lambda d: (d, 2 * d)        # wrong: d(a + b)/db is 1


def test_explore_builds_all_tabs():
    ex = ad.explore(pow_while, 2.0, 5)
    assert ex.tabs.titles == TABS
    assert len(ex.tabs.children) == len(TABS) == 7
    lists, forward, backward, fd, ssa, cost_tab, why = ex.tabs.children
    # the loop body runs n -= 1 then r *= x: y1 = n - 1, y2 = 1 * x, y3 = y1 - 1, y4 = y2 * x
    assert "y1 = n - 1\ny2 = 1 * x\ny3 = y1 - 1\ny4 = y2 * x" in lists.value
    assert "x̄ +=" in lists.value
    assert ex.players["forward"].widget in forward.children
    assert backward is ex.players["reverse"].widget
    assert "φ" in ssa.value and "def grad_pow_while(x, n):" in ssa.value
    assert "n = 2 input numbers" in cost_tab.value
    assert "n" in why.value and "None" in why.value and "control flow" in why.value
    assert "80" in ex.header.value
    assert repr(ex).startswith("<explore pow_while(x, n) at x = 2.0, n = 5:")


def test_explore_players_end_at_the_gradient():
    ex = ad.explore(three, 0.5, -1.5, 2.0)
    back = ex.players["reverse"]
    back.show(back.n_frames - 1)
    assert back.frames.result() == pytest.approx([-1.5, 0.5, math.cos(2.0)])
    assert back.frames.check.ok
    fwd = ex.players["forward"]
    fwd.show(fwd.n_frames - 1)
    assert fwd.frames.result() == pytest.approx([-1.5])          # d/dx = y


def test_forward_tab_switches_the_input():
    ex = ad.explore(three, 0.5, -1.5, 2.0)
    choose = ex.tabs.children[1].children[0]
    choose.value = "z"
    player = ex.players["forward"]
    assert player.frames.wrt == [2] and player.widget in ex.tabs.children[1].children
    player.show(player.n_frames - 1)
    assert player.frames.result() == pytest.approx([math.cos(2.0)])


def test_fd_tab_step_slider_moves_the_estimate():
    ex = ad.explore(f_log, 3.0)
    fd = ex.tabs.children[3]
    slider = fd.step_slider
    readout = next(c for c in fd.children if "central" in getattr(c, "value", "")
                   and "h=" in c.value)
    images = [c for c in fd.children if c.__class__.__name__ == "Image"]
    before_text, before_png = readout.value, bytes(images[-1].value)
    slider.value = 1e-3
    assert readout.value != before_text and "h=1e-03" in readout.value
    assert bytes(images[-1].value) != before_png
    # the central difference at h = 1e-3 is off by about h^2/6 |f'''|: far from 0
    exact = 5 * math.cos(math.log(3.0)) / 3.0
    h = 1e-3
    central = (f_log(3.0 + h) - f_log(3.0 - h)) / (2 * h)
    assert f"{central!r}" in readout.value and abs(central - exact) > 1e-9


def test_cost_counted_by_hand():
    # x*y + sin(z): 3 operations (mul, sin, add). Forward mode, one sweep per input:
    # from x or y two jvp contributions (mul, add), from z two (sin, add).
    # Reverse mode: add -> y1, add -> y2, mul -> x, mul -> y, sin -> z: 5 contributions.
    c = cost(ad.trace(three, 0.5, -1.5, 2.0))
    assert (c.n, c.m, c.operations) == (3, 1, 3)
    assert c.forward_steps == (2, 2, 2) and c.backward_steps == 5
    assert c.forward_total == 3 * (3 + 2) and c.reverse_total == 3 + 5


def test_cost_counts_the_reverse_sweep_it_is_given_without_sweeping_again():
    trace = ad.trace(three, 0.5, -1.5, 2.0)
    sweep = trace.reverse_sweep()

    def not_again(*args, **kwargs):
        raise AssertionError("the reverse sweep was run again")
    trace.reverse_sweep = not_again
    assert cost(trace, sweep) == cost(ad.trace(three, 0.5, -1.5, 2.0))


def test_cost_for_many_outputs_favours_forward():
    def spread(x):
        return ad.stack([ad.sin(x), ad.cos(x), x * x, ad.exp(x)])
    c = cost(ad.trace(spread, 0.3))
    assert (c.n, c.m) == (1, 4)
    assert c.forward_total < c.reverse_total
    assert "forward mode is cheaper" in ad.viz.explore.cost_html(c)


def test_a_wrong_user_rule_is_flagged_in_red_with_its_error():
    ex = ad.explore(lambda x: bad_add(x, ad.sin(x)), 0.7)
    assert "DISAGREES" in ex.header.value and "#cf222e" in ex.header.value
    wrong = ex.report.wrong_rules
    # argument 2: the rule says 2, d(a + b)/db is 1; direction and cotangent are 1 for scalars
    # checked once, in the mode the rule was written for (C9: the derived jvp repeated it)
    assert [(r.position, r.mode) for r in wrong] == [(1, "vjp")]
    for r in wrong:
        assert r.rule_value == pytest.approx(2.0) and r.fd_value == pytest.approx(1.0, abs=1e-6)
        assert r.error == pytest.approx(1.0, abs=1e-6)
        assert "1" in f"{r.error:.2g}"


def test_a_right_user_rule_passes():
    checks = check_rules(ad.trace(lambda x: good_add(x, x * x), 1.3))
    assert [(c.position, c.mode) for c in checks] == [(0, "vjp"), (1, "vjp")]
    assert all(c.ok for c in checks)
    assert analyse(lambda x: good_add(x, x * x), (1.3,)).wrong_rules == []


def test_report_text_has_the_slides_lists():
    text = analyse(f_log, (3.0,)).text()
    for block in ("y1 = log(x)\n  y2 = sin(y1)\n  y3 = 5 * y2",
                  "dy1 = 1 / x      # tangent of y1\n  dy2 = cos(y1)    # slope of y2 in y1\n  "
                  "dy3 = dy2 * dy1  # tangent of y2\n  dy4 = 5 * dy3    # tangent of y3"):
        assert block in text
    exact = 5 * math.cos(math.log(3.0)) / 3.0
    assert f"∂f_log/∂x = {exact!r}" in text
    assert f"value: {5 * math.sin(math.log(3.0))!r}" in text
    assert "central" in text and "complex step" in text


def test_report_of_a_function_without_source_says_why_there_is_no_ssa():
    # (a lambda in a file has source now and is lowered; one made by exec has none)
    namespace = {}
    exec("square = lambda x: x * x", namespace)
    report = analyse(namespace["square"], (2.0,), ssa=True)
    assert report.ssa is None and "lambda" in report.ssa_note.lower()


def test_report_of_a_lambda_shows_its_ssa():
    report = analyse(lambda x: x * x, (2.0,), ssa=True)
    assert report.ssa is not None and "def grad_lambda_(x):" in report.adjoint_source


def test_array_argument():
    w = np.array([0.5, -1.0, 2.0])
    ex = ad.explore(lambda w: ad.sum(ad.tanh(w) * w), w)
    expected = np.tanh(w) + w * (1 - np.tanh(w) ** 2)
    assert np.allclose(ex.report.gradient["w"], expected)
    back = ex.players["reverse"]
    back.show(back.n_frames - 1)
    assert np.allclose(back.frames.result()[0], expected) and back.frames.check.ok


# ---------------------------------------------------------------------------
# Bugs a user met in the terminal and notebook views: each test guards one


def test_explore_a_tangent_rule():
    """B2: explore works on a function given only by @ad.tangent: sq'(3) = 6."""
    @ad.tangent
    def sq(primals, tangents):
        (x,), (dx,) = primals, tangents
        return x * x, 2 * x * dx
    ex = ad.explore(sq, 3.0)
    back = ex.players["reverse"]
    back.show(back.n_frames - 1)
    assert back.frames.check.ok and "6" in back.status.value
    assert ex.report.gradient == {"x": 6.0}
    assert all(r.ok for r in ex.report.rules) and ex.report.rules


def test_widget_lists_show_every_input_like_the_text():
    """M9: three(x, y, z) = x y + sin z: a forward list per input, as the text has."""
    report = analyse(three, (0.5, -1.5, 2.0))
    ex = ad.explore(three, 0.5, -1.5, 2.0)
    lists = ex.tabs.children[0].value
    for name in ("x", "y", "z"):
        assert f"Wengert list of three&#x27; (d/d{name})" in lists
        assert f"Wengert list of three' (forward mode, d/d{name}):" in report.text()
    # d/dz: the partial of sin at z is cos(z), the one line that reaches the output
    assert "cos(z)" in lists.split("(d/dz)")[1]


def test_lists_skip_an_input_the_output_does_not_depend_on():
    """M5: pow_while's n only counts the loop: no forward list of n's tangent."""
    ex = ad.explore(pow_while, 2.0, 5)
    lists = ex.tabs.children[0].value
    block = lists.split("Wengert list of pow_while&#x27; (d/dn)")[1].split("</pre>")[0]
    assert "does not depend on n" in block and "dy" not in block


def test_forward_only_summary_has_no_reverse_column():
    """M6: a report for forward mode only heads its table by forward mode."""
    from adexplorer.viz.explore import summary_html
    html = summary_html(analyse(f_log, (3.0,), modes=("forward",)))
    assert "reverse" not in html and "forward mode" in html
    assert f"{5 * math.cos(math.log(3.0)) / 3.0!r}" in html


def test_a_disagreeing_central_difference_is_red():
    """C9: f(a, b) = bad_add(a, b) with a wrong rule for b: the summary row for b is red
    (the rule says 2, the true partial is 1)."""
    from adexplorer.viz.explore import RED, summary_html
    html = summary_html(analyse(lambda a, b: bad_add(a, b), (1.0, 2.0)))
    row_b = html.split("∂f/∂b")[1].split("</tr>")[0]
    assert f"color:{RED}" in row_b
    row_a = html.split("∂f/∂a")[1].split("</tr>")[0]
    assert f"color:{RED}" not in row_a


def scaled_sin(x, scale=1.0):
    return scale * ad.sin(x)


def test_explore_passes_keyword_arguments_held_constant():
    ex = ad.explore(scaled_sin, 0.5, scale=3.0)
    assert ex.report.gradient == {"x": pytest.approx(3.0 * math.cos(0.5), rel=1e-15)}
    assert ex.report.value == pytest.approx(3.0 * math.sin(0.5), rel=1e-15)
    assert repr(ex).startswith("<explore scaled_sin(x; scale=3.0) at x = 0.5:")
    assert "∂scaled_sin/∂x" in ex.header.value
    assert "def grad_scaled_sin(x, scale):" in ex.tabs.children[4].value
    assert ex.report.fd["x"].error("central") < 1e-8


def test_explore_is_a_widget_that_composes():
    import ipywidgets as widgets
    one, two = ad.explore(f_log, 3.0), ad.explore(three, 0.5, -1.5, 2.0)
    assert isinstance(one, widgets.VBox) and one.children == (one.header, one.tabs)
    row = widgets.HBox([one, two])
    tabs = widgets.Tab(children=[one, two])
    assert row.children == tabs.children == (one, two)
    back = two.players["reverse"]
    back.show(back.n_frames - 1)
    assert one.players["reverse"].frame == 0
    bundle = one._repr_mimebundle_()
    assert bundle["text/plain"] == repr(one)
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == one.model_id


def test_an_expression_string_is_refused_with_what_to_use_instead():
    with pytest.raises(TypeError, match=r"explore needs a function.*%%autodiff.*explain"):
        ad.explore("x*x", 2.0)
