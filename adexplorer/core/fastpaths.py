"""Scalar fast paths: ``ad.sin`` and the operators of ``Dual``/``Traced`` on plain numbers.

For a Python float or int inside a ``Dual`` or a ``Traced`` the general route (``bind``
-> the level's ``process`` -> ``bind`` on the primals -> the rule) costs about a
microsecond per operation. For the rows below, a specialised Python function is
compiled instead, from one readable template per rule shape (``UNARY``,
``DUAL_BINARY``, ``TRACED_BINARY``, ``TRACED_COMPARISON``, ...). The derivative in a
template is the row's own rule, run once on symbols (``symbolic.py``) to read it as a
formula (``t * cos(p)`` for ``sin``), so a fast path cannot disagree with the table.

Invariants (``tests/core/test_fastpaths.py`` checks them):

- **Same answer, bit for bit.** A fast path computes the value with the row's
  implementation (or Python's operator where that *is* the implementation) and the
  derivative with the row's rule as text; for every row and both modes the result
  equals the general route's exactly.
- **Only plain Python scalars.** A fast path runs only when every operand is a ``float``
  or an ``int`` (inside the AD value): arrays, NumPy scalars, complex numbers and nested
  levels (a ``Dual`` holding a ``Traced``) take the general route.
- **Same level only.** Two AD operands take the fast path only when they belong to the
  same level; otherwise the general route sorts out which level sees the operation.
- **Nothing recorded into a finished trace.** A ``Traced`` whose call has returned
  (``levels.py``) takes the general route, which treats it as its plain value. A
  finished ``Dual`` needs no check: what it computes is itself finished.
- **A fast record is marked.** Reverse mode appends ``(row, args, SCALAR, value,
  slots)``: plain-number arguments, a real value, no static parameters, and the parents
  in slots (``tracing.py``): the parent's index when the only node argument is the first,
  else a tuple (node index or None per argument). A complex power of
  real numbers is recorded as a general record.
  ``backprop`` runs such a record's rules as the compiled formulas of
  ``row.scalar_vjp`` when the cotangent is a plain number too, and otherwise its
  general rules; it adds up contributions and releases adjoints the same way for both.
- **Steering is noted, not recorded.** A comparison (``n > 0``) answers on the primals
  and notes which nodes it looked at in ``trace.nondiff_uses`` (``("gt", 4)``: one flat
  tuple, so noting costs about what the comparison does), exactly as the general route's
  ``ReverseLevel.nondiff`` does, so ``explain_gradient`` can say why a loop counter has
  no gradient.
- **Domain boundaries follow the general route.** The value raises as Python does
  (``1 / 0.0``: ``ZeroDivisionError``); an error in a derivative formula (``1 / 0`` in
  ``log``'s rule at 0) falls back to the general rule, which gives NumPy's ``inf``.

The functions are compiled when both ``Dual`` and ``Traced`` have been installed
(``install``), so every template can name both classes.
"""

from __future__ import annotations

import re
from string import Template

from . import rules as R
from .operator_table import BY_ROW
from .operators import operate
from .primitives import BOUNDARY_ERRORS, bind
from .symbolic import Sym
from .tracing import SCALAR, slot_parents

UNARY_ROWS = (R.neg, R.sin, R.cos, R.tan, R.exp, R.log, R.log1p, R.expm1, R.sqrt, R.tanh,
              R.sigmoid, R.absolute)
BINARY_ROWS = (R.add, R.sub, R.mul, R.div, R.power)
COMPARISON_ROWS = (R.less, R.less_equal, R.greater, R.greater_equal, R.equal, R.not_equal)
# Formulas call functions of primals only (``cos(p)``, ``sign(p)``, the guards
# ``power_factor(a, b)`` and ``log_nonzero(a)`` of pow's rules), and primals are plain
# numbers in a fast path: so a formula calls the row's ``math`` function (``impl.scalar``)
# or its implementation directly. Where that raises (``math.cos(inf)``), the fast path
# falls back to the general rule, which follows the row's semantics.
GUARD_ROWS = (R.power_factor, R.log_nonzero)
CALLED_ROWS = GUARD_ROWS + (R.sign,) + UNARY_ROWS

