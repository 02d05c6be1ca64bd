"""The graph's geometry as plain data: no edge passes behind a box it does not join,
every edge ends on its target, nothing overlaps, and no matplotlib is needed for it."""

import subprocess
import sys
import textwrap

import numpy as np
import pytest

from adexplorer.viz.layout import BOX_H, BOX_W, graph_layout

from .graph_zoo import ZOO, fan_out, pow_unrolled, random_dag

EPS = 1e-6


def segment_enters(p, q, rect) -> bool:
    """Whether segment p-q has a point strictly inside ``rect`` (Liang-Barsky clip)."""
    x0, y0, x1, y1 = rect[0] + EPS, rect[1] + EPS, rect[2] - EPS, rect[3] - EPS
    t0, t1 = 0.0, 1.0
    dx, dy = q[0] - p[0], q[1] - p[1]
    for pk, qk in ((-dx, p[0] - x0), (dx, x1 - p[0]), (-dy, p[1] - y0), (dy, y1 - p[1])):
        if pk == 0:
            if qk < 0:
                return False
        elif pk < 0:
            t0 = max(t0, qk / pk)
        else:
            t1 = min(t1, qk / pk)
    return t0 < t1


def boxes_crossed(rects, routes) -> list:
    """(edge, box) for every segment of an edge inside a box other than its ends."""
    out = []
    for (a, b), points in routes.items():
        for p, q in zip(points, points[1:]):
            out += [((a, b), k) for k, r in enumerate(rects)
                    if k not in (a, b) and segment_enters(p, q, r)]
    return out


def straight_routes(lay) -> dict:
    """Each edge as one segment from its source's right side to its target's left side."""
    return {(a, b): np.array([[lay.x[a] + BOX_W / 2, lay.y[a]], [lay.x[b] - BOX_W / 2, lay.y[b]]])
            for a, b in lay.edges}


def layout(name):
    make, options = ZOO[name]
    return graph_layout(make(), **options)


@pytest.mark.parametrize("name", ZOO)
def test_no_edge_passes_behind_a_box(name):
    lay = layout(name)
    assert sorted(lay.routes) == sorted(lay.edges)
    assert boxes_crossed(lay.rects, lay.routes) == []


def test_the_check_catches_edges_drawn_straight():
    """The same boxes with every edge drawn as one straight segment: the check above
    finds edges behind boxes (it can fail)."""
    crossed = {name: boxes_crossed(lay.rects, straight_routes(lay))
               for name, lay in ((n, layout(n)) for n in ("fan-out", "pow unrolled",
                                                          "random 60-node DAG"))}
    assert all(crossed.values()), crossed
    # by hand, the case of a two-layer MLP's graph: a straight edge from W2 (first column,
    # below) into y3 three columns on passes behind y1 = W1 @ ..., which stands level with
    # y3 in between; the check must report that edge and that box
    rects = np.array([[-0.41, -0.81, 0.41, -0.19], [0.59, -0.31, 1.41, 0.31],
                      [2.59, -0.31, 3.41, 0.31]])
    assert boxes_crossed(rects, {(0, 2): np.array([[0.41, -0.5], [2.59, 0.0]])}) == [((0, 2), 1)]


@pytest.mark.parametrize("name", ZOO)
def test_every_edge_leaves_its_source_and_ends_on_its_target(name):
    """From the source's right border to the target's left border, where the arrowhead
    is drawn: the arrow points at the true target."""
    lay = layout(name)
    w, h = BOX_W / 2, BOX_H / 2
    for (a, b), points in lay.routes.items():
        assert len(points) >= 2
        (xs, ys), (xe, ye) = points[0], points[-1]
        assert xs == pytest.approx(lay.x[a] + w) and abs(ys - lay.y[a]) <= h
        assert xe == pytest.approx(lay.x[b] - w) and abs(ye - lay.y[b]) < h
        assert points[-2][0] < xe                  # arriving from the left
        assert np.all(np.hypot(*np.diff(points, axis=0).T) > 0) or len(points) == 2


