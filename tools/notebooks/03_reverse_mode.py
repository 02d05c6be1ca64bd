# %% [markdown]
# # 3. Reverse mode: the tracker
#
# *About 30 minutes. Before: [2. Forward mode](02_forward_mode.ipynb). Next:
# [4. The Wengert list underneath dual numbers](04_wengert_under_dual_numbers.ipynb).*
#
# Reverse mode applies the chain rule **from the output back towards the inputs**:
#
# $$\frac{dy_3}{dy_2}, \quad \frac{dy_3}{dy_2}\frac{dy_2}{dy_1}, \quad
#   \frac{dy_3}{dy_2}\frac{dy_2}{dy_1}\frac{dy_1}{dx}.$$
#
# Each partial product is the derivative of the **output** with respect to one
# intermediate value, its *adjoint* (written $\bar y$). Walking backwards needs the whole
# list of operations first, so reverse mode works in two sweeps:
#
# 1. run the function forward and **record** every operation on a tape (the *tracker*);
# 2. walk the tape **backwards**, sending each adjoint to the inputs of its operation.
#
# One reverse sweep gives the derivative of one output with respect to **every** input at
# once. That is the deep-learning situation: millions of weights in, one loss out.

# %% [markdown]
# ## 1. A tracker in twenty lines
#
# A `Var` is a number that appends itself to a global `TAPE` when it is created, together
# with its parents and the local partial derivative towards each parent. `backward` then
# walks the tape in reverse.

# %%
import math

TAPE = []   # every Var, in the order the program created it


class Var:
    """A number that records itself, its parents and the local partials on the tape."""

    def __init__(self, value, parents=()):
        self.value = value
        self.parents = parents            # ((parent Var, d self / d parent), ...)
        self.adjoint = 0.0                # d output / d self, filled in by backward()
        TAPE.append(self)

    def __add__(a, b):
        if isinstance(b, Var):
            return Var(a.value + b.value, ((a, 1.0), (b, 1.0)))
        return Var(a.value + b, ((a, 1.0),))

    def __mul__(a, b):
        if isinstance(b, Var):
            return Var(a.value * b.value, ((a, b.value), (b, a.value)))
        return Var(a.value * b, ((a, b),))

    __radd__, __rmul__ = __add__, __mul__


def sin(v):
    return Var(math.sin(v.value), ((v, math.cos(v.value)),))


def log(v):
    return Var(math.log(v.value), ((v, 1 / v.value),))


def backward(out):
    """Seed the output's adjoint with 1, then walk the tape from the end to the start."""
    out.adjoint = 1.0
    for v in reversed(TAPE):
        for parent, partial in v.parents:
            parent.adjoint += v.adjoint * partial   # += : a value used twice gets both parts


def f(x):
    return 5 * sin(log(x))


TAPE.clear()
x = Var(3.0)
y = f(x)
backward(y)
len(TAPE), y.value, x.adjoint

# %% [markdown]
# Four entries on the tape (the input and three operations), the value of $f(3)$, and the
# derivative $f'(3)$ = 0.7580540380443495 again. The `+=` in `backward` is essential: when
# a value feeds several operations (it *fans out*), its adjoint is the sum of what each of
# them sends back. We will watch that happen below.
#
# ## 2. adexplorer's tracker
#
# `ad.trace` records the same tape for any function written with `ad.*` or NumPy
# functions. The reverse sweep has a Wengert list of its own, the **adjoint list**:
# `ȳ3 = 1` is the seed, and each line sends an adjoint one step back.

# %%
import numpy as np

import adexplorer as ad


def f(x):
    return 5 * ad.sin(ad.log(x))


t = ad.trace(f, 3.0)
print(t)
print()
print(t.adjoint_wengert())

# %% [markdown]
# `ad.gradient(f, *args)` records and sweeps backwards in one call, returning one entry
# per argument; `ad.grad(f)` is the same as a function (the talk's `f'`).

# %%
ad.gradient(f, 3.0), ad.grad(f)(3.0)

