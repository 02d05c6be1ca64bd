"""Golden texts for the three Wengert lists (of f, of f', of the adjoint), written from the
talk's slide and from the chain rule, plus the repr, the HTML table and the networkx graph."""

import time
import unicodedata

import numpy as np
import pytest

import adexplorer as ad
from adexplorer.core.wengert import Line, WengertList

from .shape_notes import commented, note
from .test_oracle import ZOO


def f_slide(x):
    return 5 * ad.sin(ad.log(x))


def f_fan_out(x):
    return x * x + ad.sin(x)


def f_array(x):
    return x @ np.sin(x)


def bars(text):
    """The golden texts are typed with a precomposed ȳ; names.py writes y + combining macron."""
    return unicodedata.normalize("NFD", text)


W = np.array([[1.0, -2.0], [0.5, 0.0], [3.0, 1.0]])


def f_layer(x):
    return np.sum(np.tanh(x @ W))


# ---------------------------------------------------------------------------
# 5 sin(log x): the slide


def test_slide_wengert_list_of_f():
    assert str(ad.trace(f_slide, 3.0)) == "y1 = log(x)\ny2 = sin(y1)\ny3 = 5 * y2"


def test_slide_wengert_list_of_the_derivative():
    # The slide: each local partial that is not a plain number gets a line of its own, then
    # the chain-rule product; dx = 1 is not written.
    assert str(ad.trace(f_slide, 3.0).tangent_wengert()) == (
        "dy1 = 1 / x\n"
        "dy2 = cos(y1)\n"
        "dy3 = dy2 * dy1\n"
        "dy4 = 5 * dy3")


def test_labelled_derivative_list_says_whose_each_line_is():
    # The list numbers its lines on its own: dy3 is the tangent of y2, and dy2 is a slope.
    assert str(ad.trace(f_slide, 3.0).tangent_wengert(labels=True)) == (
        "dy1 = 1 / x      # tangent of y1\n"
        "dy2 = cos(y1)    # slope of y2 in y1\n"
        "dy3 = dy2 * dy1  # tangent of y2\n"
        "dy4 = 5 * dy3    # tangent of y3")
    fan = ad.trace(f_fan_out, 2.0).tangent_wengert(labels=True)
    assert [line.split("# ")[1] for line in str(fan).splitlines()] == [
        "tangent of y1", "tangent of y2", "tangent of y3"]


def test_slide_adjoint_list():
    assert str(ad.trace(f_slide, 3.0).adjoint_wengert()) == bars(
        "ȳ3 = 1\n"
        "ȳ2 = ȳ3 * 5\n"
        "ȳ1 = ȳ2 * cos(y1)\n"
        "x̄ = ȳ1 * (1 / x)")


def test_lines_know_their_nodes_and_kinds():
    t = ad.trace(f_slide, 3.0)
    listing = t.tangent_wengert()
    assert [line.kind for line in listing] == ["tangent", "partial", "tangent", "tangent"]
    assert [line.node for line in listing] == [1, 2, 2, 3]
    assert listing.lines_of(2) == [1, 2]
    adjoint = t.adjoint_wengert()
    assert [(line.kind, line.node, line.parent) for line in adjoint] == [
        ("seed", 3, None), ("adjoint", 3, 2), ("adjoint", 2, 1), ("adjoint", 1, 0)]


# ---------------------------------------------------------------------------
# fan-out: x is used three times


def test_fan_out_wengert_list_of_f():
    assert str(ad.trace(f_fan_out, 3.0)) == "y1 = x * x\ny2 = sin(x)\ny3 = y1 + y2"


def test_fan_out_derivative_adds_the_tangents_of_all_uses():
    assert str(ad.trace(f_fan_out, 3.0).tangent_wengert()) == (
        "dy1 = x + x\n"
        "dy2 = cos(x)\n"
        "dy3 = dy1 + dy2")


def test_fan_out_adjoint_accumulates_with_plus_equals():
    # Reverse order of the sweep: y3 sends to y1 then y2; y2 = sin(x) reaches x first, then
    # y1 = x * x twice (once per argument), each adding to x̄.
    assert str(ad.trace(f_fan_out, 3.0).adjoint_wengert()) == bars(
        "ȳ3 = 1\n"
        "ȳ1 = ȳ3\n"
        "ȳ2 = ȳ3\n"
        "x̄ = ȳ2 * cos(x)\n"
        "x̄ += ȳ1 * x\n"
        "x̄ += ȳ1 * x")


# ---------------------------------------------------------------------------
# arrays: shapes as comments, Jacobian-vector products on the tangent symbol dx


X3 = np.array([1.0, 2.0, 3.0])


def test_array_wengert_list_of_f_shows_shapes_and_values():
    assert str(ad.trace(f_array, X3)) == f"# x: {note(X3)}\n" + commented([
        ("y1 = sin(x)", np.sin(X3)),
        ("y2 = x @ y1", None)])


def test_array_derivative_list_uses_the_tangent_direction():
    # a derivative line's value is not known to the list: its comment is the shape alone
    assert str(ad.trace(f_array, X3).tangent_wengert()) == (
        f"# x: {note(X3)}\n"
        "dy1 = dx * cos(x)        # shape (3,)\n"
        "dy2 = dx @ y1 + x @ dy1")


