"""A zoo of programs for the differential tests: each is an ordinary Python function with
the arguments it is run at and the positions of the arguments it depends on
differentiably. ``test_differential.py`` runs every program plain and under every
applicable transform.

Points are chosen away from kinks (abs, max, where, clip, branch thresholds) by far more
than the finite-difference steps, and maxima/minima have no ties.
"""

from __future__ import annotations

import math
from collections import namedtuple
from dataclasses import dataclass

import numpy as np

import adexplorer as ad


@dataclass
class Program:
    name: str
    fn: object
    args: tuple
    diff: tuple                  # positions with a differentiable path to the output
    category: str
    oracle: object = None        # an autograd twin (complex programs)
    may_refuse: str | None = None  # a refusal is fine if its message names this
    hessian: bool = True
    raises: type | None = None   # the plain call raises this (so must every transform)


PROGRAMS: dict[str, Program] = {}


def program(*args, diff=(0,), cat, oracle=None, may_refuse=None, hessian=True, raises=None):
    def register(fn):
        name = fn.__name__
        assert name not in PROGRAMS, name
        PROGRAMS[name] = Program(name, fn, args, tuple(diff), cat, oracle, may_refuse,
                                 hessian, raises)
        return fn
    return register


rng = np.random.default_rng(2026)


def u(*shape, lo=-1.0, hi=1.0):
    return rng.uniform(lo, hi, size=shape)


def spread(n, lo=-1.0, hi=1.0):
    """n values with gaps of at least (hi - lo) / (2n) between any two: no ties, and
    away from 0 when lo < 0 < hi."""
    grid = np.linspace(lo, hi, n)
    vals = grid + rng.uniform(-0.2, 0.2, n) * (hi - lo) / n
    vals[np.abs(vals) < 0.05] += 0.11
    return rng.permutation(vals)


V3 = np.array([0.3, -0.7, 1.2])
V4 = np.array([0.5, -1.1, 0.8, 1.6])
V5 = spread(5)
V6 = spread(6, -2, 2)
M23 = u(2, 3)
M34 = spread(12).reshape(3, 4)
M43 = u(4, 3)
M33 = u(3, 3)
POS4 = u(4, lo=0.5, hi=2.0)
W35 = u(3, 5)
IDX = np.array([0, 2, 2, 1])

# ===========================================================================
# Scalar math: every ad.* function, every operator, compositions


@program(0.7, cat="scalar")
def ad_sin(x): return ad.sin(x) * 2.0


@program(0.7, cat="scalar")
def ad_cos(x): return ad.cos(3.0 * x)


@program(0.4, cat="scalar")
def ad_tan(x): return ad.tan(x) + x


@program(0.3, cat="scalar")
def ad_exp(x): return ad.exp(-2.0 * x)


@program(1.7, cat="scalar")
def ad_log(x): return ad.log(x * x + 1.0)


@program(0.4, cat="scalar")
def ad_log1p(x): return ad.log1p(x)


@program(0.4, cat="scalar")
def ad_expm1(x): return ad.expm1(x) / 2.0


@program(2.3, cat="scalar")
def ad_sqrt(x): return ad.sqrt(x)


@program(-0.6, cat="scalar")
def ad_tanh(x): return ad.tanh(x)


@program(0.9, cat="scalar")
def ad_sigmoid(x): return ad.sigmoid(x)


@program(-1.3, cat="scalar")
def ad_abs(x): return ad.abs(x) * x


@program(0.4, 0.9, diff=(0, 1), cat="scalar")
def ad_maximum(x, y): return ad.maximum(x, y) * 3.0 + ad.minimum(x, y)


@program(0.8, cat="scalar")
def ad_maximum_const(x): return ad.maximum(x, 0.5) + ad.minimum(x, 0.2)


@program(1.3, 0.4, diff=(0, 1), cat="scalar")
def op_add_sub(x, y): return x + y - 2.0 * x + (3.0 - y)


@program(1.3, 0.4, diff=(0, 1), cat="scalar")
def op_mul_div(x, y): return x * y / (1.0 + x) + 2.0 / y


@program(1.3, cat="scalar")
def op_neg_pos(x): return -x + (+x) * -(x * x)


@program(1.3, cat="scalar")
def op_pow_int(x): return x ** 3 + x ** 2


@program(1.3, cat="scalar")
def op_pow_fractional(x): return x ** 2.5 + x ** -1.5 + x ** 0.5


