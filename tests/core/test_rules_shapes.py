"""The shapes family (rules_shapes.py, rules_products.py): einsum and the entries built on it and on the
indexing, reshaping and joining rows. Every entry: NumPy's value, and derivatives checked
by ``check_grads`` at order 2 in both modes, at several shapes; hand-worked gradients for a
few; refusals by name; the Wengert list of an einsum; source_grad on loops."""

import numpy as np
import pytest

import adexplorer as ad
from adexplorer.core.errors import InPlaceOutput, NoDerivativeRule
from adexplorer.testing import check_grads

from .oracle_tools import assert_source_grad_is_the_tape
from .shape_notes import commented, note

rng = np.random.default_rng(2026)


def r(*shape):
    return rng.standard_normal(shape)


def distinct(*shape):
    """Values far from ties (sorting is differentiable there)."""
    return rng.permutation(np.arange(int(np.prod(shape)), dtype=float)).reshape(shape) * 0.3 \
        + rng.uniform(-0.05, 0.05, shape)


# name -> (function, arguments); several shapes per entry
CASES = {
    "broadcast_to": (lambda a: np.broadcast_to(a, (2, 3)) * 1.5, (r(3),)),
    "broadcast_to a scalar": (lambda a: np.broadcast_to(a, 4), (r(),)),
    "cross": (lambda a, b: np.cross(a, b), (r(3), r(3))),
    "cross batched along axis 0": (lambda a, b: np.cross(a, b, axis=0), (r(3, 2), r(3, 2))),
    # einsum: explicit, implicit, traces, diagonals, ellipsis, broadcasting, 3 operands
    "einsum matmul": (lambda a, b: np.einsum("ij,jk->ik", a, b), (r(2, 3), r(3, 4))),
    "einsum implicit matmul": (lambda a, b: np.einsum("ij,jk", a, b), (r(3, 2), r(2, 2))),
    "einsum implicit transpose": (lambda a: np.einsum("ba", a), (r(2, 3),)),
    "einsum implicit mixed case": (lambda a: np.einsum("aB", a), (r(2, 3),)),
    "einsum trace": (lambda a: np.einsum("ii", a), (r(3, 3),)),
    "einsum diagonal": (lambda a: np.einsum("ii->i", a), (r(4, 4),)),
    "einsum batched diagonal": (lambda a: np.einsum("ijj->ij", a), (r(2, 3, 3),)),
    "einsum repeated in and out": (lambda a, b: np.einsum("ii,i->i", a, b), (r(3, 3), r(3))),
    "einsum three repeats": (lambda a: np.einsum("iii->i", a), (r(2, 2, 2),)),
    "einsum ellipsis batched matmul": (lambda a, b: np.einsum("...ij,...jk->...ik", a, b),
                                       (r(2, 2, 3), r(3, 2))),
    "einsum ellipsis implicit": (lambda a: np.einsum("...ij", a), (r(2, 3, 4),)),
    "einsum ellipsis broadcast": (lambda a, b: np.einsum("...i,...i->...", a, b),
                                  (r(4, 1, 3), r(2, 3))),
    "einsum broadcast label": (lambda a, b: np.einsum("ij,j->i", a, b), (r(4, 3), r(1))),
    "einsum three operands": (lambda a, b, c: np.einsum("i,ij,j->", a, b, c),
                              (r(3), r(3, 4), r(4))),
    "einsum bilinear batch": (lambda x, A, y: np.einsum("bi,ij,bj->b", x, A, y),
                              (r(5, 3), r(3, 2), r(5, 2))),
    "einsum label only in one operand": (lambda a, b: np.einsum("ij,k->k", a, b),
                                         (r(2, 3), r(4))),
    "einsum same operand twice": (lambda a: np.einsum("ij,ij->", a, a), (r(2, 3),)),
    "einsum outer 3-way": (lambda a, b, c: np.einsum("i,j,k->kji", a, b, c),
                           (r(2), r(3), r(2))),
    "einsum scalar operand": (lambda s, a: np.einsum(",i->i", s, a), (0.7, r(3))),
    "einsum interleaved": (lambda a, b: np.einsum(a, [0, 1], b, [1, 2], [0, 2]),
                           (r(2, 3), r(3, 2))),
    "einsum interleaved implicit": (lambda a, b: np.einsum(a, [0, 1], b, [1, 0]),
                                    (r(2, 3), r(3, 2))),
    "einsum optimize": (lambda a, b, c: np.einsum("ij,jk,kl->il", a, b, c, optimize=True),
                        (r(2, 3), r(3, 4), r(4, 2))),
    # products
    "tensordot int": (lambda a, b: np.tensordot(a, b, axes=1), (r(2, 3), r(3, 4))),
    "tensordot default 2": (lambda a, b: np.tensordot(a, b), (r(2, 3, 4), r(3, 4, 2))),
    "tensordot 0": (lambda a, b: np.tensordot(a, b, 0), (r(2), r(3))),
    "tensordot pair of lists": (lambda a, b: np.tensordot(a, b, axes=([0, 2], [1, 0])),
                                (r(2, 3, 4), r(4, 2, 5))),
    "tensordot pair of ints": (lambda a, b: np.tensordot(a, b, axes=(1, -1)),
                               (r(2, 3), r(4, 3))),
    "outer vectors": (lambda a, b: np.outer(a, b), (r(3), r(4))),
    "outer flattens": (lambda a, b: np.outer(a, b), (r(2, 2), r(3))),
    "inner vectors": (lambda a, b: np.inner(a, b), (r(4), r(4))),
    "inner matrices": (lambda a, b: np.inner(a, b), (r(2, 3), r(4, 3))),
    "inner scalar": (lambda a, b: np.inner(a, b), (r(3), 1.5)),
    "kron matrices": (lambda a, b: np.kron(a, b), (r(2, 3), r(2, 2))),
    "kron vector and matrix": (lambda a, b: np.kron(a, b), (r(3), r(2, 2))),
    "kron vectors": (lambda a, b: np.kron(a, b), (r(2), r(3))),
    # diagonals, traces, triangles
    "trace": (lambda a: np.trace(a), (r(3, 3),)),
    "trace rectangular offset": (lambda a: np.trace(a, 1), (r(3, 5),)),
    "trace axes and negative offset": (lambda a: np.trace(a, offset=-1, axis1=2, axis2=0),
                                       (r(3, 2, 4),)),
    "trace dtype": (lambda a: np.trace(a, dtype=np.float64), (r(2, 2),)),
    "diag of vector": (lambda v: np.diag(v), (r(3),)),
    "diag of vector k": (lambda v: np.diag(v, k=-2), (r(3),)),
    "diag of matrix": (lambda a: np.diag(a, 1), (r(3, 4),)),
    "diagonal": (lambda a: np.diagonal(a), (r(3, 3),)),
    "diagonal 3-D": (lambda a: np.diagonal(a, 1, 0, 2), (r(3, 2, 4),)),
    "diagonal negative axes": (lambda a: np.diagonal(a, -1, axis1=-1, axis2=-2), (r(2, 4, 3),)),
    "tril": (lambda a: np.tril(a), (r(3, 3),)),
    "tril k batched": (lambda a: np.tril(a, -1), (r(2, 3, 4),)),
    "triu k": (lambda a: np.triu(a, 1), (r(3, 4),)),
    "triu of vector": (lambda a: np.triu(a), (r(3),)),
    # joining
    "vstack": (lambda a, b: np.vstack([a, b]), (r(3), r(2, 3))),
    "vstack dtype": (lambda a, b: np.vstack((a, b), dtype=np.float64), (r(2, 2), r(1, 2))),
    "hstack": (lambda a, b: np.hstack([a, b]), (r(2, 3), r(2, 1))),
    "hstack vectors": (lambda a, b: np.hstack([a, b, a]), (r(2), r(3))),
    "dstack": (lambda a, b: np.dstack([a, b]), (r(3), r(3))),
    "dstack matrices": (lambda a, b: np.dstack([a, b]), (r(2, 3), r(2, 3, 2))),
    "column_stack": (lambda a, b: np.column_stack([a, b]), (r(3), r(3, 2))),
    "append flat": (lambda a, b: np.append(a, b), (r(2, 2), r(3))),
    "append axis": (lambda a, b: np.append(a, b, axis=1), (r(2, 2), r(2, 3))),
    # repeating, rolling, flipping, moving axes
    "repeat counts axis": (lambda a: np.repeat(a, [1, 0, 2], axis=1), (r(2, 3),)),
    "repeat flat": (lambda a: np.repeat(a, 2), (r(2, 3),)),
    "repeat negative axis": (lambda a: np.repeat(a, 3, axis=-1), (r(2, 2),)),
    "tile": (lambda a: np.tile(a, 2), (r(3),)),
    "tile more reps than axes": (lambda a: np.tile(a, (2, 1, 3)), (r(2, 3),)),
    "tile fewer reps than axes": (lambda a: np.tile(a, 2), (r(2, 3),)),
    "roll flat": (lambda a: np.roll(a, 2), (r(2, 3),)),
    "roll axis": (lambda a: np.roll(a, -1, axis=0), (r(3, 2),)),
    "roll several axes": (lambda a: np.roll(a, (1, -1), axis=(0, 1)), (r(2, 3),)),
    "flip all": (lambda a: np.flip(a), (r(2, 3),)),
    "flip axis tuple": (lambda a: np.flip(a, (0, 2)), (r(2, 3, 2),)),
    "fliplr": (lambda a: np.fliplr(a), (r(2, 3),)),
    "flipud": (lambda a: np.flipud(a), (r(3),)),
    "rot90": (lambda a: np.rot90(a), (r(2, 3),)),
    "rot90 k=2": (lambda a: np.rot90(a, 2), (r(2, 3),)),
    "rot90 k=3 axes": (lambda a: np.rot90(a, 3, axes=(1, 2)), (r(2, 3, 4),)),
    "rot90 k=-1": (lambda a: np.rot90(a, -1), (r(3, 2),)),
    "moveaxis": (lambda a: np.moveaxis(a, 0, -1), (r(2, 3, 4),)),
    "moveaxis lists": (lambda a: np.moveaxis(a, [0, 1], [-1, 0]), (r(2, 3, 4),)),
    "rollaxis": (lambda a: np.rollaxis(a, 2), (r(2, 3, 4),)),
    "rollaxis start": (lambda a: np.rollaxis(a, 0, start=3), (r(2, 3, 4),)),
    "atleast_1d": (lambda s: np.atleast_1d(s), (0.5,)),
    "atleast_2d several": (lambda a, s: np.atleast_2d(a, s)[0] * np.atleast_2d(s), (r(3), 0.5)),
    "atleast_3d": (lambda a, b: np.atleast_3d(a) + np.atleast_3d(b)[..., :1],
                   (r(2, 3), r(2, 3, 2))),
    # splitting and padding
    "split sections": (lambda a: np.split(a, 2, axis=1)[1], (r(2, 4),)),
    "split indices": (lambda a: np.concatenate(np.split(a, [1, 3])[::-1]), (r(5),)),
    "array_split uneven": (lambda a: np.array_split(a, 3)[0] * np.array_split(a, 3)[2][0],
                           (r(5),)),
    "hsplit": (lambda a: np.hsplit(a, [1])[1], (r(2, 4),)),
    "hsplit vector": (lambda a: np.hsplit(a, 2)[0], (r(4),)),
    "vsplit": (lambda a: np.vsplit(a, 2)[1], (r(4, 2),)),
    "dsplit": (lambda a: np.dsplit(a, 2)[0], (r(2, 2, 4),)),
    "pad AD constant": (lambda a, c: np.pad(a, ((1, 0), (2, 1)), constant_values=c),
                        (r(2, 3), 0.7)),
    "pad int width": (lambda a: np.pad(a, 2), (r(3),)),
    "pad plain constants per axis": (lambda a: np.pad(a, 1, "constant",
                                                      constant_values=((1, 2), (3, 4))),
                                     (r(2, 3),)),
    # sorting, selecting, taking
    "sort": (lambda a: np.sort(a), (distinct(5),)),
    "sort rows": (lambda a: np.sort(a), (distinct(3, 4),)),
    "sort axis 0 stable": (lambda a: np.sort(a, axis=0, kind="stable"), (distinct(3, 4),)),
    "sort flattened": (lambda a: np.sort(a, axis=None), (distinct(3, 4),)),
    "partition": (lambda a: np.partition(a, 2), (distinct(6),)),
    "partition rows several kth": (lambda a: np.partition(a, (1, 3), axis=1),
                                   (distinct(3, 5),)),
    "select": (lambda a, b: np.select([a > 0, b > 0.5], [a * b, b ** 2], default=a),
               (r(4), r(4))),
    "select scalar default": (lambda a: np.select([a < -0.5, a > 0.5], [a, 2 * a], 0.1),
                              (r(6),)),
    "take flat": (lambda a: np.take(a, [5, 0, 5]), (r(3, 4),)),
    "take axis 2-D indices": (lambda a: np.take(a, [[0, 2], [2, 2]], axis=1), (r(3, 4),)),
    "take wrap": (lambda a: np.take(a, [5, -1], mode="wrap"), (r(3, 4),)),
    "take clip": (lambda a: np.take(a, [7, -3], axis=0, mode="clip"), (r(3, 2),)),
    "take_along_axis argsort": (lambda a: np.take_along_axis(a, np.argsort(a, axis=1), axis=1),
                                (distinct(3, 4),)),
    "take_along_axis broadcast": (lambda a: np.take_along_axis(a, np.array([[0], [3], [1]]),
                                                               axis=1), (r(3, 4),)),
    "take_along_axis axis 0": (lambda a: np.take_along_axis(a, np.array([[2, 0, 1, 0]]), 0),
                               (r(3, 4),)),
    "take_along_axis None": (lambda a: np.take_along_axis(a, np.array([11, 0]), None),
                             (r(3, 4),)),
    # building arrays from AD values
    "linspace": (lambda a, b: np.linspace(a, b, 5), (0.3, 1.7)),
    "linspace no endpoint": (lambda a, b: np.linspace(a, b, 4, endpoint=False), (0.3, 1.7)),
    "linspace arrays axis": (lambda a, b: np.linspace(a, b, 4, axis=1), (r(2), r(3, 2))),
    "linspace retstep": (lambda a, b: np.linspace(a, b, 3, retstep=True)[1] * 2, (0.3, 1.7)),
    "linspace one point": (lambda a, b: np.linspace(a, b, 1), (0.3, 1.7)),
    # array methods
    "x.repeat": (lambda a: a.repeat(2, axis=0), (r(2, 3),)),
    "x.take": (lambda a: a.take([1, 0]), (r(2, 3),)),
    "x.diagonal": (lambda a: a.diagonal(offset=1), (r(3, 3),)),
    "x.trace": (lambda a: a.trace(), (r(3, 3),)),
}


