# %% [markdown]
# # 5. Source to source: differentiating SSA form
#
# *About 20 minutes. Before: [4. The Wengert list underneath dual numbers](04_wengert_under_dual_numbers.ipynb).
# Next: [6. Differentiable programming](06_differentiable_programming.ipynb).*
#
# The tracker of notebook 3 learns about a program by **running** it: the tape holds what
# happened on this call, with every loop unrolled and every branch already decided. Run it
# with other inputs and it has to record again.
#
# Zygote takes the other road: it reads the program's **source** (more precisely, the
# compiler's intermediate form of it) and writes a second program that computes the
# derivative. Loops stay loops and branches stay branches, the adjoint program is compiled
# once, and the compiler can optimise it like any other code. The talk calls this *not
# just unroll control flow*.
#
# For that, the program must be in a form where the rules of notebook 1 can be applied line
# by line, even with loops in it. Compilers have such a form: **SSA**.

# %%
import inspect
import timeit
import unicodedata
from itertools import zip_longest

import matplotlib.pyplot as plt
import numpy as np

import adexplorer as ad

plt.rcParams.update({"font.size": 11, "legend.fontsize": 11, "axes.titlesize": 12})

# %% [markdown]
# ## The pipeline, from source to adjoint
#
# The talk shows the road a Julia function takes through the compiler, and where Zygote
# joins it: source, AST, lowered IR, SSA-form IR, and then, instead of going straight to
# LLVM, an *adjoint* SSA program that goes to LLVM and machine code like any other.
# adexplorer takes the same road in Python, with Python's own pieces: `inspect` reads the
# source, `ast` parses it, `ad.ssa` lowers it to SSA form, `ad.source_grad` plans the
# adjoint (what the forward loop must save, what the backward loop pops) and writes it out
# as Python source, and CPython's `compile` turns that into bytecode.

# %%
def draw_pipelines():
    """Julia + Zygote's pipeline above adexplorer's, stage by stage; AD's stage in red."""
    julia = ["Julia\nsource", "AST", "lowered\nIR", "SSA-form\nIR", "adjoint\nSSA IR",
             "LLVM IR", "machine\ncode"]
    ours = ["Python\nsource", "ast\n(ast.parse)", "SSA form\n(ad.ssa)",
            "adjoint plan\n(stack, φ)", "Python source\n(.source)", "bytecode\n(compile)"]
    fig, ax = plt.subplots(figsize=(10.5, 3.4))
    ax.set_axis_off()
    ax.set_xlim(-0.7, 8.2)
    ax.set_ylim(-1.0, 1.9)
    rows = [(1.3, julia, 4, "#f6e3c6", "Julia + Zygote (the talk)"),
            (0.0, ours, 3, "#d9e7f7", "adexplorer (this notebook)")]
    for y, stages, ad_stage, colour, label in rows:
        xs = np.linspace(0, 7.5, len(stages))
        half = 0.55 if len(stages) == 6 else 0.42
        for k, (x, stage) in enumerate(zip(xs, stages)):
            edge, width = ("#c0392b", 2.5) if k == ad_stage else ("#404040", 1)
            ax.text(x, y, stage, ha="center", va="center", fontsize=11,
                    bbox=dict(boxstyle="round", fc=colour, ec=edge, lw=width))
            if k:
                ax.annotate("", xy=(x - half - 0.1, y), xytext=(xs[k - 1] + half + 0.1, y),
                            arrowprops=dict(arrowstyle="-|>", color="#555555"))
        ax.plot([], [], "s", color=colour, markersize=14, markeredgecolor="#404040",
                label=label)
    ax.plot([], [], "s", color="white", markersize=14, markeredgecolor="#c0392b",
            markeredgewidth=2.5, label="AD: SSA form in, adjoint out")
    ax.legend(loc="lower center", ncol=3, frameon=False, bbox_to_anchor=(0.5, -0.12))
    ax.set_title("source-to-source AD: the road a function takes", loc="left")
    plt.show()


draw_pipelines()

