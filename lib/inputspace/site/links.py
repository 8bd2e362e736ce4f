"""Links written for the repository (``notebooks/p1-fig01-barrier.ipynb``, ``figures/claims.md``,
``README.md#running``) pointed at the pages that hold the same content on the site.

A link to something the site does not have (a library source file, ``data/README.md``) becomes
its plain text: a site must not carry dead links, and the link checker of the site tests holds it
to that. Links with a scheme (``https:``, ``mailto:``) are left alone.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field

_FENCED = re.compile(r"^(\s{0,3})(`{3,}|~{3,})[^\n]*\n.*?^\1\2[`~]*[ \t]*$", re.M | re.S)
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1", re.S)
# [text](target "title") and ![alt](target); the text may hold one level of brackets ([![img](a)](b))
_LINK = re.compile(
    r"(!?)\[((?:[^\[\]]|\[[^\[\]]*\](?:\([^()]*\))?)*)\]\(\s*<?([^()\s>]+)>?(\s+\"[^\"]*\")?\s*\)"
)
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def heading_slug(title: str) -> str:
    """The anchor of a heading: GitHub's rule (lower case, punctuation dropped, spaces to dashes).

    The site's Sphinx configuration uses this very function for MyST's heading anchors, so links
    rewritten here and the anchors on the pages always agree."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", title)  # [text](url) -> text
    text = text.replace("`", "").replace("*", "").strip().lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def markdown_headings(markdown: str) -> list[str]:
    """The titles of the ATX headings of ``markdown`` outside fenced code."""
    plain = _FENCED.sub("", markdown)
    return [m.group(1).strip() for m in re.finditer(r"^#{1,6}\s+(.+?)\s*#*\s*$", plain, re.M)]


@dataclass
class SiteMap:
    """Where repository files live on the site.

    ``pages``: repository path (posix, relative to the root) -> staged source path of its page
    (``notebooks/x.ipynb``, ``scorecard.md``) or of a copied file (an image); ``anchors``: staged
    path -> the heading anchors its page has."""

    pages: dict[str, str] = field(default_factory=dict)
    anchors: dict[str, set[str]] = field(default_factory=dict)

    def add(self, repo_path: str, staged: str, headings: list[str] | None = None) -> None:
        self.pages[repo_path] = staged
        if headings is not None:
            self.anchors.setdefault(staged, set()).update(heading_slug(h) for h in headings)

    def locate(self, repo_path: str, fragment: str) -> str | None:
        """The staged path (with ``#fragment`` where that page has the anchor) or None."""
        staged = self.pages.get(repo_path)
        if staged is None:
            return None
        if fragment and fragment in self.anchors.get(staged, ()):
            return f"{staged}#{fragment}"
        return staged


def _rewrite_one(
    bang: str, text: str, target: str, title: str, source_dir: str, page_dir: str, site: SiteMap
) -> str:
    if _SCHEME.match(target):
        return f"{bang}[{text}]({target}{title})"
    path, _, fragment = target.partition("#")
    # a bare "#anchor" names a heading of the source itself, which may sit on another page: text
    staged = (
        site.locate(posixpath.normpath(posixpath.join(source_dir, path)), fragment)
        if path
        else None
    )
    if staged is None:
        return f"*{text}*" if bang else text
    page, _, anchor = staged.partition("#")
    rel = posixpath.relpath(page, page_dir or ".")
    return f"{bang}[{text}]({rel}{'#' + anchor if anchor else ''}{title})"


def _rewrite_prose(chunk: str, source_dir: str, page_dir: str, site: SiteMap) -> str:
    """The links of ``chunk`` (no fenced code in it) rewritten; links are found on a copy whose
    code spans are blanked, so a link's text may hold code (``[`x`](y)``) but a code span's
    brackets are never taken for a link."""
    masked = _CODE_SPAN.sub(
        lambda m: m.group(1) + "x" * (len(m.group(0)) - 2 * len(m.group(1))) + m.group(1), chunk
    )
    out, last = [], 0
    for m in _LINK.finditer(masked):
        g = [chunk[m.start(i) : m.end(i)] if m.start(i) >= 0 else "" for i in range(1, 5)]
        out += [chunk[last : m.start()], _rewrite_one(*g, source_dir, page_dir, site)]
        last = m.end()
    out.append(chunk[last:])
    return "".join(out)


def rewrite_links(markdown: str, source: str, page: str, site: SiteMap) -> str:
    """``markdown`` from repository file ``source`` (posix path from the root), to be staged as
    ``page`` (path in the site's source tree), with every relative link and image re-pointed
    through ``site`` or, where the site lacks the target, replaced by its text. Fenced code blocks
    and code spans are left untouched."""
    source_dir, page_dir = posixpath.dirname(source), posixpath.dirname(page)
    out, last = [], 0
    for m in _FENCED.finditer(markdown):
        out += [_rewrite_prose(markdown[last : m.start()], source_dir, page_dir, site), m.group(0)]
        last = m.end()
    out.append(_rewrite_prose(markdown[last:], source_dir, page_dir, site))
    return "".join(out)


def relative_to(staged: str, page: str) -> str:
    """``staged`` (a path in the site's source tree) as a link from ``page``."""
    return posixpath.relpath(staged, posixpath.dirname(page) or ".")


def html_name(staged: str) -> str:
    """The built HTML file of a staged page: ``notebooks/x.ipynb`` -> ``notebooks/x.html``."""
    return posixpath.splitext(staged)[0] + ".html"
