"""The comment a Wengert list writes after an array line, built here from NumPy alone
(never from adexplorer's formatter) so golden texts derive their numbers independently.

An array of at most 12 entries shows them: 4 significant digits for a vector of up to 4
entries, 3 otherwise (``shape (2, 2): [[3, 6], [9, 12]]``); a larger one its dtype and
Euclidean norm to 3 digits (``shape (4, 4) float64, norm 4.99``).
"""

import numpy as np


def _shape(s):
    return "(" + ", ".join(map(str, s)) + (",)" if len(s) == 1 else ")")


def _entries(v, digits):
    if v.ndim == 0:
        return f"{float(v):.{digits}g}"
    return "[" + ", ".join(_entries(row, digits) for row in v) + "]"


def note(value) -> str:
    """``shape (3,): [0.8415, 0.9093, 0.1411]``: what follows ``# `` on an array line."""
    v = np.asarray(value, dtype=float)
    if v.size > 12:
        return f"shape {_shape(v.shape)} float64, norm {np.sqrt(np.sum(v * v)):.3g}"
    digits = 4 if v.ndim == 1 and v.size <= 4 else 3
    return f"shape {_shape(v.shape)}: {_entries(v, digits)}"


def commented(lines) -> str:
    """``(text, value or None)`` pairs as a listing: array lines get ``  # note(value)``
    with the comments aligned after the longest line (at most 40 characters)."""
    width = min(max(len(text) for text, _ in lines), 40)
    return "\n".join(f"{text:<{width}}  # {note(v)}" if v is not None and np.ndim(v)
                     else text for text, v in lines)