# -- the templates: one per rule shape ----------------------------------------------------
# Names a template may use: row, impl (the row's implementation), scalar (its ``math``
# function, or impl), Dual, Traced, SCALAR, general_record, bind, operate,
# BOUNDARY_ERRORS, new (``object.__new__``), and what formulas call, by row name (``cos``:
# see CALLED_ROWS). A new ``Traced`` is made with ``new`` and three slot writes: calling
# the class (its Python ``__init__``) costs half as much again.
# $value is how the value is computed from a, b (``a * b``); $jvp / $jvp0 / $jvp1 are
# the row's jvp formulas in t, ans and the arguments (p, or a and b).

UNARY = Template('''
def $name(x):
    tx = type(x)
    if tx is Traced:
        p = x.primal
        level = x._level
        if (type(p) is float or type(p) is int) and not level.done:
            try:
                ans = scalar(p)
            except (ValueError, OverflowError):     # the row decides (NumPy semantics?)
                ans = impl(p)
            records = level.records
            records.append((row, (p,), SCALAR, ans, x._index))
            out = new(Traced)
            out.primal = ans
            out._level = level
            out._index = len(records) - 1
            return out
    elif tx is float or tx is int:
        return impl(x)
    elif tx is Dual:
        p = x.primal
        if type(p) is float or type(p) is int:
            try:
                ans = scalar(p)
            except (ValueError, OverflowError):
                ans = impl(p)
            t = x.tangent
            try:
                return Dual(ans, $jvp, x._level)
            except BOUNDARY_ERRORS:                 # 1/0 in the rule: the general route
                pass
    return bind(row, x)
''')

DUAL_BINARY = Template('''
def $method(self, other):
    a = self.primal
    if type(a) is float or type(a) is int:
        b = other
        tb = type(b)
        if tb is float or tb is int:
            ans = $value
            t = self.tangent
            try:
                return Dual(ans, $jvp0, self._level)
            except BOUNDARY_ERRORS:
                pass
        elif tb is Dual and b._level is self._level:
            b = b.primal
            if type(b) is float or type(b) is int:
                ans = $value
                try:
                    t = self.tangent
                    first = $jvp0
                    t = other.tangent
                    return Dual(ans, first + $jvp1, self._level)
                except BOUNDARY_ERRORS:
                    pass
    return operate(row, self, other)
''')

DUAL_REFLECTED = Template('''
def $reflected(self, other):
    b = self.primal
    a = other
    if (type(b) is float or type(b) is int) and (type(a) is float or type(a) is int):
        ans = $value
        t = self.tangent
        try:
            return Dual(ans, $jvp1, self._level)
        except BOUNDARY_ERRORS:
            pass
    return operate(row, other, self)
''')

TRACED_BINARY = Template('''
def $method(self, other):
    a = self.primal
    level = self._level
    if (type(a) is float or type(a) is int) and not level.done:
        b = other
        tb = type(b)
        if tb is float or tb is int:
            slots = self._index
        elif tb is Traced and b._level is level and (
                type(b.primal) is float or type(b.primal) is int):
            slots = (self._index, b._index)
            b = b.primal
        else:
            return operate(row, self, other)
        ans = $value
        records = level.records
        records.append($record)
        out = new(Traced)
        out.primal = ans
        out._level = level
        out._index = len(records) - 1
        return out
    return operate(row, self, other)
''')

TRACED_REFLECTED = Template('''
def $reflected(self, other):
    b = self.primal
    a = other
    level = self._level
    if (type(b) is float or type(b) is int) and (type(a) is float or type(a) is int) \\
            and not level.done:
        ans = $value
        records = level.records
        slots = (None, self._index)
        records.append($record)
        out = new(Traced)
        out.primal = ans
        out._level = level
        out._index = len(records) - 1
        return out
    return operate(row, other, self)
''')

# ``1 < n`` reaches ``n.__gt__(1)``: Python reflects comparisons itself.
TRACED_COMPARISON = Template('''
def $method(self, other):
    a = self.primal
    level = self._level
    if (type(a) is int or type(a) is float) and not level.done:     # a counter: int first
        b = other
        tb = type(b)
        if tb is int or tb is float:
            level.uses.append(("$name", self._index))
            return a $symbol b
        if tb is Traced and b._level is level and (
                type(b.primal) is int or type(b.primal) is float):
            level.uses.append(("$name", self._index, b._index))
            return a $symbol b.primal
    return operate(row, self, other)
''')

