"""The graph picture: layered left to right along every edge, highlighting drawn
differently, big traces collapsed instead of drawn node by node."""

import time

import numpy as np
import pytest
from matplotlib.colors import to_rgba

import adexplorer as ad
from adexplorer.viz.graph import COLORS, GraphPlot, graph_layout

from .graph_zoo import ZOO

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


def drawn(plot, gid):
    """The artists drawn with ``gid``: (polylines of the edges, their arrowheads)."""
    lines = next(c for c in plot.ax.collections if c.get_gid() == gid + "-lines")
    heads = next(c for c in plot.ax.collections if c.get_gid() == gid)
    return lines.get_segments(), heads


@pytest.mark.parametrize("name", ["MLP loss", "fan-out", "pow unrolled", "collapsed loop",
                                  "random 60-node DAG"])
def test_edges_are_drawn_along_the_layout_routes(name):
    """The picture draws what the layout routed (so the headless geometry tests hold
    for it): every edge, plain and highlighted as a sweep frame highlights it, with its
    arrowhead at the end of its route, at the target, or at the source when backwards."""
    make, options = ZOO[name]
    plot = ad.plot_graph(make(), **options)
    lay = plot.layout
    lines, heads = drawn(plot, "graph-edges")
    assert len(lines) == len(lay.edges)
    for (a, b), line in zip(lay.edges, lines):
        np.testing.assert_allclose(line, lay.routes[(a, b)])
    np.testing.assert_allclose(np.column_stack([heads.X + heads.U, heads.Y + heads.V]),
                               [lay.routes[e][-1] for e in lay.edges])
    long_edges = [(a, b) for a, b in lay.edges if len(lay.routes[(a, b)]) > 2]
    assert long_edges
    for backwards in (False, True):
        plot.update(edges=[(lay.boxes[a].members[-1], lay.boxes[b].members[0])
                           for a, b in long_edges], backwards=backwards)
        lines, heads = drawn(plot, "graph-edges-highlight")
        assert len(lines) == len(long_edges)
        for e, line in zip(long_edges, lines):
            np.testing.assert_allclose(line, lay.routes[e][::-1] if backwards else lay.routes[e])
        tips = np.column_stack([heads.X + heads.U, heads.Y + heads.V])
        np.testing.assert_allclose(tips, [lay.routes[e][0 if backwards else -1]
                                          for e in long_edges])


@pytest.mark.parametrize("name", ["MLP loss", "fan-out", "pow unrolled", "random 60-node DAG"])
def test_box_texts_fit_their_boxes_and_do_not_overlap(name):
    make, options = ZOO[name]
    plot = ad.plot_graph(make(), **options)
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    renderer = FigureCanvasAgg(plot.figure).get_renderer()
    to_pixels = plot.ax.transData.transform
    extents = [t.get_window_extent(renderer) for t in plot.texts]
    for (x0, y0, x1, y1), ext, text in zip(plot.layout.rects, extents, plot.texts):
        (bx0, by0), (bx1, by1) = to_pixels([(x0, y0), (x1, y1)])
        assert bx0 <= ext.x0 and ext.x1 <= bx1 and by0 <= ext.y0 and ext.y1 <= by1, \
            text.get_text()
        assert ext.height > 6 * plot.figure.dpi / 72           # at least 6 pt of text
    for i, ext in enumerate(extents):
        assert not any(ext.overlaps(other) for other in extents[i + 1:])


def test_a_backwards_edge_points_at_its_parent():
    """C13: the reverse filmstrip drew the adjoint's edge forwards, the player backwards."""
    trace = ad.trace(lambda x: ad.sin(x) * x, 0.5)        # x -> y1 = sin(x) -> y2
    forward = ad.plot_graph(trace, edges=[(1, 2)])
    back = ad.plot_graph(trace, edges=[(1, 2)], backwards=True)
    q_forward, q_back = (next(c for c in p.ax.collections
                              if c.get_gid() == "graph-edges-highlight") for p in (forward, back))
    assert q_forward.U[0] > 0 and q_back.U[0] < 0          # towards y2, towards y1
    assert np.allclose(q_forward.X + q_forward.U, q_back.X)


