"""Practice mode without a browser: answers typed into the player's own Text field and
checked with its own Check button (or Enter); right values come from calculus."""

import html
import math

import numpy as np
import pytest

import adexplorer as ad
from adexplorer.core.names import adjoint_of
from adexplorer.viz.practice import AnswerError, is_right, parse_answer, parse_number

X = 3.0
# 5 sin(log x), reverse: the seed, ȳ2 = 5, ȳ1 = 5 cos(log x), x̄ = 5 cos(log x) / x
LOG_ADJOINTS = [1.0, 5.0, 5 * math.cos(math.log(X)), 5 * math.cos(math.log(X)) / X]
# x*x + sin x, forward: dx, dy1 (first argument), dy1 += (second), dy2 = cos x,
# dy3 from y1, dy3 += from y2
SQUARE_TANGENTS = [1.0, X, 2 * X, math.cos(X), 2 * X, 2 * X + math.cos(X)]


def answer(player, text):
    """Type ``text`` into the practice field and press Check, as a student does."""
    player.practice.answer.value = text
    player.practice.check.click()


def log_player():
    return ad.SweepPlayer(ad.trace(lambda x: 5 * ad.sin(ad.log(x)), X), "reverse",
                          practice=True)


@pytest.mark.parametrize("text, value", [("0.5", 0.5), ("-1/3", -1 / 3), ("2e-3", 2e-3),
                                         (" 3 / 4 ", 0.75), ("−2", -2.0), (".25", 0.25),
                                         ("1E2", 100.0), ("+7", 7.0)])
def test_numbers_a_student_types_are_read(text, value):
    assert parse_number(text) == pytest.approx(value, rel=1e-15)


@pytest.mark.parametrize("text, words", [("abc", "could not read 'abc' as a number"),
                                         ("1..2", "could not read"), ("0.5x", "could not read"),
                                         ("1/0", "divides by zero"), ("  ", "type a number")])
def test_garbage_gets_a_clear_message(text, words):
    with pytest.raises(AnswerError, match=words):
        parse_answer(text, 1)


def test_array_answers_need_one_number_per_entry():
    np.testing.assert_array_equal(parse_answer("[1, 2.5, -1/2]", 3), [1, 2.5, -0.5])
    with pytest.raises(AnswerError, match="3 entries: type 3 numbers"):
        parse_answer("1, 2", 3)


@pytest.mark.parametrize("typed, expected, ok", [
    ("2.27", 2.27416, True), ("2.274", 2.27416, True), ("2.28", 2.27416, False),
    ("2.2", 2.27416, False), ("5", 5.0, True), ("5.0", 5.0, True), ("5.001", 5.0, False),
    ("4.999", 5.0, False), ("-0.333", -1 / 3, True), ("-1/3", -1 / 3, True),
    ("-0.33", -1 / 3, False), ("0.00200", 2e-3 * (1 + 1e-13), True), ("0.002", 0.00201, False),
    ("0.758", 0.758054, True), ("0.76", 0.758054, False), ("1e6", 1e6, True),
    ("1001000", 1000999.9, True)])
def test_right_to_three_significant_digits_or_exactly_for_small_integers(typed, expected, ok):
    assert is_right(parse_number(typed), expected) is ok


def test_right_answers_through_the_text_field_advance_the_player_and_score():
    player = log_player()
    panel = player.practice
    assert player.slider.value == 0 and "score: <b>0 / 0</b>" in panel.score.value
    assert all(c.disabled for c in (player.play, player.slider, player.forward, player.back))
    assert "4 steps to go: type each value" in player.status.value
    for k, value in enumerate(LOG_ADJOINTS, start=1):
        assert f"step {k} of 4" in panel.question.value
        answer(player, f"{value:.3g}")
        assert player.slider.value == k                       # the step is shown now
        assert "✓ right" in panel.feedback.value
        assert f"score: <b>{k} / {k}</b>" in panel.score.value
    assert "You got 4 of 4 right" in panel.question.value
    assert panel.answer.disabled and panel.check.disabled
    assert "the same ✓" in player.status.value                # the player's own check


def test_a_wrong_answer_shows_the_rule_with_numbers():
    player = log_player()
    panel = player.practice
    answer(player, "1")
    answer(player, "5")
    assert f"<b>{adjoint_of('y1')}</b>" in panel.question.value   # it asks for ȳ1 next
    answer(player, "-1/3")                                    # ȳ1 is 5 cos(log 3)
    assert "✗ not quite" in panel.feedback.value
    assert "cos(y1)" in panel.feedback.value                  # the rule ...
    assert f"{LOG_ADJOINTS[2]:.6g}" in panel.feedback.value   # ... with its numbers
    assert "score: <b>2 / 3</b>" in panel.score.value
    assert player.slider.value == 3


def test_garbage_is_not_an_attempt():
    player = log_player()
    panel = player.practice
    answer(player, "abc")
    assert "could not read 'abc' as a number" in html.unescape(panel.feedback.value)
    assert player.slider.value == 0 and "score: <b>0 / 0</b>" in panel.score.value
    answer(player, "")
    assert "type a number first" in panel.feedback.value
    answer(player, "1")
    assert player.slider.value == 1 and "score: <b>1 / 1</b>" in panel.score.value


def test_forward_mode_asks_for_every_tangent_including_the_sums():
    t = ad.trace(lambda x: x * x + ad.sin(x), X)
    player = ad.SweepPlayer(t, "forward", practice=True)
    panel = player.practice
    assert player.n_frames - 1 == len(SQUARE_TANGENTS)
    sums = 0
    for k, value in enumerate(SQUARE_TANGENTS, start=1):
        sums += "the new total" in panel.question.value
        answer(player, repr(value))
    assert sums == 2                                          # dy1 += ..., dy3 += ...
    assert "score: <b>6 / 6</b>" in panel.score.value


def test_a_plain_player_has_no_practice_panel():
    player = ad.SweepPlayer(ad.trace(lambda x: 5 * ad.sin(ad.log(x)), X), "reverse")
    assert player.practice is None and not player.forward.disabled
    assert not any(getattr(c, "_dom_classes", ()) == ("adexplorer-practice",)
                   for c in player.children)


@pytest.mark.parametrize("typed, expected, ok", [
    # cos(π/2) is 6.123e-17 in floating point, not 0: both answers are right
    ("0", math.cos(math.pi / 2), True), ("6.12e-17", math.cos(math.pi / 2), True),
    ("6.2e-17", math.cos(math.pi / 2), False), ("1", 1 + 2 ** -52, True),
    ("inf", math.inf, True), ("-inf", -math.inf, True), ("-inf", math.inf, False),
    ("1e308", math.inf, False), ("nan", math.nan, True), ("NaN", math.nan, True),
    ("nan", 1.0, False), ("5", math.nan, False)])
def test_near_integers_and_non_finite_values(typed, expected, ok):
    assert is_right(parse_number(typed), expected) is ok
