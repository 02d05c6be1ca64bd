"""``check_grads``: check a function's derivatives, in every mode and order, against
finite differences — for anyone who writes a rule with ``@ad.adjoint`` or ``@ad.tangent``.

Forward mode: the jvp along a random direction ``v`` must match the central difference
``(f(x + εv) - f(x - εv)) / 2ε``. Reverse mode: the dot-product test
``<vjp(u), v> == <u, (f(x + εv) - f(x - εv)) / 2ε>`` for a random cotangent ``u``, with
``<a, b> = Re(sum(a * b))``: complex arguments and outputs follow autograd's convention
(a cotangent ``g`` of ``z`` stands for the change ``Re(g * dz)``).
Then the derivative functions themselves — ``x -> jvp(f, x, v)`` and
``x -> vjp(f, x)(u)`` — are checked the same way, up to ``order``, so a rule whose
own derivative is wrong is caught too. A disagreement raises ``AssertionError``
naming the mode, the order and how large it is.

    from adexplorer.testing import check_grads
    check_grads(my_ruled_fn, 0.3, np.ones(3))
"""

from __future__ import annotations

import numpy as np

from .core import trees
from .core.errors import InputError
from .core.forward import jvp
from .core.primitives import ADValue, strip
from .core.reverse import vjp

MODES = ("fwd", "rev")
_MODE_NAMES = {"fwd": "forward mode", "rev": "reverse mode"}
_DERIVATIVE_NAMES = {"fwd": "jvp", "rev": "vjp"}


def check_grads(f, *args, modes=("fwd", "rev"), order: int = 2, argnums=None,
                eps: float = 1e-5, rtol: float = 1e-5, atol: float = 1e-7,
                seed: int = 0) -> None:
    """Check the derivatives of ``f`` at ``args`` against central finite differences.

    ``modes``: any of ``"fwd"`` (jvp) and ``"rev"`` (vjp). ``order``: 1 checks first
    derivatives; each extra order also checks the derivative functions of the order
    below, in every mode (so ``order=2`` covers forward-over-forward, reverse-over-
    forward, forward-over-reverse and reverse-over-reverse). ``argnums``: the
    positions to differentiate (default: all); the others, and every leaf that is
    not a number or numeric array (strings, flags), are held fixed. Arguments may be
    numbers (complex too), arrays, or tuples/lists/dicts/dataclasses of them; ints are
    checked as floats. Outputs may be numbers, arrays or containers of them. Two values agree
    when ``|difference| <= atol + rtol * scale`` (scale: the size of the values
    compared); ``eps`` is the finite-difference step. Directions are random but
    fixed by ``seed``.

    Raises ``AssertionError`` on the first disagreement; returns ``None`` otherwise.
    """
    modes = tuple(modes)
    unknown = [m for m in modes if m not in MODES]
    if unknown or not modes:
        raise ValueError(f"check_grads: modes must be a non-empty subset of {MODES}, "
                         f"got {modes!r}")
    if not isinstance(order, int) or order < 1:
        raise ValueError(f"check_grads: order must be an int >= 1, got {order!r}")
    flat_f, xs = _flatten(f, args, argnums)
    checker = _Checker(getattr(f, "__name__", "f"), modes, eps, rtol, atol,
                       np.random.default_rng(seed))
    checker.check(flat_f, xs, order, "f")


# ---------------------------------------------------------------------------
# Arguments and outputs as flat tuples of float leaves


def _flatten(f, args, argnums):
    """``f`` as a function of a flat tuple of float leaves, and the leaves at ``args``."""
    if argnums is None:
        which = tuple(range(len(args)))
    elif isinstance(argnums, int):
        which = (argnums,)
    else:
        which = tuple(argnums)
    for i in which:
        if not -len(args) <= i < len(args):
            raise InputError(f"check_grads: argnums {i} is out of range for "
                             f"{len(args)} argument(s)")
    which = tuple(i % len(args) for i in which) if args else ()
    xs = []
    for i in which:
        for leaf in trees.leaves(args[i]):
            if trees.is_differentiable(leaf):
                xs.append(_as_float(leaf, i))
    if not xs:
        raise InputError("check_grads: nothing to differentiate; pass numbers or "
                         "numeric arrays (or choose them with argnums)")

    def flat_f(*leaves):
        it = iter(leaves)
        new = list(args)
        for i in which:
            new[i] = trees.map_leaves(
                lambda leaf, _name: next(it) if trees.is_differentiable(leaf) else leaf,
                args[i], "x")
        return _output_leaves(f(*new))
    return flat_f, tuple(xs)


