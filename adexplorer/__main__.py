"""``python -m adexplorer explain "5*sin(log(x))" --at x=3``: the command line."""

from .cli import main

raise SystemExit(main())
