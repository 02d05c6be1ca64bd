# %% [markdown]
# # 1. What is automatic differentiation?
#
# *About 20 minutes. Next: [2. Forward mode](02_forward_mode.ipynb).*
#
# There are three ways to get a derivative out of a computer:
#
# * **by hand or with a computer-algebra system** (symbolic differentiation): exact, but the
#   formulas can blow up in size, and they need a formula to start from, not a program;
# * **by finite differences**: evaluate the function twice, close together, and divide. One
#   line of code, but only approximate, and it costs one extra evaluation per input;
# * **automatically** (AD, also called *algorithmic* differentiation): run the program and
#   apply the chain rule to every elementary operation it performs. Exact up to rounding,
#   and cheap.
#
# AD is the engine behind every modern machine-learning framework: training a network is
# gradient descent, and the gradient comes from AD. This notebook shows the three
# ingredients AD is made of:
#
# 1. the **definition** of the derivative,
# 2. the **chain rule**,
# 3. the **Wengert list** (also called a tape or a computational graph): the program
#    written as a list of single, named steps.
#
# Our running example is the function from the talk:
#
# $$f(x) = 5 \sin(\log x).$$

# %%
import math

import adexplorer as ad


def f(x):
    return 5 * ad.sin(ad.log(x))


f(3.0)

# %% [markdown]
# `ad.sin` and `ad.log` behave like `math.sin` and `math.log` on plain numbers. The
# difference is that adexplorer can watch them: that is all AD needs.
#
# ## 1. The definition of the derivative
#
# The derivative is the slope of the function in the limit of a vanishing step:
#
# $$f'(x) = \lim_{h \to 0} \frac{f(x + h) - f(x)}{h}.$$
#
# A computer cannot take a limit, but it can take a small `h`. Let us try ever smaller steps
# at $x = 3$:

# %%
for h in [1e-1, 1e-2, 1e-4, 1e-6, 1e-8, 1e-10, 1e-12, 1e-14]:
    slope = (f(3.0 + h) - f(3.0)) / h
    print(f"h = {h:.0e}   (f(3+h) - f(3)) / h = {slope:.15f}")

# %% [markdown]
# The digits first settle down and then fall apart again. Two errors compete:
#
# * with a large `h` the secant is not the tangent (the **truncation error**, about `h`);
# * with a tiny `h`, `f(3 + h)` and `f(3)` agree in almost all their digits, and the
#   subtraction throws those digits away (the **round-off error**, about `1e-16 / h`).
#
# We will put a picture on this at the end. AD avoids both, because it never takes a step.
#
# ## 2. The chain rule
#
# $f$ is a composition: first $\log$, then $\sin$, then multiply by 5. The chain rule says
# that the derivative of a composition is the product of the derivatives of its parts,
# each taken at the point where that part is evaluated:
#
# $$\frac{d}{dx} g(h(x)) = g'(h(x)) \cdot h'(x).$$
#
# Applied twice it gives the closed form
#
# $$f'(x) = 5 \cos(\log x) \cdot \frac{1}{x} = \frac{5 \cos(\log x)}{x}.$$

# %%
def df(x):
    return 5 * math.cos(math.log(x)) / x


df(3.0)

# %% [markdown]
# ## 3. The Wengert list
#
# A program does not see the formula $5\sin(\log x)$; it sees a sequence of elementary
# operations, each writing its result into a fresh variable. That sequence is the
# **Wengert list** (after R. E. Wengert, who used it for AD in 1964). `ad.trace` runs the
# function once and records it:

# %%
t = ad.trace(f, 3.0)
print(t)

# %% [markdown]
# Every line is so simple that we know its derivative by heart. AD now walks the list and,
# for each line, writes down two things:
#
# * the **local partial derivative** of that line (from the definition: the derivative of
#   `log` is `1/x`, of `sin` is `cos`, of `5 * y` is `5`);
# * its product with the derivative of the line's input (the **chain rule**).
#
# The result is again a Wengert list, the Wengert list of $f'$. Its lines are numbered on
# their own, `dy1`, `dy2`, ...; they do not match `y1`, `y2`, ... one for one. Some lines
# are local partials, and the others are chain-rule products: the **tangents**, each the
# derivative of one `yk` with respect to `x`.

