"""SweepPlayer without a browser: every frame of both sweeps, what each one shows, and
that the result at the end is the gradient / derivative (from calculus, and from an
independent run of ad.gradient / ad.jvp that the player itself reports)."""

import math

import numpy as np
import pytest
from matplotlib.colors import to_rgba

import adexplorer as ad
from adexplorer.viz.frames import FrameRenderer
from adexplorer.viz.sweepframes import SweepFrames
from adexplorer.viz.graph import COLORS

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def f_log(x):
    return 5 * ad.sin(ad.log(x))


def f_fanout(x, w):
    return x * w + ad.sin(x)


def f_pow(x):
    r = 1.0
    for _ in range(4):
        r = r * x
    return r


# (function, point, gradient by calculus)
CASES = {
    "5 sin(log x)": (f_log, (3.0,), (5 * math.cos(math.log(3.0)) / 3.0,)),
    "x w + sin x": (f_fanout, (3.0, 2.0), (2.0 + math.cos(3.0), 3.0)),
    "x^4 by a loop": (f_pow, (1.5,), (4 * 1.5 ** 3,)),
}


def step_through(player):
    """Visit every frame with the slider (as the browser's Play would) and record what
    is displayed."""
    shown = []
    for k in range(player.n_frames):
        player.slider.value = k
        shown.append((bytes(player.image.value), player.caption.value, player.table.value,
                      player.status.value))
    return shown


@pytest.mark.parametrize("mode", ["forward", "reverse"])
@pytest.mark.parametrize("case", list(CASES))
def test_every_frame_changes_what_is_shown(case, mode):
    f, point, _ = CASES[case]
    player = ad.SweepPlayer(ad.trace(f, *point), mode=mode)
    shown = step_through(player)
    assert len(shown) == len(player.frames.sweep) + 1 >= 3
    for before, after in zip(shown, shown[1:]):
        assert after[0].startswith(PNG_MAGIC)
        assert after[0] != before[0], "the picture must change at every step"
        assert after[1] != before[1], "the caption must change at every step"
    assert len({s[0] for s in shown}) == len(shown)


@pytest.mark.parametrize("case", list(CASES))
def test_reverse_player_ends_at_the_gradient_and_says_so(case):
    f, point, expected = CASES[case]
    player = ad.SweepPlayer(ad.trace(f, *point), mode="reverse")
    player.show(player.n_frames - 1)
    got = player.frames.result()
    assert np.allclose(got, expected, rtol=1e-12)
    assert np.allclose(got, ad.gradient(f, *point), rtol=1e-12)
    assert player.frames.check.ok is True
    assert "ad.gradient" in player.status.value and "the same ✓" in player.status.value
    for value in expected:
        assert f"{value:.6g}" in player.status.value


@pytest.mark.parametrize("case", list(CASES))
def test_forward_player_ends_at_the_derivative(case):
    f, point, expected = CASES[case]
    trace = ad.trace(f, *point)
    for k, name in enumerate(n.name for n in trace.nodes if n.is_input):
        player = ad.SweepPlayer(trace, mode="forward", wrt=name)
        player.show(10 ** 6)                     # clipped to the last frame
        assert player.frame == player.n_frames - 1
        (tangent,) = player.frames.result()
        assert tangent == pytest.approx(expected[k], rel=1e-12)
        assert player.frames.check.ok is True
        assert "ad.jvp" in player.status.value and "✓" in player.status.value


def test_the_check_is_independent_of_the_sweep():
    """Change what the traced function computes after tracing: the recorded sweep still
    gives the old gradient, ad.gradient the new one, and the player says they differ."""
    scale = {"c": 5.0}

    def f(x):
        return scale["c"] * ad.sin(x)
    player = ad.SweepPlayer(ad.trace(f, 0.5), mode="reverse")
    scale["c"] = 7.0
    player.show(player.n_frames - 1)
    assert player.frames.result()[0] == pytest.approx(5 * math.cos(0.5))
    assert player.frames.check.ok is False
    assert "DIFFER" in player.status.value


