# %% [markdown]
# # 6. Differentiable programming
#
# *About 20 minutes. Before: [5. Source to source](05_source_to_source.ipynb). Back to the
# [index](00_index.ipynb).*
#
# The talk ends on Zygote's promise: *compile every function into a differentiable one*.
# Not just layers of a neural network, but ordinary programs with loops, branches,
# recursion, closures, dictionaries and structs. When any program can be differentiated,
# programming itself becomes differentiable: you write a simulation, a parser or a game,
# and tune its numbers by gradient descent.
#
# This notebook runs through that list with adexplorer (sections 1 to 6), then looks at
# higher derivatives, at a classic trap (perturbation confusion) and at a small model
# trained end to end (sections 7 to 10). Short of time, teach the two halves in two
# sittings; the appendix is for the curious.

# %%
import math
from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np

import adexplorer as ad

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
# ## 7. $f'$ and $(f')'$
#
# Derivatives of derivatives come for free, because adexplorer's rules are written with
# the same differentiable operations they describe. The talk's numbers:

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
# Which is right? Both are. They are **neighbouring floating-point numbers**, one unit in
# the last place (ulp) apart: each method performs the multiplications and additions in a
# different order and rounds differently along the way. AD's derivatives are exact up to
# rounding, not bit-for-bit independent of how they are computed. (The appendix at the end
# settles, with 40 digits, which of the two doubles is nearer the exact value.)
#
# ## 8. Hessians: forward over reverse
#
# For a function of $n$ inputs, the matrix of second derivatives is the Jacobian of the
# gradient. The gradient itself is cheapest in reverse mode: one output, so one backward
# sweep gives all $n$ entries. Its Jacobian is square ($n \times n$), so pass counts do not
# choose the outer mode: forward or reverse, it takes $n$ passes (one Hessian-vector
# product each, a few gradients' worth of work). Forward mode is chosen outside because
# it needs no tape of its own: a dual number rides through the inner reverse pass, while
# reverse over reverse would record the whole backward sweep on a second tape and keep it
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
# ## 9. A lab: perturbation confusion
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
# for the loss and its gradient in one backward sweep. Two clouds of points, a line to
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
left.plot(history)
left.set_xlabel("gradient-descent step")
left.set_ylabel("cross-entropy loss")
left.set_title("training loss", fontsize=10)
left.grid(alpha=0.3)
right.scatter(*X[labels == 0].T, s=12, label="class 0")
right.scatter(*X[labels == 1].T, s=12, label="class 1")
xs = np.linspace(-3.5, 3.5, 2)
w, b = params["w"], params["b"]
right.plot(xs, -(w[0] * xs + b) / w[1], "k-", label="decision boundary")
right.set_xlim(-3.5, 3.5)
right.set_ylim(-3.5, 3.5)
right.set_title("the data and the learned line", fontsize=10)
right.legend(fontsize=8, loc="upper left")
plt.tight_layout()
plt.show()

# %% [markdown]
# ## Where to go from here
#
# * The [Zygote.jl](https://github.com/FluxML/Zygote.jl) documentation and its paper
#   *Don't Unroll Adjoint: Differentiating SSA-Form Programs* (Innes, 2018).
# * Mike Innes' [diff-zoo](https://github.com/MikeInnes/diff-zoo): Wengert lists and
#   forward/reverse mode in small notebooks.
# * Baydin et al., *Automatic differentiation in machine learning: a survey* (2018).
#
# ## Try it
#
# * Add a third feature `X[:, 0] * X[:, 1]` to the model. Does the loss go lower?
# * Write a rule with `@ad.adjoint` for `softplus(x) = log(1 + exp(x))` and check it with
#   `check_grads`.
# * Build a `TaggedDual` that fixes `NaiveDual`: give each call of `D` a fresh tag and
#   make arithmetic keep tangents with different tags apart.

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
# The exact value rounds to ...649; ...648 is off by about $0.76 \cdot 10^{-16}$, less than
# one ulp. Zygote's `(f')'` (reverse over reverse, in Julia) and adexplorer's forward over
# reverse happen to round the same way, which is why the talk's -0.7474497024968648 comes
# out exactly; in adexplorer, nesting forward mode twice, or reverse mode twice, or the
# closed form, lands on the neighbour. The same nesting in two libraries need not round
# alike, and any of them is as accurate as double precision allows.
