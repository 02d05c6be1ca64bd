# %% [markdown]
# # 6. Differentiable programming
#
# *About 35 minutes, 25 without the optional sections 9 and 12. Before: [5. Source to source](05_source_to_source.ipynb). Back to the
# [index](00_index.ipynb).*
#
# The talk ends on Zygote's promise: *compile every function into a differentiable one*.
# Not just layers of a neural network, but ordinary programs with loops, branches,
# recursion, closures, dictionaries and structs. When any program can be differentiated,
# programming itself becomes differentiable: you write a simulation, a renderer or a
# physics model, and tune its numbers by gradient descent.
#
# There is a limit, and notebook 3 met it. A gradient says how the output moves when a
# number moves a little. Where a program makes **discrete** decisions (a parser choosing
# a rule, a game picking a move, `round`, an `if` on the data) the output does not move
# at all under a small change, or jumps: the gradient is zero or undefined, and gradient
# descent learns nothing from it. Differentiable programming works on the smooth parts of
# a program, and discrete parts must first be *relaxed* into smooth ones (a softmax
# instead of an `argmax`, a probability instead of a choice), or handled by other means
# (estimators such as REINFORCE, search).
#
# This notebook runs through that list with adexplorer (sections 1 to 6), then looks at
# higher derivatives, at a classic trap (perturbation confusion) and at a small model
# trained end to end (sections 7 to 10), and ends with what the cost of a gradient is and
# where this all stands next to the big frameworks (sections 11 and 12). Short of time,
# teach the two halves in two sittings; the appendix is for the curious.

# %%
import math
from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np

import adexplorer as ad

plt.rcParams.update({"font.size": 11, "legend.fontsize": 11, "axes.titlesize": 12})

# %% [markdown]
# ## 1. Control flow
#
# A square root by Babylonian iteration: a branch for the starting guess and a loop of
# updates. adexplorer differentiates the iterations that actually ran, and six of them
# give the derivative of $\sqrt a$, $1/(2\sqrt a)$, to full precision.

# %%
def babylonian_sqrt(a, steps=6):
    x = a if a > 1 else 1.0
    for _ in range(steps):
        x = (x + a / x) / 2
    return x


babylonian_sqrt(2.0), ad.gradient(babylonian_sqrt, 2.0), 1 / (2 * math.sqrt(2.0))

# %% [markdown]
# ## 2. Recursion
#
# Horner's rule for a polynomial $c_0 + x(c_1 + x(c_2 + \dots))$, written recursively. The
# gradient has an entry for `x` and a **list** for the coefficients, shaped like the
# argument: $\partial p/\partial x = c_1 + 2c_2x$ and $\partial p/\partial c_k = x^k$.

# %%
def horner(x, coeffs):
    if len(coeffs) == 1:
        return coeffs[0]
    return coeffs[0] + x * horner(x, coeffs[1:])


ad.gradient(horner, 2.0, [1.0, 2.0, 3.0])

# %% [markdown]
# ## 3. Closures
#
# A function that builds a function. The parameter captured by the inner function is
# differentiated like any other value it touches.

# %%
def make_model(scale):
    def model(x):
        return scale * ad.tanh(x)
    return model


ad.gradient(lambda scale, x: make_model(scale)(x), 2.0, 0.5)

# %% [markdown]
# ## 4. Dictionaries
#
# The talk picks a function out of a dictionary by a name it reads from the keyboard, and
# differentiates the result: Zygote does not care how the function was chosen. A notebook
# under test cannot wait for the keyboard, so the name is a variable here.

# %%
fs = {"sin": ad.sin, "cos": ad.cos, "tan": ad.tan}
name = "sin"
ad.gradient(lambda x: fs[name](x), 1)

# %% [markdown]
# That is the talk's 0.5403023058681398 $= \cos 1$. A dictionary can also be the argument;
# its gradient is a dictionary with the same keys:

# %%
for name in fs:
    print(name, ad.gradient(lambda x: fs[name](x), 1))
ad.gradient(lambda p: p["a"] * p["b"] + p["a"], {"a": 2.0, "b": 3.0})

# %% [markdown]
# ## 5. Dataclasses (Julia's structs)
#
# The gradient of a dataclass instance is a dictionary of its fields' gradients.

