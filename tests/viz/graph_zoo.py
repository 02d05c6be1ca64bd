"""Traces whose graphs the layout tests draw: the ones that used to mislead (an MLP
loss, a fan-out sum), a loop unrolled, a random DAG, and the shapes other tests use."""

import numpy as np

import adexplorer as ad


def mlp_loss():
    """2-layer MLP, mean-square loss: W2 feeds y3 = y2 @ W2 two columns on."""
    rng = np.random.default_rng(0)
    X, T = rng.normal(size=(4, 3)), rng.normal(size=(4, 2))

    def loss(W1, W2):
        return np.mean((np.tanh(X @ W1) @ W2 - T) ** 2)
    return ad.trace(loss, rng.normal(size=(3, 4)), rng.normal(size=(4, 2)))


def fan_out():
    """a*b + c*d + e*f*g + a*g: a and g reach boxes several columns apart."""
    return ad.trace(lambda a, b, c, d, e, f, g: a * b + c * d + e * f * g + a * g,
                    1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0)


def pow_loop(x, n):
    r = 1
    while n > 0:
        n -= 1
        r *= x
    return r


def pow_unrolled():
    """The talk's while loop r *= x for n = 6: x feeds every product."""
    return ad.trace(pow_loop, 1.5, 6)


def random_dag(n_nodes=60, seed=3):
    """A seeded random DAG of scalar operations, ``n_nodes`` nodes, deep enough to wrap."""
    rng = np.random.default_rng(seed)
    ops = [lambda a, b: a + b, lambda a, b: a * b, lambda a, b: a - b,
           lambda a, b: ad.sin(a), lambda a, b: ad.cos(a), lambda a, b: ad.tanh(b)]

    def program(*xs):
        values = list(xs)
        while len(values) < n_nodes:
            a = values[rng.integers(len(values))]
            b = values[rng.integers(max(len(values) - 8, 0), len(values))]
            values.append(ops[rng.integers(len(ops))](a, b))
        return values[-1]
    trace = ad.trace(program, 0.1, 0.2, 0.3, 0.4)
    assert len(trace) == n_nodes
    return trace


def deep_chain():
    def deep(x):
        for k in range(12):
            x = ad.sin(x) * (1.0 + 0.1 * k) + x
        return x
    return ad.trace(deep, 0.2)


def loop_of_sines():
    def f(x):
        s = x
        for _ in range(30):
            s = ad.sin(s) * x + 0.1
        return s
    return ad.trace(f, 0.7)


def three_arguments():
    return ad.trace(lambda x, y, z: x * y * z + y / z - ad.exp(x * z), 0.3, -1.2, 0.8)


def softmax():
    z = np.random.default_rng(7).uniform(-1, 1, 5)
    return ad.trace(lambda z: np.sum(np.exp(z) / np.sum(np.exp(z)) * np.arange(5.0)), z)


# name -> (make the trace, keyword arguments of graph_layout)
ZOO = {
    "MLP loss": (mlp_loss, {}),
    "fan-out": (fan_out, {}),
    "pow unrolled": (pow_unrolled, {}),
    "random 60-node DAG": (random_dag, {}),
    "random 150-node DAG, 150 boxes": (lambda: random_dag(150, seed=11), {"max_nodes": 150}),
    "deep chain (bands)": (deep_chain, {}),
    "collapsed loop": (loop_of_sines, {}),
    "part of a loop": (lambda: ad.trace(pow_loop, 2.0, 100), {"nodes": range(50, 70)}),
    "three arguments": (three_arguments, {}),
    "softmax": (softmax, {}),
}
