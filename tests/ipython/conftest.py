"""One IPython shell for the magic's tests, with ``%load_ext adexplorer``; figures are
drawn headless with the Agg backend. ``shell`` looks like a Jupyter kernel's (it has a
kernel with a comm manager, so ``%%autodiff`` builds widgets); ``terminal_shell`` is the
same shell without one, as in terminal IPython."""

from types import SimpleNamespace

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
def shell(_shell, monkeypatch):
    """The shell with a fresh user namespace, as a kernel's: widgets can be shown."""
    _shell.reset(new_session=False)
    monkeypatch.setattr(_shell, "kernel", SimpleNamespace(comm_manager=object()),
                        raising=False)
    return _shell


@pytest.fixture
def terminal_shell(_shell, monkeypatch):
    """The shell with a fresh user namespace and no kernel: no widget front end."""
    _shell.reset(new_session=False)
    monkeypatch.delattr(_shell, "kernel", raising=False)
    return _shell
