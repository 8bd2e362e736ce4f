"""The explorers in a real browser: one JupyterLab server (this environment, 127.0.0.1, a token)
and one headless Chromium (Debian's, driven by Playwright) for the whole session.

``make test`` runs these after the smoke notebooks (``make browser`` alone), so the smoke zoo
models and caches exist and a notebook's "run all" takes seconds. ``tests/conftest.py`` keeps
them out of ``pytest tests``. Without Chromium or Playwright the tests skip with the install
command, except under CI (``CI`` set), where they fail: CI must not skip them silently.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest

from inputspace import paths
from inputspace.run.execute import INLINE_BACKEND
from inputspace.run.volatile import strip_volatile

CHROMIUM = Path(os.environ.get("INPUTSPACE_CHROMIUM", "/usr/bin/chromium"))
DATA = os.environ.get("INPUTSPACE_DATA")  # read before tests/conftest.py isolates each test's data
EXPLORERS = {  # notebook id -> the notebook's file
    "p1-fig03": "p1-fig03-paths-images.ipynb",
    "p2-example": "p2-example-lst-path.ipynb",
    "p3-fig05": "p3-fig05-bmus-resnet18.ipynb",
    "p3-fig11": "p3-fig11-pgd-vs-noise.ipynb",
    "p3-fig12": "p3-fig12-vit-pgd-vs-noise.ipynb",
}
LAB_SETTINGS = {  # every cell in the DOM (no windowing); no news fetched from the internet
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}
SERVER_START_S = 120  # upper bounds against hangs, never timed assertions


def missing(reason: str) -> None:
    """Skip locally, fail under CI."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so the browser tests may not skip)", pytrace=False)
    pytest.skip(reason)


@dataclass(frozen=True)
class Lab:
    """A running JupyterLab: its base URL, token and the folder it serves."""

    url: str
    token: str
    root: Path

    def api(self, method: str, route: str) -> object:
        req = urllib.request.Request(
            f"{self.url}/api/{route}",
            method=method,
            headers={"Authorization": f"token {self.token}"},
        )
        with urllib.request.urlopen(req, timeout=30) as r:
            body = r.read()
        return json.loads(body) if body else None

    def notebook_url(self, nid: str) -> str:
        """JupyterLab's URL of notebook ``nid``'s smoke copy, in a workspace of its own (``reset``:
        a page must not restore the notebooks, and so the kernels, of the tests before it)."""
        return f"{self.url}/lab/workspaces/{nid}/tree/{EXPLORERS[nid]}?reset&token={self.token}"

    def shutdown_kernels(self) -> None:
        """End every session (its kernel too): one notebook's kernel at a time stays alive."""
        for s in self.api("GET", "sessions"):
            self.api("DELETE", f"sessions/{s['id']}")


def smoke_copy(src: Path, dst: Path) -> None:
    """``src`` with ``profile = "smoke"`` injected (as ``pipeline prepare`` does) and no outputs."""
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    nb = strip_volatile(parameterize_notebook(load_notebook_node(str(src)), {"profile": "smoke"}))
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nbformat.write(nb, dst)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def lab(tmp_path_factory) -> Lab:
    root = tmp_path_factory.mktemp("lab")
    served = root / "notebooks"
    served.mkdir()
    for name in EXPLORERS.values():
        smoke_copy(paths.NOTEBOOKS / name, served / name)
    settings = root / "settings"
    for rel, value in LAB_SETTINGS.items():
        (settings / rel).parent.mkdir(parents=True, exist_ok=True)
        (settings / rel).write_text(json.dumps(value))
    env = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "MPLBACKEND": INLINE_BACKEND,
        "JUPYTER_RUNTIME_DIR": str(root / "runtime"),
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    }
    env.pop("INPUTSPACE_DATA", None)
    if DATA:
        env["INPUTSPACE_DATA"] = DATA
    port, token = free_port(), secrets.token_hex(16)
    log = (root / "jupyter.log").open("wb")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyter",
            "lab",
            "--no-browser",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={served}",
            f"--LabApp.user_settings_dir={settings}",
            f"--LabApp.workspaces_dir={root / 'workspaces'}",
            "--LabApp.expose_app_in_browser=True",
            "--LabApp.extension_manager=readonly",
            "--allow-root",
        ],  # CI runs as root; no PyPI queries
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
        cwd=served,
    )
    server = Lab(f"http://127.0.0.1:{port}", token, served)
    try:
        deadline = time.monotonic() + SERVER_START_S
        while True:
            if proc.poll() is not None:
                pytest.fail(
                    f"jupyter lab exited ({proc.returncode}): "
                    f"{(root / 'jupyter.log').read_text()[-2000:]}",
                    pytrace=False,
                )
            try:
                server.api("GET", "status")
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(
                        f"jupyter lab did not answer within {SERVER_START_S} s; see "
                        f"{root / 'jupyter.log'}",
                        pytrace=False,
                    )
                time.sleep(0.5)
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing(
            "playwright is not installed: `make setup` (or .venv/bin/pip install "
            "playwright==1.64.1); no `playwright install`, the tests use the system Chromium"
        )
    if not CHROMIUM.is_file():
        missing(
            f"no Chromium at {CHROMIUM}: `apt-get install chromium` "
            "(or point INPUTSPACE_CHROMIUM at a Chromium binary)"
        )
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM))
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser, lab):
    """A fresh page; the notebook's kernel is shut down afterwards."""
    p = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        yield p
    finally:
        p.close()
        lab.shutdown_kernels()