def _as_float(leaf, position):
    if isinstance(leaf, ADValue):
        raise InputError(f"check_grads: argument {position} is already an AD value "
                         f"({type(leaf).__name__}); pass plain numbers or arrays")
    kind = complex if np.iscomplexobj(leaf) else float
    if isinstance(leaf, np.ndarray):
        return leaf.astype(kind)
    return kind(leaf)


def _output_leaves(out) -> tuple:
    """The numeric leaves of an output (flags and strings in it are not compared)."""
    return tuple(o for o in trees.leaves(out) if trees.is_differentiable(o))


# ---------------------------------------------------------------------------
# Small vector-space helpers on tuples of leaves (plain values only)


def _random_like(values, rng) -> tuple:
    out = []
    for v in values:
        s = np.shape(v)
        r = rng.standard_normal(s) if s else float(rng.standard_normal())
        if np.iscomplexobj(v):
            r = r + 1j * (rng.standard_normal(s) if s else float(rng.standard_normal()))
        out.append(r)
    return tuple(out)


def _axpy(a, xs, ys) -> tuple:
    return tuple(y + a * x for x, y in zip(xs, ys))


def _vdot(xs, ys) -> float:
    """``Re(sum(x * y))``: the pairing of cotangents with changes (no conjugation)."""
    return float(sum(np.real(np.sum(np.ravel(x) * np.ravel(y))) for x, y in zip(xs, ys)))


def _norm(xs) -> float:
    return float(np.sqrt(sum(np.sum(np.abs(x) ** 2) for x in xs)))


def _max_abs(xs) -> float:
    return max((float(np.max(np.abs(x))) if np.size(x) else 0.0 for x in xs), default=0.0)


def _plain(values, like=None) -> tuple:
    """Plain float (or complex) values. Complex is taken where ``like``, the values at
    the point, is complex too (everywhere when ``like`` is not given)."""
    out = []
    for k, v in enumerate(values):
        v = strip(v)
        kind = float
        if np.iscomplexobj(v):
            if like is not None and not np.iscomplexobj(like[k]):
                raise ValueError("check_grads: the function returned a complex value "
                                 "within eps of this point; choose a point inside its "
                                 "real domain, or hold that argument fixed with argnums")
            kind = complex
        out.append(np.asarray(v, dtype=kind) if np.ndim(v) else kind(v))
    return tuple(out)


def _zero_if_none(g, like):
    if g is not None:
        return g
    return np.zeros(np.shape(strip(like))) if np.ndim(strip(like)) else 0.0


def _finite(values) -> bool:
    return all(np.all(np.isfinite(v)) for v in values)


def _text(values) -> str:
    parts = [np.array2string(np.asarray(v), precision=10, threshold=12) if np.ndim(v)
             else repr(complex(v) if np.iscomplexobj(v) else float(v)) for v in values]
    return parts[0] if len(parts) == 1 else "(" + ", ".join(parts) + ")"


# ---------------------------------------------------------------------------
# The checks


