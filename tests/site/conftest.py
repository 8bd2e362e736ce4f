"""The built static site in a real browser: ``build/site/`` (``make site``; built here first if it
is missing) served by a local HTTP server on 127.0.0.1, and one headless Debian Chromium driven by
Playwright for the whole session.

``make test`` builds the site, then runs these; ``tests/conftest.py`` keeps them out of ``pytest
tests``. Without Chromium or Playwright they skip with the install command, except under CI (``CI``
set), where they fail, as the explorer tests in ``tests/browser`` do.
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
from pathlib import Path

import pytest

from inputspace import paths

CHROMIUM = Path(os.environ.get("INPUTSPACE_CHROMIUM", "/usr/bin/chromium"))
SITE = paths.BUILD / "site"
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def unavailable(reason: str) -> None:
    """Skip locally, fail under CI."""
    if os.environ.get("CI"):
        pytest.fail(
            f"{reason} (CI is set, so the site's browser tests may not skip)", pytrace=False
        )
    pytest.skip(reason)


@pytest.fixture(scope="session")
def site() -> Path:
    """The built site's folder (built now when ``build/site/index.html`` is missing)."""
    if not (SITE / "index.html").is_file():
        from inputspace.site.build import build_site

        build_site(SITE, paths.BUILD / "site-src")
    return SITE


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args) -> None:  # the base class names it "format"
        pass


@pytest.fixture(scope="session")
def server(site: Path):
    """Base URL (ending in ``/``) of a local HTTP server serving the site."""
    httpd = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site))
    )
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="session")
def chromium():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable(
            "playwright is not installed: `make setup`; no `playwright install`, the tests use "
            "the system Chromium"
        )
    if not CHROMIUM.is_file():
        unavailable(
            f"no Chromium at {CHROMIUM}: `apt-get install chromium` "
            "(or point INPUTSPACE_CHROMIUM at a Chromium binary)"
        )
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(chromium, server):
    """A fresh page whose requests to any other host are blocked and recorded in ``page.foreign``
    (each test ends by asserting it stayed empty: the site must work offline)."""
    p = chromium.new_page(viewport={"width": 1400, "height": 1000})
    p.foreign = []

    def route(r):
        if r.request.url.startswith((server, "data:", "blob:")):
            r.continue_()
        else:
            p.foreign.append(r.request.url)
            r.abort()

    p.route("**/*", route)
    try:
        yield p
    finally:
        p.close()