def test_array_adjoint_list():
    assert str(ad.trace(f_array, X3).adjoint_wengert()) == bars(
        f"# x: {note(X3)}\n"
        "ȳ2 = 1\n"
        "x̄ = ȳ2 * y1       # shape (3,)\n"
        "ȳ1 = ȳ2 * x       # shape (3,)\n"
        "x̄ += ȳ1 * cos(x)  # shape (3,)")


def test_array_layer_lists():
    x = np.array([0.1, -0.2, 0.3])
    t = ad.trace(f_layer, x)
    assert str(t) == f"# x: {note(x)}\n" + commented([
        ("y1 = x @ array(3, 2)", x @ W),
        ("y2 = tanh(y1)", np.tanh(x @ W)),
        ("y3 = sum(y2)", None)])
    assert str(t.tangent_wengert()) == (
        f"# x: {note(x)}\n"
        "dy1 = dx @ array(3, 2)     # shape (2,)\n"
        "dy2 = dy1 * (1 - y2 ** 2)  # shape (2,)\n"
        "dy3 = sum(dy2)")


def test_large_arrays_show_shape_dtype_and_norm_and_scalar_traces_stay_bare():
    big = np.arange(20.0).reshape(4, 5) / 7
    text = str(ad.trace(lambda a: np.sum(np.sin(a)), big)).splitlines()
    assert text[0] == f"# a: shape (4, 5) float64, norm {np.linalg.norm(big):.3g}"
    assert text[1].endswith(f"# shape (4, 5) float64, norm {np.linalg.norm(np.sin(big)):.3g}")
    assert text[2] == "y2 = sum(y1)"
    assert "#" not in str(ad.trace(f_slide, 3.0))


# ---------------------------------------------------------------------------
# names, constants, several inputs


def test_names_are_identical_run_to_run_and_inputs_keep_parameter_names():
    def model(weight, bias, p):
        return ad.tanh(weight * p["scale"] + bias) * 2.0
    args = (0.5, -0.25, {"scale": 3.0})
    first = ad.trace(model, *args)
    second = ad.trace(model, *args)
    assert str(first) == str(second) == (
        "y1 = weight * p['scale']\n"
        "y2 = y1 + bias\n"
        "y3 = tanh(y2)\n"
        "y4 = y3 * 2.0")
    assert str(first.adjoint_wengert()) == str(second.adjoint_wengert())


def test_derivative_list_with_respect_to_several_inputs_uses_named_tangents():
    t = ad.trace(lambda a, b: a * b + ad.sin(a), 0.5, 2.0)
    assert str(t.tangent_wengert(wrt=("a", "b"))) == (
        "dy1 = b * da + a * db\n"
        "dy2 = cos(a)\n"
        "dy3 = dy2 * da\n"
        "dy4 = dy1 + dy3")
    # w.r.t. b only: y2 = sin(a) has no tangent, so it gets no line.
    assert str(t.tangent_wengert(wrt="b")) == "dy1 = a\ndy2 = dy1"


def test_negation_and_subtraction_read_naturally():
    t = ad.trace(lambda x: -ad.exp(x) - 3.0 * ad.exp(x), 0.2)
    assert str(t) == "y1 = exp(x)\ny2 = -y1\ny3 = exp(x)\ny4 = 3.0 * y3\ny5 = y2 - y4"
    assert str(t.tangent_wengert()) == (
        "dy1 = y1\n"
        "dy2 = -dy1\n"
        "dy3 = y3\n"
        "dy4 = 3.0 * dy3\n"
        "dy5 = dy2 - dy4")


def test_unknown_wrt_names_the_inputs():
    t = ad.trace(f_slide, 3.0)
    with pytest.raises(ad.ADError, match="its inputs are x"):
        t.tangent_wengert(wrt="z")


def test_the_printed_derivative_evaluates_to_the_derivative():
    """Run the printed lines as Python: the last tangent line is f'(x)."""
    for f, x in [(f_slide, 3.0), (f_fan_out, 3.0), (lambda x: x / (1 + x * x), 0.7),
                 (lambda x: ad.sqrt(x) * ad.tanh(x) ** 2, 1.3)]:
        t = ad.trace(f, x)
        env = {"x": x, "sin": np.sin, "cos": np.cos, "log": np.log, "exp": np.exp,
               "tanh": np.tanh, "sqrt": np.sqrt, "sign": np.sign}
        for node in t.nodes[1:]:
            env[node.name] = node.value
        last = None
        for line in t.tangent_wengert():
            env[line.target] = eval(line.expr, env)
            last = line.target
        assert env[last] == pytest.approx(ad.derivative(f, x), rel=1e-12)