# %%
@dataclass
class Line:
    slope: float
    intercept: float


def predict(line, x):
    return line.slope * x + line.intercept


ad.gradient(predict, Line(2.0, 1.0), 3.0)

# %% [markdown]
# ## 6. Your own derivative rules: `@ad.adjoint`
#
# Sometimes you know a better derivative than the one AD would find (a stable formula, a
# call into C, an implicit function). Zygote's `@adjoint` lets you give it: the function
# returns its value and a *pullback*, which maps the adjoint of the output to the adjoints
# of the inputs. The talk's example, with the pullback `Δ -> (Δ, Δ)`:

# %%
@ad.adjoint
def add(a, b):
    return a + b, lambda d: (d, d)


print(add(1.0, 2.0))
print(ad.trace(lambda a, b: add(a, b) * a, 1.0, 2.0))
ad.gradient(lambda a, b: add(a, b) * a, 1.0, 2.0)

# %% [markdown]
# `add` is one node in the trace, and its rule joins the same table as the built-in ones.
#
# The flip side: AD trusts a rule completely. Here is a deliberately **wrong** rule, which
# says the derivative of $\sin$ is $\sin$:

# %%
@ad.adjoint
def wrong_sin(x):
    return ad.sin(x), lambda d: (d * ad.sin(x),)


ad.gradient(wrong_sin, 1.0), math.cos(1.0)

# %% [markdown]
# No error, just a wrong number (0.84 instead of 0.54). Finite differences know nothing
# about rules, so they catch it. `ad.fd_check` shows the disagreement:

# %%
ad.fd_check(wrong_sin, 1.0)

# %% [markdown]
# and `adexplorer.testing.check_grads`, meant for test suites, compares forward mode,
# reverse mode and finite differences (up to second derivatives by default) and raises
# on the first disagreement:

# %%
from adexplorer.testing import check_grads

try:
    check_grads(wrong_sin, 1.0)
except AssertionError as error:
    print("check_grads caught it:", str(error).splitlines()[0])

check_grads(add, 1.0, 2.0)   # the correct rule passes silently
print("add: ok")

# %% [markdown]
# `ad.explore` runs the same kind of check whenever a function uses a rule of yours, and
# flags a disagreeing rule in red (open its *AD vs FD* tab):

# %% tags=["nbval-ignore-output"]
ad.explore(wrong_sin, 1.0)

# %% [markdown]
# ## 7. Second derivatives
#
# Zygote writes the first and second derivatives $f'$ and $(f')'$. Derivatives of
# derivatives come for free, because adexplorer's rules are written with the same
# differentiable operations they describe. The talk's numbers:

# %%
def f(x):
    return 5 * ad.sin(ad.log(x))


df = ad.grad(f)          # Zygote's f'
ddf = ad.D(ad.grad(f))   # the second derivative, here by forward mode over reverse mode
df(3.0), ddf(3.0)

# %% [markdown]
# Both are the talk's values. (Zygote's `(f')'` nests reverse mode twice; `ad.D(ad.grad(f))`
# puts forward mode over reverse mode, the mixed mode of section 8.) There are several ways
# to take a second derivative, and the talk also shows the closed form
# $f''(x) = -5\,(\sin(\log x) + \cos(\log x))/x^2$ giving a number that differs in the last
# digit. adexplorer reproduces that too:

# %%
def ddf_closed_form(x):
    return -(5 * (math.sin(math.log(x)) + math.cos(math.log(x)))) / x ** 2


print("forward over reverse  ad.D(ad.grad(f))", ad.D(ad.grad(f))(3.0))
print("Hessian               ad.hessian(f)   ", ad.hessian(f)(3.0))
print("forward over forward  ad.D(ad.D(f))   ", ad.D(ad.D(f))(3.0))
print("reverse over reverse  ad.grad(ad.grad)", ad.grad(ad.grad(f))(3.0))
print("closed form                           ", ddf_closed_form(3.0))

