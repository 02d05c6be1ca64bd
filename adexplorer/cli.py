"""``adexplorer explain``: the same as ``%%autodiff --static``, in a terminal, text only.

    adexplorer explain "5*sin(log(x))" --at x=3 [--mode both] [--ssa file.py:func]
    adexplorer explain pow.py:pow --at x=2,n=5 --ssa --steps
    python -m adexplorer explain ...

Prints the value, the gradient and derivatives, the Wengert lists of f, f' and the
adjoint, the finite-difference check and, with ``--ssa``, the SSA form and the generated
adjoint code (of ``file.py:func``, or of the explained function). Bad input gives one
line on stderr and exit status 2 (how it was called) or 1 (what was asked failed);
never a traceback.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import re
import sys
import warnings

from .report.cell import CellError, build, describe_error, from_function
from .report.options import glue_option_values, parse_names, parse_point

PROG = "adexplorer"
_FILE_FUNC = re.compile(r"^(?P<file>.+\.py):(?P<func>[A-Za-z_]\w*)$")


class UsageProblem(Exception):
    """A malformed command line (exit status 2)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageProblem(message)


def parser() -> argparse.ArgumentParser:
    top = _Parser(prog=PROG, description="Automatic differentiation you can see, in a "
                  "terminal.")
    commands = top.add_subparsers(dest="command", metavar="COMMAND")
    explain = commands.add_parser(
        "explain", help="differentiate an expression or a function and show how",
        usage=f"{PROG} explain EXPR|FILE.py:FUNC [--at NAME=VALUE,...] [--wrt NAME ...] "
              "[--mode {forward,reverse,both}] [--ssa [FILE.py:FUNC]] [--steps]",
        description="Value, derivative, Wengert lists, finite-difference check and "
                    "(with --ssa) SSA form and adjoint code, as text.")
    explain.add_argument("target", metavar="EXPR|FILE.py:FUNC", nargs="?",
                         help='an expression in named variables ("5*sin(log(x))"), or a '
                              "function in a Python file")
    explain.add_argument("--at", nargs="+", metavar="NAME=VALUE",
                         help="the point: x=3,y=2 (Python literals; a list of numbers is "
                              "an array)")
    explain.add_argument("--wrt", nargs="+", metavar="NAME",
                         help="the variables to differentiate (default: all)")
    explain.add_argument("--mode", choices=("forward", "reverse", "both"), default="both",
                         help="which Wengert lists of the derivative to show "
                              "(default: both)")
    explain.add_argument("--ssa", nargs="?", const=True, default=None,
                         metavar="FILE.py:FUNC",
                         help="also the SSA form and generated adjoint code, of FUNC "
                              "(default: the explained function); an expression may "
                              "call FUNC, and then calls this one")
    explain.add_argument("--steps", action="store_true",
                         help="also list every step of the forward and reverse sweeps")
    return top


def main(argv=None) -> int:
    """Run the command line; returns the exit status."""
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        args = parser().parse_args(glue_option_values(argv, ("--at", "--wrt")))
        if args.command is None:
            raise UsageProblem("give a command: adexplorer explain EXPR --at x=3")
        with warnings.catch_warnings():      # the report says what NumPy warned, once
            warnings.simplefilter("ignore", RuntimeWarning)
            text = explain(_target_given(args))
        _write(sys.stdout, text)
        return 0
    except UsageProblem as err:
        return _fail(str(err), 2)
    except CellError as err:
        return _fail(str(err), 1)
    except KeyboardInterrupt:
        return _fail("interrupted", 130)
    except Exception as err:                  # loading a file failed: say where
        return _fail(describe_error(err, None, _loaded), 1)


