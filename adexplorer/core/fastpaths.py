"""Scalar fast paths, compiled from the primitive table.

For a Python float or int inside a ``Dual`` or a ``Traced`` the general route (``bind``
-> the level's ``process`` -> ``bind`` on the primals -> the jvp rule) costs about a
microsecond per operation. Here each scalar row's jvp rule is run once on symbols
(``symbolic.py``) to get its formula as text — ``t * cos(p)`` for ``sin`` — and a
specialised Python function is compiled from it: the public ``ad.sin`` and the
operators of ``Dual``/``Traced``. The formulas come from the rules, so a fast path
cannot disagree with the table; anything that is not a plain Python scalar (arrays,
nested levels, NumPy scalars) takes the general route. ``tests/core/test_fastpaths.py``
checks both routes give identical results.

A recorded value whose call has finished (levels.py) takes the general route, so nothing
is recorded into a finished trace; a finished dual number needs no such check: what it
computes is itself finished, and acts as its plain value.
"""

from __future__ import annotations

from . import rules as R
from .operator_table import BY_ROW
from .operators import operate
from .primitives import BOUNDARY_ERRORS, bind
from .symbolic import Sym

# Rows with a scalar fast path. Binary rows list the argument positions whose jvp rule
# is compiled. Guard rows are what rules call at a domain boundary (``power_factor``
# and ``log_nonzero`` in pow's rules). A guard decides on the point, so its arguments
# are primals, and those are plain numbers in a fast path: formulas call the guard
# row's implementation directly.
UNARY_ROWS = (R.neg, R.sin, R.cos, R.tan, R.exp, R.log, R.log1p, R.expm1, R.sqrt, R.tanh,
              R.sigmoid, R.absolute)
BINARY_ROWS = {R.add: (0, 1), R.sub: (0, 1), R.mul: (0, 1), R.div: (0, 1), R.power: (0, 1)}
GUARD_ROWS = (R.power_factor, R.log_nonzero)

# The namespace every generated function runs in: the rows, their implementations and
# the fast public functions themselves (formulas such as ``t * cos(p)`` call them).
_namespace: dict = {"bind": bind, "operate": operate,
                    "BOUNDARY_ERRORS": BOUNDARY_ERRORS}


def _formula(row, position: int, arg_names: tuple) -> str:
    rule = row.jvp_rule(position)
    text = rule(Sym("t"), Sym("ans"), *[Sym(n) for n in arg_names])
    return f"({text})"


def _scalar_vjp_source(row, positions, arg_names) -> str:
    """``row.scalar_vjp``: the vjp rules as compiled formulas on plain numbers, for the
    positions whose rule is a pure formula (the others keep the general rule)."""
    params = ", ".join(("g", "ans") + arg_names)
    parts = []
    for i in range(len(arg_names)):
        if i in positions:
            text = row.vjp_rule(i)(Sym("g"), Sym("ans"), *[Sym(n) for n in arg_names])
            parts.append(f"lambda {params}: {text}")
        else:
            parts.append(f"row_{row.name}.vjp[{i}]")
    return f"row_{row.name}.scalar_vjp = ({', '.join(parts)},)"


def _unary_source(row) -> str:
    n = row.name
    jvp = _formula(row, 0, ("p",))
    if hasattr(row.impl, "scalar"):           # math.sin; on its error the row decides
        value = (f"try:\n{{i}}    ans = scalar_{n}(p)\n{{i}}except (ValueError, OverflowError):"
                 f"\n{{i}}    ans = impl_{n}(p)")
    else:
        value = f"ans = impl_{n}(p)"
    indent = " " * 12
    value = value.replace("{i}", indent)
    return f'''
def {n}(x):
    tx = type(x)
    if tx is float or tx is int:
        return impl_{n}(x)
    if tx is Traced:
        p = x.primal
        if (type(p) is float or type(p) is int) and not x._level.done:
            {value}
            level = x._level
            records = level.trace._records
            records.append((row_{n}, (p,), None, ans, ((0, x._index),)))
            return Traced(ans, level, len(records) - 1)
    elif tx is Dual:
        p = x.primal
        if type(p) is float or type(p) is int:
            {value}
            t = x.tangent
            try:
                return Dual(ans, {jvp}, x._level)
            except BOUNDARY_ERRORS:           # 1/0 in the rule: the general route gives inf
                pass
    return bind(row_{n}, x)
'''