@pytest.mark.parametrize("f, args", CASES.values(), ids=CASES.keys())
def test_value_is_numpys(f, args):
    ours, theirs = ad.vjp(f, *args)[0], f(*args)
    assert np.shape(ours) == np.shape(theirs)
    np.testing.assert_allclose(ours, theirs, rtol=1e-13, atol=1e-13)
    assert ad.jvp(f, args, args)[0] == pytest.approx(theirs, rel=1e-13, abs=1e-13)


@pytest.mark.parametrize("f, args", CASES.values(), ids=CASES.keys())
def test_check_grads_order_2_both_modes(f, args):
    check_grads(f, *args, modes=("fwd", "rev"), order=2)


def test_the_cases_cover_every_entry_of_the_family():
    from adexplorer.core import rules_products, rules_shapes
    names = " ".join(CASES)
    for func in {**rules_shapes.FUNCTIONS, **rules_products.FUNCTIONS}:
        if func.__name__ != "row_stack":
            assert func.__name__ in names, func.__name__
    for method in {**rules_shapes.METHODS, **rules_products.METHODS}:
        assert f"x.{method}" in names or method in ("sort", "partition"), method


@pytest.mark.parametrize("f, args", CASES.values(), ids=CASES.keys())
def test_float32_in_float32_out(f, args):
    args = tuple(np.float32(a) if np.ndim(a) == 0 else np.asarray(a, dtype=np.float32)
                 for a in args)
    expected = np.result_type(f(*args))
    assert np.result_type(ad.vjp(f, *args)[0]) == expected
    for g in ad.gradient(lambda *a: np.sum(f(*a)), *args):
        assert g is None or np.result_type(g) == np.float32


