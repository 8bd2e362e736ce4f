"""The site's markdown pages: the landing page, the scorecard, and pages cut from the README and
``docs/``. Each takes what it shows from the README by heading where it can and falls back to a
generated or explanatory text when a section is missing, so a README rewrite never breaks the site.

The companion's guides live in ``docs/`` (the README links to them): the own-model page is
``docs/own-model.md`` and the running page joins the README's quick start and profiles with
``docs/running.md`` and ``docs/paper-profile.md`` (:data:`COMPANION_DOCS`); without those files the
pages fall back to the README's sections of the same names.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from dataclasses import dataclass

from .links import SiteMap, heading_slug, html_name, relative_to, rewrite_links
from .notebooks import OTHER, PARTS, table_cell, verdict_of
from .readme import (
    as_page,
    find_section,
    preamble,
    readme_sections,
    relevel,
    sections_matching,
    title_of,
)

WHAT_THIS_IS = ("what this is", "what is this", "about")
RESULTS = ("results at a glance", "at a glance", "results")
OWN_MODEL = ("use it on your own model", "on your own model", "your own model", "own model")
RUNNING = (
    "quick start",
    "profiles",
    "running",
    "paper profile",
    "paper code path",
    "paper-check",
    "cluster",
    "slurm",
)
"""Candidate README headings of each page, tried in order (:func:`.readme.find_section`)."""
COMPANION_DOCS = {
    "own-model.md": ("own-model.md",),
    "running.md": ("running.md", "paper-profile.md"),
}
"""Site page -> the ``docs/`` files it is made of, in order. Those files are shown there, not again
under "Documents", and links to them lead there."""
CLAIM_FIELDS = (
    "notebook_id",
    "claim_id",
    "statement",
    "paper_value",
    "measured",
    "passed",
    "note",
    "evidence",
    "standin",
)
"""Scorecard row fields with a column of their own; any other field is listed under "more"."""


@dataclass(frozen=True)
class GalleryItem:
    """One thumbnail of the landing page: the figure's name, its thumbnail (staged path) and the
    notebook page it links to (staged path) with that notebook's id and title."""

    name: str
    thumbnail: str
    page: str
    notebook_id: str
    title: str


def toctrees(contents: Sequence[tuple[str, Sequence[str]]]) -> str:
    """One visible toctree per (caption, staged pages) of ``contents``, in that order: the site's
    navigation (Sphinx builds the sidebar from the landing page's toctrees)."""
    blocks = []
    for caption, docs in contents:
        if not docs:
            continue
        entries = "\n".join(d.rsplit(".", 1)[0] for d in docs)
        blocks.append(f"```{{toctree}}\n:caption: {caption}\n:maxdepth: 1\n\n{entries}\n```")
    return "\n\n".join(blocks)


def part_of(nid: str) -> str:
    """The table-of-contents section (:data:`.notebooks.PARTS` key or ``other``) of a notebook id."""
    prefix = nid.split("-", 1)[0]
    return prefix if prefix in PARTS else "other"


def results_at_a_glance(claims: dict, scorecard: str | None) -> str:
    """A generated summary of the scorecard: totals, then pass / fail / not evaluated per section,
    each linking to its part of the scorecard page (``scorecard``: that page's link; None on the
    scorecard page itself)."""
    rows = claims.get("claims", [])
    where = f"the [claims scorecard]({scorecard})" if scorecard else "the tables below"
    if not rows:
        return f"No claims are recorded yet: see {where}."
    counts: dict[str, dict[str, int]] = {}
    for r in rows:
        c = counts.setdefault(
            part_of(str(r.get("notebook_id", ""))), {"PASS": 0, "FAIL": 0, "N/A": 0}
        )
        c[verdict_of(r).split("-")[0].split(" ")[0]] += 1
    total = {v: sum(c[v] for c in counts.values()) for v in ("PASS", "FAIL", "N/A")}
    lines = [
        f"**{total['PASS']} pass, {total['FAIL']} fail, {total['N/A']} not evaluated** of "
        f"{len(rows)} claims ({claims.get('profile', 'quick')} profile); every claim with its numbers: "
        f"{where}.",
        "",
        "| part | pass | fail | not evaluated |",
        "|---|---|---|---|",
    ]
    captions = {**PARTS, "other": OTHER}
    for key, caption in captions.items():
        if key in counts:
            c = counts[key]
            lines.append(
                f"| [{caption}]({scorecard or ''}#{heading_slug(caption)}) | {c['PASS']} | {c['FAIL']} | {c['N/A']} |"
            )
    return "\n".join(lines)


