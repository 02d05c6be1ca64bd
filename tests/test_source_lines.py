"""Every line of adexplorer's source fits in 100 characters, so a module reads in a
normal editor window and in a side-by-side diff."""

from pathlib import Path

import adexplorer

PACKAGE = Path(adexplorer.__file__).parent
LIMIT = 100


def test_no_line_is_longer_than_the_limit():
    long = [f"{path.relative_to(PACKAGE).as_posix()}:{k}: {len(line)} characters"
            for path in sorted(PACKAGE.rglob("*.py"))
            for k, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
            if len(line) > LIMIT]
    assert not long, "\n".join(long)