# ---------------------------------------------------------------------------
# Gradients worked by hand

A = np.array([[1.0, 2.0], [3.0, 4.0]])
B = np.array([[0.5, -1.0, 2.0], [1.5, 0.0, -2.0]])


def test_gradient_of_a_matrix_product_by_einsum():
    # d/dA sum(A B) = ones(2, 3) B^T: each row is the row sums of B
    gA, gB = ad.gradient(lambda A, B: np.sum(np.einsum("ij,jk->ik", A, B)), A, B)
    np.testing.assert_allclose(gA, [[1.5, -0.5], [1.5, -0.5]], rtol=1e-15)
    np.testing.assert_allclose(gB, [[4.0, 4.0, 4.0], [6.0, 6.0, 6.0]], rtol=1e-15)


def test_gradient_of_a_trace_is_the_identity_and_of_a_diagonal_its_embedding():
    np.testing.assert_array_equal(ad.gradient(lambda A: np.einsum("ii", A), A)[0], np.eye(2))
    np.testing.assert_array_equal(ad.gradient(np.trace, A)[0], np.eye(2))
    g = ad.gradient(lambda A: np.sum(np.diagonal(A) * np.array([10.0, 20.0])), A)[0]
    np.testing.assert_array_equal(g, [[10.0, 0.0], [0.0, 20.0]])
    # trace(A A) = sum_ij A_ij A_ji: gradient 2 A^T
    np.testing.assert_array_equal(ad.gradient(lambda A: np.trace(A @ A), A)[0],
                                  [[2.0, 6.0], [4.0, 8.0]])