# %% [markdown]
# Which is right? The two are **neighbouring floating-point numbers**, one unit in the
# last place (ulp) apart: each method performs the multiplications and additions in a
# different order and rounds differently along the way, and each lands within one ulp of
# the exact value. Only one of them is the *correctly rounded* value, the double nearest
# to the exact $f''(3)$: it is ...649 (the appendix at the end computes 40 digits to show
# it). AD's derivatives are exact up to rounding, not bit-for-bit independent of how they
# are computed.
#
# ## 8. Hessians: forward over reverse
#
# For a function of $n$ inputs, the matrix of second derivatives is the Jacobian of the
# gradient. The gradient itself is cheapest in reverse mode: one output, so one reverse
# sweep gives all $n$ entries. Its Jacobian is square ($n \times n$), so pass counts do not
# choose the outer mode: forward or reverse, it takes $n$ passes (one Hessian-vector
# product each, a few gradients' worth of work). Forward mode is chosen outside because
# it needs no tape of its own: a dual number rides through the inner reverse pass, while
# reverse over reverse would record the whole reverse sweep on a second tape and keep it
# in memory. That is `ad.hessian`: `ad.jacfwd(ad.grad(f))`, the *mixed mode* from the
# talk's list. (For a large $n$ one seldom wants all $n^2$ entries: a single
# Hessian-vector product, one forward pass over the gradient, is what Newton-type
# methods use.) For Rosenbrock's
# function at its minimum $(1, 1)$ the Hessian by hand is
# $\begin{pmatrix} 2 + 1200x^2 - 400y & -400x \\ -400x & 200 \end{pmatrix}
#  = \begin{pmatrix} 802 & -400 \\ -400 & 200 \end{pmatrix}$:

# %%
def rosenbrock(v):
    return (1 - v[0]) ** 2 + 100 * (v[1] - v[0] ** 2) ** 2


ad.hessian(rosenbrock)(np.array([1.0, 1.0]))

# %% [markdown]
# ### A Hessian-vector product without the Hessian
#
# Newton-type methods and curvature estimates need $H v$, not $H$. Forward mode over
# reverse mode gives it in one pass: push the tangent $v$ through the computation of the
# gradient, `ad.jvp(ad.grad(f), (x,), (v,))`. The cost is a few gradients, whatever $n$
# is; forming $H$ first costs $n$ such passes and $n^2$ numbers of memory. For a function
# of 160 inputs:

# %%
def energy(x):
    return np.sum(np.sin(x[:-1] * x[1:])) + np.sum(x ** 4) / 4


def hvp(f, x, v):
    """H(x) @ v by forward mode over reverse mode: one jvp of the gradient."""
    return ad.jvp(ad.grad(f), (x,), (v,))[1]


x160 = np.linspace(-1.0, 1.0, 160)
v160 = np.cos(np.arange(160.0))
print("H v, first entries:", np.round(hvp(energy, x160, v160)[:4], 6))
print("same as hessian @ v:", np.allclose(hvp(energy, x160, v160),
                                          ad.hessian(energy)(x160) @ v160))

# %% [markdown]
# Timed on the machine that ran this notebook (the numbers change from run to run and
# are not compared by the tests):

# %% tags=["nbval-ignore-output"]
import statistics
import timeit

for n in (10, 40, 160):
    x, v = np.linspace(-1.0, 1.0, n), np.cos(np.arange(float(n)))
    full = min(timeit.repeat(lambda: ad.hessian(energy)(x) @ v, number=1, repeat=3))
    one = min(timeit.repeat(lambda: hvp(energy, x, v), number=5, repeat=3)) / 5
    print(f"n = {n:3}:  hessian(f)(x) @ v {full * 1e3:7.1f} ms   "
          f"hvp {one * 1e3:5.2f} ms   ratio {full / one:5.0f}")

# %% [markdown]
# ## 9. A lab: perturbation confusion
#
# *Optional (10 minutes): a trap of nested derivatives, and how tags avoid it.*
#
# Nested derivatives hide a trap. Take
#
# $$\frac{d}{dx}\Big[\, x \cdot \frac{d}{dy}(x + y)\Big|_{y=1} \Big]_{x=1}.$$
#
# The inner derivative is $\frac{d}{dy}(x + y) = 1$, so the bracket is $x$ and the answer
# is **1**. Now the naive dual numbers of notebook 2, reduced to the two operations this
# example needs:

