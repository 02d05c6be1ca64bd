"""What a ``Trace`` shows of itself: its text, its sweeps and its graph.

``Trace`` (tracing.py) is the plain data reverse mode records into, so it cannot import
the modules that replay it with forward and reverse mode (wengert.py, sweeps.py). This
module gathers those views in one namespace and hands it to ``Trace`` as ``Trace.views``;
``print(trace)``, ``trace.tangent_wengert()``, ``trace.forward_sweep()`` and the rest call
through it. ``adexplorer.core`` imports this module, so every trace has its views.
"""

from __future__ import annotations

import types

from .sweeps import backward_sweep, forward_sweep
from .tracing import Trace
from .wengert import (adjoint_wengert, format_trace, tangent_wengert, to_networkx, trace_html,
                      trace_repr)

Trace.views = types.SimpleNamespace(
    format_trace=format_trace, trace_repr=trace_repr, trace_html=trace_html,
    tangent_wengert=tangent_wengert, adjoint_wengert=adjoint_wengert,
    forward_sweep=forward_sweep, backward_sweep=backward_sweep, to_networkx=to_networkx)
