"""Helpers for benchmarks/bench_core.py: timing, optional libraries, the cases and the report.

Nothing here is part of the adexplorer package; these modules are only for the benchmark.
"""
