"""nbval starts a fresh kernel per notebook; make it import this checkout's adexplorer.

The kernel is a separate process started in notebooks/, so the repository root that
pytest puts on its own ``sys.path`` is not visible there. Putting the root on
``PYTHONPATH`` makes the notebooks test the code next to them, installed or not.
(The Binder check runs with ``--noconftest`` so that it tests the installed package.)
"""

import os
from pathlib import Path

ROOT = str(Path(__file__).resolve().parents[1])
_paths = os.environ.get("PYTHONPATH", "").split(os.pathsep)
if ROOT not in _paths:
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in [ROOT, *_paths] if p)
