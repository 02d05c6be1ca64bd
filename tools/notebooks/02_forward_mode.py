# %% [markdown]
# # 2. Forward mode: dual numbers
#
# *About 22 minutes. Before: [1. What is AD](01_what_is_ad.ipynb). Next:
# [3. Reverse mode](03_reverse_mode.ipynb).*
#
# Forward mode applies the chain rule **from the input towards the output**: every value
# the program computes travels together with its derivative with respect to the input,
# and each operation updates both at once. For $f(x) = 5\sin(\log x)$ the products are
# taken in the order the program runs:
#
# $$\frac{dy_1}{dx}, \quad \frac{dy_2}{dy_1}\frac{dy_1}{dx}, \quad
#   \frac{dy_3}{dy_2}\frac{dy_2}{dy_1}\frac{dy_1}{dx}.$$
#
# The device that carries a value and its derivative together is the **dual number**
# $a + b\,\varepsilon$, where $\varepsilon$ is a symbol with $\varepsilon^2 = 0$. Multiply
# two of them and the $\varepsilon^2$ term disappears:
#
# $$(a + b\varepsilon)(c + d\varepsilon) = ac + (ad + bc)\,\varepsilon,$$
#
# which is exactly the product rule. Put $x + 1\varepsilon$ into a function and
# $f(x) + f'(x)\,\varepsilon$ comes out.

# %% [markdown]
# ## 1. Build it yourself
#
# The talk builds a `Dual` type in Julia in a dozen lines. Here it is in Python. The field
# names follow the talk: `x` is the value (the *primal*), `eps` the coefficient of
# $\varepsilon$ (the *tangent*). The arguments are called `a` and `b` rather than `self`
# and `other` so that each rule reads like the algebra above.

# %%
import math


class Dual:
    """A dual number x + eps·ε with ε² = 0: a value and its derivative together."""

    def __init__(self, x, eps):
        self.x, self.eps = x, eps

    def __repr__(self):
        return f"Dual({self.x!r}, {self.eps!r})"

    def __add__(a, b):
        b = lift(b)
        return Dual(a.x + b.x, a.eps + b.eps)

    def __sub__(a, b):
        b = lift(b)
        return Dual(a.x - b.x, a.eps - b.eps)

    def __mul__(a, b):
        b = lift(b)
        return Dual(a.x * b.x, b.x * a.eps + a.x * b.eps)

    def __truediv__(a, b):
        b = lift(b)
        return Dual(a.x / b.x, (b.x * a.eps - a.x * b.eps) / b.x ** 2)

    # A plain number on the left (5 * d) ends up here: lift it, then use the rules above.
    def __radd__(a, b):
        return lift(b) + a

    def __rsub__(a, b):
        return lift(b) - a

    def __rmul__(a, b):
        return lift(b) * a

    def __rtruediv__(a, b):
        return lift(b) / a


def lift(v):
    """Promotion: a plain number is a dual number whose derivative is 0."""
    return v if isinstance(v, Dual) else Dual(v, 0)


# %% [markdown]
# `lift` is the Python version of the talk's `convert` and `promote_rule` lines: whenever a
# plain number meets a dual number, the number becomes a dual number with tangent 0 (a
# constant does not change when $x$ does).
#
# The elementary functions need their derivative rules too: $\sin' = \cos$,
# $\cos' = -\sin$, $\log' = 1/x$, each multiplied by the incoming tangent (the chain
# rule). On plain numbers they fall back to `math`.

# %%
def sin(d):
    if not isinstance(d, Dual):
        return math.sin(d)
    return Dual(math.sin(d.x), d.eps * math.cos(d.x))


def cos(d):
    if not isinstance(d, Dual):
        return math.cos(d)
    return Dual(math.cos(d.x), -d.eps * math.sin(d.x))


def log(d):
    if not isinstance(d, Dual):
        return math.log(d)
    return Dual(math.log(d.x), d.eps / d.x)


def D(f, x):
    """f'(x): seed the input with tangent 1 and read the tangent of the output."""
    return f(Dual(x, type(x)(1))).eps


# %% [markdown]
# That is a complete forward-mode AD. The talk's test: the derivative by dual numbers
# against the hand-derived $f'(x) = 5\cos(\log x)/x$.

# %%
def f(x):
    return 5 * sin(log(x))


def df(x):
    return 5 * cos(log(x)) / x


D(f, 3.0), df(3.0)

# %%
D(f, 3.0) == df(3.0)

# %% [markdown]
# Equal to the last bit. Here is the whole computation in one go, the value and the
# derivative side by side:

