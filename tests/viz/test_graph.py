"""The graph picture: layered left to right along every edge, highlighting drawn
differently, big traces collapsed instead of drawn node by node."""

import time

import numpy as np
import pytest
from matplotlib.colors import to_rgba

import adexplorer as ad
from adexplorer.viz.graph import COLORS, GraphPlot, graph_layout

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def pow_loop(x, n):
    r = 1
    while n > 0:
        n -= 1
        r *= x
    return r


rng = np.random.default_rng(7)
X = rng.uniform(-1, 1, (6, 4))
CASES = {
    "5 sin(log x)": (lambda x: 5 * ad.sin(ad.log(x)), (3.0,)),
    "three arguments": (lambda x, y, z: x * y * z + y / z - ad.exp(x * z), (0.3, -1.2, 0.8)),
    "MLP loss": (lambda W, b: np.mean((np.tanh(X @ W + b) - 0.5) ** 2),
                 (rng.uniform(-1, 1, (4, 3)), rng.uniform(-1, 1, 3))),
    "softmax": (lambda z: np.sum(np.exp(z) / np.sum(np.exp(z)) * np.arange(5.0)),
                (rng.uniform(-1, 1, 5),)),
    "while-loop pow": (lambda x: pow_loop(x, 5), (1.1,)),
    "rosenbrock": (lambda x: np.sum(100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2),
                   (rng.uniform(-1, 1, 5),)),
}


def box_centres(plot):
    """Centres of the boxes as drawn (read back from the figure, not from the layout)."""
    collection = next(c for c in plot.ax.collections if c.get_gid() == "graph-nodes")
    centres = []
    for path in collection.get_paths():
        ext = path.get_extents()
        centres.append(((ext.x0 + ext.x1) / 2, (ext.y0 + ext.y1) / 2))
    return np.array(centres), collection


@pytest.mark.parametrize("name", CASES.keys())
def test_columns_increase_along_every_edge(name):
    f, args = CASES[name]
    trace = ad.trace(f, *args)
    plot = ad.plot_graph(trace)
    assert plot.png().startswith(PNG_MAGIC)
    centres, _ = box_centres(plot)
    lay = plot.layout
    assert len(centres) == len(lay.boxes)
    np.testing.assert_allclose(centres[:, 0], lay.x, atol=1e-9)
    assert lay.n_bands == 1                      # shallow enough to sit in one row of columns
    for node in trace.nodes:                     # every dependency of the trace itself
        for parent in node.inputs:
            a, b = lay.box_of[parent], lay.box_of[node.index]
            if a != b:
                assert lay.layer[a] < lay.layer[b]
                assert centres[a, 0] < centres[b, 0], (trace.nodes[parent].name, node.name)


def test_a_deep_graph_wraps_into_bands_read_like_lines_of_text():
    def deep(x):
        for k in range(12):
            x = ad.sin(x) * (1.0 + 0.1 * k) + x
        return x
    trace = ad.trace(deep, 0.2)                  # 36 operations, 37 columns deep
    plot = ad.plot_graph(trace)
    lay = plot.layout
    assert lay.n_layers == 37 and lay.n_bands == 5 and lay.n_columns == 9
    assert plot.figure.get_size_inches()[0] <= 13
    centres, _ = box_centres(plot)
    for a, b in lay.edges:
        assert lay.layer[a] < lay.layer[b]
        if lay.band[a] == lay.band[b]:
            assert centres[a, 0] < centres[b, 0]
        else:                                    # into a later band, which is drawn lower
            assert lay.band[a] < lay.band[b] and centres[a, 1] > centres[b, 1]
    # Bands are stacked top to bottom without overlapping.
    tops = [centres[lay.band == k, 1].max() for k in range(lay.n_bands)]
    bottoms = [centres[lay.band == k, 1].min() for k in range(lay.n_bands)]
    assert all(bottoms[k] > tops[k + 1] + 1 for k in range(lay.n_bands - 1))