def test_hessian_of_a_bilinear_form_in_einsum():
    # f(x) = x^T M x has Hessian M + M^T
    M = np.array([[1.0, 2.0], [0.0, 3.0]])
    H = ad.hessian(lambda x: np.einsum("i,ij,j", x, M, x))(np.array([0.3, -0.2]))
    np.testing.assert_allclose(H, [[2.0, 2.0], [2.0, 6.0]], rtol=1e-15)


def test_gradient_of_a_sorted_weighting_follows_the_values():
    x = np.array([0.3, -1.0, 2.0])
    w = np.array([1.0, 10.0, 100.0])           # smallest gets 1, largest 100
    g = ad.gradient(lambda x: np.sum(np.sort(x) * w), x)[0]
    np.testing.assert_array_equal(g, [10.0, 1.0, 100.0])


def test_gradient_of_kron_sums_the_other_factor():
    # sum(kron(a, b)) = sum(a) * sum(b)
    a, b = np.array([1.0, 2.0]), np.array([3.0, -1.0, 5.0])
    ga, gb = ad.gradient(lambda a, b: np.sum(np.kron(a, b)), a, b)
    np.testing.assert_array_equal(ga, [7.0, 7.0])
    np.testing.assert_array_equal(gb, [3.0, 3.0, 3.0])


