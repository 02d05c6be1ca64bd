"""Arguments are named from each function's own signature, also for wrappers made by a
decorator: functools.wraps gives every wrapper the same code object, so the names must
not be remembered per code object for them."""

import functools

import adexplorer as ad


def _decorate(fn):
    @functools.wraps(fn)
    def wrapper(*args):
        return fn(*args)
    return wrapper


@_decorate
def _first(alpha, beta):
    return alpha * beta


@_decorate
def _second(gamma, delta):
    return gamma + delta


def test_decorated_functions_keep_their_own_argument_names():
    assert "alpha" in str(ad.trace(_first, 2.0, 3.0))
    listing = str(ad.trace(_second, 2.0, 3.0))
    assert "gamma" in listing and "delta" in listing and "alpha" not in listing