def gallery_html(items: Sequence[GalleryItem], page: str) -> str:
    """The landing page's gallery: each figure's thumbnail linking to its notebook's page."""
    cards = [
        f'<a class="site-thumb" href="{html.escape(relative_to(html_name(i.page), page))}">'
        f'<img src="{html.escape(relative_to(i.thumbnail, page))}" alt="{html.escape(i.name)}">'
        f"<span><b>{html.escape(i.notebook_id)}</b> {html.escape(i.title)}</span></a>"
        for i in items
    ]
    return '```{raw} html\n<div class="site-gallery">\n' + "\n".join(cards) + "\n</div>\n```"


def landing_page(
    readme: str,
    claims: dict,
    gallery: Sequence[GalleryItem],
    contents: Sequence[tuple[str, Sequence[str]]],
    site: SiteMap,
) -> str:
    """``index.md``: the README's title and "what this is" (its opening when there is no such
    section), "results at a glance" (generated from the scorecard when the README has none), the
    gallery, then the contents (:func:`toctrees`)."""
    sections = readme_sections(readme)
    what = find_section(sections, *WHAT_THIS_IS)
    results = find_section(sections, *RESULTS)
    page = "index.md"
    what_md = relevel(what.body, 2 - what.level) if what else preamble(readme)
    results_md = (
        rewrite_links(relevel(results.body, 2 - results.level), "README.md", page, site)
        if results
        else results_at_a_glance(claims, "scorecard.md")
    )
    out = [
        f"# {title_of(readme) or 'inputspace'}",
        "",
        "## What this is",
        "",
        rewrite_links(what_md, "README.md", page, site),
        "",
        "## Results at a glance",
        "",
        results_md,
        "",
        "## Gallery",
        "",
        "Every figure of the notebooks; each links to its notebook.",
        "",
        gallery_html(gallery, page),
        "",
        "## Contents",
        "",
        toctrees(contents),
        "",
    ]
    return "\n".join(out)


def readme_page(
    readme: str, title: str, candidates: Sequence[str], missing: str, site: SiteMap, page: str
) -> str:
    """A page holding the README section found by ``candidates`` (its heading becomes the page's
    title), or ``title`` with the note ``missing`` when the README has no such section."""
    section = find_section(readme_sections(readme), *candidates)
    body = as_page(section) if section else f"# {title}\n\n{missing}"
    return rewrite_links(body, "README.md", page, site)


def running_page(
    readme: str, site: SiteMap, page: str, docs: Sequence[tuple[str, str]] = ()
) -> str:
    """Profiles, running, the paper profile, ``make paper-check`` and clusters: every README section
    whose heading names one of :data:`RUNNING`, in README order, then each of ``docs`` ((repository
    path, text) of a ``docs/*.md`` guide, its title one level down), under one title."""
    found = sections_matching(readme_sections(readme), *RUNNING)
    parts = [rewrite_links(as_page(s, level=2), "README.md", page, site) for s in found]
    parts += [
        rewrite_links(relevel(titled(text, source.rsplit("/", 1)[-1]), 1), source, page, site)
        for source, text in docs
    ]
    body = "\n\n".join(parts) or (
        "The README has no section on the profiles, the paper profile or clusters at the moment: "
        "see the repository's README.md."
    )
    return f"# Running: profiles, paper scale and clusters\n\n{body}"