def test_reverse_fanout_adds_each_contribution_as_its_own_step():
    trace = ad.trace(f_fanout, 3.0, 2.0)
    frames = SweepFrames(trace, "reverse")
    to_x = [frames.frame(k) for k in range(1, frames.n_frames)
            if frames.frame(k).step.parent == 0]
    assert len(to_x) == 2                               # x is used by y1 = x*w and y2 = sin(x)
    first, second = to_x
    assert first.symbols == "x̄ = ȳ2 · cos(x)"
    assert second.symbols == "x̄ += ȳ1 · w"
    assert first.values[0] == pytest.approx(math.cos(3.0))
    assert second.values[0] == pytest.approx(math.cos(3.0) + 2.0)
    # the caption shows the addition with its numbers
    assert f"{math.cos(3.0):.6g} + 2 = {math.cos(3.0) + 2:.6g}" in second.caption
    assert 0 not in first.final and 0 in second.final


def test_caption_has_the_rule_in_words_and_symbols():
    frames = SweepFrames(ad.trace(f_log, 3.0), "reverse")
    captions = [frames.frame(k).caption for k in range(frames.n_frames)]
    assert any("ȳ1 = ȳ2 · cos(y1)" in c and "vjp rule of sin" in c for c in captions)
    forward = SweepFrames(ad.trace(f_log, 3.0), "forward")
    assert any("dy3 = dy2 · dy1" in forward.frame(k).caption and "jvp rule of sin"
               in forward.frame(k).caption for k in range(forward.n_frames))


def dominant(pixels):
    flat = pixels.reshape(-1, 4)
    colours, counts = np.unique(flat, axis=0, return_counts=True)
    return tuple(colours[np.argmax(counts)] / 255.0)


def close(colour, name):
    return np.allclose(colour, to_rgba(COLORS[name]), atol=0.02)


def test_the_picture_highlights_the_active_node_and_colours_finished_ones():
    trace = ad.trace(f_log, 3.0)
    frames = SweepFrames(trace, "reverse")
    renderer = frames.renderer = FrameRenderer(trace)
    frame = frames.frame(3)                      # y2 sends its adjoint to y1
    picture = renderer.rgba(frame.hot, frame.final, frame.edges, frames.notes(frame))
    assert set(frame.hot) == {2, 1}
    for node in (1, 2):
        assert close(dominant(renderer.box_pixels(picture, node)), "highlight")
    assert close(dominant(renderer.box_pixels(picture, 3)), "done")   # y3 finished
    assert close(dominant(renderer.box_pixels(picture, 0)), "input")  # x not reached yet


def test_values_are_written_on_the_picture():
    frames = SweepFrames(ad.trace(f_log, 3.0), "reverse")
    frame = frames.frame(3)
    assert frames.notes(frame) == {3: "ȳ3 = 1", 2: "ȳ2 = 5", 1: "ȳ1 = 2.274"}
    assert frames.edge_notes(frame) == ((1, 2, "+2.274"),)
    plain = frames.renderer = FrameRenderer(frames.trace)
    with_notes = plain.png(frame.hot, frame.final, frame.edges, frames.notes(frame))
    without = plain.png(frame.hot, frame.final, frame.edges, {})
    assert with_notes != without


def test_notes_blended_as_pixels_look_as_matplotlib_draws_them():
    trace = ad.trace(f_fanout, 3.0, 2.0)
    frames = SweepFrames(trace, "reverse")
    fast, slow = FrameRenderer(trace), FrameRenderer(trace, note_pixels=False)
    for k in range(1, frames.n_frames):
        frame = frames.frame(k)
        args = (frame.hot, frame.final, frame.edges, frames.notes(frame))
        a = fast.rgba(*args).astype(int)
        b = slow.rgba(*args).astype(int)
        assert np.abs(a - b).max() <= 2                # rounding of the blend only
        assert not np.array_equal(a, fast.rgba(frame.hot, frame.final, frame.edges, {}))


def test_buttons_and_speed():
    player = ad.SweepPlayer(ad.trace(f_log, 3.0), mode="reverse")
    player.forward.click()
    player.forward.click()
    assert player.frame == 2
    player.back.click()
    assert player.frame == 1
    for _ in range(3):
        player.back.click()
    assert player.frame == 0
    player.speed.value = dict(ad.viz.widgets.SPEEDS)["fast"]
    assert player.play.interval == dict(ad.viz.widgets.SPEEDS)["fast"]
    assert player.play.max == player.slider.max == player.n_frames - 1


def test_table_fills_in():
    player = ad.SweepPlayer(ad.trace(f_log, 3.0), mode="reverse")
    assert "ȳ" not in player.table.value
    player.show(player.n_frames - 1)
    for text in ("ȳ3 = 1", "ȳ2 = 5", "ȳ1 = 2.27416", "x̄ = 0.758054"):
        assert text in player.table.value


