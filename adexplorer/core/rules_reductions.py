"""Reductions and scans beyond sum/mean/max/min: prod, cumsum, cumprod, var, std,
average, logsumexp, nansum, nanmean, ptp, diff.
"""

from __future__ import annotations

# What this family adds to the NumPy dispatch (numpy_dispatch.py merges them):
UFUNCS: dict = {}       # np.<ufunc> -> row
FUNCTIONS: dict = {}    # np.<function> -> entry (its honoured keywords marked with @honours)
METHODS: dict = {}      # "name" -> entry for the array method x.<name>(...)
