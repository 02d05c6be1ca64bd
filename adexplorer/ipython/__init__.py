"""The Jupyter layer: ``%load_ext adexplorer`` registers the ``%%autodiff`` cell magic.

``cell.py`` turns a cell's text into a function and a point (no IPython; the terminal's
``adexplorer explain`` uses it too); ``magic.py`` is the magic itself. IPython is
imported only when the extension is loaded, so ``import adexplorer`` stays light.
"""


def load_ipython_extension(ipython):
    """Called by ``%load_ext adexplorer``: register ``%%autodiff``."""
    from .magic import load
    load(ipython)
