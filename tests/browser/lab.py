"""A real JupyterLab in Debian chromium, driven by Playwright: the helpers browser tests use.

``Lab(root, home)`` starts ``jupyter lab`` on 127.0.0.1 with a random token and fresh
settings (no news toast, no autosave that would rewrite notebooks); kernels it starts
import adexplorer from this checkout. ``write_notebook`` makes a notebook with a
kernelspec (without one Lab asks for a kernel); ``open_and_run_all`` opens it, waits for
a connected idle kernel and runs every cell from the Run menu; ``save_screenshot`` keeps
a picture under test-artifacts/ (git-ignored). ``require_browser`` skips with the reason
when chromium or Playwright is missing, but fails under CI=true, where .ci/run installs
them.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
KERNEL_IDLE = re.compile(r"^(?!No Kernel).*\| Idle$")


def require_browser():
    """Skip (fail in CI) unless Debian's chromium and Playwright are both there."""
    missing = []
    if not Path(CHROMIUM).exists():
        missing.append("Debian's chromium (apt-get install -y chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("playwright (pip install playwright; never `playwright install`)")
    if missing:
        reason = "browser tests need " + " and ".join(missing)
        if IN_CI:
            pytest.fail(reason + " — CI must install them (.ci/run does)")
        pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _write_settings(home: Path):
    settings = home / "settings" / "@jupyterlab"
    (settings / "apputils-extension").mkdir(parents=True)
    (settings / "apputils-extension" / "notification.jupyterlab-settings").write_text(
        '{"fetchNews": "false", "checkForUpdates": false}')
    (settings / "docmanager-extension").mkdir(parents=True)
    (settings / "docmanager-extension" / "plugin.jupyterlab-settings").write_text(
        '{"autosave": false}')


class Lab:
    """A running JupyterLab server serving ``root``."""

    def __init__(self, root: Path, home: Path, start_timeout: float = 90):
        self.root = Path(root).resolve()
        _write_settings(home)
        path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)
        env = dict(os.environ, JUPYTER_CONFIG_DIR=str(home / "cfg"),
                   JUPYTER_RUNTIME_DIR=str(home / "rt"),
                   JUPYTERLAB_SETTINGS_DIR=str(home / "settings"),
                   JUPYTERLAB_WORKSPACES_DIR=str(home / "ws"), PYTHONPATH=path)
        self.port = _free_port()
        self.token = secrets.token_hex(16)
        self._pages = 0
        self.log_path = home / "lab.log"
        self._log = open(self.log_path, "w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root",
             "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}",
             "--ServerApp.port_retries=0", f"--IdentityProvider.token={self.token}",
             f"--ServerApp.root_dir={self.root}", "--LabApp.news_url=None",
             "--LabApp.extension_manager=readonly",
             "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
            cwd=self.root, env=env, stdout=self._log, stderr=subprocess.STDOUT)
        self.base = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + start_timeout
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{self.base}/api/status?token={self.token}", timeout=2)
                return
            except OSError:
                if self.proc.poll() is not None:
                    self.stop()
                    raise RuntimeError("jupyter lab exited:\n" + self.log_tail())
                time.sleep(0.25)
        self.stop()
        raise RuntimeError(f"jupyter lab did not answer in {start_timeout:.0f} s:\n"
                           + self.log_tail())

    def url(self, notebook: str) -> str:
        """The notebook in a workspace of its own: Lab would otherwise reopen the
        notebooks of earlier pages, and Run All could meet a tab whose kernel is still
        starting ("Select Kernel" dialog, nothing runs)."""
        self._pages += 1
        return (f"{self.base}/lab/workspaces/page{self._pages}/tree/{notebook}"
                f"?token={self.token}")

    def log_tail(self, chars: int = 3000) -> str:
        return self.log_path.read_text(errors="replace")[-chars:]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        if not self._log.closed:
            self._log.close()


def write_notebook(path: Path, cells) -> Path:
    """A notebook of code cells (strings) with the python3 kernelspec."""
    import nbformat
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(source) for source in cells]
    nbformat.write(nb, path)
    return path


def open_and_run_all(browser, lab: Lab, notebook: str, shot_name: str | None = None,
                     timeout_ms: int = 90_000):
    """Open ``notebook``, wait for a connected idle kernel (the toolbar's indicator says
    idle too early) and Run All from the Run menu. Returns the page; the caller closes it.
    If that fails, the page is saved as test-artifacts/``shot_name`` (with "-open" added)."""
    page = browser.new_page(viewport={"width": 1400, "height": 1100})
    page.set_default_timeout(timeout_ms)
    try:
        page.goto(lab.url(notebook))
        page.locator(".jp-StatusBar-TextItem", has_text=KERNEL_IDLE).wait_for()
        page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
        page.locator("li.lm-Menu-item[data-command='runmenu:run-all']").click()
    except Exception:
        if shot_name:
            stem, dot, ext = shot_name.rpartition(".")
            save_screenshot(page, f"{stem}-open.{ext}" if dot else f"{shot_name}-open")
        page.close()
        raise
    return page


def wait_loaded(page, image) -> None:
    """Wait until the ``<img>`` located by ``image`` has loaded a real picture."""
    page.wait_for_function("(img) => img.complete && img.naturalWidth > 100",
                           arg=image.element_handle())


def wait_src_changed(page, image, old_src: str) -> None:
    """Wait until the ``<img>`` located by ``image`` shows another picture than ``old_src``
    (the kernel drew the next frame)."""
    page.wait_for_function("([img, s]) => img.src !== s", arg=[image.element_handle(), old_src])


def save_screenshot(page, name: str) -> Path:
    """The visible page (Lab is viewport-sized) as test-artifacts/<name>."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path))
    return path
