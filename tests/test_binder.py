"""Binder's build, checked without docker (the recipe in testing-jupyter.md, section 4).

1. ``repo2docker --no-build`` prints the Dockerfile Binder would build from ``binder/``:
   Python from runtime.txt, the whole repository copied before
   ``pip install -r binder/requirements.txt`` (its "." line installs adexplorer), then
   ``./binder/postBuild``.
2. A fresh virtual environment is built the same way from a copy of the repository,
   from PyPI only (this machine's pip configuration and local wheels are ignored), the
   postBuild script runs in it, and every notebook is executed there under nbval
   against its stored outputs. The installed package is what the notebooks import.

Slow (about 2-3 minutes, mostly pip). It needs PyPI: without it the test skips, except
under CI=true, where that is a failure.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PYPI = "https://pypi.org/simple"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
SKIP_DIRS = {".git", ".venv", "build", "dist", "test-artifacts", "__pycache__",
             ".pytest_cache", ".hypothesis", ".ipynb_checkpoints", ".benchmarks"}


def _require_pypi():
    try:
        urllib.request.urlopen(f"{PYPI}/pip/", timeout=15)
    except OSError as e:
        reason = f"PyPI is unreachable ({e}); the Binder check installs from PyPI"
        if IN_CI:
            pytest.fail(reason)
        pytest.skip(reason)


def _env() -> dict:
    """The environment for pip and the venv: PyPI only, nothing from this checkout."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PIP_", "PYTHON", "VIRTUAL_ENV", "CONDA", "JUPYTER"))}
    env["PIP_CONFIG_FILE"] = os.devnull          # no machine-wide index, wheels, constraints
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    if os.environ.get("PIP_CERT"):               # a CA bundle is not a package source
        env["PIP_CERT"] = os.environ["PIP_CERT"]
    return env


def _run(args, cwd, env, timeout=900) -> str:
    done = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=timeout)
    out = done.stdout + done.stderr
    assert done.returncode == 0, f"{' '.join(map(str, args))} failed:\n{out[-4000:]}"
    return out


def _repository_files() -> list[Path]:
    """What would be pushed: tracked and untracked-but-not-ignored files."""
    try:
        listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard",
                                 "-z"], cwd=ROOT, capture_output=True, check=True).stdout
        names = [n for n in listed.decode().split("\0") if n]
    except (OSError, subprocess.CalledProcessError):
        names = [str(p.relative_to(ROOT)) for p in ROOT.rglob("*") if p.is_file()]
    return [Path(n) for n in names
            if not SKIP_DIRS.intersection(Path(n).parts) and (ROOT / n).is_file()]


def _venv(path: Path, env: dict) -> Path:
    _run([sys.executable, "-m", "venv", path], cwd=path.parent, env=env)
    return path / "bin"


class Workspace(tuple):
    """(temporary folder, copy of the repository, environment); a short repr keeps the
    environment out of failure reports."""

    def __repr__(self):
        return f"Workspace({self[0]})"


@pytest.fixture(scope="module")
def workspace():
    _require_pypi()
    top = Path(tempfile.mkdtemp(prefix="adexplorer-binder-"))
    repo = top / "repo"
    for name in _repository_files():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, repo / name)
    yield Workspace((top, repo, _env()))
    shutil.rmtree(top, ignore_errors=True)


def test_binder_folder_has_what_the_recipe_asks():
    binder = ROOT / "binder"
    requirements = (binder / "requirements.txt").read_text().split()
    assert "." in requirements, "binder/ hides pyproject.toml: '.' must install the project"
    assert any(r.startswith("jupyterlab") for r in requirements)
    assert any(r.startswith("ipywidgets") for r in requirements)
    assert (binder / "runtime.txt").read_text().strip() == "python-3.11"
    post = (binder / "postBuild").read_text()
    assert post.startswith("#!/bin/bash\n") and "set -euo pipefail" in post
    assert os.access(binder / "postBuild", os.X_OK)
    assert not (ROOT / ".binder").exists(), "both binder/ and .binder/ is an error"
    assert not (binder / "environment.yml").exists(), "it would make runtime.txt ignored"


def test_repo2docker_plans_the_expected_steps(workspace):
    top, repo, env = workspace
    bin_ = _venv(top / "r2d", env)
    _run([bin_ / "pip", "install", "-q", "--index-url", PYPI, "jupyter-repo2docker"],
         cwd=top, env=env)
    plan = _run([bin_ / "repo2docker", "--no-build", "--no-run", "--debug", repo],
                cwd=top, env=env, timeout=120)
    assert "python=3.11" in plan, "runtime.txt's Python version is not used"
    copy = plan.index("COPY --chown=0:0 src/ ${REPO_DIR}/")
    install = plan.index('pip install --no-cache-dir -r "binder/requirements.txt"')
    post = plan.index("RUN ./binder/postBuild")
    assert copy < install < post, "the repository must be copied before '.' is installed"


def test_a_fresh_binder_environment_runs_every_notebook(workspace):
    top, repo, env = workspace
    bin_ = _venv(top / "binder-env", env)
    # As repo2docker does: from the repository root, then postBuild with the env on PATH.
    _run([bin_ / "pip", "install", "-q", "--index-url", PYPI, "-r", "binder/requirements.txt"],
         cwd=repo, env=env)
    env = dict(env, PATH=f"{bin_}{os.pathsep}{env.get('PATH', '')}",
               VIRTUAL_ENV=str(bin_.parent))
    post = _run(["bash", "binder/postBuild"], cwd=repo, env=env, timeout=300)
    assert f"from {bin_.parent}" in post, f"postBuild imported the wrong adexplorer:\n{post}"
    _run([bin_ / "pip", "install", "-q", "--index-url", PYPI, "pytest", "nbval"],
         cwd=repo, env=env)
    notebooks = sorted(p.name for p in (repo / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    assert len(notebooks) == 7, notebooks
    # --noconftest: notebooks/conftest.py would put the source tree on PYTHONPATH.
    out = _run([bin_ / "python", "-m", "pytest", "-q", "--noconftest", "-p", "no:cacheprovider",
                "--nbval", "--nbval-current-env", "notebooks/"], cwd=repo, env=env)
    assert " failed" not in out and " error" not in out, out[-3000:]
    passed = re.search(r"(\d+) passed", out)
    assert passed and int(passed.group(1)) > 7 * 5, out[-3000:]   # every cell of 7 notebooks
