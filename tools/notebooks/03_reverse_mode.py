# %% [markdown]
# # 3. Reverse mode: the tracker
#
# *About 20 minutes. Before: [2. Forward mode](02_forward_mode.ipynb). Next:
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
# One backward sweep gives the derivative of one output with respect to **every** input at
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
# functions. The backward sweep has a Wengert list of its own, the **adjoint list**:
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
# * A **static graph** is recorded once and then reused for every input
#   (TensorFlow 1's sessions). Reuse is fast, but a recording only contains the path the
#   program took while it was recorded, so `if` and `while` must be written as special
#   graph operations (`tf.cond`, `tf.while_loop`).
# * A **dynamic graph** is recorded again on every call (PyTorch's eager mode, Chainer,
#   adexplorer). Python's own `if` and `while` decide what gets recorded, so any program
#   can be differentiated, at the price of recording each time.
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
# the wrong branch. Recording on every call gives the right slope, 3, on each side. Loops
# behave the same way: a loop that runs $n$ times leaves $n$ copies of its body on the tape
# (notebook 5 shows how source-to-source AD avoids that).
#
# ## 4. The backward sweep, and `+=` where a value fans out
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
# The same steps as pictures. The highlighted box sends its adjoint back along the thick
# arrow, which points against the direction the data flowed (as in the player below);
# green boxes have already sent theirs.

# %%
import matplotlib.pyplot as plt


def filmstrip(trace, sweep):
    """One small picture of the graph per step of a sweep."""
    fig, axes = plt.subplots(len(sweep), 1, figsize=(7, 1.9 * len(sweep)))
    for k, (ax, step) in enumerate(zip(axes, sweep), start=1):
        edge = [] if step.parent is None else [(step.parent, step.node)]
        done = [s.node for s in sweep[:k - 1]]
        ad.plot_graph(trace, highlight=step.node, done=done, edges=edge, backwards=True,
                      ax=ax, title=f"step {k}: {step.symbols}")
    plt.show()


filmstrip(th, sweep)

# %% [markdown]
# ### Animated
#
# Play the backward sweep: watch the adjoint of `a` change at the `+=` step.

# %% tags=["nbval-ignore-output"]
ad.SweepPlayer(th, mode="reverse")

# %% [markdown]
# ## 5. Many inputs, one output
#
# A loss function takes many inputs and returns one number. One backward sweep gives the
# whole gradient, so its cost does not grow with the number of inputs, while forward mode
# needs one pass per input. Here is a loss of 10,000 weights, differentiated in a single
# backward sweep:

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
# ## 6. The talk's Zygote examples
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
# `n` is only a loop counter: it decides *how many* multiplications happen, but no value
# the output is computed from depends smoothly on it. There are three things a library
# could answer:
#
# | answer | what it claims | why not |
# |---|---|---|
# | raise an error | "this function cannot be differentiated" | but it can, with respect to `x`; a loop counter next to a real input is normal code |
# | `0` | "changing `n` does not change the output" | false: `pow(2, 6)` is 64, not 32 |
# | `None` | "the output has no derivative with respect to `n` at all" | this is what Zygote (`nothing`) and adexplorer say |
#
# `ad.explain_gradient` says, per argument, why an entry is `None`:

# %%
print(pow(2, 5), pow(2, 6))
print(ad.explain_gradient(pow, 2, 5))

# %% [markdown]
# `None` is about how a value is *used*, not about its type: an `int` that flows into
# arithmetic is an ordinary differentiable input.

# %%
ad.gradient(lambda x: x * x, 3)

# %% [markdown]
# ## 7. Everything at once
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
# ## Try it
#
# * Add `__sub__` and `exp` to the hand-made `Var` and check `backward` against
#   `ad.gradient`.
# * Play `ad.SweepPlayer(ad.trace(lambda x: x * x * x, 2.0), mode="reverse")`. How many
#   `+=` steps does `x` get, and why?
# * What does `ad.gradient(pow, 2.0, 0)` return? Explain both entries.
