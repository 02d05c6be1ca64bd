"""Differential test: random control-flow programs, source_grad against the tape.

Each seed writes one program (``random_programs.py``) into a temporary file (source_grad
needs a file to read), then compares ``ad.source_grad(f)(*args)`` with
``ad.gradient(f, *args)`` at three points, ``None`` entries included.
"""

import importlib.util

import pytest

import adexplorer as ad

from .random_programs import ARGUMENTS, ARRAY_ARGUMENTS, program
from .test_zoo import assert_same_gradient

SEEDS = range(60)


def _load(tmp_path, seed, arrays=False):
    path = tmp_path / f"random_program_{seed}{'_arrays' if arrays else ''}.py"
    path.write_text(program(seed, arrays))
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.f


@pytest.mark.parametrize("seed", SEEDS)
def test_random_program(tmp_path, seed):
    f = _load(tmp_path, seed)
    g = ad.source_grad(f)
    for args in ARGUMENTS:
        assert_same_gradient(g(*args), ad.gradient(f, *args))


@pytest.mark.parametrize("seed", range(20))
def test_random_program_on_arrays(tmp_path, seed):
    f = _load(tmp_path, seed, arrays=True)
    g = ad.source_grad(f)
    for args in ARRAY_ARGUMENTS:
        assert_same_gradient(g(*args), ad.gradient(f, *args))


def test_programs_are_reproducible():
    assert program(7) == program(7) and program(7) != program(8)
    every = "".join(program(s) for s in SEEDS)
    for construct in ("while", "for", "break", "continue", "return", "helper(", " and ",
                      "not (", " if ", "a, b, c = b, c"):
        assert construct in every