@pytest.mark.parametrize("name", ZOO.keys())
def test_every_zoo_function_has_all_three_lists(name):
    """Every row's rules run on symbols (no opaque ``jvp(...)``/``vjp(...)`` fallback), one
    line per operation, one adjoint line per backward step."""
    case = ZOO[name]
    t = ad.trace(case.ours, *case.args)
    array_inputs = [n for n in t.nodes if n.is_input and np.ndim(n.value)]   # header lines
    assert len(str(t).splitlines()) == len(t) - len(t.inputs) + len(array_inputs)
    tangent = t.tangent_wengert()
    adjoint = t.adjoint_wengert()
    assert not any(line.expr.startswith("jvp(") for line in tangent)
    assert not any(line.expr.startswith("vjp(") for line in adjoint)
    assert len(adjoint) == len(t.backward_sweep())
    assert t._repr_html_().startswith("<table")


# ---------------------------------------------------------------------------
# repr, HTML, WengertList


def test_plain_text_repr_has_a_header_and_the_list():
    t = ad.trace(f_slide, 3.0)
    assert repr(t) == "Trace of 3 operations at x=3:\ny1 = log(x)\ny2 = sin(y1)\ny3 = 5 * y2"


def test_repr_of_a_long_trace_shows_head_and_tail():
    def chain(x):
        for _ in range(100):
            x = ad.sin(x)
        return x
    text = repr(ad.trace(chain, 0.5))
    lines = text.splitlines()
    assert lines[0] == "Trace of 100 operations at x=0.5:"
    assert lines[1] == "y1 = sin(x)" and lines[-1] == "y100 = sin(y99)"
    assert "... (60 more lines; print(trace) shows all)" in lines
    assert len(lines) == 42


def test_html_table_has_values_tangents_and_adjoints():
    t = ad.trace(f_slide, 3.0)
    table = t._repr_html_()
    assert table.count("<tr>") == 5
    assert "<th>tangent d/dx</th>" in table and "<th>adjoint</th>" in table
    assert "<td>y2 = sin(y1)</td><td>sin</td><td>0.890577</td>" in table
    assert "<td>0.758054</td>" in table            # f'(3), as the tangent of y3 and the adjoint of x


def test_wengert_list_object():
    listing = WengertList([Line("y1", "log(x)", 1, "primal")])
    assert len(listing) == 1 and listing[0].target == "y1"
    assert repr(listing) == str(listing) == "y1 = log(x)"
    assert listing._repr_html_() == "<pre>y1 = log(x)</pre>"


# ---------------------------------------------------------------------------
# networkx


def test_to_networkx_has_nodes_edges_and_attributes():
    g = ad.trace(f_fan_out, 3.0).to_networkx()
    assert list(g.nodes) == [0, 1, 2, 3]
    assert g.nodes[0]["name"] == "x" and g.nodes[0]["is_input"]
    assert g.nodes[1]["op"] == "mul" and g.nodes[1]["expr"] == "x * x"
    assert g.nodes[1]["value"] == 9.0 and g.nodes[3]["is_output"]
    assert sorted(g.edges) == [(0, 1), (0, 2), (1, 3), (2, 3)]
    assert g.edges[0, 1]["positions"] == (0, 1)        # x * x uses x twice
    assert g.graph["inputs"] == [0] and g.graph["outputs"] == [3]


def test_to_networkx_array_shapes():
    g = ad.trace(f_array, np.array([1.0, 2.0, 3.0])).to_networkx()
    assert g.nodes[1]["shape"] == (3,) and g.nodes[2]["shape"] == ()


# ---------------------------------------------------------------------------
# 10^5 nodes


def long_loop(x, n=50_000):
    s = x
    for _ in range(n):
        s = ad.sin(s) * x
    return s


@pytest.fixture(scope="module")
def big_trace():
    t = ad.trace(long_loop, 0.3)
    assert len(t) > 100_000
    return t


def test_a_hundred_thousand_node_trace_prints_in_seconds(big_trace):
    start = time.perf_counter()
    text = str(big_trace)
    elapsed = time.perf_counter() - start
    lines = text.splitlines()
    assert len(lines) == len(big_trace) - 1
    assert lines[0] == "y1 = sin(x)" and lines[-1] == "y100000 = y99999 * x"
    assert elapsed < 15, f"printing took {elapsed:.1f} s"
    assert len(repr(big_trace).splitlines()) == 42


def test_a_hundred_thousand_node_trace_converts_to_networkx_in_seconds(big_trace):
    start = time.perf_counter()
    g = big_trace.to_networkx()
    elapsed = time.perf_counter() - start
    assert g.number_of_nodes() == len(big_trace)
    assert g.number_of_edges() == 150_000      # per iteration sin: 1 edge, mul: 2
    assert elapsed < 20, f"to_networkx took {elapsed:.1f} s"


def test_an_input_named_y_does_not_share_its_letter_with_the_nodes():
    t = ad.trace(lambda x, y: x * y + ad.sin(x), 2.0, 3.0)
    names = [n.name for n in t.nodes]
    assert names[:2] == ["x", "y"]
    assert not any(n.startswith("y") for n in names[2:])
    from adexplorer.core import names
    lines = str(t.adjoint_wengert()).splitlines()
    assert any(line.startswith(names.adjoint_of("y") + " = ") for line in lines)
    assert not any(line.startswith(names.adjoint_of("y1")) for line in lines)
