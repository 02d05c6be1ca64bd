"""What ``%%autodiff`` and the terminal's ``adexplorer explain`` share, with no IPython:

* ``cell.py``: the text of a cell (or of the terminal's expression) to a function and the
  point to differentiate it at;
* ``options.py``: the options (``--at x=3.0``, ``--wrt``, ``--plot``), read without ``eval``;
* ``analysis.py``: ``analyse``, everything shown about f at the point, built from one
  recording of f, and its deterministic text.

The magic (``adexplorer.ipython``) and the widgets (``adexplorer.viz``) read a ``Report``;
the CLI prints its text.
"""

from .analysis import Report, analyse

__all__ = ["Report", "analyse"]