# %%
f(Dual(3.0, 1.0))

# %% [markdown]
# ### A rule written wrong
#
# Getting every rule right matters, because AD trusts them blindly. On the slide, the
# division line reads `Dual(a.x * b.x, b.x * a.ϵ - a.x * b.ϵ)`: it multiplies where it
# should divide and forgets to divide the tangent by $b^2$. Let us try that version on
# $1/x$, whose derivative at 2 is $-1/4$:

# %%
def slide_division(a, b):
    a, b = lift(a), lift(b)
    return Dual(a.x * b.x, b.x * a.eps - a.x * b.eps)


slide_division(1.0, Dual(2.0, 1.0)), Dual(1.0, 0.0) / Dual(2.0, 1.0)

# %% [markdown]
# The slide's rule gives the value 2 and the slope −1; the quotient rule in our class gives
# 0.5 and −0.25. Nothing crashes with a wrong rule: the numbers are simply wrong. That is
# why adexplorer checks every rule in its table against finite differences in its tests,
# and ships the same checker for your own rules (notebook 6).
#
# ## 2. adexplorer's dual numbers
#
# adexplorer has the same idea as `ad.Dual`, with every rule from one table, NumPy arrays
# as values, and tags that keep nested derivatives apart (notebook 6). Functions written
# with `ad.sin`, `ad.log`, ... (or `np.sin`, `np.log`, ...) accept it:

# %%
import numpy as np

import adexplorer as ad


def f(x):
    return 5 * ad.sin(ad.log(x))


f(ad.Dual(3.0, 1.0))

# %% [markdown]
# `ad.derivative(f, x)` is the talk's `D(f, x)`, and `ad.D(f)` is the derivative as a
# function, which can be called, plotted or differentiated again:

# %%
ad.derivative(f, 3.0), ad.D(f)(3.0)

# %% [markdown]
# One forward pass with an array of values gives the derivative at each of them, because
# every operation here acts elementwise:

# %%
xs = np.array([1.0, 2.0, 3.0])
f(ad.Dual(xs, np.ones(3)))

# %% [markdown]
# With several inputs, the tangent we put in is a **direction**. `ad.jvp(f, primals,
# tangents)` returns the value and the derivative along that direction, the
# Jacobian-vector product. For $g(a, b) = a b + \sin a$ the direction $(1, 0)$ gives
# $\partial g/\partial a = b + \cos a$, and $(0, 1)$ gives $\partial g/\partial b = a$:

# %%
def g(a, b):
    return a * b + ad.sin(a)


print(ad.jvp(g, (2.0, 3.0), (1.0, 0.0)))
print(ad.jvp(g, (2.0, 3.0), (0.0, 1.0)))
print(3.0 + math.cos(2.0))

# %% [markdown]
# ### A jvp is a column of the Jacobian
#
# For a function with $n$ inputs and $m$ outputs the derivative is the $m \times n$
# **Jacobian** $J$, and the jvp along $v$ is the matrix-vector product $J v$: a column of
# $m$ numbers. Along the $k$-th unit vector it is exactly the $k$-th column. Here is a
# function from $\mathbb{R}^2$ to $\mathbb{R}^3$; `ad.jacfwd` builds the whole Jacobian
# from one jvp per input:

# %%
def spiral(v):
    return ad.stack([v[0] * v[1], ad.sin(v[0]), v[1] ** 2])


point = np.array([2.0, 3.0])
_, column_0 = ad.jvp(spiral, (point,), (np.array([1.0, 0.0]),))
_, column_1 = ad.jvp(spiral, (point,), (np.array([0.0, 1.0]),))
print("jvp along e0:", column_0)
print("jvp along e1:", column_1)
print("jacfwd:")
print(ad.jacfwd(spiral)(point))

# %% [markdown]
# Two inputs, two forward passes, the whole $3 \times 2$ Jacobian. `ad.jacobian_view`
# draws the grid filling up: on the left, forward mode fills it one **column** per sweep
# (the dark column is the last sweep's jvp); on the right, the reverse mode of the next
# notebook fills it one **row** per sweep. The squares below each grid count the sweeps:
# this Jacobian is *tall* (more outputs than inputs), so forward mode needs fewer.

# %%
ad.jacobian_view(spiral, point, static=True)

