# %% [markdown]
# # 4. The Wengert list underneath dual numbers
#
# *About 10 minutes. Before: [3. Reverse mode](03_reverse_mode.ipynb). Next:
# [5. Source to source](05_source_to_source.ipynb).*
#
# Reverse mode obviously has a Wengert list: it records one. Forward mode with dual
# numbers seems to have none: values and tangents just flow through the program together.
# The talk asks: **where is the Wengert list in forward mode?**
#
# Its answer is to look at what the Julia compiler makes of `D(f, 3)`: `@code_warntype`
# shows the plain floating-point operations that remain once the `Dual` type is compiled
# away. Between the three operations of `f` (a `log`, a `sin`, a multiplication) sit the
# operations that compute the tangent: `1/x`, `cos`, three multiplications and an
# addition, two of which (`sin(y1) * 0.0` and adding it) turn out to be wasted work. The dual
# numbers were a way of *writing* the derivative's Wengert list, interleaved with the
# function's own.
#
# Python has no compiler to ask, but adexplorer has a tracer: `ad.trace` records every
# primitive operation, including the ones dual numbers perform inside their rules.

# %%
import unicodedata
from itertools import zip_longest

import matplotlib.pyplot as plt
from matplotlib.patches import Patch

import adexplorer as ad


def f(x):
    return 5 * ad.sin(ad.log(x))


def side_by_side(left_title, left, right_title, right):
    """Two listings in columns (a combining accent, as in r̄, takes no column)."""
    shown = lambda s: sum(not unicodedata.combining(c) for c in s)   # noqa: E731
    left = [left_title, "-" * len(left_title), *left.rstrip().splitlines()]
    right = [right_title, "-" * len(right_title), *right.rstrip().splitlines()]
    width = max(shown(line) for line in left) + 4
    for a, b in zip_longest(left, right, fillvalue=""):
        print((a + " " * (width - shown(a)) + b).rstrip())


# %% [markdown]
# ## 1. The trace of `f`
#
# This is the talk's `@code_warntype f(3.)`: three operations. The talk's Julia listing
# is quoted on the left (it is text from the slides, not run here); adexplorer's trace is
# on the right.

# %%
JULIA_F = """julia> @code_warntype f(3.)
Body::Float64
1 ─ %1 = invoke Main.log(_2::Float64)::Float64
│   %2 = invoke Main.sin(%1::Float64)::Float64
│   %3 = (Base.mul_float)(5.0, %2)::Float64
└── return %3"""

tf = ad.trace(f, 3.0)
side_by_side("the talk (Julia)", JULIA_F, "adexplorer: ad.trace(f, 3.0)", str(tf))

# %% [markdown]
# ## 2. The trace of `D(f)`
#
# Now trace the *derivative*: `ad.D(f)` runs `f` on a dual number, and the tracer records
# every operation the dual-number rules perform, on the primal parts and on the tangent
# parts alike.

# %%
JULIA_DF = """julia> @code_warntype D(f, 3)
Body::Float64
1 ─ %1  = (Base.sitofp)(Float64, x)::Float64
│   %2  = invoke Base.Math.log(%1::Float64)::Float64
│   %3  = (Base.sitofp)(Float64, 1)::Float64
│   %4  = (Base.sitofp)(Float64, x)::Float64
│   %5  = (Base.div_float)(%3, %4)::Float64
│   %6  = invoke Main.sin(%2::Float64)::Float64
│   %7  = invoke Main.cos(%2::Float64)::Float64
│   %8  = (Base.mul_float)(%5, %7)::Float64
│   %9  = (Base.mul_float)(%6, 0.0)::Float64
│   %10 = (Base.mul_float)(5.0, %8)::Float64
│   %11 = (Base.add_float)(%9, %10)::Float64
└── return %11"""

tdf = ad.trace(lambda x: ad.D(f)(x), 3.0)
side_by_side("the talk (Julia)", JULIA_DF, "adexplorer: ad.trace(D(f), 3.0)", str(tdf))

# %% [markdown]
# Eight operations where `f` had three. Which are which? A line that performs one of the
# operations of `f`'s own trace, on the same operands, is a **primal** operation; every
# other line is a **tangent** operation. The test is on the *structure* of the two
# traces (which operation, reading which lines and constants), never on the values: a
# tangent can happen to equal a primal, and it is still a tangent.

