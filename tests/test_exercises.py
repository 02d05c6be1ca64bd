"""The notebooks' exercises, and the checkers in ``adexplorer.exercises``.

Every exercise in notebooks 01-06 is four cells, tagged in order: ``exercise-answer`` (an
empty answer that runs), ``exercise-check``, ``exercise-solution`` (collapsed),
``exercise-check`` again. Each notebook's code runs here in one IPython shell, in order:
the first check must say "not yet" (the checker fails on the empty answer) and the second
"right" (the solution passes). Then the checkers themselves, on right and wrong answers.
"""

from __future__ import annotations

import math
from pathlib import Path

import nbformat
import numpy as np
import pytest

import adexplorer as ad
from adexplorer import exercises as ex

ROOT = Path(__file__).resolve().parents[1]
LESSONS = sorted((ROOT / "notebooks").glob("0[1-6]_*.ipynb"))
ROLES = ("exercise-answer", "exercise-check", "exercise-solution", "exercise-check")


def _role(cell):
    tags = [t for t in cell.metadata.get("tags", []) if t.startswith("exercise-")]
    assert len(tags) <= 1, tags
    return tags[0] if tags else None


def _exercises(nb):
    """Each exercise as its four cell indices, checking they come in the order above."""
    tagged = [(k, _role(c)) for k, c in enumerate(nb.cells) if _role(c)]
    groups = [tagged[i:i + 4] for i in range(0, len(tagged), 4)]
    for group in groups:
        assert tuple(role for _, role in group) == ROLES, group
    return [[k for k, _ in group] for group in groups]


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_two_to_four_exercises_with_collapsed_solutions(path):
    nb = nbformat.read(path, as_version=4)
    exercises = _exercises(nb)
    assert 2 <= len(exercises) <= 4, f"{path.name}: {len(exercises)} exercises"
    for answer, first, solution, second in exercises:
        for k in (answer, first, solution, second):
            assert nb.cells[k].cell_type == "code"
        hidden = nb.cells[solution].metadata.get("jupyter", {}).get("source_hidden")
        assert hidden is True, f"{path.name} cell {solution}: the solution is not collapsed"
        for k in (answer, first, second):
            assert not nb.cells[k].metadata.get("jupyter", {}).get("source_hidden")


@pytest.fixture(scope="module")
def shell():
    """One IPython shell, without a display; each notebook runs in a fresh namespace.
    (Agg is chosen in this process only: an MPLBACKEND variable would be inherited by the
    kernels nbval starts later, and their plt.show() would draw nothing.)"""
    import matplotlib
    matplotlib.use("Agg")
    from IPython.core.interactiveshell import InteractiveShell
    return InteractiveShell.instance()


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_checkers_fail_on_the_empty_answer_and_pass_on_the_solution(path, shell, monkeypatch):
    import matplotlib.pyplot as plt
    nb = nbformat.read(path, as_version=4)
    exercises = _exercises(nb)
    checks = {first: False for _, first, _, _ in exercises}
    checks.update({second: True for _, _, _, second in exercises})
    monkeypatch.chdir(path.parent)
    shell.reset(new_session=False)
    seen = {}
    try:
        for k, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            result = shell.run_cell(cell.source, store_history=False, silent=False)
            assert result.success, f"{path.name} cell {k}: {result.error_in_exec!r}"
            if k in checks:
                seen[k] = result.result
    finally:
        plt.close("all")
    for k, must_pass in checks.items():
        verdict = seen[k]
        assert isinstance(verdict, ex.Verdict), f"{path.name} cell {k}: {verdict!r}"
        assert verdict.ok is must_pass, f"{path.name} cell {k}: {verdict}"
        assert str(verdict).startswith("right: " if must_pass else "not yet: ")


# ---------------------------------------------------------------------------
# The checkers


def test_check_number():
    assert not ex.check_number(None, 80).ok
    assert not ex.check_number(..., 80).ok
    assert not ex.check_number("80", 80).ok
    wrong = ex.check_number(81, 80, what="g'(2)", hint="five factors")
    assert not wrong.ok and "81" in wrong.message and "five factors" in wrong.message
    right = ex.check_number(80.0, 80, what="g'(2)", why="5 * 2**4.")
    assert right.ok and str(right) == "right: g'(2) = 80. 5 * 2**4."
    assert ex.check_number((9.0, 12.0), (9, 12)).ok
    assert not ex.check_number((9.0,), (9, 12)).ok
    assert ex.check_number((80, None), (80, None)).ok
    assert not ex.check_number((80, 0), (80, None)).ok


def test_check_choice():
    reasons = {"a": "a is wrong because ...", "b": "b is it: ..."}
    assert not ex.check_choice(None, "b", reasons).ok
    assert not ex.check_choice("c", "b", reasons).ok
    assert ex.check_choice("a", "b", reasons) == ex.Verdict(False, reasons["a"])
    assert ex.check_choice("b", "b", reasons) == ex.Verdict(True, reasons["b"])


def test_check_function():
    def stub(x):
        ...

    assert not ex.check_function(None, math.cos, [1.0]).ok
    assert "None" in ex.check_function(stub, math.cos, [1.0]).message
    assert not ex.check_function(3.0, math.cos, [1.0]).ok
    raised = ex.check_function(lambda x: 1 / 0, math.cos, [1.0])
    assert not raised.ok and "ZeroDivisionError" in raised.message
    off = ex.check_function(math.sin, math.cos, [0.0, 1.0])
    assert not off.ok and "(0.0)" in off.message
    assert ex.check_function(lambda x, n: x * n, lambda x, n: n * x, [(2.0, 3)]).ok


def test_check_dual_rule():
    class Dual:
        def __init__(self, x, eps):
            self.x, self.eps = x, eps

    def right(d):
        return Dual(math.tanh(d.x), d.eps * (1 - math.tanh(d.x) ** 2))

    def no_chain_rule(d):
        return Dual(math.tanh(d.x), 1 - math.tanh(d.x) ** 2)

    dtanh = lambda x: 1 - math.tanh(x) ** 2          # noqa: E731
    assert ex.check_dual_rule(right, Dual, math.tanh, dtanh).ok
    wrong = ex.check_dual_rule(no_chain_rule, Dual, math.tanh, dtanh)
    assert not wrong.ok and "chain rule" in wrong.message
    assert not ex.check_dual_rule(lambda d: d.x, Dual, math.tanh, dtanh).ok
    assert not ex.check_dual_rule(None, Dual, math.tanh, dtanh).ok


def test_check_rule():
    @ad.adjoint
    def softplus(x):
        return np.log1p(np.exp(x)), lambda d: (d * ad.sigmoid(x),)

    @ad.adjoint
    def bad_softplus(x):
        return np.log1p(np.exp(x)), lambda d: (d * x,)

    def plain(x):
        return np.log1p(np.exp(x))

    reference = lambda x: math.log1p(math.exp(x))    # noqa: E731
    assert ex.check_rule(softplus, 0.3, reference=reference).ok
    caught = ex.check_rule(bad_softplus, 0.3, reference=reference)
    assert not caught.ok and "check_grads" in caught.message
    assert "@ad.adjoint" in ex.check_rule(plain, 0.3).message
    assert not ex.check_rule(None, 0.3).ok