def _orange_pixels_in_boxes(renderer, picture, pair):
    """Pixels of the highlight colour inside boxes other than ``pair``'s, and near the
    end of its route (where the arrowhead is)."""
    from adexplorer.viz.graph import EDGE_HIGHLIGHT
    target = np.array(to_rgba(EDGE_HIGHLIGHT)[:3]) * 255
    orange = np.all(np.abs(picture[..., :3].astype(float) - target) < 30, axis=-1)
    height = picture.shape[0]
    to_pixels = renderer.plot.ax.transData.transform
    inside = 0
    for k, (x0, y0, x1, y1) in enumerate(renderer.layout.rects):
        if k in pair:
            continue
        (c0, r1), (c1, r0) = to_pixels([(x0, y0), (x1, y1)])
        inside += orange[int(height - r0) + 3:int(height - r1) - 3, int(c0) + 3:int(c1) - 3].sum()
    col, row = to_pixels(renderer.layout.routes[pair][-1])
    tip = orange[int(height - row) - 4:int(height - row) + 5, int(col) - 8:int(col) + 2].sum()
    return inside, tip, orange.sum()


def test_a_sweep_frame_draws_its_active_edge_along_the_route():
    """The player's frames highlight an edge where the graph routes it: no orange pixel
    inside a box the edge does not join, the arrowhead at the target. The same edge
    forced through a box it skips is caught."""
    from adexplorer.viz.frames import FrameRenderer
    from .graph_zoo import pow_unrolled
    renderer = FrameRenderer(pow_unrolled())
    lay = renderer.layout
    pair = max(lay.edges, key=lambda e: lay.layer[e[1]] - lay.layer[e[0]])   # x -> y12
    edge = (lay.boxes[pair[0]].members[-1], lay.boxes[pair[1]].members[0])
    inside, tip, total = _orange_pixels_in_boxes(renderer, renderer.rgba(edges=[edge]).copy(),
                                                 pair)
    assert total > 200 and tip > 0 and inside == 0
    route = lay.routes[pair]
    middle = next(k for k in range(len(lay.boxes)) if lay.layer[k] == 3)
    lay.routes[pair] = np.array([route[0], (lay.x[middle], lay.y[middle]), route[-1]])
    renderer._edge_artists.clear()
    inside, _tip, _total = _orange_pixels_in_boxes(
        renderer, renderer.rgba(edges=[edge]).copy(), pair)
    assert inside > 0


def test_a_small_array_box_shows_its_rounded_entries_a_large_one_its_dtype_and_norm():
    column = np.array([[0.12345], [-0.56789], [0.43219], [0.2]])   # 4 entries, 27 chars
    big = np.full((5, 5), 0.5)                                      # 25 entries, norm 2.5
    plot = ad.plot_graph(ad.trace(lambda c, b: np.sum(c) + np.sum(b), column, big))
    details = [b.detail for b in plot.layout.boxes]
    small = next(d for d in details if "0.123" in d)
    for entry in ("0.123", "-0.568", "0.432", "0.2"):
        assert entry in small
    assert "norm" not in small and all(len(line) <= 18 for line in small.split("\n"))
    assert any("(5,5) float64" in d and "norm 2.5" in d for d in details)


def test_a_graph_picture_has_a_key_to_its_colours_unless_asked_not_to():
    trace = ad.trace(lambda x: 5 * ad.sin(ad.log(x)), 3.0)
    legend = ad.plot_graph(trace).ax.get_legend()
    assert [t.get_text() for t in legend.get_texts()] == ["input", "operation", "output"]
    assert all(t.get_fontsize() >= 11 for t in legend.get_texts())
    assert ad.plot_graph(trace, key=False).ax.get_legend() is None
