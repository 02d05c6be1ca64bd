"""Rules as text: run a row's jvp/vjp rule on symbols to read it as an expression.

``partial_text(sin, 0, ["y1"])`` gives ``"cos(y1)"`` and ``vjp_text(mul, 1, "ȳ3",
["5", "y2"])`` gives ``"ȳ3 * 5"``. The derivative Wengert list and the generated adjoint
code get their expressions this way, so they can never disagree with the rules that
compute the numbers.
"""

from __future__ import annotations

import numpy as np

from .levels import Level
from .names import literal
from .operators import Operators
from .primitives import ATOM, POWER, PRIMITIVES, PRODUCT, UNARY, Primitive

class Sym(Operators):
    """A symbolic value: the text of an expression, the precedence and row name of its
    top operator (``op``), its shape (``()`` for scalars) and whether it stands for a
    complex value (rules read it like a value's dtype: ``abs`` prints its complex rule)."""

    __slots__ = ("text", "prec", "shape", "op", "is_complex")
    primal = None

    def __init__(self, text: str, prec: int = ATOM, shape: tuple = (), op: str | None = None,
                 is_complex: bool = False):
        self.text = text
        self.prec = prec
        self.shape = shape
        self.op = op
        self.is_complex = is_complex

    @property
    def _level(self):
        return SYMBOLIC

    def __repr__(self):
        return f"Sym({self.text!r})"

    def __str__(self):
        return self.text

    def __format__(self, spec):
        return format(self.text, spec)


ONE = Sym("1")
MINUS_ONE = Sym("-1", UNARY, op="neg")


class SymbolicLevel(Level):
    """The level that turns a primitive application into the text of the expression."""

    symbolic = True

    def nondiff(self, prim: Primitive, args, params):
        return expression(prim, args, params)       # comparisons print like the rest

    def process(self, prim: Primitive, args, params):
        simple = _simplify(prim, args)
        if simple is not None:
            return simple
        return expression(prim, args, params)


SYMBOLIC = SymbolicLevel(id=float("inf"))


def expression(prim: Primitive, args, params=None) -> Sym:
    """``prim`` applied to ``args`` (symbols or constants) as text, parenthesised as needed."""
    texts = [_operand(prim, i, a) for i, a in enumerate(args)]
    shape = next((a.shape for a in args if isinstance(a, Sym) and a.shape), ())
    is_complex = not prim.nondiff and prim.name not in REAL_OUTPUT and any(
        a.is_complex if isinstance(a, Sym) else np.iscomplexobj(a) for a in args)
    return Sym(prim.format(texts, params), prim.precedence, shape, prim.name, is_complex)


# Rows whose value is real even for complex arguments; with conj, the rows that are not
# holomorphic (their tangent is no product of a partial and the incoming tangent).
REAL_OUTPUT = ("real", "imag", "abs", "angle")
NOT_HOLOMORPHIC = REAL_OUTPUT + ("conj",)


def _simplify(prim, args):
    """Drop multiplications and divisions by the symbolic one, and ``x ** 1``."""
    name = prim.name
    if name == "neg" and args[0] is ONE:
        return MINUS_ONE
    if name == "mul":
        a, b = args
        if a is ONE or _is_number(a, 1):
            return b
        if b is ONE or _is_number(b, 1):
            return a
        if a is MINUS_ONE:
            return expression(prim_named("neg"), [b])
        if b is MINUS_ONE:
            return expression(prim_named("neg"), [a])
    elif name == "div" and (args[1] is ONE or _is_number(args[1], 1)):
        return args[0]
    elif name == "pow" and _is_number(args[1], 1):
        return args[0]
    elif name in ("real", "conj") and args[0] is ONE:
        return ONE
    return None


def _is_number(x, value) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and x == value


def prim_named(name: str) -> Primitive:
    return PRIMITIVES[name]


def _text_and_prec(x):
    if isinstance(x, Sym):
        return x.text, x.prec, x.op
    text = literal(x)
    return text, (UNARY if text.startswith("-") else ATOM), None


def _operand(prim, i, x) -> str:
    text, prec, _ = _text_and_prec(x)
    if "{args}" in prim.display:
        return text
    row = prim.precedence
    if row == ATOM:                               # postfix forms such as x[i]
        needs = prec < ATOM
    elif row == UNARY:
        needs = prec < UNARY
    elif row == POWER:                            # right-associative
        needs = prec <= POWER if i == 0 else prec < UNARY
    elif i == 0:                                  # left-associative
        needs = prec < row
    else:     # a * (b * c) keeps them: the text must be the same computation, to the last bit
        needs = prec <= row
    return f"({text})" if needs else text


def partial_text(prim: Primitive, i: int, args, ans="ans", params=None) -> str | Sym:
    """The local partial derivative of ``prim`` w.r.t. argument ``i`` as a ``Sym``.

    ``args``/``ans`` are names (str become symbols) or constants (kept as literals).
    """
    syms = [_sym(a) for a in args]
    if prim.user:                     # a user's rule is code, not a formula: name it
        return Sym(_user_partial(prim, i, syms))
    return prim.jvp_rule(i)(ONE, _sym(ans), *syms, **(params or {}))


def vjp_text(prim: Primitive, i: int, g, args, ans="ans", params=None) -> str | Sym:
    """The cotangent ``prim`` sends to argument ``i`` as a ``Sym``, given the incoming ``g``."""
    syms = [_sym(a) for a in args]
    if prim.user:
        return Sym(f"{_text_and_prec(_sym(g))[0]} * {_user_partial(prim, i, syms)}", PRODUCT)
    return prim.vjp_rule(i)(_sym(g), _sym(ans), *syms, **(params or {}))


def _user_partial(prim, i, syms) -> str:
    """``∂add/∂a``: the partial of a user-ruled function w.r.t. argument ``i``."""
    arg = _text_and_prec(syms[i])[0] if i < len(syms) else f"#{i + 1}"
    return f"∂{prim.name}/∂{arg}"


def _sym(x):
    return Sym(x) if isinstance(x, str) else x


__all__ = ["Sym", "ONE", "expression", "partial_text", "vjp_text"]
