"""The differential zoo, NumPy: ufuncs, reductions, linear algebra, shapes, indexing,
broadcasting, joins, selection, array-valued programs, autograd's NumPy coverage, arrays
built with ``np.array`` from AD values, float32 and complex inputs (see ``programs.py``)."""

from __future__ import annotations

import autograd.numpy as anp
import numpy as np

import adexplorer as ad

from .programs import (
    IDX,
    M23,
    M33,
    M34,
    M43,
    POS4,
    V3,
    V4,
    V5,
    V6,
    W35,
    program,
    spread,
    u,
)

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


# Autograd's NumPy: covered by the NumPy-breadth work. Until a row lands, a refusal that
# names the function is the trust contract's answer; a wrong number never is.


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


# The shapes family: einsum, products, diagonals, joins, flips, sorting, linspace.


@program(M23, M43, diff=(0, 1), cat="shapes")
def einsum_attention(Q, K):
    scores = np.einsum("qd,kd->qk", Q, K)
    e = np.exp(scores - np.max(scores, axis=1, keepdims=True))
    weights = e / np.sum(e, axis=1, keepdims=True)
    return np.sum(np.einsum("qk,kd->qd", weights, K) ** 2)


@program(M33, cat="shapes")
def kron_trace_diag(A): return np.trace(np.kron(A, A)) + np.sum(np.diag(np.diagonal(A, 1)) ** 2)


@program(V6, cat="shapes")
def sort_partition_loss(x): return np.sum(np.sort(x) * np.arange(6.0)) + np.partition(x, 2)[2] ** 2


@program(V5, cat="shapes")
def pad_roll_flip(x):
    return np.sum(np.pad(np.roll(np.flip(x), 2), (1, 2), constant_values=0.5) ** 2 * np.arange(8.0))


@program(M34, cat="shapes")
def split_join_tile(M):
    parts = np.split(M, 2, axis=1)
    return np.sum(np.vstack([parts[0], parts[1] ** 2]) ** 2) + np.sum(np.tile(parts[0], (1, 2)) * M)


@program(M33, cat="shapes")
def tensordot_power_loop(A):
    P = A
    for _ in range(3):
        P = np.tensordot(P, A, axes=1) * 0.5
    return np.sum(np.triu(P) ** 2) + np.sum(np.tril(P, -1))


@program(V5, cat="shapes")
def take_select(x): return np.sum(np.select([x > 0], [np.take(x, [4, 0, 1, 1, 2])], default=x ** 2))


@program(0.3, 1.2, diff=(0, 1), cat="shapes")
def linspace_endpoints(a, b): return np.sum(np.sin(np.linspace(a, b, 7)))


@program(M23, cat="shapes")
def repeat_moveaxis_rot90(M):
    stacked = np.moveaxis(np.repeat(M[:, :, None], 2, axis=2), 2, 0)
    return np.sum(stacked * np.reshape(np.arange(12.0), (2, 2, 3))) + np.sum(np.rot90(M) @ M)


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


@program(V3, cat="np.array")
def np_array_of_arrays(x): return np.sum(np.array([x, 2.0 * x, np.ones(3)]) * M33)


@program(V3, cat="np.array")
def np_asarray_of_ad_array(x): return np.sum(np.asarray(x) * x + np.array(x) ** 3)


@program(V3, cat="np.array")
def ad_value_plus_asarray(x): return np.sum(x + np.asarray(x) * 2.0)


@program(V3, cat="np.array")
def ufunc_plus_np_array(x): return np.sum(np.sin(x) + np.array(x) ** 3)


@program(0.7, 1.3, diff=(0, 1), cat="np.array")
def scalar_plus_np_array_of_entries(x, y): return np.sum(x + np.array([x, y]) * 2.0)


@program(0.7, 1.3, diff=(0, 1), cat="np.array")
def scalar_times_np_array_of_entries(x, y): return np.sum(x * np.array([x, y]))


@program(0.7, 1.3, diff=(0, 1), cat="np.array")
def scalar_over_np_array_of_entries(x, y): return np.sum(x / np.array([x, y]) - x)


# forward mode wraps x only: np.exp meets a plain float next to a Dual (NumPy's loop)
@program(0.7, 1.3, diff=(0, 1), cat="np.array", may_refuse="np.stack")
def scalar_times_ufunc_of_np_array(x, y): return np.sum(x * np.exp(np.array([x, y])))


@program(0.7, 1.3, diff=(0, 1), cat="np.array")
def np_array_of_entries_plus_scalar(x, y): return np.sum(np.array([x, y]) * 2.0 + x)


@program(V3, cat="np.array")
def np_array_of_arrays_out(x): return np.array([x ** 2, np.sin(x)])


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


@program(V3.astype(np.float32), cat="float32")
def float32_array_out(x): return np.sin(x) * x ** 2


# ===========================================================================
# Complex inputs (real-valued outputs), autograd as the oracle



@program(1.0 + 2.0j, cat="complex", oracle=lambda z: anp.abs(z) ** 2, may_refuse="complex")
def abs_squared(z): return abs(z) ** 2


@program(0.5 - 1.0j, cat="complex", oracle=lambda z: anp.abs(z * z + 1.0), may_refuse="complex")
def abs_polynomial(z): return np.abs(z * z + 1.0)


@program(0.3 + 0.4j, cat="complex", oracle=lambda z: anp.real(anp.exp(z)),
         may_refuse=("complex", "np.real"))
def real_of_exp(z): return np.real(np.exp(z))


@program(0.3 + 0.4j, cat="complex", oracle=lambda z: anp.imag(anp.sin(z)) ** 2,
         may_refuse=("complex", "np.imag"))
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