# %% [markdown]
# ## 3. Static and dynamic graphs
#
# *When* is the tape recorded?
#
# * A **static graph** is built once and then reused for every input. TensorFlow 1 builds
#   it *symbolically*: the Python program does not compute anything, it calls graph
#   constructors, and control flow must be written as graph operations (`tf.cond`,
#   `tf.while_loop`) so that the graph holds every branch.
# * A **dynamic graph** is recorded again on every call (PyTorch's eager mode, Chainer,
#   adexplorer). Python's own `if` and `while` decide what gets recorded, so any program
#   can be differentiated, at the price of recording each time.
#
# Between the two sit the **tracing compilers**, `torch.jit.trace` and `jax.jit`: they run
# the program once, record what it did, and compile that recording for reuse. That is
# where the catch lies: a recording only contains the path the program took while it was
# recorded. (`jax.jit` refuses a Python `if` on a traced value for this reason, and asks
# for `jax.lax.cond`; `torch.jit.trace` warns and keeps the one branch it saw.)
#
# This function takes a different branch on each side of 0, so its tape depends on the
# input:

# %%
def kinked(x):
    if x > 0:
        return x * x
    return 3 * x


print(ad.trace(kinked, 2.0))
print(ad.trace(kinked, -2.0))
print(ad.gradient(kinked, 2.0), ad.gradient(kinked, -2.0))

# %% [markdown]
# A tape recorded at $x = 2$ and replayed at $x = -2$ would compute $2x = -4$, the slope of
# the wrong branch, which is what a tracing compiler does if it is not told otherwise.
# Recording on every call gives the right slope, 3, on each side. Loops behave the same
# way: a loop that runs $n$ times leaves $n$ copies of its body on the tape (notebook 5
# shows how source-to-source AD avoids recording them, and what it still has to store).
#
# ## 4. The reverse sweep, and `+=` where a value fans out
#
# In $h(a, b) = a b + \sin a$ the input `a` is used twice, so its adjoint gets two
# contributions: the adjoint list has `ā = ...` followed by `ā += ...`.

# %%
def h(a, b):
    return a * b + ad.sin(a)


th = ad.trace(h, 2.0, 3.0)
print(th)
print()
print(th.adjoint_wengert())

# %% [markdown]
# `backward_sweep()` lists every step with the value it gives; at the `+=` step it shows
# the adjoint before and after the contribution, and the step is marked as an
# accumulation. At the end $\bar a = \partial h/\partial a = b + \cos a$ and
# $\bar b = \partial h / \partial b = a$:

# %%
sweep = th.backward_sweep()
print(sweep)
print()
print("accumulating steps:", [s.symbols for s in sweep if s.accumulates])
print("gradient:", ad.gradient(h, 2.0, 3.0), " by hand:", (3.0 + math.cos(2.0), 2.0))

# %% [markdown]
# ### Primal, tangent and adjoint, side by side
#
# Baydin et al.'s survey explains both modes with one table for
# $f(x_1, x_2) = \ln x_1 + x_1 x_2 - \sin x_2$ at $(2, 5)$: every line of the Wengert list
# with its **primal** value, its **tangent** from a forward sweep seeded with
# $\dot x_1 = 1, \dot x_2 = 0$ (so the tangents are $\partial/\partial x_1$), and its
# **adjoint** from one reverse sweep. All three columns come from one recording:

# %%
def baydin(x1, x2):
    return ad.log(x1) + x1 * x2 - ad.sin(x2)


tb = ad.trace(baydin, 2.0, 5.0)
lines = ["x1 (input)", "x2 (input)"] + str(tb).splitlines()
tangents = tb.forward_sweep(wrt="x1").values
adjoints = tb.backward_sweep().values
print(f"{'line':<16}{'primal':>10}{'tangent d/dx1':>16}{'adjoint':>10}")
for line, node in zip(lines, tb.nodes):
    tangent = tangents[node.index]                 # None: x1 does not reach this line
    shown = "None" if tangent is None else f"{tangent:.4f}"
    print(f"{line:<16}{node.value:>10.4f}{shown:>16}{adjoints[node.index]:>10.4f}")

