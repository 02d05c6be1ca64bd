"""Random control-flow programs for differential testing of source_grad against the tape.

``program(seed)`` writes the source of ``f(x, y, n)``: assignments of random arithmetic
to ``a``, ``b``, ``c``, swaps, ``if``/``else`` (conditions with ``and``/``not``),
``x if c else y``, ``for ... in range(...)`` and counted ``while`` loops nested up to
three deep, ``break``/``continue`` and early ``return`` under random conditions, and
calls to a helper with its own loop. The same seed gives the same program.
``program(seed, arrays=True)`` makes the same kind of program for an array ``x``: the
conditions and the output sum over it.
"""

import random

import numpy as np

VARIABLES = ("a", "b", "c")
HELPER = '''
def helper(u, v):
    s = u
    for j in range(2):
        s = s * 0.5 + v * ad.sin(s)
    return s
'''


def _expr(r, depth=0):
    kinds = ["var", "var", "arg", "const"] + (["bin", "bin", "un", "call"] if depth < 2 else [])
    kind = r.choice(kinds)
    if kind == "var":
        return r.choice(VARIABLES)
    if kind == "arg":
        return r.choice(["x", "y"])
    if kind == "const":
        return repr(round(r.uniform(-1.5, 1.5), 2))
    if kind == "un":
        fn = r.choice(["ad.sin", "ad.cos", "ad.tanh", "ad.sigmoid", "np.sin"])
        return f"{fn}({_expr(r, depth + 1)})"
    if kind == "call":
        return f"helper({_expr(r, depth + 1)}, {_expr(r, depth + 1)})"
    op = r.choice(["+", "-", "*", "*"])
    return f"({_expr(r, depth + 1)} {op} {_expr(r, depth + 1)})"


def _number(r):
    """An expression whose truth is clear: summed over the array in the array programs."""
    return f"np.sum({_expr(r)})" if _ARRAYS[0] else _expr(r)


def _cond(r):
    simple = f"{_number(r)} > {round(r.uniform(-1, 1), 2)}"
    kind = r.random()
    if kind < 0.15:
        return f"{simple} and {_number(r)} < {round(r.uniform(-1, 1), 2)}"
    if kind < 0.25:
        return f"not ({simple})"
    return simple


def _block(r, depth, in_loop, lines, indent):
    pad = "    " * indent
    for _ in range(r.randint(1, 3)):
        kind = r.choice(["assign"] * 4 + ["if", "for", "while", "swap", "jump", "return",
                                          "ternary"])
        if kind == "assign" or depth >= 3 or (kind == "jump" and not in_loop):
            lines.append(f"{pad}{r.choice(VARIABLES)} = {_expr(r)}")
        elif kind == "swap":
            lines.append(f"{pad}a, b, c = b, c, {_expr(r)}")
        elif kind == "ternary":
            lines.append(f"{pad}{r.choice(VARIABLES)} = {_expr(r)} if {_cond(r)} else {_expr(r)}")
        elif kind == "if":
            lines.append(f"{pad}if {_cond(r)}:")
            _block(r, depth + 1, in_loop, lines, indent + 1)
            if r.random() < 0.6:
                lines.append(f"{pad}else:")
                _block(r, depth + 1, in_loop, lines, indent + 1)
        elif kind == "for":
            counter = f"i{depth}"
            lines.append(f"{pad}for {counter} in range({r.choice(['n', '3', '2', 'n - 1'])}):")
            lines.append(f"{pad}    a = a * 0.9 + {counter} * 0.1")
            _block(r, depth + 1, True, lines, indent + 1)
        elif kind == "while":
            counter = f"k{depth}"
            lines.append(f"{pad}{counter} = 0")
            extra = f" and {_number(r)} > -2.5" if r.random() < 0.3 else ""
            lines.append(f"{pad}while {counter} < {r.choice(['n', '2', '3'])}{extra}:")
            lines.append(f"{pad}    {counter} += 1")
            _block(r, depth + 1, True, lines, indent + 1)
        elif kind == "jump":
            lines.append(f"{pad}if {_cond(r)}:")
            lines.append(f"{pad}    {r.choice(['break', 'continue'])}")
        else:
            lines.append(f"{pad}if {_cond(r)}:")
            lines.append(f"{pad}    return {_number(r)}")


_ARRAYS = [False]


def program(seed: int, arrays: bool = False) -> str:
    r = random.Random(seed)
    _ARRAYS[0] = arrays
    lines = ["import numpy as np", "import adexplorer as ad", HELPER, "",
             "def f(x, y, n):", "    a = x", "    b = y", "    c = 0.5"]
    _block(r, 0, False, lines, 1)
    out = f"{_expr(r)} + a * b + c"
    lines.append(f"    return np.sum({out})" if arrays else f"    return {out}")
    return "\n".join(lines) + "\n"


ARGUMENTS = [(0.3, -0.7, 3), (1.2, 0.4, 2), (-0.5, 0.9, 0)]
ARRAY_ARGUMENTS = [(np.array([0.3, -0.2]), -0.7, 3), (np.array([1.2, 0.1]), 0.4, 2)]