DUAL_COMPARISON = Template('''
def $method(self, other):
    a = self.primal
    tb = type(other)
    if (type(a) is float or type(a) is int) and (tb is float or tb is int):
        return a $symbol other
    return operate(row, self, other)
''')

# ``row.scalar_vjp[i](g, ans, args)``: the argument tuple is passed as it is recorded
# (unpacking it here costs half of what ``rule(g, ans, *args)`` would).
SCALAR_VJP = Template('''
def $name(g, ans, args):
    $unpack, = args
    return $formula
''')

# ``row.scalar_step(g, ans, args, slots, grads)``: a fast record's whole reverse step, as
# ``backprop`` runs it when nobody watches the steps: each argument's contribution is
# added to its parent's adjoint in the same order as the general loop adds them. Every
# contribution is computed before an adjoint is touched, so a formula that raises (1/0)
# leaves ``grads`` as it was, and the general rules take over.
UNARY_STEP = Template('''
def $name(g, ans, args, slots, grads):
    p, = args
    c = $formula0
    k = slots                           # the parent's index
    before = grads[k]
    grads[k] = c if before is None else before + c
''')

BINARY_STEP = Template('''
def $name(g, ans, args, slots, grads):
    a, b = args
    if type(slots) is int:              # a constant second argument: y * 2.0
        k = slots
        c = $formula0
    elif slots[0] is None:              # a constant first argument: 2.0 * y
        c = $formula1
        k = slots[1]
    else:
        k = slots[0]
        c = $formula0
        second = $formula1
        before = grads[k]
        grads[k] = c if before is None else before + c
        c = second
        k = slots[1]
    before = grads[k]
    grads[k] = c if before is None else before + c
''')


# -- compiling --------------------------------------------------------------------------

FILENAME = "<adexplorer fast paths>"     # what tracebacks show for compiled code
_classes: dict = {}             # "dual" -> Dual, "traced" -> Traced, as they are installed
_namespace: dict = {}           # row name -> what formulas call by that name
_public: dict = {}              # row name -> the fast public function (``ad.sin``)
_unit_globals: list = []          # globals of every compiled unit (given _namespace at the end)
_methods: dict = {}             # (kind, method name) -> compiled method


def _formula(row, position: int, arg_names: tuple) -> str:
    """The row's jvp rule for ``position`` as text, on symbols: ``(t * cos(p))``."""
    return _text(row.jvp_rule(position), "t", arg_names)


def _vjp_formula(row, position: int, arg_names: tuple) -> str:
    """The row's vjp rule for ``position`` as text, on symbols: ``(g * cos(p))``."""
    return _text(row.vjp_rule(position), "g", arg_names)


def _text(rule, first: str, arg_names: tuple) -> str:
    text = f"({rule(Sym(first), Sym('ans'), *[Sym(n) for n in arg_names])})"
    for inside in re.findall(r"\b\w+\(([^()]*)\)", text):
        # CALLED_ROWS holds math functions: a call may only see primals, never `first`
        assert first not in re.findall(r"\w+", inside), f"{text}: a call on {first}"
    return text


def _compile(template: Template, row, name: str, **fields):
    """Compile one template for ``row``; returns the function called ``name``."""
    impl = row.impl
    namespace = {"row": row, "impl": impl, "scalar": getattr(impl, "scalar", impl),
                 "SCALAR": SCALAR, "bind": bind, "operate": operate,
                 "general_record": general_record, "new": object.__new__,
                 "BOUNDARY_ERRORS": BOUNDARY_ERRORS,
                 "Dual": _classes["dual"], "Traced": _classes["traced"]}
    source = template.substitute(name=row.name, **fields)
    exec(compile(source, FILENAME, "exec"), namespace)
    _unit_globals.append(namespace)
    return namespace[name]


