"""Practice mode for ``SweepPlayer(trace, mode, practice=True)``: the student computes
each step before it is shown.

Before every step the panel asks for the tangent (forward) or adjoint (reverse) that the
step writes, with the step in words but not its numbers. The answer typed in the text
field (``0.5``, ``-1/3``, ``2e-3``, ``inf``, ``nan``; for an array, numbers separated by
commas) is checked to 3 significant digits, or exactly when the right value is a small
integer (a value within 1e-12 of one, as cos(π/2) is, also takes that integer); then the
rule with its numbers is shown (the player's caption for that step), the score (right /
attempted) goes up and the player moves on to that step. A step that
un-broadcasts (two frames: the contribution at the operation's shape, then its sum) is
asked once, for the summed value it writes, and the player moves to its second frame.
The panel only reads the player's ``frames``: ``frames_of(j)``, ``frame(k).step.value``
(the value the step writes) and ``frame(k).caption`` (the rule with numbers).
"""

from __future__ import annotations

import html
import math
import re

import ipywidgets as w
import numpy as np

from ..core.values import short_value

SMALL_INTEGER = 1000            # right values up to this size, if whole, must be exact
_NUMBER = r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|[+-]?(?i:inf|infinity|nan)"
_ANSWER = re.compile(rf"^\s*({_NUMBER})\s*(?:/\s*({_NUMBER})\s*)?$")
_BOX_STYLE = "font-size:15px;line-height:1.45;padding:4px 8px;border-left:4px solid {}"


class AnswerError(ValueError):
    """Text that is not a number (or not as many numbers as the value has)."""


def parse_number(text: str) -> float:
    """``"0.5"``, ``"-1/3"``, ``"2e-3"``, ``"inf"``, ``"nan"`` (and ``−`` for minus) as a
    float."""
    cleaned = text.replace("−", "-").replace("–", "-").replace(" ", "")
    match = _ANSWER.match(cleaned)
    if not match:
        raise AnswerError(f"could not read {text.strip()!r} as a number: type e.g. "
                          "0.5, -1/3 or 2e-3")
    top, bottom = match.groups()
    if bottom is None:
        return float(top)
    if float(bottom) == 0:
        raise AnswerError(f"{text.strip()!r} divides by zero")
    return float(top) / float(bottom)


def parse_answer(text: str, size: int):
    """One number, or for an array value ``size`` numbers separated by commas or spaces
    (brackets allowed)."""
    if not text.strip():
        raise AnswerError("type a number first (e.g. 0.5, -1/3 or 2e-3)")
    if size == 1:
        return parse_number(text)
    parts = [p for p in re.split(r"[,;\s]+", text.strip().strip("[]()")) if p]
    if len(parts) != size:
        raise AnswerError(f"this value has {size} entries: type {size} numbers "
                          f"separated by commas (you typed {len(parts)})")
    return np.array([parse_number(p) for p in parts])


def is_right(answer, expected) -> bool:
    """Exact for small whole numbers, else right to 3 significant digits (within half a
    unit of the third digit), entry by entry for arrays."""
    answers = np.ravel(np.asarray(answer, dtype=float))
    values = np.ravel(np.asarray(expected, dtype=float))
    return answers.shape == values.shape and all(
        _one_right(a, e) for a, e in zip(answers.tolist(), values.tolist()))


def _one_right(answer: float, expected: float) -> bool:
    if math.isnan(expected):
        return math.isnan(answer)
    if not math.isfinite(expected):
        return answer == expected
    whole = round(expected)
    if abs(whole) <= SMALL_INTEGER and math.isclose(expected, whole, rel_tol=1e-12,
                                                    abs_tol=1e-12):
        if answer == whole:               # cos(π/2) is 6.1e-17: 0 is right, and so is
            return True                   # 6.12e-17 (below); a whole number is exact
        if expected == whole:
            return False
    unit = 10.0 ** (math.floor(math.log10(abs(expected))) - 2)
    return abs(answer - expected) <= 0.5 * unit * (1 + 1e-9)