def test_gradient_of_repeat_and_tile_counts_the_copies():
    x = np.array([1.0, 2.0, 3.0])
    np.testing.assert_array_equal(ad.gradient(lambda x: np.sum(np.repeat(x, [2, 0, 3])), x)[0],
                                  [2.0, 0.0, 3.0])
    np.testing.assert_array_equal(ad.gradient(lambda x: np.sum(np.tile(x, (2, 2))), x)[0],
                                  [4.0, 4.0, 4.0])


def test_np_full_with_an_ad_fill_value():
    # np.full is not dispatched by NumPy; the object array it builds is stacked back
    W = np.arange(6.0).reshape(2, 3)
    assert ad.gradient(lambda c: np.sum(np.full((2, 3), c) * W), 0.4) == (15.0,)
    assert ad.jvp(lambda c: np.sum(np.full((2, 3), c) * W), (0.4,), (2.0,))[1] == 30.0
    g = ad.gradient(lambda v: np.sum(np.full((2, 3), v) * W), np.array([1.0, 2.0, 3.0]))[0]
    np.testing.assert_array_equal(g, [3.0, 5.0, 7.0])


def test_row_stack_is_vstack_under_its_deprecated_name():
    x = np.array([1.0, 2.0, 3.0])
    with pytest.warns(DeprecationWarning):
        g = ad.gradient(lambda a: np.sum(np.row_stack([a, 2 * a]) ** 2), x)[0]
    np.testing.assert_array_equal(g, 10 * x)                # d/da (a^2 + 4 a^2) = 10 a


