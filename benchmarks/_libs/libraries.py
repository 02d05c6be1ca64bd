"""The libraries compared, each loaded only if installed.

``load(name)`` returns the module (configured for the benchmark: JAX in float64 on
the CPU, PyTorch on one thread) or ``None`` when it is not installed; a module that is
installed but fails to import (adexplorer in the middle of an edit) raises its error
again at every ``load``, so each of its rows reports it. ``version(name)`` says what was
measured. None of these is a dependency of adexplorer.
"""

from __future__ import annotations

import importlib
import importlib.metadata

# import name -> distribution name on PyPI
DISTRIBUTIONS = {"adexplorer": "adexplorer", "autograd": "autograd", "jax": "jax",
                 "torch": "torch", "micrograd": "micrograd", "numpy": "numpy"}

_loaded: dict[str, object] = {}
_failed: dict[str, Exception] = {}


def load(name: str):
    """The configured module, or ``None`` if it is not installed."""
    if name in _failed:
        raise _failed[name]
    if name in _loaded:
        return _loaded[name]
    try:
        module = importlib.import_module(name)
    except ImportError:
        module = None
    except Exception as exc:                 # installed, but broken
        _failed[name] = exc
        raise
    if module is not None and name == "jax":
        module.config.update("jax_enable_x64", True)        # float64, like the others
        module.config.update("jax_platforms", "cpu")
    if module is not None and name == "torch":
        module.set_num_threads(1)
        try:
            module.set_num_interop_threads(1)
        except RuntimeError:                                 # already set once
            pass
    _loaded[name] = module
    return module


def version(name: str) -> str:
    try:
        module = load(name)
    except Exception as exc:
        return f"fails to import ({type(exc).__name__}: {exc})"
    if module is None:
        return "not installed"
    text = getattr(module, "__version__", None)
    if text is None:
        try:
            text = importlib.metadata.version(DISTRIBUTIONS.get(name, name))
        except importlib.metadata.PackageNotFoundError:
            text = "?"
    return str(text)
