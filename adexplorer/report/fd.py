"""Automatic differentiation against finite differences: the check, and what the pictures share.

``fd_check(f, *args, wrt=None, **kwargs)`` puts AD (forward and reverse mode) next to
forward, central and complex-step differences with their errors, for each argument
checked (``wrt``: positions or names; default all). A number is differenced as it is;
an array entry by entry when it is small and the output is a number, otherwise along
one random unit direction ``v`` (``seed``), which compares ``J v`` by AD with
``(f(a + hv) - f(a - hv)) / 2h``. An array output is compared entry by entry (the
largest error is shown). Keyword arguments go to ``f`` unchanged, held constant.
The pictures are in ``fdplots.py``; AD is the reference, with neither truncation nor
round-off error.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import numpy as np

from ..core.errors import InputError
from ..core.forward import derivative, jvp
from ..core.primitives import numpy_semantics
from ..core.jacobians import jacrev
from ..core.names import ByName, argument_names
from ..core.reverse import gradient
from ..core.values import short_value

EPS = np.finfo(float).eps
COMPLEX_H = 1e-20
MAX_COMPONENTS = 16      # a larger array argument is checked along a random direction


@dataclass(frozen=True)
class FDRow:
    """One estimate of f'(x): its value, step, and error against AD (``None`` if it failed)."""
    method: str
    value: object
    h: float | None
    error: float | None
    note: str = ""


class FDCheck:
    """AD versus finite differences for one argument. ``rows`` holds every estimate;
    ``error(method)`` reads one error ("forward", "central", "complex step", "reverse").
    ``name`` is the argument's name when f has several; ``direction`` the unit vector an
    array argument was checked along (``None``: entry by entry, or a number)."""

    def __init__(self, x, value, ad, rows, name=None, direction=None, seed=None):
        self.x, self.value, self.ad, self.rows = x, value, ad, rows
        self.name, self.direction, self.seed = name, direction, seed

    def error(self, method: str):
        for row in self.rows:
            if row.method == method:
                return row.error
        raise KeyError(f"no estimate named {method!r}; there are "
                       f"{', '.join(r.method for r in self.rows)}")

    def _head(self) -> str:
        d = f"∂f/∂{self.name}" if self.name else "f'"
        at = f" at {self.name} = " if self.name else "("
        shape = ", ".join(str(n) for n in np.shape(self.x))
        if self.direction is not None:
            head = (f"{d if self.name else '∇f'}·v by AD (forward mode) = {_entries(self.ad)}\n"
                    f"along a random unit direction v (seed {self.seed}) at an array of shape "
                    f"{np.shape(self.x)}: each method differences t -> f(x + t·v) at t = 0")
        elif np.ndim(self.x) == 0:
            head = (f"{d}{at}{short_value(self.x)}{'' if self.name else ')'} by AD (forward "
                    f"mode) = {_entries(self.ad)}")
        else:
            head = (f"gradient{' of ' + self.name if self.name else ''} by AD (reverse mode) "
                    f"at an array of shape ({shape}), each entry differenced in turn; value: "
                    "the first entries, |error|: the largest")
        if np.ndim(self.value):
            head += (f"\n(f returns an array of shape {np.shape(self.value)}: compared entry by "
                     "entry, value: the first entries, |error|: the largest)")
        return head

    def __str__(self) -> str:
        lines = [self._head(), f"{'method':<14}{'value':>24}{'step h':>11}{'|error|':>11}"]
        for r in self.rows:
            value = _entries(r.value) if r.value is not None else "-"
            h = f"{r.h:.0e}" if r.h else ""
            err = f"{r.error:.1e}" if r.error is not None else "-"
            note = f"  {r.note}" if r.note else ""
            lines.append(f"{r.method:<14}{value:>24}{h:>11}{err:>11}{note}")
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        # one argument and a number out: the form the notebooks show (and nbval compares)
        first = self.name is None and self.direction is None and np.ndim(self.value) == 0
        shown = (lambda v: short_value(v, 16)) if first else _entries
        rows = "".join(
            f"<tr><td>{html.escape(r.method)}</td><td>{html.escape(shown(r.value))}</td>"
            f"<td>{'' if not r.h else f'{r.h:.0e}'}</td>"
            f"<td>{'-' if r.error is None else f'{r.error:.1e}'}</td>"
            f"<td>{html.escape(r.note)}</td></tr>" for r in self.rows)
        if first:
            head = (f"f'({html.escape(short_value(self.x))}) by AD = "
                    f"{html.escape(short_value(self.ad, 16))}")
        else:
            head = "<br>".join(html.escape(line, quote=False)
                               for line in self._head().splitlines())
        return (f"<p>{head}</p><table><tr><th>method</th>"
                f"<th>value</th><th>h</th><th>|error|</th><th></th></tr>{rows}</table>")