# %%
class NaiveDual:
    """Dual numbers without tags: every D uses the same ε."""

    def __init__(self, x, eps):
        self.x, self.eps = x, eps

    def __add__(a, b):
        b = b if isinstance(b, NaiveDual) else NaiveDual(b, 0)
        return NaiveDual(a.x + b.x, a.eps + b.eps)

    def __mul__(a, b):
        b = b if isinstance(b, NaiveDual) else NaiveDual(b, 0)
        return NaiveDual(a.x * b.x, b.x * a.eps + a.x * b.eps)

    __radd__, __rmul__ = __add__, __mul__


def naive_D(f):
    return lambda x: f(NaiveDual(x, 1)).eps


naive_D(lambda x: x * naive_D(lambda y: x + y)(1))(1)

# %% [markdown]
# **2**, not 1. Inside the inner derivative, `x` is already a dual number carrying the
# *outer* perturbation $\varepsilon$. The inner `D` adds its own $\varepsilon$ to `y`, and
# since both are the same symbol, `x + y` has tangent $1 + 1 = 2$: the inner derivative
# mistakes the outer perturbation for its own. That is **perturbation confusion**
# (Siskind and Pearlmutter).
#
# The cure is to give every `D` its own, distinct $\varepsilon$ (a *tag*), and to let each
# `D` read only the tangent carrying its own tag. adexplorer's `D` does that (each
# transformation is a separate level), so the same expression gives the right answer:

# %%
ad.D(lambda x: x * ad.D(lambda y: x + y)(1))(1)

# %% [markdown]
# The same holds in every mix of modes:

# %%
inner = lambda x: x * ad.grad(lambda y: x + y)(1.0)   # noqa: E731
ad.D(inner)(1.0), ad.grad(inner)(1.0), ad.grad(lambda x: x * ad.D(lambda y: x + y)(1.0))(1.0)

# %% [markdown]
# ## 10. A small model: logistic regression by gradient descent
#
# Everything together: NumPy code, a dictionary of parameters, and `ad.value_and_grad`
# for the loss and its gradient in one reverse sweep. Two clouds of points, a line to
# separate them, trained with plain gradient descent.

# %%
rng = np.random.default_rng(0)
X = np.vstack([rng.normal([-1.0, -1.0], 0.8, size=(100, 2)),
               rng.normal([1.2, 1.0], 0.8, size=(100, 2))])
labels = np.r_[np.zeros(100), np.ones(100)]


def loss(params, X, labels):
    """Mean cross-entropy of the predicted probabilities sigmoid(X @ w + b)."""
    p = ad.sigmoid(X @ params["w"] + params["b"])
    return -np.mean(labels * np.log(p) + (1 - labels) * np.log(1 - p))


params = {"w": np.zeros(2), "b": 0.0}
loss_and_gradient = ad.value_and_grad(loss)
history = []
for step in range(300):
    value, gradient = loss_and_gradient(params, X, labels)
    history.append(float(value))
    params = {k: params[k] - 0.5 * gradient[k] for k in params}

accuracy = np.mean((X @ params["w"] + params["b"] > 0) == (labels == 1))
print(f"loss: start {history[0]:.4f}, after 100 steps {history[100]:.4f}, "
      f"end {history[-1]:.4f}")
print(f"w = {np.round(params['w'], 3)}, b = {params['b']:.3f}, accuracy {accuracy:.1%}")

# %%
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8))
left.plot(history, label="loss after each step")
left.legend()
left.set_xlabel("gradient-descent step")
left.set_ylabel("cross-entropy loss")
left.set_title("training loss")
left.grid(alpha=0.3)
right.scatter(*X[labels == 0].T, s=12, label="class 0")
right.scatter(*X[labels == 1].T, s=12, label="class 1")
xs = np.linspace(-3.5, 3.5, 2)
w, b = params["w"], params["b"]
right.plot(xs, -(w[0] * xs + b) / w[1], "k-", label="decision boundary")
right.set_xlim(-3.5, 3.5)
right.set_ylim(-3.5, 3.5)
right.set_title("the data and the learned line")
right.legend(loc="upper left")
plt.tight_layout()
plt.show()