# %% [markdown]
# The rest of this notebook walks the lower row from left to right: SSA form (section 1),
# the adjoint written from it (section 3), and what the generated code costs in time and
# memory (sections 4 to 6). The difference from the upper row is the last step: Julia's adjoint IR is
# optimised by LLVM into a few machine instructions (notebook 4 showed them), while
# adexplorer's adjoint stays Python and runs in the interpreter.
#
# ## 1. SSA form
#
# *Static single assignment* form rewrites a function in three ways. A variable that is
# reassigned becomes several numbered values (`%3`, `%6`, ...), each of them assigned
# **exactly once**. Operators turn into calls too (`%5 = %3 > 0`, `%7 = %4 * %1`). And no
# `while` or `if` is left: the code is cut into straight-line *basic blocks* joined by
# **branches**, `goto #2`, or `br %5, #3, #4` (to `#3` if `%5` is true, else to `#4`).
#
# One problem remains. In a loop, `r` is 1 on the first pass and the previous product on
# the others: which single value is it? A **φ node** at the top of a block answers that:
# `φ(#1 => 1, #3 => %7)` means "1 if we came from block `#1`, `%7` if we came from block
# `#3`". Here is the talk's `pow`, and its SSA form from `ad.ssa`:

# %%
def pow(x, n):
    r = 1
    while n > 0:
        n -= 1
        r *= x
    return r


pow_ssa = ad.ssa(pow)
print(pow_ssa)

# %% [markdown]
# Block `#2` is the loop header: its two φ nodes are the current `n` and `r`, `%5` is the
# loop test, and the branch either runs the body `#3` (which computes the next `n` and `r`
# and jumps back) or leaves to `#4`, which returns `r`. The comments say which variable and
# which source line each value comes from.
#
# Drawn as a control-flow graph (the dashed arrow is the loop's back edge):

# %%
def draw_cfg(fn_ssa):
    """The blocks of an SSA function as boxes, top to bottom, with their jumps."""
    graph = fn_ssa.to_networkx()
    forward = [(a, b) for a, b, data in graph.edges(data=True) if not data["back"]]
    depth = {block: 0 for block in graph}
    for _ in graph:                       # longest path from the entry, ignoring back edges
        for a, b in forward:
            depth[b] = max(depth[b], depth[a] + 1)
    rows = {}
    for block in sorted(graph):
        rows.setdefault(depth[block], []).append(block)
    fig, ax = plt.subplots(figsize=(8.5, 1.9 * len(rows)))
    ax.set_axis_off()
    ax.set_xlim(-1.6, 1.6)
    ax.set_ylim(-len(rows) + 0.5, 0.5)
    boxes = {}
    for d, blocks in rows.items():
        for i, block in enumerate(blocks):
            x = (i - (len(blocks) - 1) / 2) * 1.5
            node = graph.nodes[block]
            boxes[block] = ax.text(x, -d, f"{node['label']}\n{node['text']}", ha="center",
                                   va="center", multialignment="left", fontsize=11,
                                   family="DejaVu Sans Mono",
                                   bbox=dict(boxstyle="round", fc="#eef3fb", ec="#404040"))
    for a, b, data in graph.edges(data=True):
        style = dict(arrowstyle="-|>", color="#555555", shrinkA=2, shrinkB=2)
        if data["back"]:
            ax.annotate("", xy=(0, 0.5), xycoords=boxes[b], xytext=(0, 0.5),
                        textcoords=boxes[a], arrowprops=dict(
                            style, linestyle="--", connectionstyle="arc3,rad=-0.5"))
        else:
            ax.annotate("", xy=(0.5, 1), xycoords=boxes[b], xytext=(0.5, 0),
                        textcoords=boxes[a], arrowprops=style)
            if data["kind"] in ("true", "false"):
                mid = boxes[b].get_position()
                ax.text(mid[0], mid[1] + 0.55, data["kind"], ha="center", fontsize=11,
                        color="#777777")
    ax.plot([], [], "-", color="#555555", label="jump or branch (true / false)")
    ax.plot([], [], "--", color="#555555", label="back edge: the loop")
    ax.legend(loc="upper right", frameon=False)
    ax.set_title(f"control-flow graph of {fn_ssa.name}", loc="left")
    plt.show()


draw_cfg(pow_ssa)

# %% [markdown]
# ## 2. The tape unrolls, the SSA form does not
#
# Record `pow` with the tracer and every trip round the loop adds lines to the tape: the
# loop is gone, unrolled into straight-line code, and $n = 3$ and $n = 4$ give different
# tapes. (This compares the size of the *code*. What each approach must *store* while it
# runs is another question, answered in section 5.)

# %%
print("n = 3:")
print(ad.trace(pow, 2.0, 3))
print()
print("n = 4:")
print(ad.trace(pow, 2.0, 4))