class FDChecks(ByName):
    """One ``FDCheck`` per argument checked, by position or by name (``checks["y"]``);
    ``error(method)`` is the largest over them."""

    missing = "no argument named {key!r} was checked; checked: {names}"

    @property
    def names(self) -> tuple:
        return tuple(c.name for c in self)

    def error(self, method: str):
        errors = [c.error(method) for c in self]
        known = [e for e in errors if e is not None]
        return max(known) if known else None

    def __str__(self) -> str:
        return "\n\n".join(str(c) for c in self)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        return "".join(c._repr_html_() for c in self)


def _entries(v) -> str:
    """A value for the table: a number in full, an array by its first entries."""
    if v is None:
        return "-"
    if isinstance(v, np.ndarray) and v.ndim and v.size > 2:
        return "[" + ", ".join(f"{e:.6g}" for e in v.ravel()[:2]) + ", …]"
    return short_value(v, 16)


def exact_step(x, h):
    """``h`` rounded so that ``(x + h) - x == h`` exactly (no representation error)."""
    return (x + h) - x


def default_step(x, power):
    """The usual step at ``x``: ``eps ** power`` times its size (1/2 forward, 1/3 central)."""
    return exact_step(x, EPS ** power * max(1.0, abs(x)))


def forward_difference(f, x, h, fx=None):
    """``(f(x + h) - f(x)) / h`` (``fx``: f(x), when known)."""
    fx = f(x) if fx is None else fx
    return (f(x + h) - fx) / h


def central_difference(f, x, h):
    """``(f(x + h) - f(x - h)) / 2h``."""
    return (f(x + h) - f(x - h)) / (2 * h)


def complex_step(f, x, h):
    """``Im f(x + ih) / h``, or ``(None, why)`` if ``f`` does not take complex numbers."""
    try:
        return np.imag(f(x + 1j * h)) / h, ""
    except Exception as err:              # e.g. math.log(complex) raises TypeError
        return None, f"f does not accept complex numbers ({type(err).__name__}: {err})"


def _estimates(f, x):
    """Forward, central and complex-step estimates of f'(x) at their usual best steps.
    The samples beside x follow NumPy (``ad.sqrt`` at 0 - h is nan, not an error): they
    belong to the method, not to the function's domain."""
    hf, hc = default_step(x, 1 / 2), default_step(x, 1 / 3)
    with numpy_semantics:
        cs, note = complex_step(f, x, COMPLEX_H)
        return ((forward_difference(f, x, hf), hf), (central_difference(f, x, hc), hc),
                (cs, COMPLEX_H), note)


# ---------------------------------------------------------------------------
# Arguments: which ones, and f as a function of one of them