# %% [markdown]
# ## 11. The cheap-gradient principle
#
# Training that model took 300 gradients of a loss with three parameters. Had it had a
# million parameters, each gradient would still have cost about as much as a few
# evaluations of the loss. That is the **cheap-gradient principle** of reverse mode
# (Baur and Strassen for arithmetic circuits; Griewank for programs): the gradient of a
# scalar function costs at most a small constant times the function itself (at most 4 or
# 5 in Griewank's count of operations, often 2 to 3 in practice), **independent of the
# number of inputs**.
# Forward mode, with one pass per input, would cost $n$ times.
#
# Counting is exact and does not depend on the machine. For
# $\sum_i \sin(x_i)\, e^{-x_i^2}$, record the function and then its gradient, and count
# the array operations each one runs (every one of them over all $n$ elements):

# %%
def bump(x):
    return np.sum(np.sin(x) * np.exp(-x ** 2))


def operations(trace):
    """The operations a trace recorded, leaving out its inputs."""
    return len(trace) - len(trace.inputs)


for n in (10, 1_000, 100_000):
    x = np.linspace(-3.0, 3.0, n)
    f_ops = operations(ad.trace(bump, x))
    g_ops = operations(ad.trace(ad.grad(bump), x))
    print(f"n = {n:7,}:  f {f_ops} array operations,  gradient {g_ops} "
          f"(f's own {f_ops} included),  ratio {g_ops / f_ops:.1f}")

# %% [markdown]
# The gradient runs `sin`, `exp`, the product and the rest once more on the way forward,
# then `cos`, the chain rule's products and a final sum on the way back: 15 operations
# against 6, a ratio of 2.5 whatever $n$ is.
#
# Timing it is less exact. Measured on the machine that ran this notebook (the median of
# 15 runs of each; the tests do not compare these numbers):

# %% tags=["nbval-ignore-output"]
for n in (10_000, 100_000, 1_000_000):
    x = np.linspace(-3.0, 3.0, n)
    f_time = statistics.median(timeit.repeat(lambda: bump(x), number=3, repeat=15)) / 3
    g_time = statistics.median(
        timeit.repeat(lambda: ad.gradient(bump, x), number=3, repeat=15)) / 3
    print(f"n = {n:9,}:  f {f_time * 1e3:7.2f} ms   gradient {g_time * 1e3:7.2f} ms   "
          f"ratio {g_time / f_time:4.1f}")