# %% [markdown]
# `ad.tape_vs_ssa()` measures both for growing $n$: the operations on `x` the tape records
# (one multiplication per trip; the counter's `n - 1` is left out), and the instructions in
# the SSA form (which is written once, whatever $n$ will be).

# %%
sizes = ad.tape_vs_ssa(pow)
sizes

# %%
fig, ax = plt.subplots(figsize=(6, 3.4))
ax.plot(sizes.n, sizes.tape, "o-", label="tape: operations on x recorded by ad.trace")
ax.plot(sizes.n, sizes.ssa, "s-", label="SSA form: instructions in ad.ssa")
ax.set_xlabel("n in pow(x, n)")
ax.set_ylabel("length")
ax.set_title("code size: the tape grows with n, the SSA form does not")
ax.legend()
ax.grid(alpha=0.3)
plt.tight_layout()
plt.show()

# %% [markdown]
# ## 3. The adjoint, written as code
#
# How do you run a loop backwards? The reverse sweep of `r = r * x` needs the value `r`
# had *before* the multiplication, for every trip round the loop. The talk's answer,
# written by hand: in the forward loop, push what the backward loop will need onto a
# stack; then run a second loop that pops the stack from the top and applies the chain
# rule: `r * x` depends on `x` with slope `r` (so `dx += dr * r`) and on the previous `r`
# with slope `x` (so `dr = dr * x`). Here is that hand-written `grad_pow`, translated to
# Python:

# %%
def grad_pow_by_hand(x, n):
    r = 1
    saved = []              # the talk's Bs
    while n > 0:
        saved.append((r, x))
        r *= x
        n -= 1
    dx, dr = 0, 1           # adjoints
    for r, x in reversed(saved):
        dx += dr * r
        dr = dr * x
    return dx


grad_pow_by_hand(2, 5)

# %% [markdown]
# `ad.source_grad` writes such a function **automatically** from the SSA form: a forward
# loop that saves what is needed, and a reverse loop that pops it. Its `.source` is the
# generated Python code. Next to the hand-written version:

# %%
def side_by_side(left_title, left, right_title, right):
    """Two listings in columns (a combining accent, as in r̄, takes no column)."""
    shown = lambda s: sum(not unicodedata.combining(c) for c in s)   # noqa: E731
    left = [left_title, "-" * len(left_title), *left.rstrip().splitlines()]
    right = [right_title, "-" * len(right_title), *right.rstrip().splitlines()]
    width = max(shown(line) for line in left) + 4
    for a, b in zip_longest(left, right, fillvalue=""):
        print((a + " " * (width - shown(a)) + b).rstrip())


grad_pow = ad.source_grad(pow)
side_by_side("generated: ad.source_grad(pow).source", grad_pow.source,
             "by hand: the talk's grad_pow", inspect.getsource(grad_pow_by_hand))

# %% [markdown]
# The same shape: a forward loop with a push, a backward loop with a pop and the two
# chain-rule lines. `seed(r)` is the adjoint the output starts with (1, or 1.0 for a
# float), and `ZERO` an adjoint that nothing has reached yet. The generated code returns
# it as it is; the object `ad.source_grad` returns runs that code and, on the way out,
# turns every gradient still `ZERO` into `None`, the answer `ad.gradient` gives. The
# generator saves only `r`, because `x` never changes inside the loop, and the call
# returns one entry per argument, like `ad.gradient`, so the loop counter `n` gets `None`
# (as a function of `n`, `pow` is a step function with no slope to report; notebook 3
# explains):

# %%
grad_pow(2, 5)

# %% [markdown]
# The generated adjoint, the hand-written one and the tracker agree for every $n$ we try,
# with one instructive exception:

# %%
for n in range(6):
    print(n, grad_pow(2.0, n)[0], grad_pow_by_hand(2.0, n), ad.gradient(pow, 2.0, n)[0])

# %% [markdown]
# For $n = 0$ the loop never runs and `pow` returns the constant 1: `x` is never used.
# The hand-written version reports a derivative of 0; adexplorer, in both of its ways,
# reports `None`: no path at all leads from `x` to the output, the structural zero of
# notebook 3.

# %% [markdown]
# ## 4. What it buys: speed
#
# The tracker pays for recording on every call, and its tape grows with $n$; the generated
# adjoint is ordinary Python, written once. Timings on the machine that ran this notebook
# (so they change from run to run, and the test suite does not compare them):