# %%
def primal_match(trace, own):
    """Nodes of ``trace`` that repeat an operation of ``own`` (f's trace), mapped to it.

    Inputs match inputs; a node matches when its operation and its operands (constants,
    and nodes already matched) are those of a node of ``own``."""
    def key(node, match):
        operands = tuple(("const", a.value) if isinstance(a, ad.Const)
                         else ("node", match.get(a.index)) for a in node.args)
        return node.op, operands

    match = {i: j for i, j in zip(trace.inputs, own.inputs)}
    known = {key(n, {i: i for i in range(len(own))}): n.index
             for n in own.nodes if not n.is_input}
    for node in trace.nodes:
        if not node.is_input and key(node, match) in known:
            match[node.index] = known[key(node, match)]
    return match


primal = primal_match(tdf, tf)
lines = str(tdf).splitlines()
operations = [node for node in tdf.nodes if not node.is_input]
for line, node in zip(lines, operations):
    kind = f"primal (f's {tf.nodes[primal[node.index]].name})" if node.index in primal \
        else "tangent"
    note = "   <- the output: f'(3)" if node.index in tdf.outputs else ""
    print(f"{line:<16} {kind:<17} {node.value:.6f}{note}")

# %% [markdown]
# Read the column from top to bottom and the two lists are woven together, exactly as in
# the talk's listing: `log` (primal), then its partial `1/x` times the seed (tangent), then
# `sin` (primal) next to `cos` and the chain-rule product (tangent), and finally the
# multiplication by 5 twice, once for the value and once for the derivative.
#
# Two details differ from the Julia listing, and both are worth a sentence:
#
# * Julia converts `x` and the seed `1` to `Float64` first (`sitofp`); Python's numbers need
#   no conversion, so those lines are missing here.
# * Julia promotes the constant `5` to the dual number `Dual(5.0, 0.0)` and dutifully
#   computes `sin(y1) * 0.0` and adds it (`%9`, `%11`). adexplorer knows that a constant has
#   no tangent and skips that term, so there is no multiplication by zero.
#
# ## 3. The derivative's own Wengert list
#
# `D(f)` returns only the tangent, so some lines only served the value $f(3)$: nothing the
# output needs depends on `sin(y1)` or on `5 * y4`. Walk back from the output and keep what
# it needs (a compiler calls this dead-code elimination):

# %%
needed = set(tdf.outputs)
for node in reversed(tdf.nodes):
    if node.index in needed:
        needed.update(arg.index for arg in node.args if isinstance(arg, ad.Ref))
for line, node in zip(lines, operations):
    if node.index in needed:
        print(line)

# %% [markdown]
# That is the talk's "Wengert list of $f'$":
#
# ```
# y1 = log(x)
# dy1 = 1 / x
# dy2 = cos(y1)
# dy3 = dy2 * dy1
# dy4 = 5 * dy3
# ```
#
# line for line, with one extra line, `y3 = 1.0 * y2`: the local partial `1/x` times the
# seed tangent $dx = 1$, which the slide leaves out because multiplying by one changes
# nothing. (Compare with `tf.tangent_wengert()` from notebook 1, which writes the same
# list in the slide's names.)
#
# Side by side as graphs: `f` on top; below, the trace of `D(f)` with its tangent
# operations highlighted and its primal operations in green.

# %%
tangent_nodes = [n.index for n in operations if n.index not in primal]
primal_nodes = [n.index for n in tdf.nodes if n.index not in tangent_nodes]
fig, (top, bottom) = plt.subplots(2, 1, figsize=(10.5, 6.5),   # node text >= 14 px
                                  gridspec_kw={"height_ratios": [1, 2.2], "hspace": 0.5})
ad.plot_graph(tf, ax=top)
top.set_title("trace of f: 3 operations", loc="left", fontsize=12)
ad.plot_graph(tdf, highlight=tangent_nodes, done=primal_nodes, ax=bottom, key=False)
bottom.set_title("trace of D(f): primal (green) and tangent (orange) operations", loc="left",
                 fontsize=12)
bottom.legend(handles=[Patch(fc="#c6e8c0", ec="#404040", label="primal operation"),
                       Patch(fc="#ff9f40", ec="#7a2e00", label="tangent operation")],
              loc="upper left", fontsize=11, frameon=False)
plt.show()

# %% [markdown]
# ## 4. The same question for reverse mode
#
# Zygote's `f'` is reverse mode, and the talk shows its compiled code with `@code_llvm
# f'(3.)`: a call to `log`, `sin` and `cos`, a multiplication by 5, a division `1/x` and
# a final multiplication. Tracing `ad.grad(f)` records the same handful of operations: the
# forward sweep (with the value) followed by the reverse sweep, unrolled into one
# straight-line list.

# %%
JULIA_LLVM = """julia> @code_llvm f'(3.)
define double @"julia_#34_13685"(double) {
top:
  %1 = call double @julia_log_4663(double %0)
  %2 = call double @julia_sin_13686(double %1)
  %3 = call double @julia_cos_13689(double %1)
  %4 = fmul double %3, 5.000000e+00
  %5 = fdiv double 1.000000e+00, %0
  %6 = fmul double %5, %4
  ret double %6
}"""