# %%
print(t.tangent_wengert())

# %% [markdown]
# Read it from the top:
#
# | line | what it is |
# |---|---|
# | `dy1 = 1 / x` | the slope of `log` at `x`; times $dx/dx = 1$ it is also the tangent of `y1` |
# | `dy2 = cos(y1)` | the slope of `sin` at `y1`: a local partial, not a tangent |
# | `dy3 = dy2 * dy1` | the chain rule: the tangent of `y2`, $dy_2/dx$ |
# | `dy4 = 5 * dy3` | the tangent of `y3`, the output: $f'(x)$ |
#
# Because the two lists are numbered separately, `dy3` is **not** the tangent of `y3`: it
# is the tangent of `y2`. `labels=True` writes whose each line is, so nobody has to
# remember:

# %%
print(t.tangent_wengert(labels=True))

# %% [markdown]
# The `%%autodiff` report below labels its list the same way, and in the pictures of the
# next notebooks the tangent of a node is written under its box with a prime and with the
# line that holds it: `y2' = dy3`. No formula was simplified and nothing was
# approximated. We can run this list by hand at $x = 3$, using the values of the first
# list where the second one needs them:

# %%
x = 3.0
y1 = math.log(x)
dy1 = 1 / x
dy2 = math.cos(y1)
dy3 = dy2 * dy1
dy4 = 5 * dy3
dy4

# %% [markdown]
# That is the talk's number, `f'(3.) == 0.7580540380443495`, and it is what adexplorer
# computes (here with forward mode, the subject of the next notebook):

# %%
ad.derivative(f, 3.0)

# %%
ad.derivative(f, 3.0) == dy4 == df(3.0)

# %% [markdown]
# That is all there is to AD. Record the program as single operations (by running it, or
# by reading its source); replace each operation by its local slope, which we know by heart
# for every elementary function; multiply the slopes along the way, as the chain rule
# says.
#
# Whether the chain-rule products are taken from the input towards the output (forward
# mode) or from the output back towards the inputs (reverse mode) is the subject of the
# next two notebooks.
#
# The same list drawn as a graph: data flows from the input `x` on the left to the output
# on the right. Every box is one line of the Wengert list.

# %%
ad.plot_graph(t).figure

# %% [markdown]
# ## 4. AD against finite differences
#
# `ad.fd_check` compares the AD derivative with three finite-difference formulas, each at
# its usual best step size: the forward difference above, the central difference
# $\frac{f(x+h) - f(x-h)}{2h}$ (truncation error about $h^2$), and the complex step
# $\operatorname{Im} f(x + ih)/h$, a trick that has no subtraction and so no cancellation
# (it only works when the code accepts complex numbers).

# %%
ad.fd_check(f, 3.0)

# %% [markdown]
# The forward difference gets about 8 correct digits, the central difference about 11, and
# AD all 16. Here is the whole story of step sizes on one log-log plot: the error of each
# difference formula against `h`. Right of the minimum the truncation error dominates
# (slope 1 for the forward difference, slope 2 for the central one); left of it round-off
# dominates and grows like `1/h`. The complex step has no subtraction, so it has no
# round-off side: its error falls with `h` and stays at the bottom, and it has no best
# `h` to mark: every `h` below about $10^{-8}$ is as good. Right of the central
# difference's best `h` the purple complex-step line hides the green central one: both
# truncation errors are $\frac{h^2}{6} |f'''(x)|$, the same curve. AD would be a line at
# zero: it has no `h` to choose.

# %%
ad.plot_fd_error(f, 3.0)

