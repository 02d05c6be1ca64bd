"""The Wengert list of a function that uses einsum, solve and var reads like the math:
one line per NumPy call, named as the user wrote it, with the shapes and small arrays' values in comments."""

import unicodedata

import numpy as np

import adexplorer as ad

from .shape_notes import commented, note


def ridge_spread(A, X, b):
    S = np.einsum("ij,kj->ik", X, X)          # X Xᵀ
    w = np.linalg.solve(A + S, b)             # (A + X Xᵀ) w = b
    return np.var(w)


A = 3 * np.eye(2)
X = np.array([[1.0, 2.0], [0.5, -1.0]])
b = np.array([1.0, 2.0])

S = X @ X.T                                   # NumPy's own values for the comments
EXPECTED = "\n".join([
    f"# A: {note(A)}",
    f"# X: {note(X)}",
    f"# b: {note(b)}",
    commented([("y1 = einsum('ij,kj->ik', X, X)", S),
               ("y2 = A + y1", A + S),
               ("y3 = solve(y2, b)", np.linalg.solve(A + S, b)),
               ("y4 = var(y3)", None)])])


def test_the_list_reads_like_the_math():
    assert str(ad.trace(ridge_spread, A, X, b)) == EXPECTED


def test_the_adjoint_list_solves_with_the_transpose():
    text = str(ad.trace(ridge_spread, A, X, b).adjoint_wengert())
    assert "solve(transpose(y2)" in text                    # b̄ = (A + S)⁻ᵀ ȳ3
    text = unicodedata.normalize("NFC", text)
    lines = [line.split("#")[0].rstrip() for line in text.splitlines()]
    x_bar = [line for line in lines if "einsum('ik," in line]
    y1_bar = unicodedata.normalize("NFC", "y\u03041")         # ȳ1
    assert x_bar[0].endswith(f" = einsum('ik,kj->ij', {y1_bar}, X)")
    assert x_bar[1].endswith(f" += einsum('ik,ij->kj', {y1_bar}, X)")   # X twice: +=


def test_its_gradient_is_right():
    # d var(w) / d b = (A + X Xᵀ)⁻ᵀ · 2 (w - mean w) / n, by hand
    M = A + X @ X.T
    w = np.linalg.solve(M, b)
    expected_b = np.linalg.solve(M.T, 2 * (w - w.mean()) / 2)
    np.testing.assert_allclose(ad.gradient(ridge_spread, A, X, b)[2], expected_b)
