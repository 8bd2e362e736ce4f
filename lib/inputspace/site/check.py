"""What the site tests assert on a built site, as functions that return the problems they find
(an empty list when the site is sound): every notebook in the table of contents, no broken
internal link or anchor, nothing loaded from another host.

They read HTML with the standard library's parser; the browser tests feed them what Chromium
shows (the navigation's links) and what the local HTTP server serves (the crawl).
"""

from __future__ import annotations

import posixpath
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable
from html.parser import HTMLParser
from pathlib import Path

LOCAL_HOSTS = ("127.0.0.1", "localhost", "[::1]")
_ASSET_TAGS = {
    "script": "src",
    "img": "src",
    "iframe": "src",
    "source": "src",
    "audio": "src",
    "video": "src",
    "embed": "src",
    "link": "href",
}
_CSS_REMOTE = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"])((?:https?:)?//[^'")\s]+)""", re.I)


class _Parser(HTMLParser):
    """Collects ids, every (tag, url) reference and the main navigation's captions and links."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.refs: list[tuple[str, str]] = []
        self.nav: list[tuple[str, list[str]]] = []
        self._nav_depth = 0  # >0 inside <nav class="bd-docs-nav">
        self._caption = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        for key in ("id", "name") if tag in ("a",) else ("id",):
            if a.get(key):
                self.ids.add(a[key])
        if tag == "a" and "href" in a:
            self.refs.append((tag, a["href"]))
        elif tag in _ASSET_TAGS and a.get(_ASSET_TAGS[tag]):
            self.refs.append((tag, a[_ASSET_TAGS[tag]]))
        if tag == "nav":
            if self._nav_depth or "bd-docs-nav" in a.get("class", "").split():
                self._nav_depth += 1
        elif self._nav_depth:
            if tag == "p" and "caption" in a.get("class", "").split():
                self._caption = True
                self.nav.append(("", []))
            elif tag == "a" and "href" in a:
                if not self.nav:
                    self.nav.append(("", []))
                self.nav[-1][1].append(a["href"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "nav" and self._nav_depth:
            self._nav_depth -= 1
        elif tag == "p":
            self._caption = False

    def handle_data(self, data: str) -> None:
        if self._caption and self.nav:
            self.nav[-1] = (self.nav[-1][0] + data.strip(), self.nav[-1][1])


def parse_page(html: str) -> _Parser:
    """The parsed page: ``.ids``, ``.refs`` [(tag, url)] and ``.nav`` [(caption, hrefs)]."""
    p = _Parser()
    p.feed(html)
    p.close()
    return p


def toc_problems(nav_hrefs: Iterable[str], notebooks: Iterable[Path]) -> list[str]:
    """Compare the table of contents (the hrefs of the landing page's navigation, relative to the
    site root) with the notebooks folder: every notebook must have its page listed, and no page
    listed under ``notebooks/`` may lack its notebook."""
    listed = {urllib.parse.urlsplit(h).path.removeprefix("./") for h in nav_hrefs}
    expected = {f"notebooks/{nb.stem}.html": nb.name for nb in notebooks}
    problems = [
        f"{name} is not in the table of contents"
        for page, name in sorted(expected.items())
        if page not in listed
    ]
    problems += [
        f"{page} is in the table of contents but notebooks/ has no such notebook"
        for page in sorted(listed)
        if page.startswith("notebooks/") and page not in expected
    ]
    return problems


def _is_local(url: str) -> bool:
    host = (
        urllib.parse.urlsplit(url).netloc.rsplit("@", 1)[-1].rsplit(":", 1)[0]
        if "//" in url
        else ""
    )
    return host in LOCAL_HOSTS or f"[{host}]" in LOCAL_HOSTS


def external_assets(site: Path) -> list[str]:
    """Scripts, style sheets, fonts, images and frames the built ``site`` would load from another
    host: ``<script src>``, ``<link href>``, ``<img src>`` … with an absolute URL in its HTML, and
    ``url(...)`` / ``@import`` of one in its CSS. Links a reader may follow (``<a href>``) are
    not assets and are allowed."""
    found = []
    for page in sorted(site.rglob("*.html")):
        for tag, url in parse_page(page.read_text(errors="replace")).refs:
            if tag != "a" and re.match(r"^(https?:)?//", url, re.I) and not _is_local(url):
                found.append(f"{page.relative_to(site)}: <{tag}> {url}")
    for css in sorted(site.rglob("*.css")):
        for m in _CSS_REMOTE.finditer(css.read_text(errors="replace")):
            if not _is_local(m.group(1)):
                found.append(f"{css.relative_to(site)}: {m.group(1)}")
    return found


def fetch_url(url: str) -> bytes | None:
    """The body at ``url``, or None when the server answers with an error (404 …)."""
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.read()
    except urllib.error.HTTPError:
        return None


def broken_links(
    start: str, fetch: Callable[[str], bytes | None] = fetch_url
) -> tuple[list[str], int]:
    """Crawl every page reachable from ``start`` (a URL; the site is everything under its folder)
    and check each internal reference: the file must be served and an ``#anchor`` must be an id of
    the page it points to. Returns (problems, pages crawled). Links to other hosts, ``mailto:`` and
    ``data:`` URLs are not followed (the site is checked offline)."""
    root = start.rsplit("/", 1)[0] + "/"
    pages: dict[str, _Parser | None] = {}
    exists: dict[str, bool] = {}
    problems: list[str] = []
    queue = [start]

    def load(url: str) -> bool:
        if url not in exists:
            body = fetch(url)
            exists[url] = body is not None
            if body is not None and (url.endswith((".html", "/"))):
                pages[url] = parse_page(body.decode(errors="replace"))
                queue.append(url)
        return exists[url]

    load(start)
    seen: set[str] = set()
    while queue:
        url = queue.pop()
        if url in seen or pages.get(url) is None:
            continue
        seen.add(url)
        for tag, ref in pages[url].refs:
            if re.match(r"^(mailto|data|javascript|tel):", ref, re.I):
                continue
            target = urllib.parse.urljoin(url, ref)
            parts = urllib.parse.urlsplit(target)
            plain = urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
            if not plain.startswith(root):
                continue
            if plain.endswith("/"):
                plain += "index.html"
            if not load(plain):
                problems.append(f"{url.removeprefix(root)}: <{tag}> {ref} -> not found")
            elif parts.fragment and pages.get(plain) is not None:
                fragment = urllib.parse.unquote(parts.fragment)
                if fragment not in pages[plain].ids:
                    problems.append(
                        f"{url.removeprefix(root)}: <{tag}> {ref} -> no #{fragment} in "
                        f"{posixpath.relpath(plain, root)}"
                    )
    return problems, len(seen)
