"""Arrays are shown as values: a small array (up to 12 entries) prints its rounded
entries, a larger one its shape, dtype and norm; ``fit_value`` keeps a value inside a
box's width."""

import math

import numpy as np

from adexplorer.core.values import SMALL_ARRAY, fit_value, short_value


def test_a_two_by_two_matrix_prints_its_rounded_entries():
    a = np.array([[1 / 3, -2.0], [0.5, 1e-3]])
    assert short_value(a) == "[[0.333, -2], [0.5, 0.001]]"


def test_a_short_vector_keeps_four_digits_and_twelve_entries_are_still_shown():
    assert short_value(np.array([math.pi, math.e])) == "[3.142, 2.718]"
    twelve = np.arange(12.0).reshape(3, 4) / 7          # 1/7 = 0.142857...
    text = short_value(twelve)
    assert text.startswith("[[0, 0.143, 0.286, 0.429], [0.571,") and text.endswith("1.57]]")
    assert SMALL_ARRAY == 12


def test_a_larger_array_shows_shape_dtype_and_norm():
    # |ones(13)| = sqrt(13) = 3.6056
    assert short_value(np.ones(13)) == "array (13,) float64, norm 3.61"
    assert short_value(np.ones((4, 4), dtype=np.float32)) == "array (4, 4) float32, norm 4"


def test_fit_value_rounds_harder_then_falls_back_to_shape_and_norm():
    assert fit_value(np.array([[1.0, 2.0], [3.0, 4.0]]), 18) == "[[1, 2], [3, 4]]"
    # to 3 digits the entries take 25 characters, to 2 digits 23, and without spaces
    # 22 and 20; |v| = sqrt(0.46875) = 0.6847
    v = np.array([0.125, 0.25, 0.375, 0.5])
    assert fit_value(v, 25) == "[0.125, 0.25, 0.375, 0.5]"
    assert fit_value(v, 24) == "[0.12, 0.25, 0.38, 0.5]"
    assert fit_value(v, 22) == "[0.125,0.25,0.375,0.5]"
    assert fit_value(v, 20) == "[0.12,0.25,0.38,0.5]"
    assert fit_value(v, 19) == "(4,) norm 0.685"
    assert fit_value(np.ones((4, 4)), 18) == "(4,4) norm 4"          # |ones(16)| = 4
    assert fit_value(2.718281828, 18) == "2.718"