def test_plain_text_form_is_one_stable_line():
    player = ad.SweepPlayer(ad.trace(f_log, 3.0), mode="reverse")
    bundle = player._repr_mimebundle_()
    assert bundle["text/plain"] == "<SweepPlayer: reverse sweep of 4 nodes, 4 steps>"
    assert "application/vnd.jupyter.widget-view+json" in bundle


def test_large_trace_uses_the_collapsed_view():
    def long(x):
        for _ in range(150):
            x = ad.sin(x) * 0.9 + 0.1
        return x
    trace = ad.trace(long, 0.3)
    player = ad.SweepPlayer(trace, mode="reverse")
    layout = player.frames.renderer.layout
    assert len(trace) > 400 and len(layout.boxes) <= 60 and "collapsed" in layout.message
    pictures = set()
    for k in (0, 1, 2, player.n_frames // 2, player.n_frames - 1):
        player.show(k)
        pictures.add(bytes(player.image.value))
    assert len(pictures) == 5
    assert "rows below" in player.table.value          # the table shows a window
    assert player.table.value.count("<tr") < 20
    player.show(1)                                     # the seed, at the output
    assert "rows above" in player.table.value and "<td>y450</td>" in player.table.value
    assert "<td>y1</td>" not in player.table.value
    assert player.frames.check.ok is True
    assert player.frames.result()[0] == pytest.approx(ad.derivative(long, 0.3), rel=1e-12)


def test_static_frames_figure():
    frames = SweepFrames(ad.trace(f_fanout, 3.0, 2.0), "reverse")
    chosen = frames.choose(most=4)
    assert chosen[-1] == frames.n_frames - 1 and len(chosen) == 4
    fig = frames.figure(chosen)
    titles = [ax.get_title(loc="left") for ax in fig.axes if ax.get_title(loc="left")]
    assert titles[-1] == f"step {chosen[-1]}: {frames.frame(chosen[-1]).symbols}"


def test_bad_arguments():
    trace = ad.trace(f_log, 3.0)
    with pytest.raises(ValueError, match="mode must be 'forward' or 'reverse'"):
        ad.SweepPlayer(trace, mode="sideways")
    with pytest.raises(TypeError, match="needs a Trace"):
        ad.SweepPlayer(f_log)
    with pytest.raises(IndexError):
        SweepFrames(trace, "forward").frame(99)


# ---------------------------------------------------------------------------
# Bugs a user met in the terminal and notebook views: each test guards one


def test_forward_labels_say_whose_tangent_and_which_line():
    """M1: in the slide's list dy2 = cos(y1) is sin's local partial and the tangent of y2
    is the line dy3 = dy2 * dy1. The value under y2's box is y2's tangent (dy2/dx =
    cos(log 3) / 3), labelled y2' and tied to its line dy3, never a bare dy3 that reads
    like "the tangent of y3"; the caption shows dy2 with its value cos(log 3)."""
    frames = SweepFrames(ad.trace(f_log, 3.0), "forward")
    last = frames.frame(frames.n_frames - 1)
    notes = frames.notes(last)
    tangent_y2 = math.cos(math.log(3.0)) / 3.0
    assert notes[2] == f"y2' = dy3\n= {tangent_y2:.4g}"
    assert notes[1] == f"y1' = dy1\n= {1 / 3:.4g}"
    assert notes[3] == f"y3' = dy4\n= {5 * tangent_y2:.4g}"
    step_y2 = next(frames.frame(k) for k in range(frames.n_frames)
                   if frames.frame(k).step is not None and frames.frame(k).step.node == 2)
    assert "tangent of y2 = sin(y1) (line dy3 of f')" in step_y2.caption
    assert f"dy2 = cos(y1) = {math.cos(math.log(3.0)):.4g}" in step_y2.caption
    table = frames.table_html(frames.n_frames - 1)
    assert f"y2&#x27; = dy3 = {tangent_y2:.6g}" in table
    reverse = SweepFrames(ad.trace(f_log, 3.0), "reverse")
    assert reverse.notes(reverse.frame(reverse.n_frames - 1))[2] == "y\u03042 = 5"


def test_a_negative_contribution_is_subtracted_in_the_caption():
    """M2: x̄ of x w + sin x at x = 3, w = 2 is cos 3 + 2: written 'cos 3 + 2', and a
    negative term as '- 0.98...' rather than '+ -0.98...'."""
    frames = SweepFrames(ad.trace(f_fanout, 3.0, 2.0), "reverse")
    captions = [frames.frame(k).caption for k in range(frames.n_frames)]
    assert not any("+ -" in c for c in captions)
    total = f"{math.cos(3.0) + 2:.6g}"
    assert any(f"{math.cos(3.0):.6g} + 2 = {total}" in c for c in captions)


def _sq_by_tangent_rule():
    @ad.tangent
    def sq(primals, tangents):
        (x,), (dx,) = primals, tangents
        return x * x, 2 * x * dx
    return sq


def test_a_tangent_rule_has_a_backward_sweep_and_a_player():
    """B2: sq given only by its tangent rule; d/dx (sq(x) + x) = 2x + 1 = 7 at 3."""
    sq = _sq_by_tangent_rule()

    def f(x):
        return sq(x) + x
    trace = ad.trace(f, 3.0)
    sweep = trace.backward_sweep()
    assert sweep.values[trace.inputs[0]] == 7.0
    assert "∂sq/∂x" in str(trace.adjoint_wengert())
    for mode in ("forward", "reverse"):
        player = ad.SweepPlayer(trace, mode=mode)
        player.show(player.n_frames - 1)
        assert player.frames.check.ok and "7" in player.status.value


def test_sweep_text_and_step_captions():
    """M2/C4: the text table counts steps from 1 like the player, a += row shows the
    running total (x̄ of x w + sin x at 3, 2 is cos 3 + 2), a seed's caption says its
    value once."""
    trace = ad.trace(f_fanout, 3.0, 2.0)
    sweep = trace.backward_sweep()
    rows = str(sweep).splitlines()
    assert [int(r.split()[0]) for r in rows] == list(range(1, len(sweep) + 1))
    total = f"{math.cos(3.0):.6g} + 2 → {math.cos(3.0) + 2:.6g}"
    assert [r for r in rows if "+=" in r] and all(total in r for r in rows if "+=" in r)
    assert sweep[0].caption.endswith(": y\u03043 = 1")
    assert trace.forward_sweep()[0].caption.endswith(": dx = 1")


# ---------------------------------------------------------------------------
# The player and the explorer are widgets: they compose like any other


def test_players_compose_in_hbox_and_tab_and_step_on_their_own():
    import ipywidgets as widgets
    trace = ad.trace(f_log, 3.0)
    forward, reverse = ad.SweepPlayer(trace, mode="forward"), ad.SweepPlayer(trace,
                                                                             mode="reverse")
    assert isinstance(forward, widgets.Widget) and isinstance(forward, widgets.VBox)
    row = widgets.HBox([forward, reverse])                  # was a TraitError
    tabs = widgets.Tab(children=[forward, reverse], titles=("forward", "reverse"))
    assert row.children == tabs.children == (forward, reverse)
    before = [(bytes(p.image.value), p.caption.value) for p in (forward, reverse)]
    forward.forward.click()
    assert forward.frame == 1 and reverse.frame == 0
    assert (bytes(reverse.image.value), reverse.caption.value) == before[1]
    assert bytes(forward.image.value) != before[0][0]
    reverse.show(reverse.n_frames - 1)
    assert forward.frame == 1 and reverse.frames.check.ok
    assert "ad.gradient" in reverse.status.value and "ad.gradient" not in forward.status.value


def test_a_player_is_what_interact_shows():
    import ipywidgets as widgets
    trace = ad.trace(f_log, 3.0)
    shown = widgets.interactive(lambda mode: ad.SweepPlayer(trace, mode=mode),
                                mode=["forward", "reverse"])
    assert isinstance(shown.result, ad.SweepPlayer) and shown.result.mode == "forward"
    shown.children[0].value = "reverse"
    assert shown.result.mode == "reverse"


def test_the_player_holds_its_controls():
    player = ad.SweepPlayer(ad.trace(f_log, 3.0), mode="reverse")
    inside = set()
    stack = [player]
    while stack:
        widget = stack.pop()
        inside.add(widget)
        stack.extend(getattr(widget, "children", ()))
    for part in (player.play, player.slider, player.back, player.forward, player.speed,
                 player.image, player.caption, player.table, player.status):
        assert part in inside
    assert "adexplorer-player" in player._dom_classes and player.widget is player
