"""Elementwise rows beyond the basic ones: hyperbolic and inverse trigonometric functions,
logarithms and exponentials in other bases, angle conversion, sinc, fmax/fmin, and the
piecewise-constant steps (floor, ceil, round, ...) whose derivative is zero.
"""

from __future__ import annotations

# What this family adds to the NumPy dispatch (numpy_dispatch.py merges them):
UFUNCS: dict = {}       # np.<ufunc> -> row
FUNCTIONS: dict = {}    # np.<function> -> entry (its honoured keywords marked with @honours)
METHODS: dict = {}      # "name" -> entry for the array method x.<name>(...)