def _binary_fields(row) -> dict:
    op = BY_ROW[row]
    value = f"a {op.symbol} b" if row.impl is op.python else "impl(a, b)"
    jvp = [_formula(row, i, ("a", "b")) for i in (0, 1)]
    # A power of real numbers can be complex ((-1.5) ** 0.5): that record is a general
    # one (a params dict of its own), so its adjoint keeps only what a real input takes.
    record = "(row, (a, b), SCALAR, ans, slots)"
    if row is R.power:
        record += " if type(ans) is not complex else general_record(row, (a, b), ans, slots)"
    return {"method": op.method, "reflected": op.reflected, "value": value,
            "jvp0": jvp[0], "jvp1": jvp[1], "record": record}


def general_record(row, args: tuple, ans, slots: tuple) -> tuple:
    """The record of a fast operation as the general route writes it (its own params)."""
    return (row, args, {}, ans, slot_parents(slots))


def _comparison_fields(row) -> dict:
    op = BY_ROW[row]
    assert row.impl is op.python, f"{row.name}: a comparison row is Python's operator"
    return {"method": op.method, "symbol": op.symbol}


def _scalar_vjp(row, arg_names: tuple) -> tuple:
    """The row's vjp rules as compiled formulas on plain numbers (``row.scalar_vjp``)."""
    namespace = {}
    _unit_globals.append(namespace)
    rules = []
    for i in range(len(arg_names)):
        name = f"{row.name}_vjp_{i}"
        source = SCALAR_VJP.substitute(name=name, unpack=", ".join(arg_names),
                                       formula=_vjp_formula(row, i, arg_names))
        exec(compile(source, FILENAME, "exec"), namespace)
        rules.append(namespace[name])
    return tuple(rules)


def _scalar_step(row, template: Template, arg_names: tuple):
    """The row's whole reverse step on a fast record (``row.scalar_step``)."""
    namespace = {}
    _unit_globals.append(namespace)
    name = f"{row.name}_step"
    formulas = {f"formula{i}": _vjp_formula(row, i, arg_names) for i in range(len(arg_names))}
    exec(compile(template.substitute(name=name, **formulas), FILENAME, "exec"), namespace)
    return namespace[name]


def _compile_all() -> None:
    for row in CALLED_ROWS:
        _namespace[row.name] = getattr(row.impl, "scalar", row.impl)
    for row in UNARY_ROWS:
        jvp = _formula(row, 0, ("p",))
        _public[row.name] = _compile(UNARY, row, row.name, jvp=jvp)
        row.scalar_vjp = _scalar_vjp(row, ("p",))
        row.scalar_step = _scalar_step(row, UNARY_STEP, ("p",))
    for row in BINARY_ROWS:
        fields = _binary_fields(row)
        for kind, forward, reflected in (("dual", DUAL_BINARY, DUAL_REFLECTED),
                                         ("traced", TRACED_BINARY, TRACED_REFLECTED)):
            _methods[kind, fields["method"]] = _compile(forward, row, fields["method"], **fields)
            _methods[kind, fields["reflected"]] = _compile(reflected, row, fields["reflected"],
                                                           **fields)
        row.scalar_vjp = _scalar_vjp(row, ("a", "b"))
        row.scalar_step = _scalar_step(row, BINARY_STEP, ("a", "b"))
    for row in COMPARISON_ROWS:
        fields = _comparison_fields(row)
        for kind, template in (("dual", DUAL_COMPARISON), ("traced", TRACED_COMPARISON)):
            _methods[kind, fields["method"]] = _compile(template, row, fields["method"],
                                                        **fields)
    for namespace in _unit_globals:
        namespace.update(_namespace)


def install(cls, kind: str):
    """Give ``Dual`` (kind "dual") or ``Traced`` (kind "traced") their fast operators;
    once both are known, compile every fast path."""
    _classes[kind] = cls
    if len(_classes) < 2:
        return
    _compile_all()
    for (owner, name), method in _methods.items():
        setattr(_classes[owner], name, method)
    for target in _classes.values():
        setattr(target, BY_ROW[R.neg].method, _public["neg"])
        target.__abs__ = _public["abs"]


def function(row):
    """The fast public function for a unary row (``ad.sin``), with the row attached."""
    fn = _public[row.name]
    fn.primitive = row
    fn.__doc__ = f"``{row.name}`` — differentiable; see the ``{row.name}`` row of the table."
    fn.__module__ = "adexplorer"
    return fn