def _target_given(args):
    """``explain --ssa pow.py:pow --at ...``: argparse gives the file to ``--ssa`` (its
    value is optional), so with no other target that file is what to explain."""
    if args.target is None:
        if not isinstance(args.ssa, str):
            raise UsageProblem("give what to explain: an expression (\"5*sin(log(x))\") or "
                               "FILE.py:FUNC, e.g. adexplorer explain \"5*sin(log(x))\" --at x=3")
        args.target, args.ssa = args.ssa, True
    return args


def explain(args) -> str:
    from .report.analysis import analyse
    modes = {"forward": ("forward",), "reverse": ("reverse",),
             "both": ("forward", "reverse")}[args.mode]
    point = parse_point(",".join(args.at)) if args.at else {}
    wrt = parse_names(",".join(args.wrt)) if args.wrt else None
    named = load_function(args.ssa) if isinstance(args.ssa, str) else None
    if _FILE_FUNC.match(args.target):
        program = from_function(load_function(args.target), point, wrt)
    else:
        # The expression sees the --ssa function under its name, so "pow(x, 5)" with
        # --ssa pow.py:pow traces the very pow whose SSA form is shown.
        namespace = {named.__name__: named} if named is not None else {}
        program = build(args.target.replace("\\n", "\n"), namespace, point, wrt=wrt,
                        label="explain", noun="the expression")
    source = named if named is not None else program.explored
    try:
        report = analyse(program.function, program.args, title=program.title, modes=modes,
                         ssa=args.ssa is not None, source=source)
    except Exception as err:                  # the function itself failed: say where
        raise CellError(describe_error(err, program, _loaded)) from None
    report.notes[:0] = program.notes
    return report.text(sweeps=args.steps)


_loaded: list = []


def load_function(spec: str):
    """``"path/to/file.py:func"`` -> the function, importing the file as a module."""
    found = _FILE_FUNC.match(spec)
    if not found:
        raise UsageProblem(f"{spec!r}: expected FILE.py:FUNC, e.g. pow.py:pow")
    path = found["file"]
    if not os.path.isfile(path):
        raise CellError(f"{path}: no such file")
    name = "_adexplorer_" + re.sub(r"\W", "_", os.path.splitext(os.path.basename(path))[0])
    spec_ = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec_)
    _loaded.append(os.path.abspath(path))
    spec_.loader.exec_module(module)
    fn = getattr(module, found["func"], None)
    if not callable(fn):
        raise CellError(f"{path} defines no function {found['func']}")
    return fn


# Spellings for a terminal that cannot show a character (a cp1252 console, a redirected
# stream on Windows): ∂f/∂x -> df/dx, ȳ1 -> ybar1, φ -> phi; anything else becomes "?".
_ASCII = {"\u2202": "d", "\u0304": "bar", "\u03c6": "phi", "\u00b7": "*", "\u2192": "->",
          "\u2713": "ok", "\u2717": "x", "\u2026": "...", "\u00d7": "x", "\u2212": "-",
          "\u2014": "-", "\u2013": "-"}


def printable(text: str, encoding: str | None) -> str:
    """``text`` with every character ``encoding`` cannot write spelled in ASCII."""
    encoding = encoding or "utf-8"
    try:
        text.encode(encoding)
        return text
    except (UnicodeEncodeError, LookupError):
        pass
    out = []
    for ch in text:
        try:
            ch.encode(encoding)
            out.append(ch)
        except (UnicodeEncodeError, LookupError):
            out.append(_ASCII.get(ch, "?"))
    return "".join(out)


def _write(stream, text: str):
    stream.write(printable(text, getattr(stream, "encoding", None)))
    stream.flush()


def _fail(message: str, status: int) -> int:
    lines = [line.strip() for line in str(message).splitlines() if line.strip()]
    text = lines[0] if lines else "failed"
    if len(lines) > 1 and lines[-1] != "^":
        text += " | " + " | ".join(line for line in lines[1:] if set(line) != {"^"})
    elif len(lines) > 2:
        text += " | " + lines[1]
    _write(sys.stderr, f"{PROG}: error: {text}\n")
    return status