# %% [markdown]
# Without `static=True` the view is a widget, with a mode toggle, Play and step buttons,
# for filling the grid live in class.
#
# ## 3. Why Julia? The Python side of the argument
#
# The talk's answer to "why Julia" is speed and good compiler design. The design part
# matters for AD in a specific way: Julia's *multiple dispatch* picks a method by the
# types of all arguments, so once `sin(::Dual)` is defined, every library function that
# calls `sin` works on dual numbers, even code written before `Dual` existed.
#
# Python has no multiple dispatch, but NumPy has **protocols** that play the same part:
# a type that defines `__array_ufunc__` and `__array_function__` is asked first whenever
# `np.sin`, `np.exp`, `np.sum`, `x @ W`, ... meet it. adexplorer's values define both, so
# code written for NumPy arrays runs on them unchanged. The hand-made `Dual` above does
# not, and NumPy does not know what to do with it:

# %%
print(np.sin(ad.Dual(3.0, 1.0)))
try:
    np.sin(Dual(3.0, 1.0))
except TypeError as error:
    print("hand-made Dual:", error)

# %% [markdown]
# What Python cannot give is the speed half of the argument: Julia compiles `D(f, 3)`
# down to a dozen typed IR operations (notebook 4), while every operation on an
# `ad.Dual` is a Python call. For small scalar code that is a constant factor: the
# project's speed measurements (one thread, time per operation on a chain of scalar
# operations) put `ad.derivative` at about 1.2 times the cost of a minimal dual-number
# class like the one above, and `ad.jvp` at about 1.4 times. For array code, NumPy does
# the arithmetic and the overhead fades.

# %% [markdown]
# ## 4. The forward sweep, step by step
#
# Where do the tangents go? Record `f` once with `ad.trace` and replay it in forward mode:
# `forward_sweep()` lists every step, from the seed $dx = 1$ to the tangent of the output.
# The symbols are the lines of the derivative's Wengert list from notebook 1; the numbers
# are what each line produced at $x = 3$.

# %%
t = ad.trace(f, 3.0)
sweep = t.forward_sweep()
print(sweep)

# %% [markdown]
# The same steps as pictures, one per step: `ad.sweep_filmstrip` draws the frames of the
# player below as one still picture. The highlighted box is the node whose tangent is
# being computed, the green ones already have theirs, and the thick arrow is the edge the
# tangent travels along. Under every box stand its value and, once computed, its tangent
# (`y2' = dy3`: the tangent of `y2`, held by the line `dy3`); under every picture, the
# step's rule with its numbers. The legend says what the colours mean.

# %%
import matplotlib.pyplot as plt

ad.sweep_filmstrip(t, "forward", page_px=1100)

# %% [markdown]
# ### Animated
#
# `ad.SweepPlayer` plays the same sweep: press ▶, drag the slider, or step with the
# buttons. The table fills in the primal and tangent of each node as the sweep reaches it.
# Under each box the player writes that node's tangent with a prime and the line of the
# list that holds it: `y2' = dy3` is the tangent of `y2`, computed by the line `dy3`.
# (The player needs a running kernel: on a static web page it does not move.)

# %% tags=["nbval-ignore-output"]
ad.SweepPlayer(t, mode="forward")

# %% [markdown]
# ## 5. What forward mode costs
#
# One forward pass carries one tangent, a derivative along **one input direction**. For a
# function with $n$ inputs and $m$ outputs, the full Jacobian ($m \times n$ numbers) needs
# $n$ passes, one per input, whatever $m$ is. So forward mode is the right tool when there
# are **few inputs and many outputs**, and the wrong one for a loss with a million weights.
#
# A cost meter: `ad.trace` records every primitive operation a computation runs, so
# tracing the computation of a Jacobian counts its work. We compare `ad.jacfwd` (forward
# mode, one pass per input) with `ad.jacrev` (reverse mode, the next notebook: one reverse
# pass per output), on two shapes of problem, relative to the cost of evaluating the
# function once:
#
# * `curve(t)`: **one input, many outputs** (the points $\sin(kt)$, $k = 1..m$);
# * `loss(w)`: **many inputs, one output** ($\sum_i \sin^2 w_i$).

# %%
def curve(t, m):
    return ad.stack([ad.sin(k * t) for k in range(1, m + 1)])


def loss(w):
    return sum(ad.sin(w[i]) ** 2 for i in range(len(w)))


def operations(f, x):
    """How many primitive operations one call of f runs: its trace, inputs aside."""
    t = ad.trace(f, x)
    return len(t) - len(t.inputs)


def relative_cost(jacobian, f, x):
    """Operations run to compute the Jacobian, divided by those of one call of f."""
    return operations(lambda x: jacobian(f)(x), x) / operations(f, x)


