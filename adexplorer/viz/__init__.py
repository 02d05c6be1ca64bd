"""Pictures of plain data: the graph of a ``Trace``, finite-difference checks, memory.

Nothing here computes derivatives of its own; matplotlib is imported only when a
picture is drawn, so ``import adexplorer`` stays light.
"""

from ..report.fd import FDCheck, FDChecks, fd_check
from .fdplots import plot_fd, plot_fd_error
from .graph import GraphLayout, GraphPlot, graph_layout, plot_graph
from .memoryplot import memory_peaks, plot_memory

__all__ = ["FDCheck", "FDChecks", "GraphLayout", "GraphPlot", "fd_check", "graph_layout", "plot_fd",
           "plot_fd_error", "plot_graph", "memory_peaks", "plot_memory"]
