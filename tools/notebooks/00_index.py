# %% [markdown]
# # adexplorer: automatic differentiation you can see
#
# These notebooks teach automatic differentiation (AD) by retelling the talk
# *Intro to Zygote.jl — 21st Century AD Technique* in Python. The talk walks from the
# definition of a derivative to Zygote, a Julia library that differentiates whole
# programs. We walk the same road with **adexplorer**, a small AD library that shows its
# work: the Wengert list of a function and of its derivative, the computational graph,
# the forward and reverse sweeps as animations, and, for code with loops, its SSA form
# and the adjoint code generated from it.
#
# | | notebook | what you will see | minutes |
# |---|---|---|---|
# | 1 | [What is AD](01_what_is_ad.ipynb) | the derivative definition, the chain rule, the Wengert list of $5\sin(\log x)$ and of its derivative, AD against finite differences, expression swell | 20 |
# | 2 | [Forward mode](02_forward_mode.ipynb) | dual numbers built by hand in a few lines, adexplorer's `Dual` and `jvp` (a column of the Jacobian), NumPy protocols, the forward sweep animated, what forward mode costs | 22 |
# | 3 | [Reverse mode](03_reverse_mode.ipynb) | a tape built by hand, static and dynamic graphs, primal, tangent and adjoint side by side, the reverse sweep animated (with `+=` where values fan out), `vjp` (a row), `gradient(pow, 2, 5) == (80, None)` | 30 |
# | 4 | [The Wengert list underneath dual numbers](04_wengert_under_dual_numbers.ipynb) | the trace of `f` against the trace of `D(f)` and the talk's Julia listings: primal and tangent operations interleaved | 10 |
# | 5 | [Source to source](05_source_to_source.ipynb) | the pipeline, SSA form and φ nodes, adjoint code generated from `pow` next to the talk's hand-written `grad_pow`, tape against SSA: speed and memory, checkpointing | 20 |
# | 6 | [Differentiable programming](06_differentiable_programming.ipynb) | control flow, recursion, closures, dicts, dataclasses, custom rules, $f''$, Hessians and Hessian-vector products, perturbation confusion, a small model trained by gradient descent, the cheap-gradient principle, JAX and PyTorch, references | 35 (25 without the optional sections 9 and 12) |
#
# The minutes are for reading and running the sections; every notebook ends with 2 or 3
# exercises on top (below: how long they take).
#
# ## A 90-minute lecture
#
# The talk's story in one sitting: every section below runs on its own once the notebook's
# earlier code cells have run (*Run All* first, then scroll). Skip the rest.
#
# | minutes | section |
# |---|---|
# | 4 | [1.1 The definition of the derivative](01_what_is_ad.ipynb#1.-The-definition-of-the-derivative) |
# | 3 | [1.2 The chain rule](01_what_is_ad.ipynb#2.-The-chain-rule) |
# | 7 | [1.3 The Wengert list](01_what_is_ad.ipynb#3.-The-Wengert-list) |
# | 5 | [1.5 Expression swell](01_what_is_ad.ipynb#5.-Why-not-symbolic-differentiation?-Expression-swell) |
# | 7 | [2.1 Dual numbers, built by hand](02_forward_mode.ipynb#1.-Build-it-yourself) |
# | 3 | [2.2 A jvp is a column of the Jacobian](02_forward_mode.ipynb#A-jvp-is-a-column-of-the-Jacobian) |
# | 5 | [2.4 The forward sweep, step by step](02_forward_mode.ipynb#4.-The-forward-sweep,-step-by-step) |
# | 4 | [2.5 What forward mode costs](02_forward_mode.ipynb#5.-What-forward-mode-costs) |
# | 5 | [3.1 A tracker in twenty lines](03_reverse_mode.ipynb#1.-A-tracker-in-twenty-lines) |
# | 3 | [3.3 Static and dynamic graphs](03_reverse_mode.ipynb#3.-Static-and-dynamic-graphs) |
# | 6 | [3.4 The reverse sweep](03_reverse_mode.ipynb#4.-The-reverse-sweep,-and-+=-where-a-value-fans-out) |
# | 4 | [3.5 A vjp is a row of the Jacobian](03_reverse_mode.ipynb#5.-A-vjp-is-a-row-of-the-Jacobian) |
# | 5 | [3.7 The talk's Zygote examples, and what `None` means](03_reverse_mode.ipynb#7.-The-talk's-Zygote-examples) |
# | 4 | [4.2 The trace of `D(f)`](04_wengert_under_dual_numbers.ipynb#2.-The-trace-of-D(f)) |
# | 3 | [5.0 The pipeline](05_source_to_source.ipynb#The-pipeline,-from-source-to-adjoint) |
# | 4 | [5.1 SSA form](05_source_to_source.ipynb#1.-SSA-form) |
# | 5 | [5.3 The adjoint, written as code](05_source_to_source.ipynb#3.-The-adjoint,-written-as-code) |
# | 2 | [5.5 What it does not buy: memory](05_source_to_source.ipynb#5.-What-it-does-not-buy:-memory) |
# | 3 | [5.6 Checkpointing](05_source_to_source.ipynb#6.-Checkpointing:-recompute-instead-of-store) |
# | 3 | [6.7 Second derivatives](06_differentiable_programming.ipynb#7.-Second-derivatives) |
# | 3 | [6.11 The cheap-gradient principle](06_differentiable_programming.ipynb#11.-The-cheap-gradient-principle) |
# | 2 | [6. Conclusion](06_differentiable_programming.ipynb#Conclusion) |
#
# ## A 3-hour workshop
#
# Every notebook and its exercises, with a break after notebook 3. Notebook 6's optional
# sections (9 and 12) are left for reading afterwards.
#
# | minutes | block |
# |---|---|
# | 20 | [1. What is AD](01_what_is_ad.ipynb), all sections |
# | 7 | [its exercises](01_what_is_ad.ipynb#Exercises) |
# | 22 | [2. Forward mode](02_forward_mode.ipynb), all sections |
# | 7 | [its exercises](02_forward_mode.ipynb#Exercises) |
# | 30 | [3. Reverse mode](03_reverse_mode.ipynb), all sections |
# | 9 | [its exercises](03_reverse_mode.ipynb#Exercises) |
# | 10 | *Break* |
# | 10 | [4. The Wengert list underneath dual numbers](04_wengert_under_dual_numbers.ipynb), all sections |
# | 5 | [its exercises](04_wengert_under_dual_numbers.ipynb#Exercises) |
# | 20 | [5. Source to source](05_source_to_source.ipynb), all sections |
# | 8 | [its exercises](05_source_to_source.ipynb#Exercises) |
# | 25 | [6. Differentiable programming](06_differentiable_programming.ipynb), all but the optional sections 9 and 12 |
# | 7 | [its exercises](06_differentiable_programming.ipynb#Exercises) |
#
# ## Using them in a lecture
#
# * Each notebook is one 10–35 minute block: prose first (what and why), then code, then a
#   picture. Read the prose aloud or skip it; the code cells are short enough to type live.
# * Each notebook ends with exercises. An exercise is a cell for the answer, a cell that
#   checks it and says *right* or *not yet* (and why), and a solution, collapsed: click
#   the three dots to open it.
# * Run a notebook top to bottom before class (*Run → Run All Cells*), so that every picture
#   is there when you scroll.
# * The animations (notebooks 2 and 3) have a Play button, a slider and step buttons: play
#   them once, then step through them slowly while the class reads the table next to the
#   graph.
# * Every number the talk shows comes out of a cell in these notebooks; the test suite
#   re-runs the notebooks and checks that it still does.
# * For a function the class suggests, `%load_ext adexplorer` and a cell starting with
#   `%%autodiff --at x=3.0` show its Wengert lists, sweeps and checks at once (end of
#   notebook 1); `ad.explore(f, x)` does the same in tabs, with the sweeps animated (end
#   of notebook 3, once both sweeps have been taught).
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
ad.plot_graph(ad.trace(f, 3.0)).figure

# %% [markdown]
# ## Words used throughout
#
# | word | meaning |
# |---|---|
# | primal | an ordinary value computed by the program (`y1 = log(x)`) |
# | tangent | the derivative of a value with respect to an input, carried forward; the tangent of `y2` is written `y2'` under its box. The Wengert list of $f'$ numbers its lines on its own, so it is labelled: `dy3 = dy2 * dy1   # tangent of y2` |
# | adjoint, cotangent | the derivative of the output with respect to a value, carried backward (`ȳ1`) |
# | Wengert list, tape, trace | the program as a list of single operations, each result named once. The printed Wengert list of $f'$ is the exception: a line may combine a few (`dy3 = y2 * dy1 + y1 * dy2`, the chain rule's products and their sum), so its length is counted in operations, by tracing `ad.D(f)` |
# | jvp / vjp | Jacobian-vector product (forward mode) / vector-Jacobian product (reverse mode) |
# | SSA | static single assignment: the compiler's form of a program in which every variable is assigned once; loops become branches, and φ nodes choose a value where branches meet |
#
# Start with [1. What is AD](01_what_is_ad.ipynb).