def titled(text: str, name: str) -> str:
    """``text`` of a ``docs/`` file opening with a level-1 heading: its own, or one made from the
    file name (every page needs one for the table of contents)."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    if first.startswith("# "):
        return text
    return f"# {name.removesuffix('.md').replace('-', ' ').capitalize()}\n\n{text}"


def doc_page(text: str, name: str, site: SiteMap, page: str) -> str:
    """A ``docs/*.md`` file as a page: links re-pointed; a title from the file name if it has no
    level-1 heading first (every page needs one for the table of contents)."""
    return titled(rewrite_links(text, f"docs/{name}", page, site), name)


def _interval(evidence: object) -> str:
    """`` [95 % CI lo–hi, n = k]`` from a row's evidence (whatever of it is there)."""
    if not isinstance(evidence, dict):
        return ""
    interval, n = evidence.get("interval"), evidence.get("n_items")
    parts = []
    if isinstance(interval, list | tuple) and len(interval) == 2:
        try:
            parts.append(f"95 % CI {float(interval[0]):.3g}–{float(interval[1]):.3g}")
        except (TypeError, ValueError):
            pass
    if n is not None:
        parts.append(f"n = {n}")
    return f" [{', '.join(parts)}]" if parts else ""


def _more(row: dict) -> str:
    """Fields of a row without a column (``network``, ``kind``, ``reason``, ``old_id`` …), as
    ``name: value`` pairs; a stand-in row says so."""
    items = [
        f"{k}: {v if isinstance(v, str) else json.dumps(v)}"
        for k, v in row.items()
        if k not in CLAIM_FIELDS
    ]
    if row.get("standin"):
        items.insert(0, "stand-in data")
    return "; ".join(items)


def scorecard_page(
    claims: dict, notebooks: dict[str, tuple[str, str]], order: Sequence[str]
) -> str:
    """``scorecard.md`` from ``figures/claims.json``: totals, then per section and per notebook a
    table whose claim ids link to the notebook's page. ``notebooks``: id -> (staged path, title);
    ``order``: notebook ids in table-of-contents order (others follow by id). Unknown row fields
    are shown, not dropped (:func:`_more`)."""
    rows = claims.get("claims", [])
    page = "scorecard.md"
    out = [
        "# Claims scorecard",
        "",
        f"{len(rows)} claims ({claims.get('profile', 'quick')} profile), as recorded by the committed "
        "notebooks in `figures/claims.json`; each claim id links to its notebook. A claim that does not "
        "reproduce is reported as failed, with its numbers.",
        "",
        results_at_a_glance(claims, None),
        "",
    ]
    rank = {nid: i for i, nid in enumerate(order)}
    by_nb: dict[str, list[dict]] = {}
    for r in rows:
        by_nb.setdefault(str(r.get("notebook_id", "?")), []).append(r)
    ids = sorted(by_nb, key=lambda n: (rank.get(n, len(rank)), n))
    for key, caption in {**PARTS, "other": OTHER}.items():
        mine = [n for n in ids if part_of(n) == key]
        if not mine:
            continue
        out += [f"## {caption}", ""]
        for nid in mine:
            staged, title = notebooks.get(nid, (None, ""))
            link = relative_to(staged, page) if staged else None
            out += [
                f"### {nid}",
                "",
                f"[{title or nid}]({link})" if link else f"{nid} (no notebook page)",
                "",
            ]
            more = any(_more(r) for r in by_nb[nid])
            out += [
                "| claim | statement | paper | measured | verdict | note |"
                + (" more |" if more else ""),
                "|---|---|---|---|---|---|" + ("---|" if more else ""),
            ]
            for r in by_nb[nid]:
                cid = table_cell(r.get("claim_id", "?"))
                cells = [
                    f"[{cid}]({link})" if link else cid,
                    table_cell(r.get("statement", "")),
                    table_cell(r.get("paper_value", "")),
                    table_cell(r.get("measured", "")) + _interval(r.get("evidence")),
                    f"**{verdict_of(r)}**",
                    table_cell(r.get("note", "")),
                ]
                if more:
                    cells.append(table_cell(_more(r)))
                out.append("| " + " | ".join(cells) + " |")
            out.append("")
    return "\n".join(out)
