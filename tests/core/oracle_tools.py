"""What the autograd-oracle tests share: one tolerance for "agrees with autograd"."""

import numpy as np


def assert_close(ours, theirs, what):
    """Same shape, and equal to 1e-9 relative (to the largest entry for arrays)."""
    ours, theirs = np.asarray(ours, dtype=float), np.asarray(theirs, dtype=float)
    assert ours.shape == theirs.shape, f"{what}: shape {ours.shape} != {theirs.shape}"
    scale = np.max(np.abs(theirs)) if theirs.size else 0.0
    np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-9 * scale, err_msg=what)


def assert_source_grad_is_the_tape(ad, f, args, atol=1e-14):
    """source_grad's generated adjoint gives ad.gradient's answer: the same Nones, the
    same numbers to 1e-12."""
    expected = ad.gradient(f, *args)
    got = ad.source_grad(f)(*args)
    assert len(got) == len(expected)
    for a, b in zip(got, expected):
        if b is None:
            assert a is None
        else:
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=atol)