@program(1.8, 2.3, diff=(0, 1), cat="scalar")
def op_pow_both(x, y): return x ** y


@program(0.6, cat="scalar")
def op_rpow(x): return 2.0 ** x + 3 ** x


@program(2.7, cat="scalar")
def op_mod(x): return x % 1.0 + x       # derivative 2 away from integers


@program(2.7, cat="scalar")
def op_floordiv(x): return (x // 1.0) * x      # 2 * x there: derivative 2


@program(-0.8, cat="scalar")
def builtin_abs(x): return abs(x) ** 3


@program(3, cat="scalar")
def int_input(x): return x * x + 2 * x


@program(3, 4, diff=(0, 1), cat="scalar")
def two_ints(x, y): return x * y + y


@program(3.0, cat="scalar")
def five_sin_log(x): return 5 * ad.sin(ad.log(x))


@program(0.4, cat="scalar")
def gaussian_wave(x): return ad.exp(-x ** 2) * ad.cos(3 * x)


@program(0.3, -1.2, 0.8, diff=(0, 1, 2), cat="scalar")
def three_args(x, y, z): return x * y * z + y / z - ad.exp(x * z)


@program(0.7, cat="scalar")
def rational(x): return (x ** 2 + 1.0) / (x ** 3 - 3.0 * x + 4.0)


@program(0.7, cat="scalar")
def nested_compose(x): return ad.sin(ad.cos(ad.exp(ad.tanh(x))))


@program(1.1, cat="scalar")
def softplus(x): return ad.log1p(ad.exp(x))


@program(0.3, cat="scalar")
def numpy_scalar_math(x): return np.sin(x) * np.exp(x) + np.sqrt(1.0 + x * x) + np.tanh(x)


@program(0.4, 0.9, diff=(0, 1), cat="scalar")
def builtin_max_min(x, y): return max(x, y) ** 2 + min(x, y)


@program(0.4, 0.9, 1.3, diff=(0, 1, 2), cat="scalar")
def builtin_sum(x, y, z): return sum([x, y * y, z ** 3])


@program(1.5, cat="scalar")
def builtin_pow(x): return pow(x, 3) + pow(2.0, x)


@program(2.0, cat="scalar")
def constant_output(x): return 2.0


@program(2.0, 5.0, diff=(0,), cat="scalar")
def unused_argument(x, y): return x * 3.0


@program(0.7, cat="scalar")
def same_input_many_paths(x):
    a = x * x
    b = a * x
    return a + b + ad.sin(a) * b


@program(0.7, cat="scalar")
def numpy_square_reciprocal(x): return np.square(x) + np.reciprocal(x + 1.0)


@program(0.7, cat="scalar", may_refuse="math.sin")
def math_module(x): return math.sin(x) * x


@program(0.7, cat="scalar", may_refuse="float")
def float_conversion(x): return float(x) * x


@program(np.float64(0.7), cat="scalar")
def numpy_float64_input(x): return ad.sin(x) * x


# ===========================================================================
# Arrays: ufuncs, reductions, linear algebra, shapes, indexing, broadcasting


@program(V5, cat="ufunc")
def np_sin_sum(x): return np.sum(np.sin(x))


@program(V5, cat="ufunc")
def np_cos_exp(x): return np.sum(np.cos(x) * np.exp(x))


@program(V5 * 0.5, cat="ufunc")
def np_tan(x): return np.sum(np.tan(x) ** 2)


@program(POS4, cat="ufunc")
def np_log_sqrt(x): return np.sum(np.log(x) * np.sqrt(x))


@program(V5, cat="ufunc")
def np_log1p_expm1(x): return np.sum(np.log1p(x * x) + np.expm1(x))


@program(V5, cat="ufunc")
def np_tanh(x): return np.sum(np.tanh(2.0 * x))


@program(V5, cat="ufunc")
def np_abs_fabs(x): return np.sum(np.abs(x) * x + np.fabs(x))


@program(V5, cat="ufunc")
def np_square_negative(x): return np.sum(np.square(x) + np.negative(x))


@program(POS4, cat="ufunc")
def np_reciprocal_power(x): return np.sum(np.reciprocal(x) + np.power(x, 3))


@program(POS4, POS4[::-1].copy(), diff=(0, 1), cat="ufunc")
def np_divide_power(x, y): return np.sum(np.divide(x, y) + np.power(x, y))


@program(V5, V5 + np.array([0.3, -0.4, 0.5, -0.2, 0.6]), diff=(0, 1), cat="ufunc")
def np_maximum_minimum(x, y): return np.sum(np.maximum(x, y) * np.minimum(x, y) ** 2)


@program(V5, cat="ufunc")
def np_maximum_scalar(x): return np.sum(np.maximum(x, 0.0) ** 2)     # relu


@program(V5, spread(5), diff=(0, 1), cat="ufunc")
def np_add_subtract_multiply(x, y): return np.sum(np.multiply(np.add(x, y), np.subtract(x, y)))


@program(V5, cat="ufunc")
def sigmoid_array(x): return np.sum(ad.sigmoid(x) * x)


@program(V5, cat="ufunc")
def ad_functions_on_arrays(x):
    return ad.sum(ad.sin(x) + ad.cos(x) + ad.exp(x) + ad.tanh(x) + ad.abs(x))


@program(M34, cat="reduce")
def sum_axis0(M): return np.sum(np.sum(M, axis=0) ** 2)


@program(M34, cat="reduce")
def sum_axis1_keepdims(M): return np.sum((M - np.sum(M, axis=1, keepdims=True)) ** 2)


@program(M34, cat="reduce")
def sum_axis_tuple(M): return np.sum(M.reshape(3, 2, 2).sum(axis=(0, 2)) ** 3)


@program(M34, cat="reduce")
def mean_axis(M): return np.sum(np.mean(M, axis=0) * np.mean(M, axis=1).sum())


@program(M34, cat="reduce")
def mean_keepdims(M): return np.mean((M - np.mean(M, axis=0, keepdims=True)) ** 2)


@program(M34, cat="reduce")
def max_axis0(M): return np.sum(np.max(M, axis=0) ** 2)


@program(M34, cat="reduce")
def min_axis1(M): return np.sum(np.min(M, axis=1) * np.arange(1.0, 4.0))


@program(M34, cat="reduce")
def max_keepdims(M): return np.sum(np.exp(M - np.max(M, axis=1, keepdims=True)))


@program(V6, cat="reduce")
def max_min_all(x): return np.max(x) * 2.0 - np.min(x) ** 2


@program(M34, cat="reduce")
def amax_amin(M): return np.sum(np.amax(M, axis=1)) + np.amin(M)


@program(V6, cat="reduce")
def method_reductions(x): return x.sum() + x.mean() * x.max() - x.min()


@program(V6, cat="reduce")
def builtin_sum_over_array(x): return sum(x ** 2)


@program(V5, cat="reduce")
def add_reduce(x): return np.add.reduce(x * x)


@program(M34, cat="reduce")
def mean_negative_axis(M): return np.sum(np.mean(M ** 2, axis=-1))


@program(M23, M34, diff=(0, 1), cat="linalg")
def matmul_2d(A, B): return np.sum(np.tanh(A @ B))


@program(M34, V4, diff=(0, 1), cat="linalg")
def matvec(A, x): return np.sum((A @ x) ** 2)


@program(V4, M43, diff=(0, 1), cat="linalg")
def vecmat(x, A): return np.sum(np.sin(x @ A))


@program(V4, spread(4), diff=(0, 1), cat="linalg")
def dot_vectors(x, y): return np.dot(x, y) ** 2


@program(M23, M34, diff=(0, 1), cat="linalg")
def dot_matrices(A, B): return np.sum(np.dot(A, B) ** 2)


@program(u(2, 2, 3), u(2, 3, 2), diff=(0, 1), cat="linalg")
def batched_matmul(A, B): return np.sum(np.tanh(np.matmul(A, B)))


@program(V3, cat="linalg")
def quadratic_form(x): return x @ (M33 + M33.T) @ x


@program(V3, spread(3), diff=(0, 1), cat="linalg")
def cosine_similarity(x, y): return (x @ y) / (np.sqrt(x @ x) * np.sqrt(y @ y))


@program(M23, M34, diff=(0, 1), cat="linalg")
def ad_matmul_dot(A, B): return ad.sum(ad.matmul(A, B)) + ad.sum(ad.dot(A, B) ** 2)


@program(M23, cat="linalg")
def gram_matrix(A): return np.sum((A.T @ A) ** 2)


@program(spread(12), cat="shape")
def reshape_transpose(x): return np.sum(np.sin(x.reshape(3, 4).T @ W35[:, :3].T[:3]))


@program(spread(12), cat="shape")
def reshape_minus_one(x): return np.sum(x.reshape(-1, 3)[:, 1] * x.reshape(4, -1)[:, 0])


@program(M34, cat="shape")
def np_reshape_transpose(M): return np.sum(np.transpose(np.reshape(M, (4, 3))) * M ** 2)


@program(M34, cat="shape")
def dot_T(M): return np.sum(M.T * np.arange(12.0).reshape(4, 3))


@program(u(2, 3, 4), cat="shape")
def transpose_axes(T): return np.sum(T.transpose(2, 0, 1)[1] ** 2) + np.sum(np.transpose(T, (1, 2, 0))[0, 0])


@program(M34, cat="shape")
def swapaxes(M): return np.sum(np.swapaxes(M, 0, 1)[0] ** 3)


@program(V4, cat="shape")
def expand_squeeze(x): return np.sum(np.squeeze(np.expand_dims(x, 0) * 2.0, axis=0) ** 2)


@program(M34, cat="shape")
def ravel_flatten(M): return np.sum(np.ravel(M) * M.flatten() * np.arange(12.0))


@program(V6, cat="index")
def index_int(x): return x[0] * x[-1] + x[2] ** 2


@program(V6, cat="index")
def index_slices(x): return np.sum(x[1:4] ** 2) + np.sum(x[::2] * x[1::2])


@program(V6, cat="index")
def index_reverse(x): return np.sum(x[::-1] * np.arange(6.0))


@program(M34, cat="index")
def index_rows_cols(M): return np.sum(M[1] ** 2) + np.sum(M[:, 2] ** 3) + M[2, 3] * M[0, 0]


@program(V4, cat="index")
def fancy_index(x): return np.sum(x[IDX] ** 2 * np.arange(4.0))


@program(M34, cat="index")
def fancy_2d(M): return np.sum(M[[0, 2], [1, 3]] ** 2) + np.sum(M[:, [0, 0, 3]] ** 2)


@program(V6, cat="index")
def boolean_mask(x): return np.sum(x[x > 0] ** 2)


@program(V4, cat="index")
def newaxis_ellipsis(x): return np.sum((x[:, None] * x[None, :])[..., 1] ** 2)


@program(M34, cat="index")
def iterate_rows(M): return sum(np.sum(row ** 2) * k for k, row in enumerate(M))


@program(V4, spread(3), diff=(0, 1), cat="broadcast")
def outer_broadcast(x, y): return np.sum((x[:, None] - y[None, :]) ** 2 * x[:, None])


@program(0.7, V5, diff=(0, 1), cat="broadcast")
def scalar_array(s, v): return np.sum(np.sin(s * v + s))


@program(M34, V4, u(3, 1), diff=(0, 1, 2), cat="broadcast")
def row_col(M, row, col): return np.sum(np.tanh(M * row + col))


@program(u(3, 1), u(1, 4), diff=(0, 1), cat="broadcast")
def both_broadcast(a, b): return np.sum(np.exp(a * b) * (a + b))


@program(V3, spread(3), diff=(0, 1), cat="join")
def concatenate_1d(x, y): return np.sum(np.concatenate([x, y ** 2, x * y]) * np.arange(9.0))


@program(M23, u(2, 2), diff=(0, 1), cat="join")
def concatenate_axis1(A, B): return np.sum(np.concatenate([A, B], axis=1) ** 2 * np.arange(5.0))


@program(V3, spread(3), diff=(0, 1), cat="join")
def stack_axes(x, y): return np.sum(np.stack([x, y]) ** 2) + np.sum(np.stack([x, np.cos(y)], axis=1)[:, 1] * x)


@program(V3, cat="join")
def ad_stack_concatenate(x): return ad.sum(ad.stack([x, x ** 2]) ** 2) + ad.sum(ad.concatenate([x, ad.sin(x)]))


@program(V6, cat="select")
def np_where(x): return np.sum(np.where(x > 0, x ** 2, -3.0 * x))


@program(V6, V6 + np.array([0.3, -0.4, 0.5, -0.2, 0.6, -0.3]), diff=(0, 1), cat="select")
def where_two_arrays(x, y): return np.sum(np.where(x > y, x * y, y ** 2))


@program(V6, cat="select")
def ad_where(x): return ad.sum(ad.where(x < 0.5, ad.sin(x), x ** 3))


CLIPPED = np.array([-1.2, -0.8, -0.3, 0.1, 0.35, 0.65, 0.9, 1.25])


@program(CLIPPED, cat="select")
def np_clip(x): return np.sum(np.clip(x, -0.5, 0.5) * x)


@program(CLIPPED, cat="select")
def method_clip(x): return np.sum(x.clip(-0.6, 0.7) ** 2)


@program(np.array([-1.7, -0.9, -0.3, 0.1, 0.2, 0.7, 1.4, -0.05, 0.45]), cat="select")
def huber(x):
    return np.mean(np.where(np.abs(x) < 0.5, 0.5 * x ** 2, 0.5 * (np.abs(x) - 0.25)))


@program(V6, cat="reduce")
def logsumexp_stable(x):
    m = np.max(x)
    return m + np.log(np.sum(np.exp(x - m)))


@program(u(3, 4), u(4, 2), diff=(0, 1), cat="model")
def mlp(W1, W2):
    X = np.linspace(-1, 1, 6).reshape(2, 3)
    h = np.tanh(X @ W1)
    return np.mean((h @ W2 - 0.5) ** 2)


@program(u(3, 4), u(4), diff=(0, 1), cat="model")
def softmax_xent(W, b):
    X = np.linspace(-1, 1, 9).reshape(3, 3)
    z = X @ W + b
    z = z - np.max(z, axis=1, keepdims=True)
    logp = z - np.log(np.sum(np.exp(z), axis=1, keepdims=True))
    return -np.mean(logp[np.arange(3), np.array([0, 3, 1])])


@program(spread(5, -1.5, 1.5), cat="model")
def rosenbrock(x): return np.sum(100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2)


@program(u(3, 4), cat="model")
def layer_norm(x):
    mu = np.mean(x, axis=-1, keepdims=True)
    var = np.mean((x - mu) ** 2, axis=-1, keepdims=True)
    return np.sum(((x - mu) / np.sqrt(var + 1e-5)) ** 3)


# Array-valued programs (Jacobians)


@program(V4, cat="array-out")
def elementwise_out(x): return np.sin(x) * x ** 2


@program(M23, V3, diff=(0, 1), cat="array-out")
def matvec_out(A, x): return np.tanh(A @ x)


@program(V3, spread(4), diff=(0, 1), cat="array-out")
def outer_out(x, y): return x[:, None] * y[None, :]


@program(V4, cat="array-out")
def softmax_out(z):
    e = np.exp(z - np.max(z))
    return e / np.sum(e)


@program(0.7, cat="array-out")
def scalar_to_vector(t): return ad.stack([ad.cos(t), ad.sin(t) * t, t ** 3])


@program(V3, cat="array-out")
def cumulative_products(x): return ad.stack([x[0], x[0] * x[1], x[0] * x[1] * x[2]])


@program(M23, cat="array-out")
def matrix_out(M): return M.T @ M + np.sum(np.exp(M), axis=0)


@program(V4, cat="array-out")
def reduce_keepdims_out(x): return np.sum(x.reshape(2, 2) ** 2, axis=1, keepdims=True)


# Autograd's NumPy: the second wave says these are covered (a refusal is a missing row)


@program(V4, cat="numpy-coverage")
def np_prod(x): return np.prod(x + 2.0)


@program(V4, cat="numpy-coverage")
def np_cumsum(x): return np.sum(np.cumsum(x) ** 2)


@program(M23, M34, diff=(0, 1), cat="numpy-coverage")
def np_einsum(A, B): return np.sum(np.einsum("ij,jk->ik", A, B) ** 2)


@program(V4, cat="numpy-coverage")
def np_linalg_norm(x): return np.linalg.norm(x)


@program(M33 + 3 * np.eye(3), cat="numpy-coverage")
def np_linalg_inv(A): return np.sum(np.linalg.inv(A))


@program(M33 + 3 * np.eye(3), cat="numpy-coverage")
def np_linalg_det(A): return np.linalg.det(A)


@program(V4 * 0.5, cat="numpy-coverage")
def np_trig_inverse(x): return np.sum(np.arcsin(x) + np.arctan(x) + np.sinh(x) + np.cosh(x))


@program(POS4, cat="numpy-coverage")
def np_log_bases(x): return np.sum(np.log2(x) + np.log10(x) + np.exp2(x))


@program(V4, cat="numpy-coverage")
def np_var_std(x): return np.var(x) + np.std(x)


@program(V4, cat="numpy-coverage")
def ad_logsumexp(x): return ad.logsumexp(x)


@program(0.4, cat="numpy-coverage")
def ad_erf(x): return ad.erf(x)


@program(2.5, cat="numpy-coverage")
def ad_lgamma(x): return ad.lgamma(x)


@program(V4, cat="numpy-coverage")
def np_dot_method_trace(x): return np.trace(np.outer(x, x))


# ===========================================================================
# Control flow


@program(-2.0, cat="control")
def piecewise_neg(x):
    if x < 0:
        return -x ** 3
    elif x < 1:
        return x ** 2
    return 2 * x - 1


@program(0.5, cat="control")
def piecewise_mid(x): return piecewise_neg(x) * 3.0


@program(3.0, cat="control")
def piecewise_high(x): return piecewise_neg(x) + x


@program(10.0, cat="control")
def while_halving(x):
    while x > 1.0:
        x = x / 2
    return x


@program(10.0, cat="control")
def while_with_counter_output(x):
    steps = 0
    while x > 1.0:
        x = x / 2
        steps += 1
    return x * steps


@program(1.3, 5, diff=(0,), cat="control")
def pow_loop(x, n):
    r = 1.0
    while n > 0:
        n -= 1
        r = r * x
    return r


@program(2, 5, diff=(0, 1), cat="control")
def pow_builtin_ints(x, n): return pow(x, n)


@program(2.0, cat="control")
def newton_sqrt(a):
    x = 1.0
    for _ in range(20):
        x = 0.5 * (x + a / x)
    return x


@program(V4, cat="control")
def for_break_continue(xs):
    total = 0.0
    for i, x in enumerate(xs):
        if i == 1:
            continue
        if i == 3:
            break
        total = total + x ** 2
    return total


@program(1.0, 3.0, diff=(0,), cat="control")
def early_return(x, limit):
    for k in range(10):
        x = x * 1.5
        if x > limit:
            return x * k
    return x


@program(1.5, 4, diff=(0,), cat="control")
def recursion_power(x, n): return 1.0 if n == 0 else x * recursion_power(x, n - 1)


@program(0.5, 5, diff=(0,), cat="control")
def recursion_fib_poly(x, n):
    if n == 0:
        return 1.0
    if n == 1:
        return x
    return x * recursion_fib_poly(x, n - 1) + recursion_fib_poly(x, n - 2)


@program(2.0, cat="control")
def closure_constant(x):
    a = 3.0
    scale = lambda y: a * y
    return scale(x) ** 2


@program(1.5, cat="control")
def closure_over_traced(x):
    h = lambda y: x * y
    return h(h(1.0)) + h(2.0)


def _make_affine(a, b):
    def affine(x):
        return a * x + b
    return affine


@program(0.8, 1.7, diff=(0, 1), cat="control")
def closure_factory(x, a):
    f = _make_affine(a, x)
    return f(f(x))


@program(0.6, cat="control")
def nested_def(x):
    def inner(y, k=2.0):
        return ad.sin(y) * k
    return inner(x) + inner(x * x, k=3.0)


@program(V4, cat="control")
def list_comprehension(xs): return sum([x ** 2 for x in xs if x > 0])


@program(0.4, 0.9, diff=(0, 1), cat="control")
def generator_sum(x, y): return sum(x ** k * y for k in range(4))


@program(0.7, "tanh", diff=(0,), cat="control")
def string_flag(x, kind): return ad.tanh(x) if kind == "tanh" else ad.sin(x)


@program(0.7, True, diff=(0,), cat="control")
def bool_flag(x, negate):
    y = x ** 3
    if negate:
        y = -y
    return y


@program(0.7, cat="control")
def ternary(x): return x ** 2 if x > 0.5 else -x


@program(V4, cat="control")
def any_all(x): return np.sum(x ** 2) if any(x > 1) and not all(x > 0) else np.sum(x)


@program(V4, spread(4), diff=(0, 1), cat="control")
def zip_loop(xs, ys):
    acc = 0.0
    for a, b in zip(xs, ys):
        acc = acc + a * b
    return acc


@program(M34, cat="control")
def loop_over_rows_list(M):
    rows = []
    for r in M:
        rows.append(np.sum(r * r))
    return rows[0] * rows[1] + rows[2]


@program(0.9, cat="control")
def while_true_break(x):
    k = 0
    while True:
        x = ad.sin(x) + 0.5
        k += 1
        if k >= 5:
            break
    return x


@program(0.9, 4, diff=(0,), cat="control")
def nested_loops(x, n):
    acc = 0.0
    for i in range(n):
        for j in range(i):
            acc = acc + x ** (i - j)
    return acc


@program(0.3, cat="control")
def default_arguments(x, k=3.0, p=2): return k * x ** p


@program(1.2, cat="control")
def augmented_assignment(x):
    y = x
    y *= 2.0
    y += x ** 2
    y -= 0.5
    y /= 1.5
    y **= 2
    return y


@program(0.6, cat="control")
def method_call(x):
    class Model:
        def __init__(self, k):
            self.k = k

        def __call__(self, v):
            return self.k * v ** 2
    return Model(0.5)(x) + Model(x)(2.0)


@program(2.0, cat="control")
def try_except_division(x):
    try:
        return x / (x - x)               # Python floats: ZeroDivisionError, at every x
    except ZeroDivisionError:
        return x * 3.0


@program(1.5, cat="control")
def try_except_power(x):
    try:
        return (x - x) ** -1.0          # Python floats: ZeroDivisionError
    except ZeroDivisionError:
        return ad.sin(x)


@program(0.5, cat="control")
def try_except_not_taken(x):
    try:
        return 1.0 / (x - 2.0)
    except ZeroDivisionError:
        return x * 3.0


@program(2.0, cat="control", raises=ZeroDivisionError)
def raises_zero_division(x): return 1.0 / (x - 2.0)


@program(0.0, cat="control", raises=ZeroDivisionError)
def zero_to_negative_power(x): return x ** -1.0


@program(1.3, cat="control")
def sorted_values(x): return sorted([x, 1.0 - x, x * x])[0] * 2.0


@program(V4, cat="control")
def argmax_select(x): return x[np.argmax(x)] ** 2 + x[int(np.argmin(x))]


# ===========================================================================
# Containers


Point = namedtuple("Point", "x y")


@dataclass
class Layer:
    W: np.ndarray
    b: np.ndarray
    activation: str
    frozen: bool = False


@dataclass
class Params:
    a: float
    b: float


@program((2.0, 5.0), [1.0, 7.0, 3.0], diff=(0, 1), cat="container")
def tuple_and_list(pair, items):
    a, b = pair
    return a * b + items[0] * items[2]


@program({"w": 2.0, "x": 3.0, "b": 0.5}, cat="container")
def dict_input(p): return p["w"] * p["x"] + ad.sin(p["b"])


@program({"W": M23, "b": V3[:2].copy()}, V3, diff=(0, 1), cat="container")
def dict_of_arrays(p, x): return np.sum(np.tanh(p["W"] @ x + p["b"]))


@program(Point(3.0, 2.0), cat="container")
def namedtuple_input(p): return p.x ** 2 * p.y


@program(Layer(M23, V3[:2].copy(), "tanh"), V3, diff=(0, 1), cat="container")
def dataclass_input(layer, x):
    z = layer.W @ x + layer.b
    y = np.tanh(z) if layer.activation == "tanh" else z
    return np.sum(y)


@program(Params(0.3, 1.4), cat="container")
def small_dataclass(p): return p.a ** 2 * ad.exp(p.b)


@program({"layers": [{"w": 0.5, "b": 0.1}, {"w": -1.2, "b": 0.3}], "scale": 2.0},
         cat="container")
def nested_containers(p):
    x = 0.7
    for layer in p["layers"]:
        x = ad.tanh(layer["w"] * x + layer["b"])
    return p["scale"] * x


@program([0.5, 1.5, -0.5], cat="container")
def list_unused_item(xs): return xs[0] * xs[2] ** 2


@program((V3, 0.4), cat="container")
def tuple_of_array_and_scalar(t): return np.sum(np.sin(t[0] * t[1]))


@program({"a": 0.5, "name": "unit", "n": 3}, cat="container")
def dict_with_static_leaves(p): return p["a"] ** p["n"] if p["name"] == "unit" else p["a"]


@program(0.7, 1.2, diff=(0, 1), cat="container-out")
def tuple_output(x, y): return x * y, ad.sin(x) + y


@program(0.7, cat="container-out")
def dict_output(x): return {"sq": x ** 2, "exp": ad.exp(x), "const": 3.0}


@program(V3, cat="container-out")
def list_output(x): return [np.sum(x), x ** 2]


@program(0.7, cat="container-out")
def namedtuple_output(x): return Point(x * 2.0, ad.cos(x))


@program({"a": 0.3, "b": V3}, cat="container-out")
def dict_in_dict_out(p): return {"s": p["a"] * np.sum(p["b"]), "v": p["b"] * p["a"]}


# ===========================================================================
# Arrays built with np.array / np.asarray / lists of lists of AD values


@program(0.7, 1.3, diff=(0, 1), cat="np.array")
def np_array_sum(x, y): return np.sum(np.array([x, y, x * y]) ** 2)


@program(0.7, 1.3, diff=(0, 1), cat="np.array")
def np_array_matrix(x, y):
    A = np.array([[x, y], [y * y, x]])
    return np.sum(A @ np.array([1.0, 2.0]))


@program(0.7, cat="np.array")
def np_asarray_list(x): return np.sum(np.asarray([x, x ** 2, 3.0]) * np.arange(3.0))


@program(0.7, 1.3, diff=(0, 1), cat="np.array")
def np_array_out(x, y): return np.array([x * y, x + y, ad.sin(x)])


@program(0.7, cat="np.array")
def np_array_2d_out(x): return np.array([[x, 2.0], [x ** 2, ad.exp(x)]])


@program(V3, cat="np.array")
def np_array_from_entries(x): return np.sum(np.array([x[2], x[0] * x[1]]) ** 2)


@program(V3, cat="np.array")
def np_array_comprehension(x): return np.sum(np.array([v ** 2 for v in x]) * x)


@program(0.7, 1.3, diff=(0, 1), cat="np.array")
def list_of_lists_matmul(x, y): return np.sum(np.array([[x, 0.5], [1.0, y]]) @ np.array([[x], [y]]))


@program(0.7, cat="np.array")
def np_array_then_ufunc(x): return np.sum(np.exp(np.array([x, -x])))


@program(0.7, 1.3, diff=(0, 1), cat="np.array")
def np_array_reshaped(x, y): return np.sum(np.array([x, y, x - y, 2.0]).reshape(2, 2).T @ np.array([1.0, 3.0]))


# ===========================================================================
# float32 stays float32


@program(V4.astype(np.float32), cat="float32")
def float32_array(x): return np.sum(np.sin(x) * x)


@program(M23.astype(np.float32), V3.astype(np.float32), diff=(0, 1), cat="float32")
def float32_matvec(A, x): return np.sum(np.tanh(A @ x))


@program(np.float32(0.7), cat="float32")
def float32_scalar(x): return x * x + np.sin(x)


# ===========================================================================
# Complex inputs (real-valued outputs), autograd as the oracle

import autograd.numpy as anp  # noqa: E402


@program(1.0 + 2.0j, cat="complex", oracle=lambda z: anp.abs(z) ** 2, may_refuse="complex")
def abs_squared(z): return abs(z) ** 2


@program(0.5 - 1.0j, cat="complex", oracle=lambda z: anp.abs(z * z + 1.0), may_refuse="complex")
def abs_polynomial(z): return np.abs(z * z + 1.0)


@program(0.3 + 0.4j, cat="complex", oracle=lambda z: anp.real(anp.exp(z)), may_refuse="complex")
def real_of_exp(z): return np.real(np.exp(z))


@program(0.3 + 0.4j, cat="complex", oracle=lambda z: anp.imag(anp.sin(z)) ** 2,
         may_refuse="complex")
def imag_of_sin(z): return np.imag(np.sin(z)) ** 2


@program(1.0 + 2.0j, cat="complex", oracle=lambda z: anp.abs(z * anp.conj(z)),
         may_refuse="complex")
def z_times_conj(z): return np.abs(z * np.conj(z))


@program(0.5, cat="complex", oracle=lambda x: anp.abs(x * (1.0 + 2.0j)) ** 2, may_refuse="complex")
def real_in_complex_inside(x): return abs(x * (1.0 + 2.0j)) ** 2


@program(np.array([1.0 + 1.0j, 0.5 - 2.0j]), cat="complex",
         oracle=lambda z: anp.sum(anp.abs(z) ** 2), may_refuse="complex")
def complex_array_norm(z): return np.sum(np.abs(z) ** 2)


@program(0.4 + 0.3j, cat="complex", oracle=lambda z: anp.abs(1.0 / (z - 2.0)),
         may_refuse="complex")
def abs_reciprocal(z): return abs(1.0 / (z - 2.0))
