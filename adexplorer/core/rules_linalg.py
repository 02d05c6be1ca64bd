"""Linear algebra (``np.linalg``): inv, det, slogdet, solve, norm, pinv, cholesky, eigh,
qr, svd, matrix_power, multi_dot.
"""

from __future__ import annotations

# What this family adds to the NumPy dispatch (numpy_dispatch.py merges them):
UFUNCS: dict = {}       # np.<ufunc> -> row
FUNCTIONS: dict = {}    # np.<function> -> entry (its honoured keywords marked with @honours)
METHODS: dict = {}      # "name" -> entry for the array method x.<name>(...)