def test_sort_of_a_list_of_ad_scalars():
    # NumPy sorts the object array itself (comparing primals); the entries keep their own
    w = np.array([1.0, 10.0, 100.0])
    g = ad.gradient(lambda a: np.sum(np.sort([a[0], a[2], a[1]]) * w), np.array([3.0, 1.0, 2.0]))
    np.testing.assert_array_equal(g[0], [100.0, 1.0, 10.0])


def test_linspace_endpoints_move_the_points_linearly():
    # point k of linspace(a, b, 5) is a + k (b - a) / 4: d/da sum = 5 - 10/4, d/db = 10/4
    ga, gb = ad.gradient(lambda a, b: np.sum(np.linspace(a, b, 5)), 0.0, 1.0)
    assert ga == pytest.approx(2.5, rel=1e-15) and gb == pytest.approx(2.5, rel=1e-15)


# ---------------------------------------------------------------------------
# Refusals by name


V = np.array([0.3, -0.1, 0.7, 0.2])


def test_pad_modes_other_than_constant_are_refused_by_name():
    with pytest.raises(NoDerivativeRule, match=r"np\.pad\(\.\.\., mode='reflect'\)"):
        ad.gradient(lambda v: np.sum(np.pad(v, 1, mode="reflect")), V)
    with pytest.raises(NoDerivativeRule, match=r"np\.pad\(\.\.\., stat_length=\.\.\.\)"):
        ad.gradient(lambda v: np.sum(np.pad(v, 1, stat_length=2)), V)


def test_sorting_complex_values_is_refused_by_name():
    z = ad.Dual(np.array([1.0 + 1j, 2.0 - 1j]), np.ones(2))
    with pytest.raises(NoDerivativeRule, match=r"np\.sort of complex values"):
        np.sort(z)
    with pytest.raises(NoDerivativeRule, match=r"np\.partition of complex values"):
        np.partition(z, 1)


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_in_place_sort_methods_are_refused_pointing_at_np_sort(mode):
    for call, hint in [(lambda v: v.sort(), "np.sort(x)"),
                       (lambda v: v.sort(axis=0), "np.sort(x)"),
                       (lambda v: v.partition(1), "np.partition(x, kth)")]:
        with pytest.raises(InPlaceOutput) as info:
            if mode == "reverse":
                ad.gradient(call, V)
            else:
                ad.jvp(call, (V,), (V,))
        assert "in place and returns None" in str(info.value) and hint in str(info.value)