def test_slide_graph_is_a_chain_of_four_columns():
    trace = ad.trace(lambda x: 5 * ad.sin(ad.log(x)), 3.0)
    plot = ad.plot_graph(trace)
    assert plot.layout.x.tolist() == [0.0, 1.0, 2.0, 3.0]
    assert [b.title for b in plot.layout.boxes] == ["x", "y1 = log(x)", "y2 = sin(y1)",
                                                    "y3 = 5 * y2"]
    assert [b.detail for b in plot.layout.boxes] == ["3", "1.099", "0.8906", "4.453"]
    assert [t.get_text() for t in plot.texts][2] == "y2 = sin(y1)\n0.8906"
    assert [b.kind for b in plot.layout.boxes] == ["input", "op", "op", "output"]


def test_highlighted_node_is_drawn_differently():
    trace = ad.trace(lambda x: x * x + ad.sin(x), 3.0)
    plot = ad.plot_graph(trace, highlight=2, done=[0, 1])
    _, boxes = box_centres(plot)
    faces = boxes.get_facecolor()
    widths = boxes.get_linewidth()
    assert tuple(faces[2]) == to_rgba(COLORS["highlight"])
    assert all(tuple(faces[k]) != tuple(faces[2]) for k in (0, 1, 3))
    assert widths[2] > max(widths[0], widths[1], widths[3])
    assert tuple(faces[0]) == tuple(faces[1]) == to_rgba(COLORS["done"])
    assert tuple(faces[3]) == to_rgba(COLORS["output"])
    assert plot.texts[2].get_fontweight() == "bold"


def test_update_recolours_without_a_new_layout():
    trace = ad.trace(lambda x: x * x + ad.sin(x), 3.0)
    plot = GraphPlot(trace)
    layout = plot.layout
    before = plot.png()
    plot.update(highlight=3, done=[0, 1, 2], edges=[(1, 3)])
    assert plot.layout is layout
    assert tuple(plot.box_colours()[3]) == to_rgba(COLORS["highlight"])
    hot = [c for c in plot.ax.collections if c.get_gid() == "graph-edges-highlight"]
    assert len(hot) == 1
    assert plot.png() != before
    plot.update()                                 # back to no highlight
    assert not [c for c in plot.ax.collections if c.get_gid() == "graph-edges-highlight"]
    assert tuple(plot.box_colours()[3]) == to_rgba(COLORS["output"])


def test_layout_is_cached_per_trace():
    trace = ad.trace(lambda x: ad.exp(x) * ad.cos(x), 0.3)
    assert graph_layout(trace) is graph_layout(trace)
    assert graph_layout(trace, max_nodes=10) is not graph_layout(trace)


def test_sixty_nodes_are_drawn_one_box_each_and_fast():
    def poly(x):
        terms = [ad.sin(x * k) + ad.cos(x) * k for k in range(1, 9)]
        out = terms[0]
        for t in terms[1:]:
            out = out * 0.5 + t
        return out
    trace = ad.trace(poly, 0.7)
    assert 50 <= len(trace) <= 60
    ad.plot_graph(trace)                          # first call: layout
    start = time.perf_counter()
    plot = ad.plot_graph(trace, highlight=20, done=range(20))
    plot.png()
    elapsed = time.perf_counter() - start
    assert len(plot.layout.boxes) == len(trace)
    assert plot.layout.message == ""
    assert elapsed < 2.0                          # the benchmark reports the real number


def test_a_loop_is_collapsed_keeping_its_first_and_last_iteration():
    trace = ad.trace(pow_loop, 2.0, 100)          # 200 operations: (sub, mul) x 100
    plot = ad.plot_graph(trace)
    boxes = plot.layout.boxes
    assert len(boxes) < 15
    groups = [b for b in boxes if b.kind == "group"]
    assert len(groups) == 1
    assert groups[0].title.startswith("×97 (sub, mul)")
    assert len(groups[0].members) == 194
    assert boxes[-1].kind == "output" and boxes[-1].members == (trace.outputs[0],)
    assert "collapsed" in plot.layout.message and "nodes=range(" in plot.layout.message
    centres, _ = box_centres(plot)
    for a, b in plot.layout.edges:
        assert centres[a, 0] < centres[b, 0]


def test_a_part_can_be_drawn_in_full():
    trace = ad.trace(pow_loop, 2.0, 100)
    plot = ad.plot_graph(trace, nodes=range(50, 70), highlight=60)
    shown = {m for b in plot.layout.boxes for m in b.members}
    assert set(range(50, 70)) <= shown
    assert all(b.kind == "outside" for b in plot.layout.boxes if b.members[0] not in range(50, 70))
    assert "nodes 50..69" in plot.layout.message
    assert tuple(plot.box_colours()[plot.layout.box_of[60]]) == to_rgba(COLORS["highlight"])


