"""The options of ``%%autodiff`` and ``adexplorer explain``, read without ``eval``.

* ``parse_point("x=3.0, y=[1, 2]")`` -> ``{"x": 3.0, "y": array([1., 2.])}``: values are
  read with ``ast.literal_eval``; a list of numbers becomes an array.
* ``parse_names("x,y")``, ``parse_interval("0.5:5")``.
* ``split_words`` splits a magic's line outside brackets and quotes, and
  ``glue_option_values`` joins an option's words, so ``--at x=1, y=-2`` and
  ``--plot -1:2`` reach argparse whole.

Every problem is a ``CellError`` naming the option and what it wants.
"""

from __future__ import annotations

import ast
import keyword

import numpy as np

from .cell import CellError


def split_top_level(text: str, sep: str = ",") -> list:
    """Split at ``sep`` outside brackets and quotes: ``"x=[1, 2], y=3"`` -> 2 parts."""
    parts, current = [], ""
    for ch, outside in _nesting(text):
        if ch is None:
            break
        if ch == sep and outside:
            parts.append(current)
            current = ""
        else:
            current += ch
    parts.append(current)
    return [p.strip() for p in parts if p.strip()]


def parse_point(text: str, option: str = "--at") -> dict:
    """``"x=3.0, y=2"`` -> ``{"x": 3.0, "y": 2}`` (names in the order given)."""
    point: dict = {}
    items = split_top_level(text)
    if not items:
        raise CellError(f"{option} needs values, e.g. {option} x=3.0,y=2")
    for item in items:
        name, eq, value = item.partition("=")
        name, value = name.strip(), value.strip()
        if not eq or not value or not name:
            spaced = " (no spaces around =)" if "=" in items or any(
                i.startswith("=") or i.endswith("=") for i in items) else ""
            raise CellError(f"{option} wants NAME=VALUE pairs separated by commas "
                            f"(x=3.0,y=2){spaced}; got {item!r}")
        if not name.isidentifier() or keyword.iskeyword(name):
            raise CellError(f"{option}: {name!r} is not a variable name")
        if name in point:
            raise CellError(f"{option}: {name} is given twice")
        try:
            parsed = ast.literal_eval(value)
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            raise CellError(f"{option}: the value of {name}, {value!r}, is not a Python "
                            "literal (a number like 3.0, or a list of numbers like "
                            "[1.0, 2.0])") from None
        point[name] = _as_value(parsed)
    return point


def _as_value(v):
    """Lists of numbers become float arrays; everything else stays as written."""
    if isinstance(v, (list, tuple)) and v:
        try:
            array = np.array(v)
        except ValueError:                    # ragged
            return v
        if array.dtype.kind in "fiu" and array.dtype.kind != "b":
            return array.astype(float)
    return v


def parse_names(text: str, option: str = "--wrt") -> list:
    names = [n.strip() for n in text.replace(" ", ",").split(",") if n.strip()]
    if not names:
        raise CellError(f"{option} needs variable names, e.g. {option} x,y")
    for name in names:
        if not name.isidentifier() or keyword.iskeyword(name):
            raise CellError(f"{option}: {name!r} is not a variable name")
    return list(dict.fromkeys(names))


def parse_interval(text: str, option: str = "--plot") -> tuple:
    """``"0.5:5"`` -> ``(0.5, 5.0)``."""
    lo, sep, hi = text.partition(":")
    try:
        if not sep:
            raise ValueError
        interval = float(lo), float(hi)
    except ValueError:
        raise CellError(f"{option} wants LO:HI, e.g. {option} 0.5:5; got {text!r}") from None
    if not all(np.isfinite(interval)) or interval[0] >= interval[1]:
        raise CellError(f"{option} {text}: LO must be less than HI, both finite")
    return interval


def glue_option_values(argv: list, flags=("--at", "--wrt", "--plot")) -> list:
    """``--at x=1, y=-2`` and ``--plot -1:2``: argparse would read ``y=-2`` as an extra
    argument and ``-1:2`` as an option, so every word after one of ``flags`` up to the
    next ``--option`` is joined to it (``--at=x=1,y=-2``): with a space inside brackets or
    quotes (``p={'a': 1.0}``), else with a comma. Quotes around a whole word go."""
    out, k = [], 0
    while k < len(argv):
        word = argv[k]
        flag = word.split("=", 1)[0]
        k += 1
        if flag not in flags:
            out.append(word)
            continue
        text = _unquote(word.split("=", 1)[1]) if "=" in word else ""
        while k < len(argv) and not argv[k].startswith("--"):
            value = _unquote(argv[k])
            text = value if not text else text + (" " if _is_open(text) else ",") + value
            k += 1
        out.append(f"{flag}={text}" if text else flag)
    return out


def _nesting(text: str):
    """For each character: the character and whether it is outside brackets and quotes,
    then, last, the state at the end (``None``, whether the text ends inside some)."""
    depth, quote = 0, None
    for ch in text:
        if quote:
            quote = None if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        yield ch, quote is None and depth <= 0
    yield None, depth > 0 or quote is not None


def split_words(line: str) -> list:
    """A magic's line split at spaces that are outside brackets and quotes:
    ``--at p={'a': 1.0} --wrt p`` -> ``["--at", "p={'a': 1.0}", "--wrt", "p"]``."""
    words, current = [], ""
    for ch, outside in _nesting(line):
        if ch is None:
            break
        if ch.isspace() and outside:
            if current:
                words.append(current)
            current = ""
            continue
        current += ch
    if current:
        words.append(current)
    return words


def _unquote(word: str) -> str:
    if len(word) >= 2 and word[0] == word[-1] and word[0] in "'\"":
        return word[1:-1]
    return word


def _is_open(text: str) -> bool:
    """Does ``text`` end inside brackets or a string?"""
    *_, (_, still_open) = _nesting(text)
    return still_open