def test_einsum_keywords_that_change_the_value_are_refused():
    with pytest.raises(InPlaceOutput, match=r"np\.einsum\(\.\.\., out="):
        ad.gradient(lambda v: np.einsum("i,i", v, v, out=np.zeros(())), V)
    with pytest.raises(NoDerivativeRule, match=r"np\.einsum\(\.\.\., dtype="):
        ad.gradient(lambda v: np.einsum("i,i", v, v, dtype=np.float32), V)


# ---------------------------------------------------------------------------
# The Wengert list of an einsum reads like the math


def attention(Q, K, V):
    scores = np.einsum("qd,kd->qk", Q, K)
    e = np.exp(scores)
    weights = e / np.sum(e, axis=1, keepdims=True)
    return np.sum(np.einsum("qk,kv->qv", weights, V))


def test_wengert_list_of_attention_written_with_einsum():
    Q, K, V = r(2, 3), r(4, 3), r(4, 2)
    scores = np.einsum("qd,kd->qk", Q, K)            # NumPy's own values for the comments
    e = np.exp(scores)
    total = e.sum(axis=1, keepdims=True)
    expected = f"# Q: {note(Q)}\n# K: {note(K)}\n# V: {note(V)}\n" + commented([
        ("y1 = einsum('qd,kd->qk', Q, K)", scores),
        ("y2 = exp(y1)", e),
        ("y3 = sum(y2, axis=1, keepdims=True)", total),
        ("y4 = y2 / y3", e / total),
        ("y5 = einsum('qk,kv->qv', y4, V)", (e / total) @ V),
        ("y6 = sum(y5)", None)])
    assert str(ad.trace(attention, Q, K, V)) == expected


def test_wengert_list_of_implicit_and_ellipsis_subscripts_shows_them_written_out():
    text = str(ad.trace(lambda A: np.einsum("ii", A), A))
    assert text.splitlines()[-1] == "y1 = einsum('ii->', A)"
    text = str(ad.trace(lambda A, B: np.einsum("...j,jk", A, B), r(2, 2), B))
    assert "einsum('aj,jk->ak', A, B)" in text


# ---------------------------------------------------------------------------
# source_grad equals gradient on loop programs using the family


def power_iteration(A, x):
    for _ in range(4):
        y = np.einsum("ij,j->i", A, x)
        x = y / np.sqrt(np.sum(y * y))
    return np.einsum("i,ij,j", x, A, x)


def sorted_running_loss(x, w):
    total = 0.0
    k = 0
    while k < 3:
        s = np.sort(x * (k + 1.0))
        total = total + np.sum(s * w)
        x = np.roll(x, 1) + 0.1 * x
        k += 1
    return total


def kron_chain(a, b):
    out = a
    for _ in range(2):
        out = np.kron(out, b)
    return np.sum(np.tril(np.outer(out, out)) ** 2)


def trace_of_powers(M):
    acc = 0.0
    P = M
    for k in range(1, 4):
        acc = acc + np.trace(P) / k
        P = np.tensordot(P, M, axes=1)
    return acc


def stacked_updates(x):
    rows = np.atleast_2d(x)
    i = 0
    while i < 2:
        rows = np.append(rows, np.atleast_2d(np.flip(rows[-1]) * 0.5), axis=0)
        i += 1
    parts = np.split(np.pad(rows, 1, constant_values=0.2), 2, axis=1)
    return np.sum(np.diag(parts[0][:3, :3]) ** 2) + np.sum(np.repeat(parts[1], 2, axis=0))


LOOPS = {
    "power iteration": (power_iteration, (r(3, 3), r(3))),
    "sorted running loss": (sorted_running_loss, (distinct(4), r(4))),
    "kron chain": (kron_chain, (r(2), r(2))),
    "trace of powers": (trace_of_powers, (r(3, 3),)),
    "stacked updates": (stacked_updates, (r(4),)),
}


@pytest.mark.parametrize("f, args", LOOPS.values(), ids=LOOPS.keys())
def test_source_grad_equals_gradient_on_loops(f, args):
    assert_source_grad_is_the_tape(ad, f, args, atol=1e-12)
    check_grads(f, *args, order=1)