class _Checker:
    """Runs the checks of one ``check_grads`` call and words its failures."""

    def __init__(self, name, modes, eps, rtol, atol, rng):
        self.name, self.modes = name, modes
        self.eps, self.rtol, self.atol, self.rng = eps, rtol, atol, rng

    def check(self, fn, xs, order, what, depth=1):
        """Check ``fn`` at ``xs`` in every mode, then its derivative functions."""
        ys = _plain(fn(*xs))
        if not _finite(ys):
            self.fail(None, depth, what, f"{what} is not finite at this point: "
                      f"{_text(ys)}; choose a point inside its domain")
        if "fwd" in self.modes:
            self.check_jvp(fn, xs, ys, what, depth)
        if "rev" in self.modes:
            self.check_vjp(fn, xs, ys, what, depth)
        if order > 1:
            for mode in self.modes:
                dfn = self.derivative_function(fn, xs, ys, mode)
                label = f"{_DERIVATIVE_NAMES[mode]}({what})"
                self.check(dfn, xs, order - 1, label, depth + 1)

    def derivative_function(self, fn, xs, ys, mode):
        """``x -> jvp(fn, x, v)`` or ``x -> vjp(fn, x)(u)`` for a fixed random v or u."""
        if mode == "fwd":
            v = _random_like(xs, self.rng)

            def jvp_fn(*p):
                return tuple(jvp(fn, p, v)[1])
            return jvp_fn
        u = _random_like(ys, self.rng)

        def vjp_fn(*p):
            pullback = vjp(fn, *p)[1]
            return tuple(_zero_if_none(g, x) for g, x in zip(pullback(u), p))
        return vjp_fn

    def central_difference(self, fn, xs, v, ys):
        plus = _plain(fn(*_axpy(self.eps, v, xs)), ys)
        minus = _plain(fn(*_axpy(-self.eps, v, xs)), ys)
        return tuple((p - m) / (2 * self.eps) for p, m in zip(plus, minus))

    def check_jvp(self, fn, xs, ys, what, depth):
        v = _random_like(xs, self.rng)
        out, tangent = jvp(fn, xs, v)
        out = _plain(out)
        tangent = _plain([_zero_if_none(t, y) for t, y in zip(tangent, ys)])
        self.check_primal("fwd", depth, what, out, ys)
        fd = self.central_difference(fn, xs, v, ys)
        if not (_finite(tangent) and _finite(fd)):
            self.fail("fwd", depth, what, f"a value is not finite: jvp = {_text(tangent)}, "
                      f"central difference = {_text(fd)}")
        err = _max_abs(tuple(t - d for t, d in zip(tangent, fd)))
        scale = max(_max_abs(tangent), _max_abs(fd))
        if not err <= self.tolerance(scale):
            self.fail("fwd", depth, what,
                      "the jvp along a random direction v disagrees with central "
                      f"differences\n  jvp(v)               = {_text(tangent)}\n"
                      f"  (f(x+εv)-f(x-εv))/2ε = {_text(fd)}\n"
                      f"  largest difference   = {err:.3g}, tolerance {self.tolerance(scale):.3g}")

    def check_vjp(self, fn, xs, ys, what, depth):
        v = _random_like(xs, self.rng)
        u = _random_like(ys, self.rng)
        out, pullback = vjp(fn, *xs)
        self.check_primal("rev", depth, what, _plain(out), ys)
        cotangent = _plain(_zero_if_none(g, x) for g, x in zip(pullback(u), xs))
        fd = self.central_difference(fn, xs, v, ys)
        lhs, rhs = _vdot(cotangent, v), _vdot(u, fd)
        if not (np.isfinite(lhs) and np.isfinite(rhs)):
            self.fail("rev", depth, what, f"a value is not finite: <vjp(u), v> = {lhs!r}, "
                      f"<u, central difference> = {rhs!r}")
        err = abs(lhs - rhs)
        scale = max(abs(lhs), abs(rhs), _norm(u) * _norm(fd))
        if not err <= self.tolerance(scale):
            self.fail("rev", depth, what,
                      "the dot-product test fails\n"
                      f"  <vjp(u), v>                 = {lhs!r}\n"
                      f"  <u, (f(x+εv)-f(x-εv))/2ε>   = {rhs!r}\n"
                      f"  difference                  = {err:.3g}, "
                      f"tolerance {self.tolerance(scale):.3g}")

    def check_primal(self, mode, depth, what, out, ys):
        err = _max_abs(tuple(o - y for o, y in zip(out, ys))) if len(out) == len(ys) else np.inf
        if not err <= self.tolerance(_max_abs(ys)):
            self.fail(mode, depth, what, f"the value computed alongside the derivative, "
                      f"{_text(out)}, differs from {what} itself, {_text(ys)}")

    def tolerance(self, scale):
        return self.atol + self.rtol * scale

    def fail(self, mode, depth, what, detail):
        where = f"{_MODE_NAMES[mode]}, " if mode else ""
        raise AssertionError(
            f"check_grads({self.name}): {where}order {depth} "
            f"(derivative of {what}): {detail}\n"
            f"  (eps={self.eps:g}, rtol={self.rtol:g}, atol={self.atol:g})")