side_by_side("the talk (Julia, LLVM IR)", JULIA_LLVM, "adexplorer: ad.trace(grad(f), 3.0)",
             str(ad.trace(lambda x: ad.grad(f)(x), 3.0)))

# %% [markdown]
# Compared with the LLVM listing, only `y3 = 5 * y2` is extra: it computes the value
# $f(3)$, which `f'` does not return, and the compiler removed it. The answer is the same
# number as ever:

# %%
ad.grad(f)(3.0)

# %% [markdown]
# The talk's simplest example is $f(x) = 5x + 3$, whose compiled derivative is just
# `ret i64 5`: return the constant 5, whatever `x` is. The trace of its derivative shows
# why: the only operations recorded are the forward sweep's `5 * x` and `+ 3`, and the
# result depends on neither, so the trace has no output node at all.

# %%
JULIA_53 = """julia> @code_llvm f'(10)
define i64 @"julia_#625_38792"(i64) {
top:
  ret i64 5
}"""

t53 = ad.trace(lambda x: ad.grad(lambda x: 5 * x + 3)(x), 10)
side_by_side("the talk (Julia, LLVM IR)", JULIA_53, "adexplorer: ad.trace(grad(5x + 3), 10)",
             str(t53))
t53.outputs, t53.output

# %% [markdown]
# ## Exercises
#
# Each exercise: a cell for your answer, a checker (run it: *right* or *not yet*, and
# why), and a collapsed solution.
#
# ### Exercise 4.1: the second derivative's trace
#
# Trace `lambda x: ad.D(ad.D(f))(x)` at 3. How many operations does it record, and how
# many of them does the output need (walk back from the output as in section 3)? Answer
# with a tuple `(recorded, needed)`.

# %% tags=["exercise-answer"]
second = None   # your answer here: (recorded, needed)

# %% tags=["exercise-check"]
from adexplorer import exercises as ex


def needed_by_output(trace):
    """The nodes the output needs: walk back from it (dead-code elimination)."""
    needed = set(trace.outputs)
    for node in reversed(trace.nodes):
        if node.index in needed:
            needed.update(a.index for a in node.args if isinstance(a, ad.Ref))
    return {i for i in needed if not trace.nodes[i].is_input}


def check_second():
    t2 = ad.trace(lambda x: ad.D(ad.D(f))(x), 3.0)
    return ex.check_number(second, (len(t2) - 1, len(needed_by_output(t2))),
                           what="(recorded, needed)",
                           why="The other operations compute f and f', which "
                               "D(D(f)) computes along the way and then drops.",
                           hint="len(trace) counts the input x too.")


check_second()

# %% tags=["exercise-solution"]
t2 = ad.trace(lambda x: ad.D(ad.D(f))(x), 3.0)
second = (len(t2) - 1, len(needed_by_output(t2)))
second

# %% tags=["exercise-check"]
check_second()

# %% [markdown]
# ### Exercise 4.2: where the product rule shows up
#
# Trace the derivative of $g(x) = x \sin x$: `ad.trace(lambda x: ad.D(g)(x), 2.0)`. Which
# of its lines are **tangent** operations? Answer with the list of their names (`"y2"`,
# ...), and find the line that adds the two halves of the product rule.

# %% tags=["exercise-answer"]
def g(x):
    return x * ad.sin(x)


tangent_lines = None   # your answer here, e.g. ["y2", "y5"]

# %% tags=["exercise-check"]
def check_tangent_lines():
    tg = ad.trace(lambda x: ad.D(g)(x), 2.0)
    own = primal_match(tg, ad.trace(g, 2.0))
    expected = [n.name for n in tg.nodes if not n.is_input and n.index not in own]
    answer = None if tangent_lines is None else sorted(tangent_lines,
                                                       key=lambda s: int(s[1:]))
    return ex.check_choice(answer == expected if answer is not None else None, True, {
        True: f"the tangent lines are {', '.join(expected)}; the last one adds the two "
              "halves of the product rule, sin(x)·1 + x·cos(x).",
        False: "not those lines: a primal line repeats an operation of g's own trace "
               "(sin(x), x * y1); every other line is a tangent line.",
    })


check_tangent_lines()

# %% tags=["exercise-solution"]
print(ad.trace(lambda x: ad.D(g)(x), 2.0))
tangent_lines = ["y2", "y3", "y5", "y6", "y7"]   # y1 = sin(x) and y4 = x * y1 are primal

# %% tags=["exercise-check"]
check_tangent_lines()
