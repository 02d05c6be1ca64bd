"""The Jupyter layer: ``%load_ext adexplorer`` registers the ``%%autodiff`` cell magic.

``magic.py`` is the magic itself: IPython glue around ``adexplorer.report`` (the cell's
text to a function and a point, the options, the report), which the terminal's
``adexplorer explain`` shares. IPython is imported only when the extension is loaded, so
``import adexplorer`` stays light.
"""


def load_ipython_extension(ipython):
    """Called by ``%load_ext adexplorer``: register ``%%autodiff``."""
    from .magic import load
    load(ipython)