@pytest.mark.parametrize("name", ZOO)
def test_boxes_do_not_overlap_and_edges_do_not_run_along_each_other(name):
    lay = layout(name)
    r = lay.rects
    for k in range(len(r)):
        apart = ((r[k, 2] <= r[:, 0]) | (r[:, 2] <= r[k, 0])
                 | (r[k, 3] <= r[:, 1]) | (r[:, 3] <= r[k, 1]))
        apart[k] = True
        assert apart.all(), f"box {k} overlaps {np.flatnonzero(~apart)}"
    segments = [(e, p, q) for e, pts in lay.routes.items() for p, q in zip(pts, pts[1:])]
    level = [(e, p, q) for e, p, q in segments if abs(p[1] - q[1]) < EPS]
    upright = [(e, p, q) for e, p, q in segments if abs(p[0] - q[0]) < EPS]
    for kind, axis in ((level, 0), (upright, 1)):   # two edges on one line look like one
        for i, (e, p, q) in enumerate(kind):
            for f, s, t in kind[i + 1:]:
                if e[0] == f[0] or e[1] == f[1] or abs(p[1 - axis] - s[1 - axis]) > EPS:
                    continue                       # (a shared stem of one source is true)
                lo = max(min(p[axis], q[axis]), min(s[axis], t[axis]))
                hi = min(max(p[axis], q[axis]), max(s[axis], t[axis]))
                assert hi - lo < EPS, f"edges {e} and {f} run along each other"


def test_a_long_edge_runs_level_on_its_own_lane():
    """pow: x feeds every product; each edge keeps one height through the columns it
    skips, on a lane no other edge uses."""
    lay = graph_layout(pow_unrolled())
    x = 0                                          # box of the input x
    long_edges = [e for e in lay.edges if e[0] == x and lay.layer[e[1]] - lay.layer[x] > 1]
    assert len(long_edges) == 5
    lanes = set()
    for e in long_edges:
        inner = lay.routes[e][1:-1]                # the waypoints in skipped columns
        assert len(inner) == 2 * (lay.layer[e[1]] - 1)
        assert np.ptp(inner[:, 1]) < EPS
        lanes.add(round(float(inner[0, 1]), 6))
    assert len(lanes) == 5


def test_geometry_is_the_same_every_run():
    first, again = graph_layout(random_dag()), graph_layout(random_dag())
    assert first is not again
    np.testing.assert_array_equal(first.rects, again.rects)
    assert list(first.routes) == list(again.routes)
    for e in first.routes:
        np.testing.assert_array_equal(first.routes[e], again.routes[e])


def test_fan_out_boxes_keep_the_trace_order_in_columns():
    lay = graph_layout(fan_out())
    assert [b.title for b in lay.boxes[:7]] == list("abcdefg")
    assert lay.layer.tolist() == [0] * 7 + [1, 1, 2, 1, 2, 3, 1, 4]


def test_layout_needs_no_matplotlib():
    """A subprocess where importing matplotlib fails computes the geometry."""
    code = textwrap.dedent("""
        import sys
        class Block:
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] == "matplotlib":
                    raise ImportError("matplotlib is blocked")
        sys.meta_path.insert(0, Block())
        import adexplorer as ad
        from adexplorer.viz.layout import graph_layout
        trace = ad.trace(lambda x, w: ad.sin(x * w) + x * w * x, 1.5, 2.0)
        lay = graph_layout(trace)
        assert "matplotlib" not in sys.modules
        pairs = {(p, node.index) for node in trace.nodes for p in node.inputs}
        print(len(lay.boxes), len(trace), len(lay.routes), len(pairs))
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    boxes, nodes, routes, pairs = done.stdout.split()
    assert boxes == nodes == "7" and routes == pairs