def checked_arguments(f, args, wrt, who: str):
    """``[(position, name)]`` of the arguments ``wrt`` picks (an int, a name, or a tuple
    of them; ``None``: every float or float array, or the ints if there are no floats)."""
    names = argument_names(f, len(args))
    if wrt is None:
        picked = [k for k, a in enumerate(args) if _numeric(a) and not _integral(a)] or \
            [k for k, a in enumerate(args) if _numeric(a)]
        if not picked:
            raise InputError(f"{who}: no argument is a number or a numeric array; "
                             f"got {', '.join(type(a).__name__ for a in args) or 'none'}")
        return [(k, names[k]) for k in picked]
    out = []
    for w in (wrt if isinstance(wrt, (tuple, list)) else (wrt,)):
        if isinstance(w, str) and w in names:
            k = names.index(w)
        elif isinstance(w, (int, np.integer)) and not isinstance(w, bool) \
                and -len(args) <= w < len(args):
            k = int(w) % len(args)
        else:
            raise InputError(f"{who}: wrt={w!r} names no argument; the arguments are "
                             f"{', '.join(f'{k} ({n})' for k, n in enumerate(names))}")
        if not _numeric(args[k]):
            raise InputError(f"{who}: argument {names[k]} is a {type(args[k]).__name__}; "
                             "finite differences need a number or a numeric array")
        out.append((k, names[k]))
    return out


def _integral(a) -> bool:
    """An int (a count, an index) is checked only when asked for, or when it is all
    there is: differencing ``pow(x, n)`` in ``n`` would step between loop counts."""
    return isinstance(a, (int, np.integer)) or (isinstance(a, np.ndarray) and a.dtype.kind in "iu")


def _numeric(a) -> bool:
    if isinstance(a, (bool, np.bool_)):
        return False
    if isinstance(a, (int, float, np.integer, np.floating)):
        return True
    return isinstance(a, np.ndarray) and a.dtype.kind in "fiu"


def along(f, args, k, kwargs):
    """f as a function of argument ``k`` alone, the others and ``kwargs`` held fixed."""
    def g(v):
        changed = list(args)
        changed[k] = v
        return f(*changed, **kwargs)
    return g


def random_direction(shape, seed):
    """A unit vector of ``shape``, the same for the same seed (as ``check_grads`` draws)."""
    v = np.random.default_rng(seed).standard_normal(shape)
    return v / np.linalg.norm(v)


