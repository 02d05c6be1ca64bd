"""Un-broadcast as a frame of its own: in ``y = W x + b`` over a batch, b (4,) is
broadcast to (3, 4), so its adjoint is the contribution summed over the batch axis. The
player shows that step twice — the contribution at the operation's shape, then the sum —
while the sweep keeps one step; every number is checked against NumPy."""

import unicodedata

import numpy as np
import pytest

import adexplorer as ad
from adexplorer.viz.sweepframes import SweepFrames

RNG = np.random.default_rng(11)
X = RNG.normal(size=(3, 3))                  # a batch of 3 samples, 3 features each
W = RNG.normal(size=(4, 3)) * 0.5
B = np.array([0.1, -0.2, 0.3, 0.0])


def layer(W, b):
    y = X @ W.T + b                          # W x + b for every sample x (a row of X)
    return np.sum(np.tanh(y))


# d/dy sum(tanh(y)) = 1 - tanh(y)²: NumPy's own numbers for the contribution and its sum
UNSUMMED = 1 - np.tanh(X @ W.T + B) ** 2
SUMMED = UNSUMMED.sum(axis=0)


def nfd(text):
    return unicodedata.normalize("NFD", text)


def entries(v, places):
    return [format(float(e), f".{places}g") for e in np.ravel(v)]


@pytest.fixture(scope="module")
def frames():
    return SweepFrames(ad.trace(layer, W, B), "reverse")


def b_step(frames):
    (s,) = [s for s in frames.sweep if s.parent_name == "b"]
    return s


def test_the_sweep_keeps_one_step_and_the_frames_get_one_more(frames):
    plain = ad.trace(layer, W, B).reverse_sweep()
    assert len(frames.sweep) == len(plain) == 7
    assert frames.n_frames == len(frames.sweep) + 2          # the start, and b̄'s second frame
    first, second = frames.frames_of(b_step(frames).step)
    assert second == first + 1
    assert [frames.frame(k).phase for k in (first, second)] == ["contribution", "unbroadcast"]
    assert all(len(frames.frames_of(s.step)) == 1 for s in frames.sweep
               if s.parent_name != "b")


def test_first_the_contribution_at_the_operations_shape(frames):
    s = b_step(frames)
    frame = frames.frame(frames.frames_of(s.step)[0])
    np.testing.assert_allclose(frame.contribution, UNSUMMED)
    assert s.target not in frame.values                    # b̄ is not written yet
    for text in entries(UNSUMMED, 3):                      # 12 entries: shown rounded
        assert text in frame.caption
    assert "(3,4)" in frame.caption and "un-broadcast" in frame.caption
    (edge,) = frames.edge_notes(frame)                     # not added yet: no "+"
    assert edge[2] == f"(3,4) norm {np.linalg.norm(UNSUMMED):.3g}"


def test_then_the_sum_over_the_batch_with_the_adjoint_updated(frames):
    s = b_step(frames)
    frame = frames.frame(frames.frames_of(s.step)[1])
    np.testing.assert_allclose(frame.contribution, SUMMED)
    np.testing.assert_allclose(frame.values[s.target], SUMMED)
    np.testing.assert_allclose(ad.gradient(layer, W, B)[1], SUMMED)
    lines = frame.caption.split("\n")
    assert "part 2 of 2" in lines[0]
    assert lines[1] == "un-broadcast: b has shape (4,), so (3,4) is summed over axis 0 → (4,)"
    assert lines[2] == nfd("b̄ = [" + ", ".join(entries(SUMMED, 4)) + "]")


def test_the_player_steps_through_both_frames_and_counts_steps(frames):
    player = ad.SweepPlayer(ad.trace(layer, W, B), "reverse")
    first, second = player.frames.frames_of(b_step(player.frames).step)
    assert player.slider.max == player.play.max == player.n_frames - 1 == 8
    assert player.slider.description == "frame"           # frames outnumber steps
    player.show(first)
    picture, status = player.image.value, player.status.value
    assert f"{len(frames.sweep) - b_step(frames).step} steps to go" in status
    player.show(second)
    assert player.image.value != picture                  # the adjoint of b is drawn
    assert "summed over axis 0" in player.caption.value
    player.show(player.n_frames - 1)
    assert "the same ✓" in player.status.value
    assert repr(player).endswith(", 7 steps>")


def test_practice_asks_once_for_the_summed_value():
    player = ad.SweepPlayer(ad.trace(layer, W, B), "reverse", practice=True)
    panel, frames = player.practice, player.frames
    asked = 0
    while not panel.done:
        step = frames.step_at(panel.next_frame)
        if step.parent_name == "b":
            assert nfd("b̄") in panel.question.value
            # the unsummed contribution is not what b̄ gets: 12 numbers for 4 entries
            assert panel.submit(", ".join(map(str, UNSUMMED.ravel()))) is None
            assert "this value has 4 entries" in panel.feedback.value
            assert panel.submit(", ".join(repr(float(v)) for v in SUMMED)) is True
            assert player.frames.frame(player.slider.value).phase == "unbroadcast"
        else:
            value = np.ravel(step.value)
            assert panel.submit(", ".join(repr(float(v)) for v in value)) is True
        asked += 1
    assert asked == len(frames.sweep) and panel.right == asked


def test_the_filmstrip_shows_both_frames(frames):
    first, second = frames.frames_of(b_step(frames).step)
    fig = ad.sweep_filmstrip(ad.trace(layer, W, B), "reverse", steps=(first, second))
    texts = "\n".join(t.get_text() for t in fig.texts)
    assert "part 1 of 2" in texts and "part 2 of 2" in texts
    assert fig.filmstrip.steps == (first, second)