# %% [markdown]
# Read the tangent column top to bottom. `None` marks the lines that $x_1$ never reaches
# ($x_2$ and $\sin x_2$): no path, not a slope that happens to be 0. It ends in $\partial f/\partial x_1 = 1/x_1 + x_2
# = 5.5$ at the output, and another forward sweep (seeded with $\dot x_2 = 1$) would be
# needed for $\partial f/\partial x_2$. Read the adjoint column bottom to top: it starts
# with 1 at the output and ends with **both** partial derivatives at the inputs,
# $\bar x_1 = 5.5$ and $\bar x_2 = x_1 - \cos x_2 = 1.7163$, from one sweep.
#
# The same steps as pictures. The highlighted box sends its adjoint back along the thick
# arrow, which points against the direction the data flowed (as in the player below);
# green boxes have already sent theirs.

# Under every box stand its value and, once it has one, its adjoint; under every picture,
# the step's rule with its numbers, and the legend says what the colours mean.

# %%
ad.sweep_filmstrip(th, "reverse", page_px=1100)

# %% [markdown]
# ### Animated
#
# Play the reverse sweep: watch the adjoint of `a` change at the `+=` step.

# %% tags=["nbval-ignore-output"]
ad.SweepPlayer(th, mode="reverse")

# %% [markdown]
# ## 5. A vjp is a row of the Jacobian
#
# Notebook 2 found that a forward pass gives $J v$, one **column** of the Jacobian. A
# reverse pass gives the other product, $u^\top J$: seeded with a cotangent $u$ at the
# outputs, it returns one number per input, a **row** (the *vector-Jacobian product*,
# vjp). Zygote's name for this is `pullback`: `y, back = pullback(f, x)` returns the value
# and a function that maps an output cotangent to input cotangents. adexplorer's is
# `ad.vjp`, with the same shape. For notebook 2's function from $\mathbb{R}^2$ to
# $\mathbb{R}^3$:

# %%
def spiral(v):
    return ad.stack([v[0] * v[1], ad.sin(v[0]), v[1] ** 2])


point = np.array([2.0, 3.0])
value, back = ad.vjp(spiral, point)     # Zygote: value, back = pullback(spiral, point)
print("value:", value)
for k in range(3):
    u = np.eye(3)[k]
    print(f"back({u}) =", back(u)[0])
print("jacrev:")
print(ad.jacrev(spiral)(point))

# %% [markdown]
# Three outputs, three reverse passes, one row each. So the shape of the Jacobian picks
# the mode: a **tall** one (many outputs, few inputs) has few columns and suits forward
# mode; a **wide** one (few outputs, many inputs) has few rows and suits reverse mode. A
# loss is the widest of all: one row. Here is a wide one, three inputs and two outputs,
# filled by `ad.jacobian_view` both ways: three forward sweeps (columns, left) against two
# reverse sweeps (rows, right; the dark row is the last pullback).

# %%
def wide(v):
    return ad.stack([ad.sum(v ** 2), v[0] * v[2]])


ad.jacobian_view(wide, np.array([1.0, 2.0, 3.0]), static=True)

# %% [markdown]
# ## 6. Many inputs, one output
#
# A loss function takes many inputs and returns one number. One reverse sweep gives the
# whole gradient, so its cost does not grow with the number of inputs, while forward mode
# needs one pass per input. Here is a loss of 10,000 weights, differentiated in a single
# reverse sweep:

# %%
def loss(w):
    return np.sum(np.tanh(w) ** 2) / len(w)


w = np.linspace(-2.0, 2.0, 10_000)
(grad_w,) = ad.gradient(loss, w)
tape = ad.trace(loss, w)
print(tape)
grad_w.shape, np.allclose(grad_w, 2 * np.tanh(w) / np.cosh(w) ** 2 / len(w))

# %% [markdown]
# Four array operations on the tape, 10,000 partial derivatives out, checked against the
# formula $\partial L / \partial w_i = 2\tanh(w_i)\,/\cosh^2(w_i)\,/\,n$. Forward mode would
# have needed 10,000 passes.
#
# The price is memory. The tape keeps every intermediate array until the reverse sweep
# has used it; `ad.tape_memory` is a meter that replays both sweeps and reports the most
# the tape held at once (the player shows the same meter under every step):

