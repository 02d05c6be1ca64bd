"""The registry of the differential zoo: a ``Program`` is an ordinary Python function
with the arguments it is run at and the positions of the arguments it depends on
differentiably. The programs themselves live in ``zoo_python.py`` (scalar math, control
flow, containers) and ``zoo_numpy.py`` (arrays, arrays built with ``np.array``, float32,
complex); importing this module registers them all. ``test_differential.py`` runs every
program plain and under every applicable transform.

Points are chosen away from kinks (abs, max, where, clip, branch thresholds) by far more
than the finite-difference steps, and maxima/minima have no ties.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class Program:
    name: str
    fn: object
    args: tuple
    diff: tuple                  # positions with a differentiable path to the output
    category: str
    oracle: object = None        # an autograd twin (complex programs)
    may_refuse: str | tuple | None = None  # a refusal is fine if it names this
    hessian: bool = True
    raises: type | None = None   # the plain call raises this (so must every transform)


PROGRAMS: dict[str, Program] = {}


def program(*args, diff=(0,), cat, oracle=None, may_refuse=None, hessian=True, raises=None):
    def register(fn):
        name = fn.__name__
        assert name not in PROGRAMS, name
        PROGRAMS[name] = Program(name, fn, args, tuple(diff), cat, oracle, may_refuse,
                                 hessian, raises)
        return fn
    return register


rng = np.random.default_rng(2026)


def u(*shape, lo=-1.0, hi=1.0):
    return rng.uniform(lo, hi, size=shape)


def spread(n, lo=-1.0, hi=1.0):
    """n values with gaps of at least (hi - lo) / (2n) between any two: no ties, and
    away from 0 when lo < 0 < hi."""
    grid = np.linspace(lo, hi, n)
    vals = grid + rng.uniform(-0.2, 0.2, n) * (hi - lo) / n
    vals[np.abs(vals) < 0.05] += 0.11
    return rng.permutation(vals)


V3 = np.array([0.3, -0.7, 1.2])
V4 = np.array([0.5, -1.1, 0.8, 1.6])
V5 = spread(5)
V6 = spread(6, -2, 2)
M23 = u(2, 3)
M34 = spread(12).reshape(3, 4)
M43 = u(4, 3)
M33 = u(3, 3)
POS4 = u(4, lo=0.5, hi=2.0)
W35 = u(3, 5)
IDX = np.array([0, 2, 2, 1])


# The zoo registers itself on import (at the end: it uses the names above).
from . import zoo_linalg, zoo_numpy, zoo_python  # noqa: F401