def test_a_hundred_thousand_nodes_are_never_drawn_one_by_one():
    rng = np.random.default_rng(0)
    ops = [ad.sin, ad.cos, ad.tanh, lambda v: v * 1.1, lambda v: v + 0.3]

    def random_program(x):
        values = [x]
        for k in range(100_000):
            a = values[rng.integers(len(values))]
            values.append(ops[rng.integers(len(ops))](a) * 0.5 if k % 2 else a + values[-1])
        return values[-1]
    trace = ad.trace(random_program, 0.1)
    assert len(trace) > 100_000
    start = time.perf_counter()
    plot = ad.plot_graph(trace)
    png = plot.png()
    elapsed = time.perf_counter() - start
    assert png.startswith(PNG_MAGIC)
    assert len(plot.layout.boxes) <= 60
    assert sum(len(b.members) for b in plot.layout.boxes) == len(trace)
    assert "blocks" in plot.layout.message and "nodes=range(" in plot.layout.message
    assert len(plot.texts) == len(plot.layout.boxes)
    assert elapsed < 30, f"plot_graph took {elapsed:.1f} s"


def test_plot_graph_draws_into_given_axes_and_checks_its_argument():
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots()
    plot = ad.plot_graph(ad.trace(lambda x: ad.sin(x), 1.0), ax=ax, title="sin")
    assert plot.figure is fig and ax.get_title(loc="left") == "sin"
    plt.close(fig)
    with pytest.raises(TypeError, match="needs a Trace"):
        ad.plot_graph(lambda x: x)


def _loop_of_sines(x):
    s = x
    for _ in range(30):
        s = ad.sin(s) * x + 0.1
    return s


@pytest.mark.parametrize("trace", [
    ad.trace(_loop_of_sines, 0.7),                                   # collapsed view
    ad.trace(lambda x, w: ad.sin(x * w) + x * w * x, 1.5, 2.0),      # x skips a column
], ids=["collapsed loop", "fan-out"])
def test_edges_that_skip_columns_go_around_the_boxes(trace):
    """An edge from x to a box three columns on was drawn straight
    through the boxes between them. Every drawn edge, plain or highlighted (as a sweep
    frame draws it), must stay outside every box it does not join."""
    plot = ad.plot_graph(trace)
    lay = plot.layout
    long_edges = [(a, b) for a, b in lay.edges if lay.x[b] - lay.x[a] > 1.5]
    assert long_edges
    plot.update(edges=[(lay.boxes[a].members[-1], lay.boxes[b].members[0])
                       for a, b in long_edges])
    plot.figure.canvas.draw()
    to_data = plot.ax.transData.inverted()
    w, h = plot.BOX_W / 2, plot.BOX_H / 2
    arcs = [p for p in plot.ax.patches if (p.get_gid() or "").startswith("graph-edges")]
    assert len(arcs) == 2 * len(long_edges)
    for arc, (a, b) in zip(arcs, long_edges + long_edges):
        points = np.vstack([to_data.transform(poly) for poly in arc.get_path().to_polygons()])
        for k in range(len(lay.boxes)):
            if k in (a, b):
                continue
            inside = ((np.abs(points[:, 0] - lay.x[k]) < w - 0.02)
                      & (np.abs(points[:, 1] - lay.y[k]) < h - 0.02))
            assert not inside.any(), f"edge {a}->{b} runs through box {k}"


def test_a_backwards_edge_points_at_its_parent():
    """C13: the reverse filmstrip drew the adjoint's edge forwards, the player backwards."""
    trace = ad.trace(lambda x: ad.sin(x) * x, 0.5)        # x -> y1 = sin(x) -> y2
    forward = ad.plot_graph(trace, edges=[(1, 2)])
    back = ad.plot_graph(trace, edges=[(1, 2)], backwards=True)
    q_forward, q_back = (next(c for c in p.ax.collections
                              if c.get_gid() == "graph-edges-highlight") for p in (forward, back))
    assert q_forward.U[0] > 0 and q_back.U[0] < 0          # towards y2, towards y1
    assert np.allclose(q_forward.X + q_forward.U, q_back.X)