# %% [markdown]
# The timed ratios are not the count's 2.5, and they change from run to run: operations
# differ in cost (a `cos` costs more than a product), small arrays pay Python's fixed cost
# per operation (a tenth of a millisecond is mostly that), and on a machine busy with
# other work single timings jump, so one run can show 2.6 for one size and 5 or more for
# another. What the timing cannot show as well as the count does is the principle: the ratio does
# not grow with $n$, where forward mode would have needed $n$ passes.
# The project's speed measurements (one thread, this function at $10^6$ inputs and the
# loss of a small neural network) put adexplorer's gradient at 1.08 and 1.05 times the
# cost of a gradient written by hand in NumPy, the floor for a tape built on NumPy.
#
# ## 12. Where adexplorer stands: Zygote + XLA, Zygote + PyTorch, and Python
#
# *Optional (a reading, 5 minutes): the libraries that do this at scale.*
#
# The talk closes with two pictures: Zygote driving **XLA.jl** (Julia code compiled for
# Google's accelerator compiler, XLA, and TPUs), and Zygote next to **PyTorch** (calling
# PyTorch's kernels from Julia, and differentiating through them). Their Python
# counterparts:
#
# | the talk | in Python | how it gets a derivative |
# |---|---|---|
# | Zygote + XLA.jl | **JAX** (`jax.grad`, `jax.jit`) | traces the Python function into its own IR (a *jaxpr*), differentiates that, and compiles it with XLA for CPU, GPU or TPU |
# | Zygote + PyTorch | **PyTorch** eager, and `torch.compile` | records a tape while running, like notebook 3; `torch.compile` captures the graph (TorchDynamo) and its backward (AOTAutograd) and compiles both |
# | Zygote (source to source) | Google's **Tangent** (2017) | read the Python source and wrote the adjoint as Python source, like notebook 5 |
# | | **adexplorer** | a tape recorded on every call (notebook 3), dual numbers (notebook 2), and adjoint source from SSA form (notebook 5), with no compiler behind them |
#
# adexplorer is for seeing how AD works, and for small programs; it gives the same
# numbers as those libraries, but not their speed on big arrays or accelerators. What
# carries over is the vocabulary: primal, tangent, cotangent, `jvp`, `vjp`, `grad`,
# `jacfwd`, `jacrev` mean the same thing in JAX, and Zygote's `pullback` is `ad.vjp`.
#
# ## Conclusion
#
# * AD computes derivatives of **programs** exactly up to rounding, by applying the chain
#   rule to the Wengert list of the operations the program runs.
# * **Forward mode** (dual numbers) gives a column of the Jacobian per pass; **reverse
#   mode** (a tape, or an adjoint program) gives a row per pass, so one pass for the
#   gradient of a loss, at a small constant times the cost of the loss.
# * Reverse mode must **store** what its reverse sweep needs, on a tape or a stack;
#   recomputing instead (checkpointing) trades time for memory.
# * **Source-to-source** AD differentiates the SSA form of a program, so loops stay loops
#   and the compiler can optimise the derivative; that is Zygote's approach.
# * With AD, any program built from smooth operations can be tuned by gradient descent:
#   differentiable programming. Its discrete decisions have no useful gradient.
#
# ## References
#
# The talk's nine references:
#
# 1. Zygote.jl: <https://github.com/FluxML/Zygote.jl>
# 2. Mike Innes, *diff-zoo*, differentiation for hackers: <https://github.com/MikeInnes/diff-zoo>
# 3. Michael Innes, *Don't Unroll Adjoint: Differentiating SSA-Form Programs* (2018):
#    <https://arxiv.org/pdf/1810.07951.pdf>
# 4. Atılım Güneş Baydin, *Automatic differentiation* (slides, 2016):
#    <http://www.robots.ox.ac.uk/~gunes/assets/pdf/slides-baydin-ad-atipp16.pdf>
# 5. Flux, the Julia machine-learning library built on Zygote: <https://fluxml.ai>
# 6. Mike Innes, *Models as Code: Differentiable Programming with Zygote* (slides, 2019):
#    <https://www.microsoft.com/en-us/research/uploads/prod/2019/06/Models-as-Code-Differentiable-Programming-with-Zygote-slides.pdf>
# 7. Roger Luo, *Implement your own source-to-source AD in one day* (blog, 2019):
#    <http://blog.rogerluo.me/2019/07/27/yassad/>
# 8. A recorded talk on Zygote: <https://www.youtube.com/watch?v=OcUXjk7DFvU&t=839s>
# 9. Mike Innes et al., *A Differentiable Programming System to Bridge Machine Learning
#    and Scientific Computing* (2019): <https://arxiv.org/pdf/1907.07587.pdf>
#
# And the ones these notebooks drew on besides: Baydin, Pearlmutter, Radul and Siskind,
# *Automatic differentiation in machine learning: a survey* (JMLR, 2018); the JAX
# *autodiff cookbook*; Andrej Karpathy's *micrograd*; Griewank and Walther, *Evaluating
# Derivatives* (2008).
#
# ## Exercises
#
# Each exercise: a cell for your answer, a checker (run it: *right* or *not yet*, and
# why), and a collapsed solution.
#
# ### Exercise 6.1: a rule that passes `check_grads`
#
# Write `softplus(x)` $= \log(1 + e^x)$ with a rule of your own, `@ad.adjoint`: return the
# value and a pullback. Its derivative is the logistic sigmoid,
# $1 / (1 + e^{-x})$ (`ad.sigmoid`). The checker runs `check_grads` on it.

# %% tags=["exercise-answer"]
softplus = None   # your @ad.adjoint function here

# %% tags=["exercise-check"]
from adexplorer import exercises as ex


def check_softplus():
    return ex.check_rule(softplus, 0.3, reference=lambda x: math.log1p(math.exp(x)))


check_softplus()

# %% tags=["exercise-solution"]
@ad.adjoint
def softplus(x):
    return ad.log1p(ad.exp(x)), lambda d: (d * ad.sigmoid(x),)


# %% tags=["exercise-check"]
check_softplus()

