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
import matplotlib.pyplot as plt

import adexplorer as ad


def f(x):
    return 5 * ad.sin(ad.log(x))


# %% [markdown]
# ## 1. The trace of `f`
#
# This is the talk's `@code_warntype f(3.)`: three operations.

# %%
tf = ad.trace(f, 3.0)
print(tf)

# %% [markdown]
# ## 2. The trace of `D(f)`
#
# Now trace the *derivative*: `ad.D(f)` runs `f` on a dual number, and the tracer records
# every operation the dual-number rules perform, on the primal parts and on the tangent
# parts alike.

# %%
tdf = ad.trace(lambda x: ad.D(f)(x), 3.0)
print(tdf)

# %% [markdown]
# Eight operations where `f` had three. Which are which? A line computing one of the values
# in `f`'s own trace is a **primal** operation; every other line is a **tangent**
# operation. Labelled:

# %%
primal_values = [node.value for node in tf.nodes if not node.is_input]
lines = str(tdf).splitlines()
operations = [node for node in tdf.nodes if not node.is_input]
for line, node in zip(lines, operations):
    kind = "primal " if node.value in primal_values else "tangent"
    note = "   <- the output: f'(3)" if node.index in tdf.outputs else ""
    print(f"{line:<16} {kind}  {node.value:.6f}{note}")

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
tangent_nodes = [n.index for n in operations if n.value not in primal_values]
primal_nodes = [n.index for n in tdf.nodes if n.index not in tangent_nodes]
fig, (top, bottom) = plt.subplots(2, 1, figsize=(9, 5.5),
                                  gridspec_kw={"height_ratios": [1, 2.2]})
ad.plot_graph(tf, ax=top, title="trace of f: 3 operations")
ad.plot_graph(tdf, highlight=tangent_nodes, done=primal_nodes, ax=bottom,
              title="trace of D(f): primal (green) and tangent (orange) operations")
plt.show()

# %% [markdown]
# ## 4. The same question for reverse mode
#
# Zygote's `f'` is reverse mode, and the talk shows its compiled code with `@code_llvm
# f'(3.)`: a call to `log`, `sin` and `cos`, a multiplication by 5, a division `1/x` and
# a final multiplication. Tracing `ad.grad(f)` records the same handful of operations: the
# forward sweep (with the value) followed by the backward sweep, unrolled into one
# straight-line list.

# %%
print(ad.trace(lambda x: ad.grad(f)(x), 3.0))

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
t53 = ad.trace(lambda x: ad.grad(lambda x: 5 * x + 3)(x), 10)
print(t53)
t53.outputs, t53.output

# %% [markdown]
# ## Try it
#
# * Trace `lambda x: ad.D(ad.D(f))(x)`. How many operations does the second derivative
#   take, and which of them are needed for the output?
# * Trace the derivative of `lambda x: x * ad.sin(x)`. Where does the product rule show up?