# %%
print(ad.tape_memory(tape).peak)

# %% [markdown]
# A handful of entries, but each is an array of 10,000 numbers. For a deep network the
# tape is what fills the memory of the machine; notebook 5 measures it against the loop
# length, and shows how *checkpointing* trades it for recomputation.
#
# ## 7. The talk's Zygote examples
#
# Zygote writes the derivative of `f` as `f'`; here it is `ad.grad(f)`. The talk's first
# example, $f(x) = 5x + 3$, gives the value and the slope at 10:

# %%
def f(x):
    return 5 * x + 3


f(10), ad.grad(f)(10)

# %% [markdown]
# (Integers in, integers out: `x` is an `int` and the slope is exactly 5.)
#
# The second example is a power function written with a `while` loop:

# %%
def pow(x, n):
    r = 1
    while n > 0:
        n -= 1
        r *= x
    return r


def g(x):
    return pow(x, 5)


ad.grad(g)(2)

# %% [markdown]
# $g(x) = x^5$, so $g'(2) = 5 \cdot 2^4 = 80$. Now the gradient with respect to **both**
# arguments of `pow`:

# %%
ad.gradient(pow, 2, 5)

# %% [markdown]
# ### What `None` means
#
# `None` is a statement about the **recording**, not about numbers: no differentiable
# path leads from that argument to the output. Reverse mode sends adjoints back along the
# recorded operations. The tape does hold the counter's updates `n - 1`, but none of the
# multiplications that compute `r` reads `n` or anything made from it: the comparison
# `n > 0` only decides *how many* of them run. So no adjoint ever reaches `n`. It is a *structural* zero, and Zygote writes it
# `nothing` for the same reason.
#
# Compare a function that does not use its argument at all. Forward mode pushes a
# tangent through it and reads a tangent of 0 at the output; reverse mode finds no path
# and answers `None`:

# %%
def constant(x):
    return 7.0


ad.derivative(constant, 2.0), ad.gradient(constant, 2.0)

# %% [markdown]
# Both say the same thing, "the output does not move when the input moves", one as a
# number and one as the absence of a path. `ad.explain_gradient` says, per argument, why
# an entry is `None`:

# %%
print(ad.explain_gradient(pow, 2, 5))

# %% [markdown]
# For the loop counter there is a second, deeper reason. A derivative is a limit of
# ever smaller changes of the input, and as a function of `n` this `pow` is a step
# function: `pow(2, 5.001)` runs the loop six times and returns 64, the same as
# `pow(2, 5.9)` or `pow(2, 6)`. It is flat between whole numbers and jumps at each one,
# so there is no slope to take the limit of. `pow(2, 6) - pow(2, 5) = 32` is a
# *finite difference* in $n$, a different thing from a derivative. An integer that controls the
# program's flow has no derivative to report, and AD reports none.
#
# `None` is about how a value is *used*, not about its type: an `int` that flows into
# arithmetic is an ordinary differentiable input.

# %%
ad.gradient(lambda x: x * x, 3)

# %% [markdown]
# ## 8. Everything at once
#
# Notebook 1 ended with `%%autodiff` in forward mode only. With both sweeps known, here
# is its whole output for `g(x) = pow(x, 5)` at 2: the Wengert list, the list of $g'$
# (forward mode), the adjoint list (reverse mode), both sweeps step by step, and the
# finite-difference check. `x` is used by all five multiplications, so its adjoint
# collects five contributions of $2^4 = 16$; the `+=` rows show the running total reach
# 80.

# %%
%load_ext adexplorer

# %%
%%autodiff --at x=2,n=5 --wrt x --static
pow(x, n)

# %% [markdown]
# Now that both sweeps are known, `ad.explore(f, x)` shows all of this interactively, in
# tabs: the Wengert lists, both sweeps animated, AD against finite differences with a
# step-size slider, and more. It is the view to keep open when the class suggests a
# function.

# %% tags=["nbval-ignore-output"]
ad.explore(g, 2.0)

