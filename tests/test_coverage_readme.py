"""The README's "Coverage" section says what the dispatch tables hold: its counts are the
tables' sizes, every function it lists takes AD values, and what it lists as refused is
refused by name."""

import re
from pathlib import Path

import numpy as np
import pytest

import adexplorer as ad
from adexplorer.core import numpy_dispatch as nd
from adexplorer.core.primitives import PRIMITIVES

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()
SECTION = README.split("## Coverage", 1)[1].split("\n## ", 1)[0]
SUPPORTED, REFUSED = SECTION.split("Refused, by name", 1)


def test_the_counts_are_the_tables():
    counts = re.search(r"(\d+) rows .*? (\d+) functions, (\d+) ufuncs, (\d+) ufunc methods"
                       r".*? and (\d+) array\s+methods", SUPPORTED, re.DOTALL).groups()
    ufuncs = set(nd.UFUNCS) | set(nd.COMPOSITE_UFUNCS) | set(nd.PLAIN_UFUNCS)
    assert [int(c) for c in counts] == [
        sum(not row.user for row in PRIMITIVES.values()), len(nd.FUNCTIONS), len(ufuncs),
        sum(len(v) for v in nd.UFUNC_METHODS.values()), len(nd.METHODS)]


def _listed(bullet: str) -> list[str]:
    text = SUPPORTED.split(f"- **{bullet}**", 1)[1].split("\n- **", 1)[0]
    words = re.findall(r"`([^`]+)`", text)
    return [w for chunk in words for w in chunk.split() if re.fullmatch(r"[a-z_0-9.]+", w)
            and not w.startswith("ad.") and w != "np.linalg"]


def _resolve(name, namespace):
    if not name.startswith("np."):
        return getattr(namespace, name, None)
    found = np
    for part in name[3:].split("."):
        found = getattr(found, part, None)
    return found


@pytest.mark.parametrize("bullet, namespace", [
    ("Elementwise", np), ("Reductions and scans", np), ("Shapes and products", np),
    ("Linear algebra", np.linalg)])
def test_every_listed_function_takes_ad_values(bullet, namespace):
    names = _listed(bullet)
    assert len(names) >= 20
    for name in names:
        if name in ("abs", "conj", "round", "max", "min") and bullet == "Elementwise":
            continue                      # Python's names (abs, round) or NumPy aliases
        func = _resolve(name, namespace)
        assert func is not None and nd.dispatched(func), f"{bullet}: {name}"


@pytest.mark.parametrize("call, name", [
    (lambda A: np.linalg.eig(A), "np.linalg.eig"), (lambda A: np.linalg.eigvals(A), "eigvals"),
    (lambda A: np.linalg.cond(A), "cond"), (lambda A: np.pad(A, 1, mode="reflect"), "pad"),
    (lambda A: A.sort(), "sort"), (lambda A: np.frexp(A), "np.frexp"),
    (lambda A: np.sum(A, out=np.zeros(())), "out="), (lambda A: np.add.at(A, 0, 1.0), "at")])
def test_what_is_listed_as_refused_is_refused_by_name(call, name):
    assert name.split("(")[0].split(".")[-1].rstrip("=") in REFUSED
    with pytest.raises((ad.ADError, TypeError), match=re.escape(name)):
        ad.gradient(lambda A: np.sum(call(A)), np.array([[2.0, 1.0], [1.0, 3.0]]))


def test_every_elementwise_function_listed_is_also_ad_name():
    for name in _listed("Elementwise"):
        if name in ("max", "min"):                  # reductions, listed for maximum/minimum
            continue
        assert callable(getattr(ad, name, None)), f"ad.{name}"
        # round and abs are Python's own names in a cell, and work on AD values
        assert name in ("round", "abs") or name in math_names(), f"{name} in cells"


def math_names():
    from adexplorer.report.cell import math_names as names
    return names()
