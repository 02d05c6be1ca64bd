"""Arrays shown as values in the sweep frames, and an array trace of a 2-layer MLP that
can be followed frame by frame: every caption names its rule and the shapes that meet in
it (checked against NumPy's shapes and matrix algebra), and small values appear rounded."""

import re
import unicodedata

import numpy as np
import pytest

import adexplorer as ad
from adexplorer.viz.graph import graph_layout
from adexplorer.viz.sweepframes import SweepFrames

RNG = np.random.default_rng(7)
X = RNG.normal(size=(4, 3))           # 4 samples, 3 features
W1 = RNG.normal(size=(3, 4)) * 0.5    # 12 entries: small enough to print
B1 = np.array([0.1, -0.2, 0.3, 0.0])
W2 = RNG.normal(size=(4, 2))


def mlp(W1, b1, W2, x):
    h = np.tanh(x @ W1 + b1)
    return np.sum((h @ W2) ** 2)


@pytest.fixture(scope="module")
def reverse():
    return SweepFrames(ad.trace(mlp, W1, B1, W2, X), "reverse")


def nfd(text):
    """Names with a bar are written as a letter and a combining macron (ȳ = y + U+0304)."""
    return unicodedata.normalize("NFD", text)


def compact(shape):
    return "(" + ",".join(map(str, shape)) + (",)" if len(shape) == 1 else ")")


def shape_line(caption):
    """The caption's line with the rule and its shapes: the one holding ' → ' (besides
    an un-broadcast line)."""
    lines = [line for line in caption.split("\n")
             if " → " in line and not line.startswith("un-broadcast")]
    assert len(lines) == 1, caption
    return lines[0]


def matmul_shape(text):
    """Shapes joined by @ (a ᵀ swaps a 2-D shape), multiplied out by matrix algebra."""
    shapes = []
    for m in re.finditer(r"\((\d+),(\d+)\)(ᵀ?)", text):
        rows, cols = int(m.group(1)), int(m.group(2))
        shapes.append((cols, rows) if m.group(3) else (rows, cols))
    out = shapes[0]
    for rows, cols in shapes[1:]:
        assert out[1] == rows, f"{text}: inner dimensions differ"
        out = (out[0], cols)
    return out


def entries(v, places):
    return [format(float(e), f".{places}g") for e in np.ravel(v)]


def test_every_frame_of_the_mlp_reverse_sweep_names_its_rule_and_shapes(reverse):
    # 10 steps; b̄1's step un-broadcasts, so it has two frames
    assert len(reverse.sweep) == 10 and reverse.n_frames == 12
    for k in range(1, reverse.n_frames):
        frame = reverse.frame(k)
        s, caption = frame.step, frame.caption
        if s.kind == "seed":
            assert nfd("ȳ6 = 1") in caption
            continue
        if frame.phase == "unbroadcast":        # the sum's own frame (tested below)
            continue
        assert f"vjp rule of {s.op}" in caption
        line = shape_line(caption)
        rule, shapes = line.split("    ", 1)
        out = np.shape(s.contribution)
        # every array the rule reads, by name in the rule and by shape in the shapes
        for name, value in s.reads + ((s.name, s.primal),):
            if np.ndim(value) and re.search(re.escape(name) + r"(?![\d\u0304])", rule):
                assert compact(np.shape(value)) in shapes, (name, line)
        if s.op == "matmul":
            lhs, arrow = shapes.split(" → ")
            assert matmul_shape(lhs) == out == tuple(map(int, re.findall(r"\d+", arrow)))
            assert "@" in rule and "ᵀ" in rule        # x̄ = ȳ1 @ W1ᵀ, W̄1 = xᵀ @ ȳ1
        elif "un-broadcast" not in caption:
            assert shapes.endswith(f"→ {compact(out)}")


def test_the_unbroadcast_sum_is_its_own_line(reverse):
    """b̄1 of y1 + b1: ȳ2 (4, 4) is summed over the rows to b1's shape (4,)."""
    (s,) = [s for s in reverse.sweep if s.parent_name == "b1"]
    adjoint_in = dict(s.reads)[nfd("ȳ2")]
    np.testing.assert_allclose(s.contribution, adjoint_in.sum(axis=0))
    caption = reverse.frame(reverse.frames_of(s.step)[-1]).caption
    (line,) = [line for line in caption.split("\n") if line.startswith("un-broadcast")]
    assert f"{compact(adjoint_in.shape)} is summed over axis 0 → {compact(B1.shape)}" in line
    assert "sum_to" not in caption


def test_small_values_appear_rounded_in_captions(reverse):
    """W̄1 has 12 entries: its caption shows them all, to 3 digits; b̄1 (4 entries)
    to 4 digits."""
    w1 = reverse.sweep[-1]
    assert w1.parent_name == "W1"
    np.testing.assert_allclose(w1.value, X.T @ dict(w1.reads)[nfd("ȳ1")])
    caption = reverse.frame(reverse.n_frames - 1).caption
    for text in entries(w1.value, 3):
        assert text in caption
    b1 = next(s for s in reverse.sweep if s.parent_name == "b1")
    for text in entries(b1.value, 4):
        assert text in reverse.frame(reverse.frames_of(b1.step)[-1]).caption


def test_values_table_and_notes_show_small_arrays_and_big_ones_by_shape(reverse):
    last = reverse.frame(reverse.n_frames - 1)
    table = reverse.table_html(reverse.n_frames - 1, last)
    w2_bar = reverse.sweep.values[2]                   # inputs: W1, b1, W2, x
    for text in entries(w2_bar, 3):
        assert text in table
    notes = reverse.notes(last)
    h = reverse.trace.nodes[6].value                   # y3 = tanh(...), (4, 4): 16 entries
    assert h.shape == (4, 4)
    norm = np.linalg.norm(reverse.sweep.values[6])
    assert notes[6].replace("\n", " ") == nfd(f"ȳ3 = (4,4) norm {norm:.3g}")


def test_a_two_by_two_input_box_shows_its_entries():
    trace = ad.trace(lambda a: np.sum(a @ a), np.array([[1.0, 2.0], [3.0, 4.0]]))
    box = graph_layout(trace).boxes[0]
    assert box.title == "a" and box.detail == "[[1, 2], [3, 4]]"


def test_the_forward_sweep_of_the_mlp_shows_shapes_too():
    frames = SweepFrames(ad.trace(mlp, W1, B1, W2, X), "forward", wrt="W1")
    for k in range(2, frames.n_frames):
        s = frames.sweep[k - 1]
        line = shape_line(frames.frame(k).caption)
        if s.op == "matmul":
            lhs, _ = line.split("    ", 1)[1].split(" → ")
            assert matmul_shape(lhs) == np.shape(s.contribution)
        else:
            assert line.endswith(f"→ {compact(np.shape(s.contribution))}")