# %% [markdown]
# ## Exercises
#
# Each exercise: a cell for your answer, a checker (run it: *right* or *not yet*, and
# why), and a collapsed solution.
#
# ### Exercise 3.1: predict the adjoints
#
# $k(x, y) = x \, y \, y$ at $(2, 3)$. Before running a sweep, predict the adjoints of the
# two inputs, $(\bar x, \bar y)$. Careful: `y` is used twice.

# %% tags=["exercise-answer"]
predicted = None   # your answer here, a tuple (x̄, ȳ)

# %% tags=["exercise-check"]
from adexplorer import exercises as ex


def check_predicted():
    return ex.check_number(predicted, ad.gradient(lambda x, y: x * y * y, 2.0, 3.0),
                           what="(x̄, ȳ)",
                           why="x̄ = y² = 9; y fans out, so ȳ collects x·y from each use: "
                               "6 + 6 = 12.",
                           hint="y feeds two multiplications: its adjoint is a sum (+=).")


check_predicted()

# %% tags=["exercise-solution"]
x_bar = 3.0 * 3.0               # ∂(x·y·y)/∂x = y²
y_bar = 2.0 * 3.0 + 2.0 * 3.0   # one x·y from each of the two uses of y
predicted = (x_bar, y_bar)

# %% tags=["exercise-check"]
check_predicted()

# %% [markdown]
# The player has a practice mode for the same kind of question, step by step: before it
# shows each adjoint of the reverse sweep, you type it in, and it checks your number and
# shows the rule.

# %% tags=["nbval-ignore-output"]
ad.SweepPlayer(ad.trace(lambda x, y: x * y * y, 2.0, 3.0), "reverse", practice=True)

# %% [markdown]
# ### Exercise 3.2: why is this gradient `None`?
#
# ```python
# def scaled(x, k):
#     if k > 0:
#         return 2.0 * x
#     return x
# ad.gradient(scaled, 1.5, 0.7)   # (2.0, None)
# ```
#
# Why is the second entry `None`? Choose one: `"a"`: because $k$ is positive; `"b"`:
# because the derivative with respect to $k$ is 0 at 0.7; `"c"`: because `k` is only read
# by a comparison, so no recorded operation leads from `k` to the output.

# %% tags=["exercise-answer"]
why_none = None   # "a", "b" or "c"

# %% tags=["exercise-check"]
def check_why_none():
    assert ad.gradient(lambda x, k: 2.0 * x if k > 0 else x, 1.5, 0.7) == (2.0, None)
    return ex.check_choice(why_none, "c", {
        "a": "No: with k = -0.7 the answer is None too (try it).",
        "b": "Not quite: the slope in k is 0 here, but the answer is None, not 0.0: "
             "reverse mode never computed a slope for k.",
        "c": "Yes: a comparison decides the branch but is not differentiated, so no "
             "adjoint reaches k: a structural zero.",
    })


check_why_none()

# %% tags=["exercise-solution"]
why_none = "c"

# %% tags=["exercise-check"]
check_why_none()

# %% [markdown]
# ### Exercise 3.3: `tanh` for the hand-made tracker
#
# Give the `Var` of section 1 a `tanh`: a new `Var` with the value $\tanh v$ and, as its
# one parent, `v` with the local partial $1 - \tanh^2 v$. The checker records
# `tanh(x)`, runs `backward` and reads `x.adjoint`.

# %% tags=["exercise-answer"]
def tanh(v):
    ...   # return a Var


# %% tags=["exercise-check"]
def adjoint_through(fn, value):
    """d fn / dx at value, by the hand-made tracker of section 1."""
    TAPE.clear()
    x = Var(value)
    out = fn(x)
    if not isinstance(out, Var):
        return None
    backward(out)
    return x.adjoint


def check_tanh():
    return ex.check_function(lambda v: adjoint_through(tanh, v),
                             lambda v: 1 - math.tanh(v) ** 2, points=[0.3, -1.2, 2.0],
                             what="the adjoint of x through your tanh")


check_tanh()

# %% tags=["exercise-solution"]
def tanh(v):
    t = math.tanh(v.value)
    return Var(t, ((v, 1 - t * t),))


# %% tags=["exercise-check"]
check_tanh()
