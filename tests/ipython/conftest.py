"""One IPython shell for the magic's tests, with ``%load_ext adexplorer``; figures are
drawn headless with the Agg backend."""

import matplotlib
import pytest

matplotlib.use("Agg")


@pytest.fixture(scope="session")
def _shell():
    from IPython.core.interactiveshell import InteractiveShell
    shell = InteractiveShell.instance()
    result = shell.run_cell("%load_ext adexplorer")
    assert result.success, result.error_in_exec
    return shell


@pytest.fixture
def shell(_shell):
    """The shell with a fresh user namespace."""
    _shell.reset(new_session=False)
    return _shell