# %% [markdown]
# ### Exercise 6.2: a Hessian-vector product
#
# For `rosenbrock` of section 8 at $(1, 1)$, compute $H v$ for $v = (1, 2)$ **without**
# forming the Hessian: one `ad.jvp` of `ad.grad(rosenbrock)`.

# %% tags=["exercise-answer"]
hv = None   # your answer here

# %% tags=["exercise-check"]
def check_hv():
    point, v = np.array([1.0, 1.0]), np.array([1.0, 2.0])
    return ex.check_number(None if hv is None else tuple(np.asarray(hv, dtype=float)),
                           tuple(float(c) for c in ad.hessian(rosenbrock)(point) @ v),
                           what="H v",
                           why="802·1 - 400·2 = 2 and -400·1 + 200·2 = 0: along (1, 2), "
                               "the floor of Rosenbrock's valley, the curvature is small.",
                           hint="ad.jvp(ad.grad(rosenbrock), (point,), (v,)) returns "
                                "(gradient, H v).")


check_hv()

# %% tags=["exercise-solution"]
_, hv = ad.jvp(ad.grad(rosenbrock), (np.array([1.0, 1.0]),), (np.array([1.0, 2.0]),))
hv

# %% tags=["exercise-check"]
check_hv()

# %% [markdown]
# ### Exercise 6.3: a discrete step
#
# A program rounds a price to whole cents: `cents(x) = ad.round(100 * x) / 100`. What is
# `ad.gradient(cents, 2.345)`, and what does it tell gradient descent? Choose: `"a"`:
# `(1.0,)`, the price passes through; `"b"`: `(0.0,)`, so gradient descent cannot tune
# `x` through this step; `"c"`: `(None,)`, because `round` is not differentiable.

# %% tags=["exercise-answer"]
rounding = None   # "a", "b" or "c"

# %% tags=["exercise-check"]
def check_rounding():
    assert ad.gradient(lambda x: ad.round(100 * x) / 100, 2.345) == (0.0,)
    return ex.check_choice(rounding, "b", {
        "a": "No: a small change of x leaves the rounded price where it is.",
        "b": "Yes: the output is flat between steps, so the slope is 0 almost everywhere "
             "(and undefined at the steps); a gradient cannot see the jumps.",
        "c": "Not here: x does reach the output through round, so adexplorer gives "
             "round's slope, 0; None would mean no path at all.",
    })


check_rounding()

# %% tags=["exercise-solution"]
rounding = "b"

# %% tags=["exercise-check"]
check_rounding()

# %% [markdown]
# ## Appendix: which rounding is nearer?
#
# Section 7 printed two second derivatives of $5\sin(\log x)$ at 3 that differ in the last
# digit, -0.7474497024968648 and -0.7474497024968649. A 40-digit reference, computed with
# Python's `decimal` module (a Taylor series for sin and cos), settles which double is
# nearest to the exact value:

# %%
from decimal import Decimal, getcontext

getcontext().prec = 40


def taylor(t, first_power):
    """sin (first_power=1) or cos (first_power=0) of a Decimal by its Taylor series."""
    term = t if first_power else Decimal(1)
    total, k = term, first_power
    while abs(term) > Decimal(10) ** -45:
        term = -term * t * t / ((k + 1) * (k + 2))
        total, k = total + term, k + 2
    return total


log3 = Decimal(3).ln()
exact = -(5 * (taylor(log3, 1) + taylor(log3, 0))) / 9
a, b = -0.7474497024968648, -0.7474497024968649
print("exact  ", format(exact, ".25f"))
print("neighbours:", np.nextafter(a, -1.0) == b,
      "  ulp =", abs(a - b))
print("distance of ...648 from exact:", float(abs(Decimal(a) - exact)))
print("distance of ...649 from exact:", float(abs(Decimal(b) - exact)))

# %% [markdown]
# The exact value rounds to ...649, the correctly rounded result; ...648 is off by about
# $0.76 \cdot 10^{-16}$, less than one ulp. Zygote's `(f')'` (reverse over reverse, in Julia) and adexplorer's forward over
# reverse happen to round the same way, which is why the talk's -0.7474497024968648 comes
# out exactly; in adexplorer, nesting forward mode twice, or reverse mode twice, or the
# closed form, lands on the neighbour. The same nesting in two libraries need not round
# alike, and any of them is as accurate as double precision allows.