def numeric_output(value, who: str):
    """The output as a float or an array of floats; anything else is refused by name."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(
            value, (int, float, complex, np.number, np.ndarray)) or (
            isinstance(value, np.ndarray) and value.dtype.kind not in "fiuc"):
        raise InputError(f"{who} compares numbers: f returned {type(value).__name__} "
                         f"{short_value(value) or repr(value)[:40]}; make it return a number "
                         "or an array, e.g. lambda x: f(x)[0]")
    return value


# ---------------------------------------------------------------------------
# The check


def fd_check(f, *args, wrt=None, reverse: bool = True, seed: int = 0, **kwargs):
    """Compare AD with finite differences for the derivatives of ``f`` at ``args``.

    One argument (or ``wrt`` one position or name): an ``FDCheck``. Several: an
    ``FDChecks``, one per argument (``wrt``: a tuple; default every float or float
    array, or the ints if there is no float: an int is usually a count). For a number
    AD is forward mode; ``reverse`` adds reverse mode's answer as a row. An array is
    differenced entry by entry when it has at most ``MAX_COMPONENTS`` entries and f
    returns a number, else along a random unit direction drawn with ``seed``. Keyword
    arguments go to ``f``, held constant (``wrt``, ``reverse`` and ``seed`` are this
    function's own: close over an ``f`` keyword of those names)."""
    if not args:
        raise InputError("fd_check(f, x, ...): give the point, one value per argument of f")
    picked = checked_arguments(f, args, wrt, "fd_check")
    several = len(args) > 1 and not isinstance(wrt, (int, np.integer, str))
    checks = [check_one(along(f, args, k, kwargs), args[k], reverse, seed,
                         name if several or len(args) > 1 else None) for k, name in picked]
    return FDChecks(checks) if several else checks[0]


def check_one(g, x, reverse, seed, name, known=None) -> FDCheck:
    """The ``FDCheck`` of ``g`` at ``x`` (see ``fd_check``). ``known``: AD's answers
    ``(forward, reverse)`` when the caller has them already (a report reads them from its
    one recording); ``forward`` may be ``None`` (an array ``x``: reverse is used)."""
    x_arr = np.asarray(x, dtype=float)
    direction = None
    if x_arr.ndim == 0:
        # AD, then the estimates at float(x), then f itself: at a singular point the
        # error a user sees is the one AD or a float gives (1/0.0), as it always was
        d = derivative(g, x) if known is None else known[0]
        if not (d is None or isinstance(d, (int, float, complex, np.number, np.ndarray))):
            numeric_output(g(x), "fd_check")               # a tuple, a dict: refused by name
        (fw, hf), (ce, hc), (cs, hs), note = _estimates(g, float(x))
        value = numeric_output(g(x), "fd_check")
        scalar_out = np.ndim(value) == 0
        ad = _or_zero(d, value)
        by_reverse = None
        if reverse:
            by_reverse = (known[1] if known is not None else
                          gradient(g, x)[0] if scalar_out else jacrev(g)(x))
    else:
        value = numeric_output(g(x), "fd_check")
        scalar_out = np.ndim(value) == 0
        if scalar_out and x_arr.size <= MAX_COMPONENTS:
            ad = gradient(g, x)[0] if known is None else known[1]
            by_reverse = ad
            (fw, hf), (ce, hc), (cs, hs), note = _by_components(g, x_arr)
        else:
            direction = random_direction(x_arr.shape, seed)
            ad, by_reverse = _along(g, x_arr, direction, value, reverse, known)
            (fw, hf), (ce, hc), (cs, hs), note = _estimates(
                lambda t: g(x_arr + t * direction), 0.0)
    ad_value = np.asarray(ad, dtype=float)

    def err(v):
        return None if v is None else float(np.max(np.abs(np.asarray(v, dtype=float) - ad_value)))
    rows = [FDRow("reverse", by_reverse, None, err(by_reverse), "AD, reverse mode")] \
        if by_reverse is not None else []
    rows += [FDRow("forward", fw, float(hf), err(fw), "(f(x+h) - f(x)) / h"),
             FDRow("central", ce, float(hc), err(ce), "(f(x+h) - f(x-h)) / 2h"),
             FDRow("complex step", cs, hs, err(cs), note or "Im f(x+ih) / h")]
    return FDCheck(x, value, ad, rows, name, direction, seed if direction is not None else None)


def _along(g, x_arr, direction, value, reverse, known):
    """AD's derivative of ``g`` along ``direction``: (forward mode's, reverse mode's)."""
    scalar_out = np.ndim(value) == 0
    if known is not None:
        along = float(np.vdot(known[1], direction))
        return along, along if reverse else None
    ad = _or_zero(jvp(g, (x_arr,), (direction,))[1], value)
    if not reverse:
        return ad, None
    return ad, (float(np.vdot(gradient(g, x_arr)[0], direction)) if scalar_out
                else np.tensordot(jacrev(g)(x_arr), direction, axes=direction.ndim))


def _by_components(g, x_arr):
    """Each method's estimate of the gradient of ``g`` at ``x_arr``, entry by entry."""
    parts = []
    for k in range(x_arr.size):
        e = np.zeros(x_arr.size)
        e[k] = 1.0
        e = e.reshape(x_arr.shape)
        parts.append(_estimates(lambda t, e=e: g(x_arr + t * e), 0.0))
    fw = np.array([p[0][0] for p in parts]).reshape(x_arr.shape)
    ce = np.array([p[1][0] for p in parts]).reshape(x_arr.shape)
    notes = [p[3] for p in parts if p[3]]
    note = notes[0] if notes else ""
    cs = None if note else np.array([p[2][0] for p in parts]).reshape(x_arr.shape)
    return (fw, parts[0][0][1]), (ce, parts[0][1][1]), (cs, COMPLEX_H), note


def _or_zero(d, value):
    """AD's ``None`` (f does not depend on the argument) as the zero it means here."""
    return np.zeros(np.shape(value)) if d is None and np.ndim(value) else (0.0 if d is None else d)
