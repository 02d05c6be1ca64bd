# %% [markdown]
# # 5. Source to source: differentiating SSA form
#
# *About 15 minutes. Before: [4. The Wengert list underneath dual numbers](04_wengert_under_dual_numbers.ipynb).
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

# %% [markdown]
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
    fig, ax = plt.subplots(figsize=(7.5, 1.6 * len(rows)))
    ax.set_axis_off()
    ax.set_xlim(-1.6, 1.6)
    ax.set_ylim(-len(rows) + 0.5, 0.5)
    boxes = {}
    for d, blocks in rows.items():
        for i, block in enumerate(blocks):
            x = (i - (len(blocks) - 1) / 2) * 1.5
            node = graph.nodes[block]
            boxes[block] = ax.text(x, -d, f"{node['label']}\n{node['text']}", ha="center",
                                   va="center", multialignment="left", fontsize=9,
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
                ax.text(mid[0], mid[1] + 0.55, data["kind"], ha="center", fontsize=8,
                        color="#777777")
    ax.set_title(f"control-flow graph of {fn_ssa.name}", fontsize=10, loc="left")
    plt.show()


draw_cfg(pow_ssa)

# %% [markdown]
# ## 2. The tape unrolls, the SSA form does not
#
# Record `pow` with the tracer and every trip round the loop adds lines to the tape: the
# loop is gone, unrolled into straight-line code, and $n = 3$ and $n = 4$ give different
# tapes.

# %%
print(ad.trace(pow, 2.0, 3))

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
ax.set_title("the tape grows with n, the SSA form stays fixed", fontsize=10)
ax.legend(fontsize=8)
ax.grid(alpha=0.3)
plt.tight_layout()
plt.show()

# %% [markdown]
# ## 3. The adjoint, written as code
#
# How do you run a loop backwards? The backward sweep of `r = r * x` needs the value `r`
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
# float), and `ZERO` an adjoint that nothing has reached yet (still `ZERO` at the end means
# the answer is `None`). The generator saves only `r`, because
# `x` never changes inside the loop, and it returns one entry per argument, like
# `ad.gradient`, so the loop counter `n` gets `None`:

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
# reports `None`, "no dependence at all", the distinction from notebook 3.

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
ax.set_title("gradient of pow: tape against generated adjoint", fontsize=10)
ax.legend(fontsize=8)
ax.grid(alpha=0.3, which="both")
plt.tight_layout()
plt.show()

# %% [markdown]
# Zygote goes one step further: its adjoint code goes through the Julia compiler and LLVM,
# which is why the talk's `@code_llvm f'(3.)` in notebook 4 is a handful of LLVM IR
# instructions with no tape anywhere.
#
# ## Try it
#
# * Print `ad.ssa` of a function with an `if`/`else` inside the loop. Where do the φ
#   nodes go?
# * Change `pow` to `r *= x * x` and look at `ad.source_grad(pow).source`. What is saved
#   on the stack now?
# * In `grad_pow_by_hand`, what goes wrong if the backward loop walks `saved` forwards?
