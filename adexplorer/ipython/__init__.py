"""The Jupyter layer: ``%load_ext adexplorer`` registers the ``%%autodiff`` cell magic.

``cell.py`` turns a cell's text into a function and a point and ``options.py`` reads the
options (no IPython in either; the terminal's ``adexplorer explain`` uses both);
``magic.py`` is the magic itself. IPython is
imported only when the extension is loaded, so ``import adexplorer`` stays light.
"""


def load_ipython_extension(ipython):
    """Called by ``%load_ext adexplorer``: register ``%%autodiff``."""
    from .magic import load
    load(ipython)
