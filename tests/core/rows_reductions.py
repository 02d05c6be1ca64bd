"""check_grads cases for the rows of the reductions family (``rules_reductions.py``,
``rules_scans.py``),
read by ``test_rows.py``: every row at several shapes, axis None / int / tuple, keepdims,
and products and running products with inputs that are exactly zero."""

import numpy as np

from adexplorer.core import rules_reductions as RR
from adexplorer.core import rules_scans as RS

rng = np.random.default_rng(20261206)


def arr(*shape, lo=-1.0, hi=1.0):
    return rng.uniform(lo, hi, size=shape)


def case(fn, *args, argnums=None, label=""):
    return (fn, args, argnums, label)


def with_zeros(*shape, at=((0,),)):
    x = arr(*shape, lo=0.5, hi=1.5) * rng.choice([-1.0, 1.0], size=shape)
    for i in at:
        x[i] = 0.0
    return x


ONE_ZERO = with_zeros(5, at=((2,),))
TWO_ZEROS = with_zeros(6, at=((1,), (4,)))
ZEROS_2D = with_zeros(3, 4, at=((0, 1), (2, 1), (2, 3)))


def reductions(row, *extra, **params):
    """A reduction row over the usual axes, with and without keepdims."""
    out = []
    for x in extra or (arr(5), arr(3, 4), arr(2, 3, 2)):
        nd = np.ndim(x)
        axes = [None, 0, -1] + ([(0, 2)] if nd == 3 else []) + ([(0, 1)] if nd == 2 else [])
        for axis in axes:
            for keepdims in (False, True):
                out.append(case(lambda x, a=axis, k=keepdims: row(x, axis=a, keepdims=k,
                                                                  **params),
                                x, label=f"{row.name}{np.shape(x)} axis={axis} "
                                         f"keepdims={keepdims}"))
    return out


def scans(row, *points):
    out = []
    for x in points:
        for axis in [None] + list(range(-np.ndim(x), np.ndim(x))):
            for reverse in (False, True):
                out.append(case(lambda x, a=axis, r=reverse: row(x, axis=a, reverse=r), x,
                                label=f"{row.name}{np.shape(x)} axis={axis} reverse={reverse}"))
    return out


CASES = {
    "prod": reductions(RR.prod) + reductions(RR.prod, ONE_ZERO, TWO_ZEROS, ZEROS_2D)
    + [case(lambda x: RR.prod(x), 1.7, label="scalar")],
    "cumsum": scans(RS.cumsum, arr(5), arr(3, 4)),
    "cumprod": scans(RS.cumprod, arr(5, lo=0.5, hi=1.5), arr(3, 4), ONE_ZERO, TWO_ZEROS,
                     ZEROS_2D),
    "var": reductions(RR.var) + reductions(RR.var, arr(4), arr(3, 4), ddof=1),
    "std": reductions(RR.std) + reductions(RR.std, arr(4), arr(3, 4), ddof=1),
    "logsumexp": reductions(RR.logsumexp_row)
    + [case(lambda x: RR.logsumexp_row(x), arr(4) * 300.0, label="large values")],
    "diff": [case(lambda x, n=n, a=a: RS.diff(x, n=n, axis=a), x,
                  label=f"diff{np.shape(x)} n={n} axis={a}")
             for x in (arr(6), arr(3, 5)) for n in (1, 2, 3) for a in range(-np.ndim(x), 0)],
    "shift": [case(lambda x, b=b, a=a: RS.shift(x, axis=a, by=b, fill=1.0), x,
                   label=f"shift{np.shape(x)} by={b} axis={a}")
              for x in (arr(5), arr(3, 4)) for b in (-2, 1, 0) for a in range(np.ndim(x))],
    "recurrence": [case(lambda a, b, ax=ax, r=r: RS.recurrence(a, b, axis=ax, reverse=r), a, b,
                        label=f"recurrence{np.shape(a)} axis={ax} reverse={r}")
                   for a, b in ((arr(5), arr(5)), (with_zeros(3, 4, at=((1, 2),)), arr(3, 4)))
                   for ax in range(np.ndim(a)) for r in (False, True)],
}