# %% [markdown]
# Over a whole interval, AD and central differences agree to the eye (top); their gap
# (bottom) is the finite-difference error, largest where $f$ curves most.

# %%
ad.plot_fd(f, (0.5, 20.0))

# %% [markdown]
# ## 5. Why not symbolic differentiation? Expression swell
#
# A computer-algebra system would differentiate the *formula*. For $5\sin(\log x)$ that is
# harmless, but formulas that reuse a value blow up, because a formula cannot name an
# intermediate result: it must write it out again wherever it is used. The logistic map
# $x \mapsto 4x(1 - x)$, applied $k$ times, is the classic example (Baydin et al.'s
# survey uses it).
#
# adexplorer can run its own derivative rules on *symbols* instead of numbers, which
# gives exactly the formula a naive symbolic differentiator writes. For $k = 2$:

# %%
import re

from adexplorer.core.symbolic import ONE, Sym


def logistic(x, k):
    for _ in range(k):
        x = 4 * x * (1 - x)
    return x


def symbolic_derivative(f):
    """f and f' as formulas: f's derivative rules run on the symbol x (tangent 1)."""
    value, slope = ad.jvp(f, (Sym("x"),), (ONE,))
    return str(value), str(slope)


def operations(formula):
    """The operations a formula writes out: + - * / and function calls."""
    return len(re.findall(r"[-+*/]|\w+\(", formula))


value, slope = symbolic_derivative(lambda x: logistic(x, 2))
print("f  =", value)
print("f' =", slope)

# %% [markdown]
# Count operations in every column, for growing $k$: the operations each formula writes
# out, and the operations of each Wengert list. A line of the Wengert list of $f'$ can
# hold up to three operations (`dy3 = y2 * dy1 + y1 * dy2`: two products and a sum), so
# its lines are not counted; instead `ad.D(f)`, the function $x \mapsto f'(x)$ (notebook
# 2), is traced, which records them one by one. Like the formula of $f'$, that list
# computes the values of $f$ it needs along the way.

# %%
def recorded_operations(trace):
    """The operations a trace recorded, leaving out its inputs."""
    return len(trace) - len(trace.inputs)


print(" k   formula of f   formula of f'   Wengert list of f   Wengert list of f'")
for k in range(1, 8):
    value, slope = symbolic_derivative(lambda x: logistic(x, k))
    f_list = ad.trace(lambda x: logistic(x, k), 0.3)
    df_list = ad.trace(ad.D(lambda x: logistic(x, k)), 0.3)
    print(f"{k:2}   {operations(value):12}   {operations(slope):13}   "
          f"{recorded_operations(f_list):17}   {recorded_operations(df_list):18}")

# %% [markdown]
# The formula of $f'$ grows by a factor of about 2.4 with every step, exponentially.
# The Wengert lists grow by a constant number of operations per step (3 for $f$, 8 for
# $f'$: $f$'s three again and five for the tangents), because each intermediate value is
# computed once, named, and reused. That naming is the whole difference between AD and
# symbolic differentiation: AD *is* symbolic differentiation of the Wengert list, where
# sharing is free.

# %% [markdown]
# ## 6. Everything at once
#
# In a lecture you will want all of this for a function the class suggests. Load the
# extension once; then a cell starting with `%%autodiff` differentiates its expression (or
# `def`) at the point given by `--at`. `--static` prints plain text and pictures, the same
# on every run, and `--mode forward` keeps to what this notebook showed:

# %%
%load_ext adexplorer

# %%
%%autodiff --at x=3.0 --mode forward --static
5*sin(log(x))