def _binary_sources(row) -> str:
    """Forward and reflected operator methods for ``Dual`` and ``Traced``."""
    n = row.name
    method, reflected, op = BY_ROW[row].method, BY_ROW[row].reflected, BY_ROW[row].symbol
    positions = BINARY_ROWS[row]
    value = f"a {op} b" if row.impl is BY_ROW[row].python else f"impl_{n}(a, b)"
    j = {i: _formula(row, i, ("a", "b")) for i in positions}
    src = []
    # Dual, self on the left
    if 0 not in j:
        src.append(f"def dual_{method}(self, other):\n    return operate(row_{n}, self, other)")
    else:
        # The value raises as Python does (1 / 0.0: ZeroDivisionError); only an error
        # in the derivative goes to the general route, whose rules give NumPy's inf.
        body = [f"def dual_{method}(self, other):",
                "    a = self.primal",
                "    if type(a) is float or type(a) is int:",
                "        b = other",
                "        tb = type(b)",
                "        if tb is float or tb is int:",
                f"            ans = {value}",
                "            t = self.tangent",
                "            try:",
                f"                return Dual(ans, {j[0]}, self._level)",
                "            except BOUNDARY_ERRORS:",
                "                pass"]
        if 1 in j:
            body += ["        elif tb is Dual and b._level is self._level:",
                     "            b = b.primal",
                     "            if type(b) is float or type(b) is int:",
                     f"                ans = {value}",
                     "                try:",
                     "                    t = self.tangent",
                     f"                    first = {j[0]}",
                     "                    t = other.tangent",
                     f"                    return Dual(ans, first + {j[1]}, self._level)",
                     "                except BOUNDARY_ERRORS:",
                     "                    pass"]
        body += [f"    return operate(row_{n}, self, other)"]
        src.append("\n".join(body))
    # Dual, self on the right (the left operand is a plain number)
    if 1 in j:
        src.append("\n".join([
            f"def dual_{reflected}(self, other):",
            "    b = self.primal",
            "    a = other",
            "    if (type(b) is float or type(b) is int) and (type(a) is float or type(a) is int):",
            "        t = self.tangent",
            f"        ans = {value}",
            "        try:",
            f"            return Dual(ans, {j[1]}, self._level)",
            "        except BOUNDARY_ERRORS:",
            "            pass",
            f"    return operate(row_{n}, other, self)"]))
    else:
        src.append(f"def dual_{reflected}(self, other):\n    return operate(row_{n}, other, self)")
    # Traced: record directly into the trace
    src.append("\n".join([
        f"def traced_{method}(self, other):",
        "    a = self.primal",
        "    if (type(a) is float or type(a) is int) and not self._level.done:",
        "        b = other",
        "        tb = type(b)",
        "        if tb is float or tb is int:",
        "            parents = ((0, self._index),)",
        "        elif tb is Traced and b._level is self._level and "
        "(type(b.primal) is float or type(b.primal) is int):",
        "            parents = ((0, self._index), (1, b._index))",
        "            b = b.primal",
        "        else:",
        f"            return operate(row_{n}, self, other)",
        f"        ans = {value}",
        "        level = self._level",
        "        records = level.trace._records",
        f"        records.append((row_{n}, (a, b), None, ans, parents))",
        "        return Traced(ans, level, len(records) - 1)",
        f"    return operate(row_{n}, self, other)"]))
    src.append("\n".join([
        f"def traced_{reflected}(self, other):",
        "    b = self.primal",
        "    a = other",
        "    if (type(b) is float or type(b) is int) and (type(a) is float or type(a) is int) \\",
        "            and not self._level.done:",
        f"        ans = {value}",
        "        level = self._level",
        "        records = level.trace._records",
        f"        records.append((row_{n}, (a, b), None, ans, ((1, self._index),)))",
        "        return Traced(ans, level, len(records) - 1)",
        f"    return operate(row_{n}, other, self)"]))
    return "\n\n".join(src)


def _compile():
    for row in GUARD_ROWS:
        _namespace[row.name] = row.impl
    for row in UNARY_ROWS + tuple(BINARY_ROWS):
        _namespace[f"row_{row.name}"] = row
        _namespace[f"impl_{row.name}"] = row.impl
        _namespace[f"scalar_{row.name}"] = getattr(row.impl, "scalar", None)
    _namespace["Dual"] = _namespace["Traced"] = type("NotYetDefined", (), {})
    source = "\n".join(_unary_source(row) for row in UNARY_ROWS)
    source += "\n\n" + "\n\n".join(_binary_sources(row) for row in BINARY_ROWS)
    source += "\n\n" + "\n".join(_scalar_vjp_source(row, (0,), ("p",)) for row in UNARY_ROWS)
    source += "\n" + "\n".join(_scalar_vjp_source(row, positions, ("a", "b"))
                               for row, positions in BINARY_ROWS.items())
    # Formulas may call other rows by name (``cos`` inside ``sin``'s rule); those calls
    # go to the fast functions, which handle every kind of argument.
    exec(compile(source, "<adexplorer fast paths>", "exec"), _namespace)
    for row in (R.sign,):
        _namespace[row.name] = row


_compile()


def function(row):
    """The fast public function for a unary row (``ad.sin``), with the row attached."""
    fn = _namespace[row.name]
    fn.primitive = row
    fn.__doc__ = f"``{row.name}`` — differentiable; see the ``{row.name}`` row of the table."
    fn.__module__ = "adexplorer"
    return fn


def install(cls, kind: str):
    """Give ``Dual`` (kind "dual") or ``Traced`` (kind "traced") their fast operators."""
    _namespace["Dual" if kind == "dual" else "Traced"] = cls
    for row in BINARY_ROWS:
        method, reflected = BY_ROW[row].method, BY_ROW[row].reflected
        setattr(cls, method, _namespace[f"{kind}_{method}"])
        setattr(cls, reflected, _namespace[f"{kind}_{reflected}"])
    setattr(cls, BY_ROW[R.neg].method, _namespace["neg"])
    cls.__abs__ = _namespace["abs"]