class PracticePanel(w.VBox):
    """The question, text field, Check button, feedback and score under a player.

    Attributes: ``answer`` (Text), ``check`` (Button),
    ``question``, ``feedback``, ``score`` (HTML); ``right`` and ``attempted`` (counts)."""

    def __init__(self, player):
        self.player = player
        self.right = self.attempted = 0
        self.question = w.HTML()
        self.answer = w.Text(placeholder="e.g. 0.5, -1/3, 2e-3",
                             layout=w.Layout(width="220px"))
        self.check = w.Button(description="Check", button_style="primary",
                              layout=w.Layout(width="80px"))
        self.feedback = w.HTML()
        self.score = w.HTML()
        for widget, name in ((self.question, "question"), (self.answer, "answer"),
                             (self.check, "check"), (self.feedback, "feedback"),
                             (self.score, "score")):
            widget.add_class(f"adexplorer-practice-{name}")
        self.check.on_click(lambda _button: self.submit())
        for control in (player.play, player.slider, player.back, player.forward):
            control.disabled = True          # the student's answers move the player
        super().__init__([self.question, w.HBox([self.answer, self.check, self.score]),
                          self.feedback])
        self.add_class("adexplorer-practice")
        self._ask()

    @property
    def next_frame(self) -> int:
        """The frame that shows the value the student computes now: the last frame of
        the next step (past the end when done)."""
        k = self.player.slider.value + 1
        if k >= self.player.n_frames:
            return k
        frames = self.player.frames
        return frames.frames_of(frames.step_at(k).step)[-1]

    @property
    def done(self) -> bool:
        return self.next_frame >= self.player.n_frames

    def submit(self, text: str | None = None) -> bool | None:
        """Check the text field's answer (or ``text``): True/False, None if unreadable."""
        if self.done:
            return None
        text = self.answer.value if text is None else text
        frame = self.player.frames.frame(self.next_frame)
        expected = frame.step.value
        if np.iscomplexobj(expected):
            self.feedback.value = _box("#cf222e", "this step's value is complex; practice "
                                       "checks real numbers only: " + html.escape(
                                           frame.caption.partition("\n")[2]))
            self.player.show(self.next_frame)
            self._ask()
            return None
        try:
            answer = parse_answer(text, int(np.size(expected)))
        except AnswerError as err:
            self.feedback.value = _box("#cf222e", html.escape(str(err)))
            return None
        ok = is_right(answer, expected)
        self.attempted += 1
        self.right += ok
        frames = self.player.frames                     # both frames of an un-broadcast
        rule = html.escape("\n".join(frames.frame(k).caption.partition("\n")[2]
                                     for k in frames.frames_of(frame.step.step)))
        typed = html.escape(text.strip())
        if ok:
            said = f"✓ right: {typed}. {rule}"
        else:
            said = (f"✗ not quite: you typed {typed}, the value is "
                    f"{html.escape(short_value(expected))}. The rule: {rule}")
        self.feedback.value = _box("#1a7f37" if ok else "#cf222e", said)
        self.answer.value = ""
        self.player.show(self.next_frame)
        self._ask()
        return ok

    def _ask(self):
        self.score.value = (f'<span style="font-size:15px;padding:0 8px">score: '
                            f"<b>{self.right} / {self.attempted}</b></span>")
        if self.done:
            self.question.value = _box("#1a7f37", "Done: every step of the sweep is "
                                       f"computed. You got {self.right} of "
                                       f"{self.attempted} right.")
            self.answer.disabled = self.check.disabled = True
            return
        frames = self.player.frames
        left = len(frames.sweep) - frames.steps_done(self.player.slider.value)
        self.player.status.value = (f'<span style="color:#666">{left} step'
                                    f'{"s" * (left != 1)} to go: type each value, then '
                                    "Check</span>")
        step = frames.step_at(self.next_frame)
        name = frames.value_names[step.target]           # the sweep says what a step writes
        total = " (after the +=: the new total)" if step.accumulates else ""
        self.question.value = _box(
            "#ff9f40", f"<b>Your turn, step {step.step + 1} of "
            f"{len(frames.sweep)}:</b> {html.escape(step.words)}.<br>"
            f"Type the value of <b>{html.escape(name)}</b>{total}, then Check.")


def _box(colour: str, body: str) -> str:
    return f'<div style="{_BOX_STYLE.format(colour)}">{body}</div>'
