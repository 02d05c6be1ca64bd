"""``ad.sweep_filmstrip``: a sweep's frames as one still picture — every step by default,
the values under the boxes and the step's rule under each picture, a colour legend, and
every text at least 14 px tall when the image is shown at 100% on a 1280-px-wide page."""

import math
import unicodedata

import numpy as np
import pytest

import adexplorer as ad
from adexplorer.viz.frames import NOTE_COLOR
from adexplorer.viz.graph import GraphPlot, graph_layout

PAGE_PX = 1280


def pow_loop(x, n):
    r = 1
    while n > 0:
        n -= 1
        r *= x
    return r


def fan_out(x):
    return x * x + ad.sin(x)


@pytest.fixture(scope="module")
def fan_strip():
    trace = ad.trace(fan_out, 3.0)
    return trace, ad.sweep_filmstrip(trace, "reverse")


@pytest.fixture(scope="module")
def pow_strip():
    trace = ad.trace(pow_loop, 2.0, 10)
    return trace, ad.sweep_filmstrip(trace, "reverse")


def display_ratio(fig):
    """Saved at its dpi the figure is W·d px wide; a 1280-px page shows it at most that."""
    width_px = fig.get_size_inches()[0] * fig.dpi
    return min(width_px, PAGE_PX) / width_px


def text_px(fig):
    """Pixel heights of every text in the figure as shown on the page: pt · d / 72."""
    return [t.get_fontsize() * fig.dpi / 72 * display_ratio(fig) for t in fig.texts]


def graph_text_px(trace, fig):
    """The smallest text inside the graph pictures as shown on the page: the graph's
    font (rebuilt from its layout; value notes are at most 9 pt) drawn at the pictures'
    dpi, times how much the figure scales each picture, times the page's ratio."""
    info = fig.filmstrip
    plot = GraphPlot(trace, layout=graph_layout(trace, None, 60, info.graph_columns))
    smallest_pt = min([t.get_fontsize() for t in plot.texts] + [9.0])
    sizes = []
    for ax in fig.axes:
        image = ax.images[0].get_array()
        shown_px = ax.get_position().width * fig.get_size_inches()[0] * fig.dpi
        sizes.append(smallest_pt * info.dpi / 72 * shown_px / image.shape[1]
                     * display_ratio(fig))
    return sizes


@pytest.mark.parametrize("strip", ["fan_strip", "pow_strip"])
def test_every_text_is_at_least_14_px_on_a_1280_px_page(strip, request):
    trace, fig = request.getfixturevalue(strip)
    assert min(text_px(fig)) >= 14
    assert min(graph_text_px(trace, fig)) >= 14


def test_the_wide_pow_strip_shows_all_its_steps_including_the_accumulations(pow_strip):
    trace, fig = pow_strip
    sweep = trace.reverse_sweep()
    assert len(sweep) == 20                        # seed + 2 edges for each of ten products
    assert fig.filmstrip.steps == tuple(range(1, 21)) and len(fig.axes) == 20
    text = unicodedata.normalize("NFC", "\n".join(t.get_text() for t in fig.texts))
    # x̄ collects 2^9 from each of the ten products x·y: x̄ = 10 · 2^9 = 5120
    assert text.count("x̄ += ") == 9 and "= 5120" in text


def test_captions_hold_the_rule_and_its_numbers(fan_strip):
    trace, fig = fan_strip
    x = 3.0
    text = unicodedata.normalize("NFC", "\n".join(t.get_text() for t in fig.texts))
    for k, s in enumerate(trace.reverse_sweep(), start=1):
        assert f"step {k} of 6" in text
    assert f"x̄ = ȳ2 · cos(x) = {math.cos(x):.6g}" in text
    # the fan-out: x̄ gets x twice from y1 = x * x, on top of cos(x)
    assert f"= {math.cos(x) + 2 * x:.6g}" in text


def test_the_legend_names_the_four_colours(fan_strip):
    _, fig = fan_strip
    labels = {t.get_text() for t in fig.texts}
    assert {"active", "finished", "waiting", "seed"} <= labels
    assert len(fig.patches) == 6         # waiting: an input, an operation, an output


