"""Cases 1 and 2: gradient time over a hand-written NumPy adjoint's, for an MLP loss and a
bump sum.

Each function is written once and handed the array namespace (``numpy``,
``autograd.numpy``, ``jax.numpy`` or ``torch``); adexplorer runs the plain NumPy version.
The reference gradient, also timed, is a hand-written NumPy adjoint.
"""

from __future__ import annotations

import numpy

from .libraries import load
from .results import REFERENCE, Case, timed
from .timing import Settings, first_call

MS = 1e3


# -- the functions -------------------------------------------------------------------

def mlp_loss(p, X, Y, np=numpy):
    """784 -> 128 tanh -> 10, mean squared error against Y."""
    h = np.tanh(X @ p["W1"] + p["b1"])
    out = h @ p["W2"] + p["b2"]
    return np.mean((out - Y) ** 2)


def mlp_adjoint(p, X, Y):
    """The MLP loss and its gradient by hand: forward, then backward."""
    h = numpy.tanh(X @ p["W1"] + p["b1"])
    r = h @ p["W2"] + p["b2"] - Y
    loss = numpy.mean(r * r)
    g_out = (2.0 / r.size) * r
    g_a = (g_out @ p["W2"].T) * (1.0 - h * h)
    grads = {"W1": X.T @ g_a, "b1": g_a.sum(axis=0), "W2": h.T @ g_out, "b2": g_out.sum(axis=0)}
    return loss, grads


def bump(x, np=numpy):
    return np.sum(np.sin(x) * np.exp(-x ** 2))


def bump_adjoint(x):
    """sum(sin(x) exp(-x²)) and its gradient exp(-x²) (cos x - 2 x sin x), by hand."""
    s, e = numpy.sin(x), numpy.exp(-x * x)
    return numpy.sum(s * e), e * (numpy.cos(x) - 2.0 * x * s)


def mlp_data(seed: int = 0):
    rng = numpy.random.default_rng(seed)
    X = rng.standard_normal((256, 784))
    Y = rng.standard_normal((256, 10))
    p = {"W1": rng.standard_normal((784, 128)) / 28.0, "b1": 0.1 * rng.standard_normal(128),
         "W2": rng.standard_normal((128, 10)) / 11.3, "b2": 0.1 * rng.standard_normal(10)}
    return p, X, Y


# -- one row per library -------------------------------------------------------------------

def _rows(case: Case, f, args, forward, adjoint, settings: Settings):
    """Time ``f(*args)``'s gradient w.r.t. ``args[0]`` in every library (``f`` takes ``np=``)."""
    want = adjoint()[1]
    first, rest = args[0], args[1:]

    def numpy_forward():
        return forward

    def hand():
        return lambda: adjoint()[1]

    def adexplorer():
        ad = load("adexplorer")
        return None if ad is None else (lambda: ad.gradient(lambda a: f(a, *rest), first)[0])

    def autograd():
        ag = load("autograd")
        if ag is None:
            return None
        import autograd.numpy as anp
        g = ag.grad(lambda a, *r: f(a, *r, np=anp))
        return lambda: g(first, *rest)

    def jax_grad(jit: bool):
        def setup():
            jax = load("jax")
            if jax is None:
                return None
            jnp = jax.numpy
            jargs = jax.tree_util.tree_map(jnp.asarray, args)
            g = jax.grad(lambda a, *r: f(a, *r, np=jnp))
            if not jit:
                return lambda: jax.block_until_ready(g(*jargs))
            g = jax.jit(g)
            compile_s = first_call(lambda: jax.block_until_ready(g(*jargs)))
            return (lambda: jax.block_until_ready(g(*jargs)),
                    f"first call (trace + compile) {compile_s * MS:.0f} ms, excluded")
        return setup

    def torch():
        tc = load("torch")
        if tc is None:
            return None
        leaves = first if isinstance(first, dict) else {"x": first}
        tleaves = {k: tc.from_numpy(v).requires_grad_() for k, v in leaves.items()}
        targ = tleaves if isinstance(first, dict) else tleaves["x"]
        trest = [tc.from_numpy(r) for r in rest]

        def fn():
            grads = tc.autograd.grad(f(targ, *trest, np=tc), list(tleaves.values()))
            return dict(zip(tleaves, grads)) if isinstance(first, dict) else grads[0]
        return fn

    case.rows += [
        timed("NumPy forward", numpy_forward, settings),
        timed("hand-written NumPy adjoint", hand, settings, REFERENCE),
        timed("adexplorer (ad.gradient)", adexplorer, settings, want),
        timed("HIPS autograd", autograd, settings, want),
        timed("JAX, no jit", jax_grad(False), settings, want),
        timed("JAX, jit", jax_grad(True), settings, want),
        timed("PyTorch CPU", torch, settings, want),
    ]
    return case


def _case(key, title, limit):
    """Gradient time over the hand-written adjoint's: that adjoint is the floor for a
    NumPy-based tape (the forward pass is shown too, for scale)."""
    return Case(key, title, unit="ms per call", scale=MS, baseline="hand-written NumPy adjoint",
                goal_row="adexplorer (ad.gradient)", limit=limit,
                goal_text=f"adexplorer gradient ≤ {limit} × the hand-written NumPy adjoint")


def mlp(settings: Settings) -> Case:
    p, X, Y = mlp_data()
    case = _case("mlp", "MLP loss: X 256×784, 784→128 tanh→10, float64, MSE; "
                        "gradient w.r.t. W1, b1, W2, b2", 1.05)
    return _rows(case, mlp_loss, (p, X, Y), lambda: mlp_loss(p, X, Y),
                 lambda: mlp_adjoint(p, X, Y), settings)


def bump_sum(settings: Settings) -> Case:
    x = numpy.random.default_rng(1).uniform(-2.0, 2.0, 10**6)
    case = _case("bump", "sum(sin(x) * exp(-x**2)), x: 10^6 float64", 1.10)
    return _rows(case, bump, (x,), lambda: bump(x), lambda: bump_adjoint(x), settings)