# %% [markdown]
# You know everything here but one part: the **forward sweep**, step by step, evaluates
# the Wengert list of $f'$ line by line at $x = 3$ while the values are computed; the
# pictures show the same steps on the graph. How that works, and why a step names a
# *jvp rule*, is notebook 2. Without `--mode forward` the cell also shows reverse mode
# (an adjoint list and a reverse sweep): that is notebook 3, which ends with the whole
# output.
#
# Without `--static`, the cell shows the interactive version, with the sweeps animated.
# Once both sweeps have been taught, notebook 3 ends with that interactive view,
# `ad.explore`.
#
# ## Exercises
#
# Each exercise has a cell for your answer, a cell that checks it (run it: it says
# *right* or *not yet*, and why), and a collapsed solution (click the three dots to open
# it, after you tried).
#
# ### Exercise 1.1: the best step
#
# Section 1 tried steps $h = 10^{-1}, \dots, 10^{-14}$. For which of them is the error of
# the forward difference `(f(3 + h) - f(3)) / h` against `df(3.0)` smallest? Compute the
# errors (or read them off the picture in section 4) and set `best_h`.

# %% tags=["exercise-answer"]
best_h = None   # your answer here, e.g. 1e-3

# %% tags=["exercise-check"]
from adexplorer import exercises as ex

steps = [1e-1, 1e-2, 1e-4, 1e-6, 1e-8, 1e-10, 1e-12, 1e-14]


def check_best_h():
    errors = [abs((f(3.0 + h) - f(3.0)) / h - df(3.0)) for h in steps]
    return ex.check_number(
        best_h, steps[errors.index(min(errors))], what="the best step",
        why="Truncation error (about h) and round-off error (about 1e-16 / h) are equal "
            "near the square root of the machine epsilon, 1e-8.",
        hint="The error is smallest where truncation (about h) and round-off (about "
             "1e-16 / h) are equal.")


check_best_h()

# %% tags=["exercise-solution"]
errors = [abs((f(3.0 + h) - f(3.0)) / h - df(3.0)) for h in steps]
best_h = steps[errors.index(min(errors))]
best_h

# %% tags=["exercise-check"]
check_best_h()

# %% [markdown]
# ### Exercise 1.2: a Wengert list by hand
#
# $g(x) = x \sin x$. Write `dg_by_hand(x)` the way we ran the list of $f'$ above: one
# line per operation, the values `y1, y2` of $g$'s own list and the lines `dy1, dy2, ...`
# of its derivative, returning $g'(x)$. (`print(ad.trace(lambda x: x * ad.sin(x), 2.0))`
# shows $g$'s list.) The checker compares it with `ad.derivative` at several points.

# %% tags=["exercise-answer"]
def dg_by_hand(x):
    ...   # your lines here


# %% tags=["exercise-check"]
def check_dg():
    return ex.check_function(dg_by_hand, ad.D(lambda x: x * ad.sin(x)),
                             points=[0.5, 2.0, -1.3], what="dg_by_hand")


check_dg()

# %% tags=["exercise-solution"]
def dg_by_hand(x):
    y1 = math.sin(x)        # y1 = sin(x)
    dy1 = math.cos(x)       # the tangent of y1 (slope of sin, times dx = 1)
    dy2 = dy1 * x + y1      # y2 = x * y1: the product rule, the tangent of y2
    return dy2


# %% tags=["exercise-check"]
check_dg()

# %% [markdown]
# ### Exercise 1.3: how long is the list?
#
# Without running anything: how many operations does the Wengert list of $f'$ have for
# `logistic(x, 10)`? (Look at the table of section 5.)

# %% tags=["exercise-answer"]
operations_for_k10 = None   # your answer here

# %% tags=["exercise-check"]
def check_operations():
    listing = ad.trace(ad.D(lambda x: logistic(x, 10)), 0.3)
    return ex.check_number(operations_for_k10, recorded_operations(listing),
                           what="the length of the list",
                           why="Each step of the map adds eight operations (three of f, five "
                               "of tangents), the first only six (the tangents of 4 * x and "
                               "1 - x are the constants 4 and -1): 6 + 9 * 8 = 78.",
                           hint="How many operations does each step add, and the first?")


check_operations()

# %% tags=["exercise-solution"]
operations_for_k10 = 6 + 9 * 8

# %% tags=["exercise-check"]
check_operations()