def note_pixels(picture, rect):
    """Pixels close to the note colour just under a box (rect from the renderer)."""
    r0, r1, c0, c1 = rect
    rgb = np.array([int(NOTE_COLOR[i:i + 2], 16) for i in (1, 3, 5)])
    below = picture[r1:r1 + 30, c0:c1, :3].astype(int)
    return int((np.abs(below - rgb).sum(axis=2) < 60).sum())


def test_values_are_written_under_every_box_that_has_one():
    """The first picture (the seed) has a note under the output only; the last under
    all four boxes."""
    trace = ad.trace(fan_out, 3.0)
    fig = ad.sweep_filmstrip(trace, "reverse", steps=[1, 6])
    from adexplorer.viz.frames import FrameRenderer
    info = fig.filmstrip
    rects = FrameRenderer(trace, dpi=info.dpi,
                          layout=graph_layout(trace, None, 60, info.graph_columns))
    first, last = (ax.images[0].get_array() for ax in fig.axes)
    counts_first = [note_pixels(first, rects.box_rect(i)) for i in range(4)]
    counts_last = [note_pixels(last, rects.box_rect(i)) for i in range(4)]
    assert counts_first[3] > 20 and counts_first[:3] == [0, 0, 0]
    assert min(counts_last) > 20


def test_forward_strips_and_chosen_steps():
    trace = ad.trace(lambda x: 5 * ad.sin(ad.log(x)), 3.0)
    fig = ad.sweep_filmstrip(trace, "forward", steps=[2, 4])
    assert fig.filmstrip.steps == (2, 4) and len(fig.axes) == 2
    assert "forward sweep" in fig.texts[0].get_text()
    with pytest.raises(ValueError, match="step 5 is outside 1..4"):
        ad.sweep_filmstrip(trace, "forward", steps=[5])


def _sixty_node_dag(x):
    values = [x]
    for i in range(58):
        values.append(ad.sin(values[-1]) * values[i // 2])
    return values[-1]


def test_a_strip_too_tall_to_show_is_refused_before_it_is_drawn():
    trace = ad.trace(_sixty_node_dag, 0.3)
    with pytest.raises(ValueError, match=r"figure \d+ x \d+ px.*max_height_px.*steps="):
        ad.sweep_filmstrip(trace, "reverse")
    fig = ad.sweep_filmstrip(trace, "reverse", steps=[1, 2])
    assert fig.get_size_inches()[1] * fig.dpi < 30_000


def test_the_height_limit_is_the_height_of_the_figure_drawn():
    trace = ad.trace(fan_out, 3.0)
    fig = ad.sweep_filmstrip(trace, "reverse")
    tall = fig.get_size_inches()[1] * fig.dpi
    ad.sweep_filmstrip(trace, "reverse", max_height_px=math.ceil(tall))
    with pytest.raises(ValueError, match="taller than max_height_px"):
        ad.sweep_filmstrip(trace, "reverse", max_height_px=math.floor(tall) - 1)


@pytest.mark.parametrize("kwargs, error, words", [
    (dict(steps=2), TypeError, "steps must be a list of step numbers"),
    (dict(steps="12"), TypeError, "steps must be a list of step numbers"),
    (dict(steps=[1.5]), TypeError, "whole numbers"),
    (dict(steps=[]), ValueError, "no steps to show"),
    (dict(columns=0), ValueError, "columns must be a positive int"),
])
def test_malformed_steps_and_columns_are_refused_by_name(kwargs, error, words):
    trace = ad.trace(fan_out, 3.0)
    with pytest.raises(error, match=words):
        ad.sweep_filmstrip(trace, "reverse", **kwargs)


def test_a_function_instead_of_a_trace_is_refused_by_name():
    with pytest.raises(TypeError, match=r"needs a Trace \(from ad.trace"):
        ad.sweep_filmstrip(lambda x: x, "reverse")
