"""The built site as a reader meets it in Chromium: the landing page, one notebook of each paper
and the scorecard render with every image loaded; the table of contents lists every notebook of
``notebooks/``; no internal link or anchor is broken; nothing is fetched from another host; the
search box finds a claim's notebook; the explorers show their static view and how to run them.
Read from the DOM; the waits are upper bounds against hangs, not timed assertions."""

from __future__ import annotations

import json
import re

import nbformat
import pytest

from inputspace import paths
from inputspace.catalogue import notebook_id, select
from inputspace.run.volatile import WIDGET_VIEW
from inputspace.site import check
from inputspace.site.notebooks import LIVE_LINE, is_progress_bar, notebook_parts

WAIT_MS = 60_000
NOTEBOOKS = sorted(paths.NOTEBOOKS.glob("*.ipynb"))
CLAIMS = json.loads((paths.FIGURES_ROOT / "claims.json").read_text())["claims"]
BROKEN_IMAGES = (
    "() => [...document.images].filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)"
)


def first_figure_notebooks() -> list[str]:
    """Per paper (P1, P2, P3), the first notebook after its overview, in site order."""
    return [
        f"notebooks/{p.notebooks[1].stem}.html"
        for p in notebook_parts(select(None))
        if re.fullmatch(r"p\d", p.key) and p.key != "p0" and len(p.notebooks) > 1
    ]


def explorer_notebooks() -> list[str]:
    """Notebooks whose committed outputs hold an ipywidgets explorer (not a progress bar)."""
    out = []
    for nb_path in NOTEBOOKS:
        nb = nbformat.read(nb_path, as_version=4)
        if any(
            WIDGET_VIEW in o.get("data", {}) and not is_progress_bar(o)
            for c in nb.cells
            if c.cell_type == "code"
            for o in c.outputs
        ):
            out.append(nb_path.stem)
    return out


def open_page(page, server: str, path: str):
    page.goto(server + path, wait_until="load", timeout=WAIT_MS)
    return page


@pytest.mark.parametrize("path", ["index.html", "scorecard.html"] + first_figure_notebooks())
def test_page_renders_with_every_image_loaded(page, server, path):
    open_page(page, server, path)
    assert page.locator("article h1").count() >= 1, f"{path} has no title"
    images = page.locator("article img").count()
    if path.startswith("notebooks/"):
        assert images >= 1, f"{path}: a figure notebook without a figure"
    page.wait_for_function(
        f"() => ({BROKEN_IMAGES})().length === 0 || document.readyState === 'complete'",
        timeout=WAIT_MS,
    )
    assert page.evaluate(BROKEN_IMAGES) == [], f"{path}: images that did not load"
    assert page.foreign == [], f"{path} requested other hosts: {page.foreign}"


def test_landing_page_has_its_parts_and_a_gallery_of_every_figure(page, server):
    open_page(page, server, "index.html")
    headings = page.locator("article h2").all_inner_texts()
    for h in ("What this is", "Results at a glance", "Gallery", "Contents"):
        assert any(t.strip().startswith(h) for t in headings), f"no '{h}' section: {headings}"
    ids = {notebook_id(nb) for nb in NOTEBOOKS}
    figures = [p for p in sorted(paths.FIGURES_ROOT.glob("*.png")) if notebook_id(p) in ids]
    thumbs = page.locator(".site-gallery a.site-thumb")
    assert thumbs.count() == len(figures) > 0
    first = thumbs.first.get_attribute("href")
    assert re.fullmatch(r"notebooks/[\w-]+\.html", first), first


def test_table_of_contents_lists_every_notebook_with_overviews_first(page, server):
    open_page(page, server, "index.html")
    sections = page.evaluate("""() => [...document.querySelectorAll('nav.bd-docs-nav p.caption')].map(c => {
        const list = c.nextElementSibling;
        return [c.innerText.trim(), [...list.querySelectorAll('a')].map(a => a.getAttribute('href'))];
    })""")
    hrefs = [h for _, hs in sections for h in hs]
    assert check.toc_problems(hrefs, NOTEBOOKS) == []
    for caption, hs in sections:
        if re.match(r"P[123] ", caption):
            assert re.fullmatch(rf"notebooks/{caption[:2].lower()}-00-[\w-]+\.html", hs[0]), (
                caption,
                hs[0],
            )


def test_scorecard_lists_every_claim_linked_to_its_notebook(page, server):
    open_page(page, server, "scorecard.html")
    rows = page.evaluate("""() => [...document.querySelectorAll('article table tbody tr')].map(tr => {
        const a = tr.cells[0].querySelector('a');
        return [tr.cells[0].innerText.trim(), a ? a.getAttribute('href') : ''];
    })""")
    linked = {
        (cid, href) for cid, href in rows if href.startswith("notebooks/")
    }  # ids repeat across notebooks
    stems = {notebook_id(nb): nb.stem for nb in NOTEBOOKS}
    missing = [
        (c["claim_id"], c["notebook_id"])
        for c in CLAIMS
        if c["notebook_id"] in stems
        and (c["claim_id"], f"notebooks/{stems[c['notebook_id']]}.html") not in linked
    ]
    assert missing == []
    page.locator(
        f"article a[href^='notebooks/{stems[CLAIMS[0]['notebook_id']]}.html']"
    ).first.click()
    page.wait_for_url(f"**/notebooks/{stems[CLAIMS[0]['notebook_id']]}.html", timeout=WAIT_MS)
    assert CLAIMS[0]["claim_id"] in page.locator("article").inner_text()


def test_no_internal_link_is_broken(server, site):
    problems, crawled = check.broken_links(server + "index.html")
    assert problems == []
    assert crawled >= len(NOTEBOOKS) + 3  # every notebook, the landing page, scorecard, search …


def test_no_script_style_or_font_comes_from_another_host(site):
    assert check.external_assets(site) == []


def test_search_finds_the_notebook_of_a_claim(page, server):
    claim = CLAIMS[0]
    stem = next(nb.stem for nb in NOTEBOOKS if notebook_id(nb) == claim["notebook_id"])
    open_page(page, server, "index.html")
    page.locator("button.search-button-field").first.click()
    box = page.locator("#pst-search-dialog input[name=q]")
    box.fill(claim["claim_id"])
    box.press("Enter")
    page.wait_for_url("**/search.html?q=*", timeout=WAIT_MS)
    page.wait_for_function(
        "() => /Search finished/.test(document.querySelector('#search-results')?.innerText || '')",
        timeout=WAIT_MS,
    )
    found = page.locator("#search-results ul.search li a").evaluate_all(
        "as => as.map(a => a.getAttribute('href'))"
    )
    assert any(h.split("?")[0].split("#")[0] == f"notebooks/{stem}.html" for h in found), found
    assert page.foreign == []


@pytest.mark.parametrize("stem", explorer_notebooks())
def test_explorer_shows_its_static_view_and_how_to_run_it(page, server, stem):
    open_page(page, server, f"notebooks/{stem}.html")
    text = page.locator("article").inner_text()
    assert LIVE_LINE.replace("`", "") in text
    assert page.locator("script[type='application/vnd.jupyter.widget-view+json']").count() == 0
    saved = paths.FIGURES_ROOT / f"{notebook_id(paths.NOTEBOOKS / (stem + '.ipynb'))}-explorer.png"
    views = page.locator("article figure.site-explorer")
    assert views.count() >= 1
    images = views.locator("img")
    assert images.count() == (views.count() if saved.is_file() else 0)
    assert images.evaluate_all("is => is.every(i => i.complete && i.naturalWidth > 0)")