sizes = [1, 2, 4, 8, 12, 16]
many_outputs = {name: [relative_cost(jac, lambda t, m=m: curve(t, m), 0.3) for m in sizes]
                for name, jac in [("forward", ad.jacfwd), ("reverse", ad.jacrev)]}
many_inputs = {name: [relative_cost(jac, loss, np.linspace(0.1, 1.0, n)) for n in sizes]
               for name, jac in [("forward", ad.jacfwd), ("reverse", ad.jacrev)]}
for name in ("forward", "reverse"):
    print(f"{name:8}  1 input, m outputs: {np.round(many_outputs[name], 1)}")
    print(f"{name:8}  n inputs, 1 output: {np.round(many_inputs[name], 1)}")

# %%
plt.rcParams.update({"font.size": 11, "legend.fontsize": 11, "axes.titlesize": 12})
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8), sharey=True)
for ax, costs, label in [(left, many_outputs, "number of outputs m (1 input)"),
                         (right, many_inputs, "number of inputs n (1 output)")]:
    ax.plot(sizes, costs["forward"], "o-", label="forward mode (jacfwd)")
    ax.plot(sizes, costs["reverse"], "s-", label="reverse mode (jacrev)")
    ax.set_xlabel(label)
    ax.grid(alpha=0.3)
left.set_ylabel("cost of the Jacobian / cost of f")
left.set_title("few inputs, many outputs")
right.set_title("many inputs, one output")
right.legend()
plt.tight_layout()
plt.show()

# %% [markdown]
# Left: with one input, forward mode costs a small constant times one evaluation, however
# many outputs there are; reverse mode pays once per output. Right: with one output, the
# roles swap. Forward mode's cost grows with the number of inputs, which is why deep
# learning, with millions of inputs (the weights) and one output (the loss), runs in
# reverse. That is the next notebook.
#
# ## Exercises
#
# Each exercise: a cell for your answer, a checker (run it: *right* or *not yet*, and
# why), and a collapsed solution.
#
# ### Exercise 2.1: the jvp rule of `tanh`
#
# Give the hand-made `Dual` of section 1 a `tanh`, the way `sin`, `cos` and `log` are
# written: the value $\tanh x$, and the incoming tangent times the slope,
# $\tanh'(x) = 1 - \tanh^2 x$.

# %% tags=["exercise-answer"]
def tanh(d):
    ...   # return a Dual


# %% tags=["exercise-check"]
from adexplorer import exercises as ex


def check_tanh():
    return ex.check_dual_rule(tanh, Dual, math.tanh, lambda x: 1 - math.tanh(x) ** 2)


check_tanh()

# %% tags=["exercise-solution"]
def tanh(d):
    if not isinstance(d, Dual):
        return math.tanh(d)
    t = math.tanh(d.x)
    return Dual(t, d.eps * (1 - t * t))


# %% tags=["exercise-check"]
check_tanh()

# %% [markdown]
# ### Exercise 2.2: a derivative along a direction
#
# For $g(a, b) = a b + \sin a$ of section 2, what is the derivative at $(2, 3)$ along the
# direction $(1, 1)$ (both inputs grow together)? Work it out by hand from the two
# partial derivatives, or with one call of `ad.jvp`.

# %% tags=["exercise-answer"]
along_diagonal = None   # your answer here

# %% tags=["exercise-check"]
def check_diagonal():
    return ex.check_number(along_diagonal, 3.0 + math.cos(2.0) + 2.0,
                           what="the derivative along (1, 1)",
                           why="A jvp is linear in the tangent: the two partials add up.",
                           hint="along (1, 1) the tangent is the sum of the partials.")


check_diagonal()

# %% tags=["exercise-solution"]
_, along_diagonal = ad.jvp(g, (2.0, 3.0), (1.0, 1.0))
along_diagonal

# %% tags=["exercise-check"]
check_diagonal()

# %% [markdown]
# ### Exercise 2.3: counting passes
#
# A function takes 3 inputs and returns 5 outputs. How many forward passes (jvps) does
# `ad.jacfwd` need for its whole Jacobian?

# %% tags=["exercise-answer"]
forward_passes = None   # your answer here

# %% tags=["exercise-check"]
def check_passes():
    return ex.check_number(forward_passes, 3, what="the number of forward passes",
                           why="One jvp per input gives one column each: 3 columns.",
                           hint="what does one jvp give: a row or a column?")


check_passes()

# %% tags=["exercise-solution"]
forward_passes = 3   # one column of the 5 x 3 Jacobian per pass

# %% tags=["exercise-check"]
check_passes()
