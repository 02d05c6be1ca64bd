"""Shape changes and products beyond the basic rows: einsum, tensordot, outer, kron,
trace, diagonals, triangles, repeats, flips, splits, padding, stacking helpers, sorting and
taking.
"""

from __future__ import annotations

# What this family adds to the NumPy dispatch (numpy_dispatch.py merges them):
UFUNCS: dict = {}       # np.<ufunc> -> row
FUNCTIONS: dict = {}    # np.<function> -> entry (its honoured keywords marked with @honours)
METHODS: dict = {}      # "name" -> entry for the array method x.<name>(...)
