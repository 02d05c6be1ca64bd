# %% [markdown]
# # adexplorer: automatic differentiation you can see
#
# These notebooks teach automatic differentiation (AD) by retelling the talk
# *Intro to Zygote.jl — 21st Century AD Technique* in Python. The talk walks from the
# definition of a derivative to Zygote, a Julia library that differentiates whole
# programs. We walk the same road with **adexplorer**, a small AD library that shows its
# work: the Wengert list of a function and of its derivative, the computational graph,
# the forward and backward sweeps as animations, and, for code with loops, its SSA form
# and the adjoint code generated from it.
#
# | | notebook | what you will see | minutes |
# |---|---|---|---|
# | 1 | [What is AD](01_what_is_ad.ipynb) | the derivative definition, the chain rule, the Wengert list of $5\sin(\log x)$ and of its derivative, AD against finite differences | 15 |
# | 2 | [Forward mode](02_forward_mode.ipynb) | dual numbers built by hand in a few lines, adexplorer's `Dual` and `jvp`, the forward sweep animated, what forward mode costs | 20 |
# | 3 | [Reverse mode](03_reverse_mode.ipynb) | a tape built by hand, static and dynamic graphs, the backward sweep animated (with `+=` where values fan out), `gradient(pow, 2, 5) == (80, None)` | 20 |
# | 4 | [The Wengert list underneath dual numbers](04_wengert_under_dual_numbers.ipynb) | the trace of `f` against the trace of `D(f)`: primal and tangent operations interleaved | 10 |
# | 5 | [Source to source](05_source_to_source.ipynb) | SSA form and φ nodes, adjoint code generated from `pow` next to the talk's hand-written `grad_pow`, tape against SSA | 15 |
# | 6 | [Differentiable programming](06_differentiable_programming.ipynb) | control flow, recursion, closures, dicts, dataclasses, custom rules, $f''$, Hessians, perturbation confusion, a small model trained by gradient descent | 20 |
#
# ## Using them in a lecture
#
# * Each notebook is one 10–20 minute block: prose first (what and why), then code, then a
#   picture. Read the prose aloud or skip it; the code cells are short enough to type live.
# * Run a notebook top to bottom before class (*Run → Run All Cells*), so that every picture
#   is there when you scroll.
# * The animations (notebooks 2 and 3) have a Play button, a slider and step buttons: play
#   them once, then step through them slowly while the class reads the table next to the
#   graph.
# * Every number the talk shows comes out of a cell in these notebooks; the test suite
#   re-runs the notebooks and checks that it still does.
# * For a function the class suggests, `%load_ext adexplorer` and a cell starting with
#   `%%autodiff --at x=3.0` show its Wengert lists, sweeps and checks at once;
#   `ad.explore(f, x)` does the same in tabs (end of notebook 1).
# * On Binder, nothing needs installing: the README's badge opens JupyterLab on any of
#   these notebooks. Locally: `pip install -e ".[lab]"`, then `jupyter lab notebooks/`.
#
# ## Thirty seconds of adexplorer
#
# The talk's running example is $f(x) = 5\sin(\log x)$. Write it with adexplorer's math
# functions (or NumPy's) and ask for its derivative at 3:

# %%
import adexplorer as ad


def f(x):
    return 5 * ad.sin(ad.log(x))


ad.derivative(f, 3.0)

# %% [markdown]
# That is the first number on the talk's slides. Behind it is a recording of what `f` did,
# the **Wengert list**:

# %%
print(ad.trace(f, 3.0))

# %% [markdown]
# and the same list as a graph, data flowing left to right:

# %%
ad.plot_graph(ad.trace(f, 3.0))

# %% [markdown]
# ## Words used throughout
#
# | word | meaning |
# |---|---|
# | primal | an ordinary value computed by the program (`y1 = log(x)`) |
# | tangent | the derivative of a value with respect to an input, carried forward; the tangent of `y2` is written `y2'` under its box, and it is a line of the Wengert list of $f'$ (`y2' = dy3`: that list numbers its lines on its own) |
# | adjoint, cotangent | the derivative of the output with respect to a value, carried backward (`ȳ1`) |
# | Wengert list, tape, trace | the program as a list of single operations, each result named once |
# | jvp / vjp | Jacobian-vector product (forward mode) / vector-Jacobian product (reverse mode) |
# | SSA | static single assignment: the compiler's form of a program in which every variable is assigned once; loops become branches, and φ nodes choose a value where branches meet |
#
# Start with [1. What is AD](01_what_is_ad.ipynb).