# %% tags=["nbval-ignore-output"]
ns = [1, 10, 100, 1000]
seconds = {"ad.gradient (tape)": [], "ad.source_grad (SSA)": []}
for n in ns:
    for name, fn in [("ad.gradient (tape)", lambda n=n: ad.gradient(pow, 2.0, n)),
                     ("ad.source_grad (SSA)", lambda n=n: grad_pow(2.0, n))]:
        repeats = max(1, 2000 // (n + 10))
        seconds[name].append(min(timeit.repeat(fn, number=repeats, repeat=3)) / repeats)
for name, times in seconds.items():
    print(f"{name:22}" + "".join(f"  n={n}: {t * 1e6:9.1f} µs" for n, t in zip(ns, times)))

# %%
fig, ax = plt.subplots(figsize=(6, 3.4))
for (name, times), marker in zip(seconds.items(), "os"):
    ax.loglog(ns, times, marker + "-", label=name)
ax.set_xlabel("n in pow(2.0, n)")
ax.set_ylabel("seconds per gradient")
ax.set_title("gradient of pow: tape against generated adjoint")
ax.legend()
ax.grid(alpha=0.3, which="both")
plt.tight_layout()
plt.show()

# %% [markdown]
# Zygote goes one step further: its adjoint code goes through the Julia compiler and LLVM,
# which is why the talk's `@code_llvm f'(3.)` in notebook 4 is a handful of LLVM IR
# instructions with no tape anywhere.
#
# ## 5. What it does not buy: memory
#
# The generated adjoint saves *recording*, not *memory*. Its forward loop still pushes
# one value of `r` per trip onto its stack, because the backward loop needs every one of
# them: for $n = 1000$ it holds 1000 numbers, just as the tape holds about 1000 entries.
# What it no longer keeps is the bookkeeping around them (a node per operation, its
# arguments, its rule), and the time spent recording it.
#
# Two meters measure it. `ad.tape_memory(trace).peak` is the most the tape holds at once
# during the sweeps; `ad.stack_memory(adjoint, *args).peak` runs the generated adjoint
# and watches its stack. Both count the **stored values only**, 8 bytes per float, not
# the objects that hold them:

# %%
print(f"{'n':>6}   {'tape (ad.trace)':24} SSA stack (ad.source_grad)")
for n in (10, 100, 1000):
    tape = ad.tape_memory(ad.trace(lambda x: pow(x, n), 1.0001)).peak
    stack = ad.stack_memory(grad_pow, 1.0001, n).peak
    print(f"{n:6}   {str(tape):24} {stack}")

# %% [markdown]
# Both grow linearly with $n$, about one number per trip round the loop. The tape's one
# extra entry is the input `x`, and its extra 8 bytes are the constant 1 that `r` starts
# from, kept by the first multiplication.
#
# The bookkeeping is what the meters leave out: on the tape every entry is also a record
# of its operation (its row of the registry, its arguments, its parents) and a Python
# object for its value. The project's benchmarks measure it with Python's `tracemalloc`
# on a scalar trace of $10^6$ operations: about 230 bytes per recorded operation in all,
# against micrograd's 822 for the same chain, where the meter counts 8. The generated
# adjoint's stack is a Python list of floats: about 32 bytes per saved value in CPython
# (the float object and the list's pointer to it).
#
# ## 6. Checkpointing: recompute instead of store
#
# To store less, an adjoint must *recompute*: keep only some values (checkpoints) and run
# parts of the forward computation again when the reverse sweep needs them.
# `ad.checkpoint(f)` does that for a function `f`: the tape keeps only `f`'s inputs, one
# row, and records `f` again when the reverse sweep reaches that row (as
# `jax.checkpoint` does). Split `pow`'s loop into segments of `every` trips, each
# checkpointed, and the tape holds one row per segment plus one segment's worth at a time:

# %%
def segment(r, x, k):
    for _ in range(k):
        r = r * x
    return r


checkpointed_segment = ad.checkpoint(segment)


def pow_checkpointed(x, n, every):
    """pow in segments of ``every`` trips; only the segments' inputs stay on the tape."""
    r = 1.0
    while n > 0:
        k = min(every, n)
        r, n = checkpointed_segment(r, x, k), n - k
    return r


print("     n   every   tape with checkpoints")
for n in (10, 100, 1000):
    every = round(n ** 0.5)
    tape = ad.tape_memory(ad.trace(lambda x: pow_checkpointed(x, n, every), 1.0001)).peak
    print(f"{n:6}   {every:5}   {tape}")
with_checkpoints = ad.gradient(lambda x: pow_checkpointed(x, 100, 10), 1.0001)[0]
without = ad.gradient(lambda x: pow(x, 100), 1.0001)[0]
print("the same gradient:", np.isclose(with_checkpoints, without))

# %% [markdown]
# With a checkpoint every $\sqrt n$ trips the peak grows like $\sqrt n$ instead of $n$
# (67 entries instead of 1001 at $n = 1000$), and every segment runs twice: once forward,
# once again in the reverse sweep. `ad.plot_memory` draws the three against $n$ on
# log-log axes, where the slope is the power of $n$:

# %%
ad.plot_memory()

# %% [markdown]
# ## Exercises
#
# Each exercise: a cell for your answer, a checker (run it: *right* or *not yet*, and
# why), and a collapsed solution.
#
# ### Exercise 5.1: SSA form by hand
#
# Write the SSA form of this loop, in the notation `ad.ssa` prints (blocks `#1`, `#2`,
# ...; values `%1`, `%2`, ...; `φ(#1 => ..., #3 => ...)`; `br`, `goto`, `return`). The
# arguments are `%1` and `%2`. Comments (`# ...`) and spacing do not matter. Hint: the
# loop header gets one φ node per variable the loop changes, in the order the loop body
# assigns them; the values are numbered in the order they are written down.

# %%
def sumsq(x, n):
    s = 0.0
    while n > 0:
        s = s + x * x
        n -= 1
    return s


# %% tags=["exercise-answer"]
my_ssa = """
"""   # your SSA form here

# %% tags=["exercise-check"]
from adexplorer import exercises as ex


def instructions(text):
    """The instructions of an SSA listing: no comments, no header, single spaces."""
    lines = (line.split("#", 1)[0] if not line.strip().startswith("#") else line
             for line in text.splitlines())
    lines = [" ".join(line.split()) for line in lines]
    return [line for line in lines if line and not line.startswith("sumsq(")]


def check_ssa():
    want = instructions(str(ad.ssa(sumsq)))
    have = instructions(my_ssa or "")
    if not have:
        return ex.Verdict(False, ex.EMPTY)
    for k, (a, b) in enumerate(zip(have, want)):
        if a != b:
            return ex.Verdict(False, f"instruction {k + 1}: you wrote {a!r}; "
                                     f"look again at what it should compute.")
    if len(have) != len(want):
        return ex.Verdict(False, f"you wrote {len(have)} instructions, it takes "
                                 f"{len(want)}.")
    return ex.Verdict(True, "that is ad.ssa(sumsq): two φ nodes in the loop header, "
                            "one for s and one for n.")


check_ssa()

# %% tags=["exercise-solution"]
my_ssa = """
#1:
  goto #2
#2:
  %3 = φ(#1 => 0.0, #3 => %7)   # s
  %4 = φ(#1 => %2, #3 => %8)    # n
  %5 = %4 > 0
  br %5, #3, #4
#3:
  %6 = %1 * %1
  %7 = %3 + %6                  # s
  %8 = %4 - 1                   # n
  goto #2
#4:
  return %3
"""

# %% tags=["exercise-check"]
check_ssa()

# %% [markdown]
# ### Exercise 5.2: an adjoint loop by hand
#
# `repeat_sin` applies $\sin$ $n$ times. Write its derivative with respect to `x` the way
# the talk wrote `grad_pow`: a forward loop that saves what the backward loop needs, then
# a backward loop over the saved values (the chain rule: each $\sin$ multiplies the
# adjoint by $\cos$ of its input).

# %%
def repeat_sin(x, n):
    while n > 0:
        x = ad.sin(x)
        n -= 1
    return x


# %% tags=["exercise-answer"]
def grad_repeat_sin(x, n):
    ...   # your forward loop and backward loop here


# %% tags=["exercise-check"]
def check_grad_repeat_sin():
    return ex.check_function(grad_repeat_sin, lambda x, n: ad.gradient(repeat_sin, x, n)[0],
                             points=[(0.5, 1), (0.5, 3), (1.2, 5), (-0.7, 4)],
                             what="grad_repeat_sin")


check_grad_repeat_sin()

# %% tags=["exercise-solution"]
def grad_repeat_sin(x, n):
    saved = []
    while n > 0:                  # forward: keep the input of every sin
        saved.append(x)
        x = np.sin(x)
        n -= 1
    dx = 1.0
    for x in reversed(saved):     # backward: last sin first
        dx = dx * np.cos(x)
    return dx


# %% tags=["exercise-check"]
check_grad_repeat_sin()
