"""What the autograd-oracle tests share: one tolerance for "agrees with autograd"."""

import numpy as np


def assert_close(ours, theirs, what):
    """Same shape, and equal to 1e-9 relative (to the largest entry for arrays)."""
    ours, theirs = np.asarray(ours, dtype=float), np.asarray(theirs, dtype=float)
    assert ours.shape == theirs.shape, f"{what}: shape {ours.shape} != {theirs.shape}"
    scale = np.max(np.abs(theirs)) if theirs.size else 0.0
    np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-9 * scale, err_msg=what)
