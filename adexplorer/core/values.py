"""Values in a few characters, for captions, tables, notes under boxes and reports.

``short_value(0.8905770416677471)`` is ``"0.890577"``; a small array (up to
``SMALL_ARRAY`` entries) prints its rounded entries, ``[[0.5, -1.25], [2, 0]]``, so a
2×2 matrix is seen rather than named; a larger one its shape, dtype and norm,
``array (64, 32) float64, norm 4.12``; ``shape_note`` is the same as a Wengert list's
comment, ``shape (2, 2): [[3, 0], [0, 3]]``. ``fit_value`` keeps a value inside a box's
width (the notes under the graph's boxes, the box labels).
"""

from __future__ import annotations

import re

import numpy as np

SMALL_ARRAY = 12                # arrays with at most this many entries print them


def shape_text(s: tuple, compact: bool = False) -> str:
    """``(3, 2)``, ``(3,)``; ``compact``: ``(3,2)``."""
    sep = "," if compact else ", "
    return "(" + sep.join(str(n) for n in s) + (",)" if len(s) == 1 else ")")


def short_value(v, digits: int = 6) -> str:
    """A value in a few characters: ``0.890577``, ``[1, 2.5, 3]``, ``[[1, 0], [0, 1]]``,
    ``array (30, 4) float64, norm 5.48``."""
    if v is None:
        return ""
    if isinstance(v, (bool, np.bool_)):
        return str(bool(v))
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        return f"{float(v):.{digits}g}"
    if isinstance(v, (complex, np.complexfloating)):
        return f"{complex(v):.{digits}g}"
    if isinstance(v, np.ndarray):
        if v.ndim == 0:
            return short_value(v.item(), digits)
        if is_small(v):
            # a few entries keep 4 digits; more are rounded harder, so a row stays short
            places = 4 if v.ndim == 1 and v.size <= 4 else min(digits, 3)
            return _nested(v.tolist(), places)
        return big_array_text(v)
    text = repr(v)
    return text if len(text) <= 24 else text[:21] + "..."


def is_small(v) -> bool:
    """A numeric array with entries few enough to print them all."""
    return (isinstance(v, np.ndarray) and v.ndim > 0 and v.size <= SMALL_ARRAY
            and v.dtype.kind in "fiubc")


def big_array_text(v: np.ndarray) -> str:
    """``array (30, 4) float64, norm 5.48``: what a large array is, in one line."""
    return f"array {shape_text(v.shape)} {_dtype_norm(v)}"


def _dtype_norm(v: np.ndarray) -> str:
    """``float64, norm 5.48`` (the dtype alone when a norm means nothing)."""
    if v.dtype.kind not in "fiubc" or v.size == 0:
        return str(v.dtype)
    with np.errstate(all="ignore"):
        norm = float(np.linalg.norm(np.asarray(v, dtype=complex if v.dtype.kind == "c"
                                               else float).ravel()))
    return f"{v.dtype}, norm {norm:.3g}"


def shape_note(s: tuple, value=None) -> str:
    """A Wengert-list comment: ``shape (2, 2): [[3, 0], [0, 3]]`` for a small array,
    ``shape (4, 4) float64, norm 3.21`` for a larger one, ``shape (2, 2)`` when the
    value is not known (the lines of a derivative's list)."""
    text = f"shape {shape_text(s)}"
    if not isinstance(value, np.ndarray) or value.ndim == 0:
        return text
    return f"{text}: {short_value(value)}" if is_small(value) else f"{text} {_dtype_norm(value)}"


def fit_value(v, width: int = 18, lines: int = 1) -> str:
    """A value in at most about ``width`` characters a line, for a box or the note under
    it: a number or a small array's entries, rounded harder (and without spaces) until
    they fit; with ``lines`` > 1, wrapped onto up to that many lines first. Otherwise the
    array's shape and norm, ``(4,4) norm 1.69`` (on two lines, with its dtype:
    ``(30,4) float64`` over ``norm 5.48``)."""
    if not isinstance(v, np.ndarray) or v.ndim == 0:
        return short_value(v, 4)
    if is_small(v):
        for places, sep in ((3, ", "), (2, ", "), (3, ","), (2, ",")):
            text = _nested(v.tolist(), places, sep)
            if len(text) <= width:
                return text
        for places, after in ((3, "],"), (2, "],"), (3, ","), (2, ",")) if lines > 1 else ():
            wrapped = _wrap(_nested(v.tolist(), places, ","), width, after)
            if len(wrapped) <= lines and max(map(len, wrapped)) <= width:
                return "\n".join(wrapped)
    text = shape_text(v.shape, compact=True)
    if lines > 1:
        text += f" {v.dtype}"
    if v.dtype.kind in "fiu" and v.size:
        with np.errstate(all="ignore"):
            norm = float(np.linalg.norm(v.astype(float).ravel()))
        text += ("\n" if lines > 1 else " ") + f"norm {norm:.3g}"
    return text


def _wrap(text: str, width: int, after: str) -> list:
    """``text`` broken after ``after`` (``"],"``: between rows; ``","``: between entries)
    into lines of at most ``width`` characters where the pieces allow it."""
    lines = [""]
    for piece in re.findall(f".*?{re.escape(after)}|.+$", text):
        if lines[-1] and len(lines[-1]) + len(piece) > width:
            lines.append("")
        lines[-1] += piece
    return lines


def _nested(entries, places: int, sep: str = ", ") -> str:
    if isinstance(entries, list):
        return "[" + sep.join(_nested(e, places, sep) for e in entries) + "]"
    return short_value(entries, places)
