"""Checkers for the notebooks' exercises: each one says right or not yet, and why.

A checker never raises on a wrong or missing answer. It returns a ``Verdict`` that prints
as ``right: ...`` or ``not yet: ...``, so a notebook cell can show it and a test can read
``verdict.ok``. An empty answer (``None``, ``...``, or a function whose body is still
``...``) is always "not yet".

    from adexplorer import exercises as ex
    ex.check_number(answer, 80, what="g'(2)")
    ex.check_function(my_grad, lambda x: 2 * x, points=[1.0, 2.0])
    ex.check_rule(softplus, 0.3)              # an @ad.adjoint rule, against check_grads
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

__all__ = ["Verdict", "check_number", "check_choice", "check_function", "check_dual_rule",
           "check_rule"]

EMPTY = "there is no answer: fill in the cell above and run it"


@dataclass(frozen=True)
class Verdict:
    """The outcome of a check: ``ok`` and a message that says why."""
    ok: bool
    message: str

    def __str__(self) -> str:
        return ("right: " if self.ok else "not yet: ") + self.message

    __repr__ = __str__


def _empty(answer) -> bool:
    return answer is None or answer is Ellipsis


def _agree(have, want, rtol, atol) -> bool:
    """Numbers, or equally long tuples/lists/arrays of numbers, that are close."""
    if isinstance(want, (tuple, list)):
        return (isinstance(have, (tuple, list)) and len(have) == len(want)
                and all(_agree(h, w, rtol, atol) for h, w in zip(have, want)))
    if want is None or have is None:
        return want is have
    if isinstance(have, (bool, str)) or not isinstance(have, (numbers.Number, np.ndarray,
                                                              np.generic)):
        return False
    have, want = np.asarray(have, dtype=complex), np.asarray(want, dtype=complex)
    return have.shape == want.shape and bool(np.allclose(have, want, rtol=rtol, atol=atol))


def check_number(answer, expected, what: str = "your answer", why: str = "",
                 hint: str = "", rtol: float = 1e-9, atol: float = 1e-12) -> Verdict:
    """``answer`` must be close to ``expected`` (a number, or a tuple of numbers and
    ``None``s). ``why`` explains a right answer; ``hint`` helps after a wrong one."""
    if _empty(answer):
        return Verdict(False, EMPTY)
    if not _agree(answer, expected, rtol, atol):
        return Verdict(False, f"{what} is {answer!r}, which is not it."
                       + (f" Hint: {hint}" if hint else ""))
    return Verdict(True, f"{what} = {expected!r}." + (f" {why}" if why else ""))


def check_choice(answer, correct, reasons: dict) -> Verdict:
    """A multiple-choice answer: one of ``reasons``' keys; the reason given for it is
    the verdict's message, whichever it is."""
    if _empty(answer):
        return Verdict(False, EMPTY)
    if answer not in reasons:
        return Verdict(False, f"{answer!r} is not one of the choices {list(reasons)}.")
    return Verdict(answer == correct, reasons[answer])


def _call(fn, args):
    """``fn(*args)``, or the verdict that says why that failed."""
    try:
        out = fn(*args)
    except Exception as error:            # a student's code may raise anything
        shown = ", ".join(map(repr, args))
        return None, Verdict(False, f"calling it with ({shown}) raised "
                                    f"{type(error).__name__}: {error}")
    if out is None:
        return None, Verdict(False, "it returned None: is its body still `...`?")
    return out, None


def _arguments(point) -> tuple:
    return tuple(point) if isinstance(point, tuple) else (point,)


def check_function(answer, reference, points, what: str = "your function",
                   rtol: float = 1e-9, atol: float = 1e-12) -> Verdict:
    """``answer(*p)`` must agree with ``reference(*p)`` at every point ``p`` (a tuple of
    arguments, or a single argument)."""
    if _empty(answer):
        return Verdict(False, EMPTY)
    if not callable(answer):
        return Verdict(False, f"{what} should be a function; it is {answer!r}.")
    for point in points:
        args = _arguments(point)
        have, failed = _call(answer, args)
        if failed:
            return failed
        want = reference(*args)
        if not _agree(have, want, rtol, atol):
            shown = ", ".join(map(repr, args))
            return Verdict(False, f"at ({shown}) {what} gives {have!r}, expected {want!r}.")
    return Verdict(True, f"{what} agrees with the reference at {len(points)} points.")


def check_dual_rule(rule, make, fn, dfn, points=(0.3, -1.2, 2.0),
                    fields: tuple = ("x", "eps")) -> Verdict:
    """A forward-mode rule for a dual-number class: ``rule(make(x, t))`` must carry
    ``fn(x)`` as its primal and ``t * dfn(x)`` as its tangent (the chain rule), read from
    the attributes named by ``fields``."""
    if _empty(rule):
        return Verdict(False, EMPTY)
    primal, tangent = fields
    for x in points:
        for t in (1.0, 2.5):
            out, failed = _call(rule, (make(x, t),))
            if failed:
                return failed
            if not (hasattr(out, primal) and hasattr(out, tangent)):
                return Verdict(False, f"it should return a dual number; it returned {out!r}.")
            have = (getattr(out, primal), getattr(out, tangent))
            if not _agree(have[0], fn(x), 1e-12, 1e-14):
                return Verdict(False, f"the primal at x = {x} is {have[0]!r}, not {fn(x)!r}.")
            if not _agree(have[1], t * dfn(x), 1e-12, 1e-14):
                return Verdict(False, f"with tangent {t} at x = {x} the tangent out is "
                                      f"{have[1]!r}; the chain rule says tangent in times "
                                      f"the slope, {t * dfn(x)!r}.")
    return Verdict(True, "value and tangent follow the chain rule at every point tried.")


def check_rule(fn, *args, reference=None) -> Verdict:
    """A function given its own rule with ``@ad.adjoint`` (or ``@ad.tangent``): its value
    must match ``reference`` (if given) and its derivatives must pass ``check_grads``."""
    from .testing import check_grads
    if _empty(fn):
        return Verdict(False, EMPTY)
    if getattr(fn, "primitive", None) is None:
        return Verdict(False, "it has no rule of its own: decorate it with @ad.adjoint.")
    value, failed = _call(fn, args)
    if failed:
        return failed
    if reference is not None and not _agree(value, reference(*args), 1e-9, 1e-12):
        return Verdict(False, f"its value {value!r} is not {reference(*args)!r}.")
    try:
        check_grads(fn, *args, order=1)
    except Exception as error:            # AssertionError, or a rule that raises
        first = str(error).splitlines()[0] if str(error) else type(error).__name__
        return Verdict(False, f"check_grads disagrees: {first}")
    return Verdict(True, "check_grads passes: forward mode, reverse mode and finite "
                         "differences agree.")
